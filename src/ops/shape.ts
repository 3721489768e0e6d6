// Movement ops. Views (view, permute, transpose, expand, squeeze, narrow, select, unfold, diagonal, ...)
// change layout only and share storage; their backward is their inverse. Also the copying shape
// ops: contiguous, clone, cat, stack, flip, roll, repeat, repeatInterleave, tril/triu.
import { isGradEnabled, noGrad } from '../autograd/grad-mode.js';
import { ViewGrad } from '../autograd/node.js';
import { recycleFloat32, takeFor } from '../tensor/buffer-pool.js';
import { scalarTensor, zeros } from '../tensor/creation.js';
import { type DType, allocate, isFloating, roundInPlace } from '../tensor/dtype.js';
import { ArgumentError, IndexError, ShapeError, fmtShape } from '../tensor/errors.js';
import {
  inferShape, normalizeDim, normalizeDims, numel, sameShape, viewStrides,
} from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { be, broadcastView, checkTensor, empty, record, resultType, sumToShape, uninitialized, viewOf } from './define.js';

/**
 * Makes a view of x and records its backward. `viewFn` recreates the same view from any tensor of
 * x's shape; it lets autograd regenerate a view's history after its base is written in place.
 */
function makeView(
  x: Tensor, shape: readonly number[], strides: readonly number[], offset: number,
  name: string, viewFn: (t: Tensor) => Tensor, backward?: (g: Tensor) => Tensor,
): Tensor {
  const v = x._view(shape, strides, offset);
  v._base = x._base ?? x;
  const parent = x._viewFn;
  v._viewFn = parent ? (b) => viewFn(parent(b)) : viewFn;
  v._viewVersion = x.storage.version;
  if (!isFloating(x.dtype)) return v;
  // A view's gradient goes back as a ViewGrad (the engine writes the pieces reaching x into one zero
  // tensor); under createGraph it is a tensor built with differentiable ops.
  const bw = backward ?? ((g: Tensor) => (isGradEnabled() ? scatterIntoZeros(g, x.shape, viewFn) : new ViewGrad(x.shape, viewFn, g)));
  return record(v, name, [x], (g) => [bw(g)]);
}

/**
 * Gradient of a non-overlapping view as a tensor (under createGraph): zeros of the input's shape with g
 * written into the viewed region, itself differentiable in g (its gradient is the same view of the
 * incoming one), so double backward through views works.
 */
function scatterIntoZeros(g: Tensor, shape: readonly number[], viewFn: (t: Tensor) => Tensor): Tensor {
  const z = zeros(shape, { dtype: g.dtype });
  noGrad(() => writeInto(viewFn(z), g));
  return record(z, 'viewBackward', [g], (gg) => [viewFn(gg)]);
}

/**
 * Writes src (broadcast to dst's shape, cast to dst's dtype) into dst's storage, honouring dst's strides.
 * No autograd and no version bump: the in-place machinery owns both.
 */
export function writeInto(dst: Tensor, src: Tensor): void {
  if (src.ndim > dst.ndim || src.shape.some((s, i) => s !== 1 && s !== dst.shape[dst.ndim - src.ndim + i])) {
    throw new ShapeError(`copy_: the source of shape ${fmtShape(src.shape)} cannot be broadcast to the destination's shape ${fmtShape(dst.shape)}`);
  }
  const n = dst.numel();
  if (n === 0) return;
  const op = dst.dtype === 'bool' && src.dtype !== 'bool' ? 'toBool' : 'identity';
  const sv = broadcastView(src, dst.shape);
  if (dst.isContiguous() && src.storage !== dst.storage) {
    const out = dst.storage.data.subarray(dst.offset, dst.offset + n);
    be().unary(op, sv, out);
    if (dst.dtype === 'float16' || dst.dtype === 'bfloat16') roundInPlace(dst.dtype, out);
    return;
  }
  if (src.dtype === dst.dtype && src.storage !== dst.storage && sameShape(src.shape, dst.shape) && src.isContiguous()) {
    // A whole contiguous source into a strided window (the backward of narrow/split, slice assignment):
    // no staging copy.
    be().copyToStrided(src.storage.data, src.offset, viewOf(dst));
    return;
  }
  const tmp = takeFor(dst.dtype, n) ?? allocate(dst.dtype, n);
  be().unary(op, sv, tmp);
  if (dst.dtype === 'float16' || dst.dtype === 'bfloat16') roundInPlace(dst.dtype, tmp);
  be().copyToStrided(tmp, 0, viewOf(dst));
  if (tmp instanceof Float32Array) recycleFloat32(tmp); // a staging buffer nothing else can reach
}

// ---------------------------------------------------------------- views

/**
 * A view with a new shape (one -1 inferred). Throws PyTorch's error when the strides cannot express it.
 * @example arange(6).view([2, 3])
 */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor(x, 'view');
  const s = inferShape(shape, x.numel(), 'view', x.shape);
  const st = viewStrides(x.shape, x.strides, s);
  if (!st) {
    throw new ShapeError(`view: view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). ` +
      `Input shape ${fmtShape(x.shape)} with strides ${fmtShape(x.strides)} cannot be viewed as ${fmtShape(s)}. Use .reshape(...) instead.`);
  }
  return makeView(x, s, st, x.offset, 'view', (t) => view(t, s), (g) => g.reshape(x.shape));
}

/** Like view, but copies (contiguous().view()) when the strides cannot express the new shape. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor(x, 'reshape');
  const s = inferShape(shape, x.numel(), 'reshape', x.shape);
  if (viewStrides(x.shape, x.strides, s)) return view(x, s);
  return view(clone(x), s);
}

/** A copy with its own storage (differentiable). */
export function clone(x: Tensor): Tensor {
  checkTensor(x, 'clone');
  const out = uninitialized(x.shape, x.dtype);
  be().unary('identity', viewOf(x), out.storage.data);
  return record(out, 'clone', [x], (g) => [g]);
}

/** x itself when already contiguous, else a row-major copy. */
export function contiguous(x: Tensor): Tensor {
  return x.isContiguous() ? x : clone(x);
}

/** A tensor sharing storage (and version counter) with x but cut from the graph. */
export function detach(x: Tensor): Tensor {
  const t = x._view(x.shape, x.strides, x.offset);
  return t;
}

/** Reorders dims. @example x.permute([2, 0, 1]) */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  checkTensor(x, 'permute');
  if (dims.length !== x.ndim) throw new ShapeError(`permute: number of dims don't match: the input has ${x.ndim} dims (shape ${fmtShape(x.shape)}) but ${dims.length} were given (${fmtShape(dims)})`);
  const p = normalizeDims(dims, x.ndim, 'permute');
  const inv = new Array<number>(p.length);
  p.forEach((d, i) => { inv[d] = i; });
  return makeView(x, p.map((d) => x.shape[d]!), p.map((d) => x.strides[d]!), x.offset, 'permute', (t) => permute(t, p), (g) => permute(g, inv));
}

/** Swaps two dims (a view). */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  checkTensor(x, 'transpose');
  if (x.ndim === 0) return makeView(x, [], [], x.offset, 'transpose', (t) => t.view([]), (g) => g);
  const a = normalizeDim(dim0, x.ndim, 'transpose');
  const b = normalizeDim(dim1, x.ndim, 'transpose');
  const p = x.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return permute(x, p);
}

/** Transpose of a ≤ 2-D tensor (PyTorch's t()). */
export function t(x: Tensor): Tensor {
  if (x.ndim > 2) throw new ShapeError(`t: expects a tensor with <= 2 dimensions, but self is ${x.ndim}D (shape ${fmtShape(x.shape)}); use transpose or mT`);
  return x.ndim < 2 ? transpose(x, 0, 0) : transpose(x, 0, 1);
}

/** Broadcasts size-1 dims (and new leading dims) to `shape` without copying; -1 keeps a size. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor(x, 'expand');
  if (shape.length < x.ndim) {
    throw new ShapeError(`expand: the number of sizes provided (${shape.length}) must be greater or equal to the number of dimensions in the tensor (${x.ndim}); input shape ${fmtShape(x.shape)}`);
  }
  const lead = shape.length - x.ndim;
  const outShape: number[] = [];
  const strides: number[] = [];
  shape.forEach((s, i) => {
    const xi = i - lead;
    if (xi < 0) {
      if (s < 0) throw new ShapeError(`expand: the expanded size ${s} is not allowed in a leading, non-existing dimension ${i}`);
      outShape.push(s);
      strides.push(0);
      return;
    }
    const cur = x.shape[xi]!;
    const target = s === -1 ? cur : s;
    if (target !== cur && cur !== 1) {
      throw new ShapeError(`expand: the expanded size of the tensor (${target}) must match the existing size (${cur}) at non-singleton dimension ${i}. Target sizes: ${fmtShape(shape)}. Tensor sizes: ${fmtShape(x.shape)}`);
    }
    if (!Number.isInteger(target) || target < 0) throw new ShapeError(`expand: invalid size ${s} in ${fmtShape(shape)}`);
    outShape.push(target);
    strides.push(target === cur ? x.strides[xi]! : 0);
  });
  return makeView(x, outShape, strides, x.offset, 'expand', (tt) => expand(tt, outShape), (g) => sumToShape(g, x.shape));
}

export function expandAs(x: Tensor, other: Tensor): Tensor {
  return expand(x, other.shape);
}

/** Removes size-1 dims (all, or the given ones; a given dim of size ≠ 1 is left alone). */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  checkTensor(x, 'squeeze');
  const dims = dim === undefined ? null : new Set(normalizeDims(dim, x.ndim, 'squeeze'));
  const keep = x.shape.map((s, i) => !(s === 1 && (dims === null || dims.has(i))));
  const shape = x.shape.filter((_, i) => keep[i]);
  const strides = x.strides.filter((_, i) => keep[i]);
  return makeView(x, shape, strides, x.offset, 'squeeze', (tt) => squeeze(tt, dim), (g) => g.reshape(x.shape));
}

/** Inserts a size-1 dim at `dim` (in [−ndim−1, ndim]). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  checkTensor(x, 'unsqueeze');
  const d = normalizeDim(dim, x.ndim + 1, 'unsqueeze');
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d < x.ndim ? x.strides[d]! * x.shape[d]! : 1);
  return makeView(x, shape, strides, x.offset, 'unsqueeze', (tt) => unsqueeze(tt, d), (g) => g.reshape(x.shape));
}

/** Merges dims startDim..endDim into one (a view when possible). */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  checkTensor(x, 'flatten');
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeDim(startDim, x.ndim, 'flatten');
  const e = normalizeDim(endDim, x.ndim, 'flatten');
  if (s > e) throw new ArgumentError(`flatten: startDim (${startDim}) cannot come after endDim (${endDim})`);
  const shape = [...x.shape.slice(0, s), numel(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

/** Splits dim into `sizes` (one may be −1). */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  checkTensor(x, 'unflatten');
  const d = normalizeDim(dim, x.ndim, 'unflatten');
  const inner = inferShape(sizes, x.shape[d]!, 'unflatten', x.shape);
  return view(x, [...x.shape.slice(0, d), ...inner, ...x.shape.slice(d + 1)]);
}

/** The slice [start, start + length) of dim (start may be negative). */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  checkTensor(x, 'narrow');
  if (x.ndim === 0) throw new ShapeError('narrow: cannot be applied to a 0-dim tensor');
  const d = normalizeDim(dim, x.ndim, 'narrow');
  const n = x.shape[d]!;
  const s = start < 0 ? start + n : start;
  if (!Number.isInteger(start) || s < 0 || s > n) throw new IndexError(`narrow: start (${start}) is out of bounds for dim ${dim} of size ${n}`);
  if (!Number.isInteger(length) || length < 0 || s + length > n) throw new IndexError(`narrow: start (${start}) + length (${length}) exceeds dimension size (${n}) of dim ${dim}, shape ${fmtShape(x.shape)}`);
  const shape = [...x.shape];
  shape[d] = length;
  return makeView(x, shape, x.strides, x.offset + s * x.strides[d]!, 'narrow', (tt) => narrow(tt, d, s, length));
}

/** Python-style slice start:stop:step of one dim (bounds clamp like Python; step > 0). */
export function slice(x: Tensor, dim: number, start?: number | null, stop?: number | null, step = 1): Tensor {
  checkTensor(x, 'slice');
  const d = normalizeDim(dim, x.ndim, 'slice');
  if (!Number.isInteger(step) || step <= 0) throw new ArgumentError(`slice: step must be a positive integer (PyTorch has no negative steps; use flip), got ${step}`);
  const n = x.shape[d]!;
  const clampIdx = (v: number | null | undefined, dflt: number): number => {
    if (v == null) return dflt;
    if (!Number.isInteger(v)) throw new ArgumentError(`slice: indices must be integers, got ${v}`);
    const w = v < 0 ? v + n : v;
    return Math.min(Math.max(w, 0), n);
  };
  const s = clampIdx(start, 0);
  const e = Math.max(clampIdx(stop, n), s);
  const len = Math.ceil((e - s) / step);
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape[d] = len;
  strides[d] = x.strides[d]! * step;
  return makeView(x, shape, strides, x.offset + (len > 0 ? s * x.strides[d]! : 0), 'slice', (tt) => slice(tt, d, s, e, step));
}

/** Picks one index of dim, removing the dim (x[..., i, ...]). */
export function select(x: Tensor, dim: number, index: number): Tensor {
  checkTensor(x, 'select');
  if (x.ndim === 0) throw new IndexError('select: invalid index of a 0-dim tensor');
  const d = normalizeDim(dim, x.ndim, 'select');
  const n = x.shape[d]!;
  if (!Number.isInteger(index) || index < -n || index >= n) {
    throw new IndexError(`select: index ${index} is out of bounds for dimension ${dim} with size ${n} (shape ${fmtShape(x.shape)})`);
  }
  const i = index < 0 ? index + n : index;
  const shape = x.shape.filter((_, k) => k !== d);
  const strides = x.strides.filter((_, k) => k !== d);
  return makeView(x, shape, strides, x.offset + i * x.strides[d]!, 'select', (tt) => select(tt, d, i));
}

/** Sliding windows of `size` every `step` along dim, as a new last dim (a view). */
export function unfold(x: Tensor, dim: number, size: number, step: number): Tensor {
  checkTensor(x, 'unfold');
  const d = normalizeDim(dim, x.ndim, 'unfold');
  const n = x.ndim === 0 ? 1 : x.shape[d]!;
  if (!Number.isInteger(size) || size < 0 || size > n) throw new ArgumentError(`unfold: maximum size for tensor at dimension ${dim} is ${n} but size is ${size}`);
  if (!Number.isInteger(step) || step <= 0) throw new ArgumentError(`unfold: step is ${step} but must be > 0`);
  const count = Math.floor((n - size) / step) + 1;
  const shape = [...x.shape];
  const strides = [...x.strides];
  const st = x.ndim === 0 ? 1 : x.strides[d]!;
  if (x.ndim > 0) { shape[d] = count; strides[d] = st * step; }
  shape.push(size);
  strides.push(st);
  return makeView(x, shape, strides, x.offset, 'unfold', (tt) => unfold(tt, d, size, step), (g) => {
    // Windows may overlap: add each window's gradient back to its source positions.
    if (x.ndim === 0) return g.sum();
    const idx = new Int32Array(count * size);
    for (let i = 0; i < count; i++) for (let j = 0; j < size; j++) idx[i * size + j] = i * step + j;
    const gm = g.movedim(-1, d + 1).flatten(d, d + 1); // windows laid out along dim d
    return zeros(x.shape, { dtype: g.dtype }).indexAdd(d, Tensor.fromArray(idx, [idx.length], 'int32'), gm);
  });
}

/** The diagonal of dims (dim1, dim2) with an offset, as a new last dim (a view). */
export function diagonal(x: Tensor, { offset = 0, dim1 = 0, dim2 = 1 }: { offset?: number; dim1?: number; dim2?: number } = {}): Tensor {
  checkTensor(x, 'diagonal');
  const a = normalizeDim(dim1, x.ndim, 'diagonal');
  const b = normalizeDim(dim2, x.ndim, 'diagonal');
  if (a === b) throw new ArgumentError(`diagonal: dimensions cannot be identical ${dim1}, ${dim2}`);
  let off = x.offset;
  let len: number;
  if (offset >= 0) { len = Math.max(Math.min(x.shape[a]!, x.shape[b]! - offset), 0); if (len > 0) off += offset * x.strides[b]!; }
  else { len = Math.max(Math.min(x.shape[a]! + offset, x.shape[b]!), 0); if (len > 0) off -= offset * x.strides[a]!; }
  const shape = x.shape.filter((_, i) => i !== a && i !== b);
  const strides = x.strides.filter((_, i) => i !== a && i !== b);
  shape.push(len);
  strides.push(x.strides[a]! + x.strides[b]!);
  return makeView(x, shape, strides, off, 'diagonal', (tt) => diagonal(tt, { offset, dim1: a, dim2: b }));
}

/** Moves dim `source` to position `destination`. */
export function movedim(x: Tensor, source: number, destination: number): Tensor {
  const s = normalizeDim(source, x.ndim, 'movedim');
  const d = normalizeDim(destination, x.ndim, 'movedim');
  const order = x.shape.map((_, i) => i).filter((i) => i !== s);
  order.splice(d, 0, s);
  return permute(x, order);
}

// ---------------------------------------------------------------- copying shape ops

/** Concatenates along an existing dim; shapes must match elsewhere; dtypes promote. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new ArgumentError('cat: expected a non-empty list of Tensors');
  tensors.forEach((x, i) => checkTensor(x, 'cat', `tensors[${i}]`));
  // PyTorch skips legacy 1-D empty tensors when the others have more dims.
  const parts = tensors.filter((x) => !(x.ndim === 1 && x.shape[0] === 0)) ;
  const list = parts.length ? parts : [tensors[0]!];
  const ref = list[0]!;
  if (ref.ndim === 0) throw new ShapeError('cat: zero-dimensional tensor cannot be concatenated');
  const d = normalizeDim(dim, ref.ndim, 'cat');
  list.forEach((x, i) => {
    if (x.ndim !== ref.ndim || x.shape.some((s: number, k: number) => k !== d && s !== ref.shape[k])) {
      throw new ShapeError(`cat: sizes of tensors must match except in dimension ${d}: expected ${fmtShape(ref.shape)} (except dim ${d}) but got ${fmtShape(x.shape)} for tensor number ${i} in the list`);
    }
  });
  const dtype = resultType(...list) as DType;
  const shape = [...ref.shape];
  shape[d] = list.reduce((acc, x) => acc + x.shape[d]!, 0);
  const out = empty(shape, dtype);
  let at = 0;
  for (const x of list) {
    const len = x.shape[d]!;
    const dst = out._view(x.shape, out.strides, out.offset + at * out.strides[d]!);
    writeInto(dst, x);
    at += len;
  }
  if (!isFloating(dtype)) return out;
  const sizes = list.map((x) => x.shape[d]!);
  return record(out, 'cat', list, (g) => {
    let s = 0;
    return list.map((x, i) => {
      const piece = narrow(g, d, s, sizes[i]!);
      s += sizes[i]!;
      return x.requiresGrad ? (x.dtype === g.dtype ? piece : piece.to(x.dtype)) : null;
    });
  });
}

/** Stacks equal-shaped tensors along a new dim. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new ArgumentError('stack: expected a non-empty list of Tensors');
  const ref = tensors[0]!;
  tensors.forEach((x, i) => {
    checkTensor(x, 'stack', `tensors[${i}]`);
    if (!sameShape(x.shape, ref.shape)) throw new ShapeError(`stack: expects each tensor to be equal size, but got ${fmtShape(ref.shape)} at entry 0 and ${fmtShape(x.shape)} at entry ${i}`);
  });
  const d = normalizeDim(dim, ref.ndim + 1, 'stack');
  return cat(tensors.map((x) => unsqueeze(x, d)), d);
}

/** Splits into views of `size` along dim (last one smaller), or into the given section sizes. */
export function split(x: Tensor, sizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  checkTensor(x, 'split');
  const d = normalizeDim(dim, x.ndim, 'split');
  const n = x.shape[d]!;
  let sizes: number[];
  if (typeof sizeOrSections === 'number') {
    if (!Number.isInteger(sizeOrSections) || sizeOrSections < 0 || (sizeOrSections === 0 && n > 0)) throw new ArgumentError(`split: split_size must be a positive integer, got ${sizeOrSections}`);
    sizes = [];
    for (let s = 0; s < n; s += sizeOrSections) sizes.push(Math.min(sizeOrSections, n - s));
    if (n === 0) sizes = [0];
  } else {
    sizes = [...sizeOrSections];
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== n || sizes.some((s) => !Number.isInteger(s) || s < 0)) {
      throw new ShapeError(`split: split_with_sizes expects split_sizes to sum exactly to ${n} (input tensor's size at dimension ${dim}), but got split_sizes=${fmtShape(sizes)}`);
    }
  }
  let s = 0;
  return sizes.map((len) => { const v = narrow(x, d, s, len); s += len; return v; });
}

/** Splits into `chunks` views of size ceil(n / chunks) (fewer if n is small). */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  checkTensor(x, 'chunk');
  if (!Number.isInteger(chunks) || chunks <= 0) throw new ArgumentError(`chunk: chunks must be a positive integer, got ${chunks}`);
  const d = normalizeDim(dim, x.ndim, 'chunk');
  const n = x.shape[d]!;
  return split(x, Math.max(Math.ceil(n / chunks), n === 0 ? 0 : 1), d);
}

/** Reverses the order along dims (a copy, like PyTorch). */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  checkTensor(x, 'flip');
  const ds = normalizeDims(typeof dims === 'number' ? [dims] : dims, x.ndim, 'flip');
  const strides = [...x.strides];
  let off = x.offset;
  for (const d of ds) {
    if (x.shape[d]! > 0) off += (x.shape[d]! - 1) * x.strides[d]!;
    strides[d] = -x.strides[d]!;
  }
  const out = empty(x.shape, x.dtype);
  be().unary('identity', { data: x.storage.data, shape: x.shape, strides, offset: off }, out.storage.data);
  if (!isFloating(x.dtype)) return out;
  return record(out, 'flip', [x], (g) => [flip(g, ds)]);
}

/** Rolls elements along dims by shifts (wrapping); without dims, over the flattened tensor. */
export function roll(x: Tensor, shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
  checkTensor(x, 'roll');
  const sh = typeof shifts === 'number' ? [shifts] : [...shifts];
  if (dims === undefined) {
    if (sh.length !== 1) throw new ArgumentError(`roll: shifts ${fmtShape(sh)} needs dims of the same length`);
    return roll(flatten(x), sh[0]!, 0).view(x.shape);
  }
  const ds = typeof dims === 'number' ? [dims] : [...dims];
  if (ds.length !== sh.length) throw new ArgumentError(`roll: shifts (${sh.length}) and dims (${ds.length}) must align`);
  let r = x;
  ds.forEach((dim, i) => {
    const d = normalizeDim(dim, x.ndim, 'roll');
    const n = x.shape[d]!;
    if (n === 0) return;
    const s = ((sh[i]! % n) + n) % n;
    if (s === 0) return;
    r = cat([narrow(r, d, n - s, s), narrow(r, d, 0, n - s)], d);
  });
  return r === x ? clone(x) : r;
}

/** Tiles the whole tensor: repeat([2, 1]) stacks two copies along dim 0. */
export function repeat(x: Tensor, sizes: readonly number[]): Tensor {
  checkTensor(x, 'repeat');
  if (sizes.length < x.ndim) throw new ShapeError(`repeat: number of repeat dims (${sizes.length}) can not be smaller than number of tensor dims (${x.ndim})`);
  if (sizes.some((s) => !Number.isInteger(s) || s < 0)) throw new ArgumentError(`repeat: repeats must be non-negative integers, got ${fmtShape(sizes)}`);
  const lead = sizes.length - x.ndim;
  const padded = [...new Array<number>(lead).fill(1), ...x.shape];
  const inter: number[] = [];
  const expanded: number[] = [];
  padded.forEach((s, i) => { inter.push(1, s); expanded.push(sizes[i]!, s); });
  return reshape(expand(reshape(x, inter), expanded), padded.map((s, i) => s * sizes[i]!));
}

/**
 * Repeats each element: repeatInterleave(tensor([1, 2]), 2) → [1, 1, 2, 2]. `repeats` is a number
 * or an int tensor of per-element counts along dim; without dim the input is flattened first.
 */
export function repeatInterleave(x: Tensor, repeats: number | Tensor, dim?: number): Tensor {
  checkTensor(x, 'repeatInterleave');
  const src = dim === undefined ? flatten(x) : x;
  const d = dim === undefined ? 0 : normalizeDim(dim, x.ndim, 'repeatInterleave');
  const n = src.shape[d]!;
  let counts: number[];
  if (typeof repeats === 'number') {
    if (!Number.isInteger(repeats) || repeats < 0) throw new ArgumentError(`repeatInterleave: repeats must be a non-negative integer, got ${repeats}`);
    counts = new Array<number>(n).fill(repeats);
  } else {
    if (repeats.dtype !== 'int32') throw new ArgumentError(`repeatInterleave: repeats must be an int32 tensor, got ${repeats.dtype}`);
    if (repeats.ndim > 1) throw new ShapeError(`repeatInterleave: repeats must be 0-dim or 1-dim, got shape ${fmtShape(repeats.shape)}`);
    const r = repeats.toFlatArray() as number[];
    counts = repeats.ndim === 0 || r.length === 1 ? new Array<number>(n).fill(r[0]!) : r;
    if (counts.length !== n) throw new ShapeError(`repeatInterleave: repeats must have the same size as input along dim ${d}: got ${counts.length} vs ${n}`);
    if (counts.some((c) => c < 0)) throw new ArgumentError('repeatInterleave: repeats can not be negative');
  }
  const idx: number[] = [];
  counts.forEach((c, i) => { for (let k = 0; k < c; k++) idx.push(i); });
  return src.indexSelect(d, Tensor.fromArray(Int32Array.from(idx), [idx.length], 'int32'));
}

function triMask(x: Tensor, diag: number, upper: boolean, op: string): Tensor {
  if (x.ndim < 2) throw new ShapeError(`${op}: input tensor must have at least 2 dimensions, got shape ${fmtShape(x.shape)}`);
  const r = x.shape[x.ndim - 2]!;
  const c = x.shape[x.ndim - 1]!;
  const m = new Uint8Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) m[i * c + j] = (upper ? j - i >= diag : j - i <= diag) ? 1 : 0;
  return Tensor.fromArray(m, [r, c], 'bool');
}
/** Lower triangle (j − i ≤ diagonal), zeros elsewhere. */
export function tril(x: Tensor, diagonal = 0): Tensor {
  checkTensor(x, 'tril');
  return x.where(triMask(x, diagonal, false, 'tril'), scalarTensor(0, x.dtype));
}
/** Upper triangle (j − i ≥ diagonal), zeros elsewhere. */
export function triu(x: Tensor, diagonal = 0): Tensor {
  checkTensor(x, 'triu');
  return x.where(triMask(x, diagonal, true, 'triu'), scalarTensor(0, x.dtype));
}


