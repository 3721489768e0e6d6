// Shape, stride and broadcasting helpers shared by every layer.
import { ArgumentError, IndexError, ShapeError, fmtShape } from './errors.js';

export type Shape = readonly number[];

export function numel(shape: Shape): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

export function contiguousStrides(shape: Shape): number[] {
  const st = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = acc;
    acc *= shape[i]!;
  }
  return st;
}

/** True when (shape, strides) is row-major dense. Size-1 dims may have any stride, like PyTorch. */
export function isContiguousLayout(shape: Shape, strides: Shape): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] === 1) continue;
    if (strides[i] !== expected) return false;
    expected *= shape[i]!;
  }
  return true;
}

/** Wraps a possibly negative dim into [0, ndim). */
export function normalizeDim(dim: number, ndim: number, op: string): number {
  const n = Math.max(ndim, 1); // a 0-d tensor accepts dim 0 and -1, like PyTorch
  if (!Number.isInteger(dim) || dim < -n || dim >= n) {
    throw new IndexError(`${op}: dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`);
  }
  return dim < 0 ? dim + n : dim;
}

export function normalizeDims(dims: number | readonly number[] | undefined, ndim: number, op: string): number[] {
  if (dims == null) return Array.from({ length: ndim }, (_, i) => i); // undefined or null (PyTorch's dim=None)
  const list = typeof dims === 'number' ? [dims] : dims;
  const out = list.map((d) => normalizeDim(d, ndim, op));
  if (new Set(out).size !== out.length) throw new ArgumentError(`${op}: dim ${JSON.stringify(list)} appears multiple times in the list of dims`);
  return ndim === 0 ? [] : out;
}

export function checkShape(shape: readonly number[], op: string): number[] {
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0) {
      throw new ArgumentError(`${op}: sizes must be non-negative integers, got ${fmtShape(shape)}`);
    }
  }
  return [...shape];
}

/** torch.broadcast_shapes: align right; each pair of sizes must be equal or one of them 1. */
export function broadcastShapes(a: Shape, b: Shape, op = 'broadcast'): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new ShapeError(`${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} are not broadcastable ` +
        `(the size of dim ${i - n} is ${x} vs ${y}; sizes must match or one of them be 1)`);
    }
    out[i] = x === 1 ? y : x;
  }
  return out;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Resolves one -1 in a requested shape against numel; throws if impossible. */
export function inferShape(shape: readonly number[], total: number, op: string, from: Shape): number[] {
  let neg = -1;
  let known = 1;
  shape.forEach((s, i) => {
    if (s === -1) {
      if (neg >= 0) throw new ArgumentError(`${op}: only one dimension can be inferred, got ${fmtShape(shape)}`);
      neg = i;
    } else if (!Number.isInteger(s) || s < 0) {
      throw new ArgumentError(`${op}: invalid shape dimension ${s} in ${fmtShape(shape)}`);
    } else known *= s;
  });
  const out = [...shape];
  if (neg >= 0) {
    if (known === 0 || total % known !== 0) {
      throw new ShapeError(`${op}: shape '${fmtShape(shape)}' is invalid for input of size ${total} (input shape ${fmtShape(from)})`);
    }
    out[neg] = total / known;
  } else if (known !== total) {
    throw new ShapeError(`${op}: shape '${fmtShape(shape)}' is invalid for input of size ${total} (input shape ${fmtShape(from)})`);
  }
  return out;
}

/**
 * Strides for viewing (shape, strides) as newShape without copying, or null when impossible
 * (PyTorch's computeStride: each run of merged dims must be contiguous within itself).
 */
export function viewStrides(oldShape: Shape, oldStrides: Shape, newShape: Shape): number[] | null {
  const newStrides = new Array<number>(newShape.length).fill(0);
  if (numel(oldShape) === 0) return contiguousStrides(newShape);
  let viewD = newShape.length - 1;
  let chunkBase = oldStrides[oldStrides.length - 1] ?? 1;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = oldShape.length - 1; d >= 0; d--) {
    tensorNumel *= oldShape[d]!;
    if (d === 0 || (oldShape[d - 1] !== 1 && oldStrides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD]!;
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = oldStrides[d - 1]!;
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) {
    // remaining leading size-1 dims of a 0-d source
    while (viewD >= 0) { if (newShape[viewD] !== 1) return null; newStrides[viewD] = 1; viewD--; }
  }
  return newStrides;
}
