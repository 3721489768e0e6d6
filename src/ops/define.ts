// The op-definition helpers: result dtypes, scalar wrapping, broadcasting, and summing gradients
// back to an input's shape. Every op file builds on these, so broadcasting rules live in one place.
import { backwardPinnedOutputs } from '../autograd/engine.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { PIN_MIN, pinnedUninitialized, residentOutput } from '../autograd/pinned.js';
import { record } from '../autograd/node.js';
import { getBackend } from '../backend/index.js';
import type { Backend, View } from '../backend/backend.js';
import { CHECK_UNINIT, takeFor } from '../tensor/buffer-pool.js';
import { scalarTensor } from '../tensor/creation.js';
import { type DType, type TypedArray, allocate, isFloating, promoteTypes, roundInPlace } from '../tensor/dtype.js';
import { DTypeError } from '../tensor/errors.js';
import { broadcastShapes, numel, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

export type Scalar = number | boolean;
export type TensorLike = Tensor | Scalar;

export { record };

export const be = (): Backend => getBackend();

/**
 * A pinned output, or null: during a backward pass a gradient (noted for the engine's recycling, see
 * backwardPinnedOutputs), under grad mode an activation (moved out when the next backward pass ends).
 */
function pinnedOutput(shape: readonly number[], dtype: DType, n: number): Tensor | null {
  if (dtype !== 'float32' || n < PIN_MIN) return null;
  const made = backwardPinnedOutputs();
  if (made) {
    const t = pinnedUninitialized(shape);
    if (t) made.push(t.storage);
    return t;
  }
  return isGradEnabled() ? residentOutput(shape) : null;
}

/** A fresh contiguous output of the given shape and dtype, zero-filled. */
export function empty(shape: readonly number[], dtype: DType): Tensor {
  const n = numel(shape);
  const pinned = pinnedOutput(shape, dtype, n);
  if (pinned) {
    pinned.storage.data.fill(0);
    return pinned;
  }
  const reused = takeFor(dtype, n);
  if (reused) reused.fill(0);
  return Tensor.fromArray(reused ?? allocate(dtype, n), shape, dtype);
}

export { pinnedUninitialized };

/**
 * A fresh contiguous output whose contents are undefined (a reused buffer keeps old values): only for
 * outputs a kernel writes in full on every backend, where zero-filling a reused buffer would be waste.
 */
export function uninitialized(shape: readonly number[], dtype: DType): Tensor {
  const n = numel(shape);
  const pinned = pinnedOutput(shape, dtype, n);
  if (pinned) return pinned;
  const data = takeFor(dtype, n) ?? allocate(dtype, n);
  if (CHECK_UNINIT && isFloating(dtype)) data.fill(NaN);
  return Tensor.fromArray(data, shape, dtype);
}

/** Rounds a freshly computed float16/bfloat16 result (the emulated storage formats). */
export function finishOut(t: Tensor): Tensor {
  if (t.dtype === 'float16' || t.dtype === 'bfloat16') roundInPlace(t.dtype, t.storage.data);
  return t;
}

export function viewOf(t: Tensor): View {
  return { data: t.storage.data, shape: t.shape, strides: t.strides, offset: t.offset };
}

/** A view of t broadcast to `shape` (stride 0 on new and size-1 dims). No copy, no autograd. */
export function broadcastView(t: Tensor, shape: readonly number[]): View {
  const nd = shape.length;
  const strides = new Array<number>(nd).fill(0);
  for (let i = 0; i < t.ndim; i++) {
    const d = nd - t.ndim + i;
    strides[d] = t.shape[i] === 1 && shape[d] !== 1 ? 0 : t.strides[i]!;
  }
  return { data: t.storage.data, shape, strides, offset: t.offset };
}

const CATEGORY = (d: DType): number => (d === 'bool' ? 0 : isFloating(d) ? 2 : 1);

function promoteAll(ds: DType[]): DType | undefined {
  let r: DType | undefined;
  for (const d of ds) r = r === undefined ? d : promoteTypes(r, d);
  return r;
}

/** c10's combine_categories: a lower-priority operand only matters when its category is higher. */
function combine(higher: DType | undefined, lower: DType | undefined): DType | undefined {
  if (higher === undefined) return lower;
  if (lower === undefined) return higher;
  if (isFloating(higher)) return higher;
  if (higher === 'bool' || CATEGORY(lower) > CATEGORY(higher)) return promoteTypes(higher, lower);
  return higher;
}

/**
 * torch.result_type over tensors and scalars: dimensioned tensors outrank 0-d tensors, which outrank
 * plain numbers; a lower tier only promotes across categories (bool < int < float). Numbers that are
 * integers count as int (int32), others as float (float32, the default dtype).
 */
export function resultType(...xs: TensorLike[]): DType {
  const dims: DType[] = [];
  const zeros: DType[] = [];
  const wrapped: DType[] = [];
  for (const x of xs) {
    if (x instanceof Tensor) (x.ndim > 0 ? dims : zeros).push(x.dtype);
    else wrapped.push(typeof x === 'boolean' ? 'bool' : Number.isInteger(x) ? 'int32' : 'float32');
  }
  return combine(promoteAll(dims), combine(promoteAll(zeros), promoteAll(wrapped)))!;
}

/** Wraps a scalar as a 0-d tensor of `dtype`; tensors pass through. */
export function toTensor(x: TensorLike, dtype: DType): Tensor {
  return x instanceof Tensor ? x : scalarTensor(x, dtype);
}

export function checkTensor(x: unknown, op: string, what = 'input'): Tensor {
  if (!(x instanceof Tensor)) throw new DTypeError(`${op}: expected ${what} to be a Tensor, got ${x === null ? 'null' : typeof x}`);
  return x;
}

/** Sums a gradient over broadcast dims so it matches `shape`, then casts to `dtype`. */
export function sumToShape(g: Tensor, shape: readonly number[], dtype?: DType): Tensor {
  let r = g;
  if (!sameShape(r.shape, shape)) {
    const lead = r.ndim - shape.length;
    const dims: number[] = [];
    for (let i = 0; i < r.ndim; i++) if (i < lead || (shape[i - lead] === 1 && r.shape[i] !== 1)) dims.push(i);
    if (dims.length) r = r.sum(dims, { keepdim: true });
    if (lead > 0 || !sameShape(r.shape, shape)) r = r.reshape(shape);
  }
  if (dtype && r.dtype !== dtype) r = r.to(dtype);
  return r;
}

/** The floating dtype an op computes in for these inputs (ints and bools promote to float32). */
export function floatType(d: DType): DType {
  return isFloating(d) ? d : 'float32';
}

export function broadcastAll(op: string, ...ts: Tensor[]): number[] {
  let s: number[] = [];
  for (const t of ts) s = broadcastShapes(s, t.shape, op);
  return s;
}

/** Fills a contiguous typed array from any view via the identity kernel (strided gather + cast). */
export function contiguousData(t: Tensor, dtype: DType = t.dtype): TypedArray {
  if (t.isContiguous() && dtype === t.dtype && t.offset === 0 && t.storage.data.length === t.numel()) return t.storage.data;
  const out = allocate(dtype, t.numel());
  be().unary(dtype === 'bool' && t.dtype !== 'bool' ? 'toBool' : 'identity', viewOf(t), out);
  if (dtype === 'float16' || dtype === 'bfloat16') roundInPlace(dtype, out);
  return out;
}


