// Index ops: gather, scatter, scatterAdd, indexSelect, indexAdd, nonzero, maskedSelect, and tensor
// indexing with integers, slices ('1:5:2'), null (new axis), '...', boolean masks and index tensors.
import { indexAddKernel, indexSelectKernel, gatherKernel, scatterKernel } from '../backend/js/index-kernels.js';
import { arange, scalarTensor, zeros } from '../tensor/creation.js';
import { isFloating } from '../tensor/dtype.js';
import { ArgumentError, DTypeError, IndexError, ShapeError, fmtShape } from '../tensor/errors.js';
import { broadcastShapes, normalizeDim, numel } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { type TensorLike, broadcastView, checkTensor, contiguousData, empty, record, resultType, toTensor, viewOf } from './define.js';
import { slice as sliceDim, select, unsqueeze, writeInto } from './shape.js';
import { noGrad } from '../autograd/grad-mode.js';

function checkIndex(op: string, index: Tensor): void {
  checkTensor(index, op, 'index');
  if (index.dtype !== 'int32') throw new DTypeError(`${op}: expected index to be an int32 tensor, got ${index.dtype}`);
}

function checkGatherShapes(op: string, x: Tensor, d: number, index: Tensor, what: string): void {
  if (index.ndim !== x.ndim && !(x.ndim === 0 && index.ndim <= 1)) {
    throw new ShapeError(`${op}: index tensor must have the same number of dimensions as ${what} (${x.ndim}), got index of shape ${fmtShape(index.shape)}`);
  }
  index.shape.forEach((s, k) => {
    if (k !== d && s > (x.shape[k] ?? 1)) {
      throw new ShapeError(`${op}: size of index (${fmtShape(index.shape)}) must not exceed the ${what}'s size (${fmtShape(x.shape)}) at dimension ${k}`);
    }
  });
}

function maskedStrides(t: Tensor, d: number): number[] {
  const s = [...t.strides];
  if (s.length) s[d] = 0;
  return s;
}

/** out[i][j] = x[index[i][j]][j] (dim 0), etc. index has x's number of dims. */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  checkTensor(x, 'gather');
  checkIndex('gather', index);
  const d = normalizeDim(dim, x.ndim, 'gather');
  checkGatherShapes('gather', x, d, index, 'input');
  const out = empty(index.shape, x.dtype);
  const xv = { data: x.storage.data, shape: index.shape, strides: maskedStrides(x, d), offset: x.offset };
  if (index.numel() > 0) gatherKernel(viewOf(index), xv, dim, x.shape[d] ?? 1, x.strides[d] ?? 0, out.storage.data);
  if (!isFloating(x.dtype)) return out;
  return record(out, 'gather', [x], (g) => [scatterAdd(zeros(x.shape, { dtype: g.dtype }), d, index, g)]);
}

function scatterImpl(name: 'scatter' | 'scatterAdd', x: Tensor, dim: number, index: Tensor, src: TensorLike): Tensor {
  checkTensor(x, name);
  checkIndex(name, index);
  const d = normalizeDim(dim, x.ndim, name);
  checkGatherShapes(name, x, d, index, 'self');
  const s = toTensor(src, x.dtype);
  if (s.ndim > 0) {
    if (s.ndim !== index.ndim || index.shape.some((n, k) => n > s.shape[k]!)) {
      throw new ShapeError(`${name}: expected src of shape at least ${fmtShape(index.shape)} (the index's shape), got ${fmtShape(s.shape)}`);
    }
  }
  const srcCast = s.dtype === x.dtype ? s : s.to(x.dtype);
  const out = x.clone();
  const ov = { data: out.storage.data, shape: index.shape, strides: maskedStrides(out, d), offset: 0 };
  const sv = s.ndim === 0 ? broadcastView(srcCast, index.shape) : { data: srcCast.storage.data, shape: index.shape, strides: srcCast.strides, offset: srcCast.offset };
  if (index.numel() > 0) scatterKernel(name === 'scatterAdd' ? 'add' : 'set', viewOf(index), sv, ov, d, x.shape[d] ?? 1, out.strides[d] ?? 0);
  if (!isFloating(x.dtype)) return out;
  const inputs = s instanceof Tensor && src instanceof Tensor ? [x, srcCast] : [x];
  const srcShape = s.shape;
  return record(out, name, inputs, (g) => {
    const gx = name === 'scatter' ? g.scatter(d, index, 0) : g;
    if (inputs.length === 1) return [gx];
    const gs = g.gather(d, index);
    const padded = srcShape.length && !srcShape.every((n, k) => n === index.shape[k]) ? padTo(gs, srcShape) : gs;
    return [gx, padded];
  });
}

/** Zero-pads a gradient of index's shape up to src's (larger) shape. */
function padTo(g: Tensor, shape: readonly number[]): Tensor {
  const z = empty(shape, g.dtype);
  let v = z;
  g.shape.forEach((n, k) => { v = sliceDim(v, k, 0, n); });
  noGradWrite(v, g);
  return z;
}
function noGradWrite(dst: Tensor, src: Tensor): void {
  noGrad(() => writeInto(dst, src));
}

/** A copy of x with src (tensor or scalar) written at index along dim. */
export const scatter = (x: Tensor, dim: number, index: Tensor, src: TensorLike): Tensor => scatterImpl('scatter', x, dim, index, src);
/** A copy of x with src added at index along dim (duplicates accumulate). */
export const scatterAdd = (x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor => scatterImpl('scatterAdd', x, dim, index, src);

function layout3(x: Tensor, d: number): { outer: number; n: number; inner: number } {
  return { outer: numel(x.shape.slice(0, d)), n: x.shape[d] ?? 1, inner: numel(x.shape.slice(d + 1)) };
}

/** Picks entries of a 1-D int index along dim. @example x.indexSelect(0, tensor([2, 0], { dtype: 'int32' })) */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  checkTensor(x, 'indexSelect');
  checkIndex('indexSelect', index);
  if (index.ndim > 1) throw new ShapeError(`indexSelect: index must be 0-D or 1-D, got shape ${fmtShape(index.shape)}`);
  const d = normalizeDim(dim, x.ndim, 'indexSelect');
  const { outer, n, inner } = layout3(x, d);
  const idx = contiguousData(index) as Int32Array;
  const shape = [...x.shape];
  if (x.ndim) shape[d] = idx.length;
  const out = empty(shape, x.dtype);
  indexSelectKernel(contiguousData(x), outer, n, inner, idx, d, out.storage.data);
  if (!isFloating(x.dtype)) return out;
  return record(out, 'indexSelect', [x], (g) => [zeros(x.shape, { dtype: g.dtype }).indexAdd(d, index.reshape([-1]), g)]);
}

/** A copy of x with alpha·src added at rows index along dim (duplicates accumulate). */
export function indexAdd(x: Tensor, dim: number, index: Tensor, src: Tensor, { alpha = 1 }: { alpha?: number } = {}): Tensor {
  checkTensor(x, 'indexAdd');
  checkIndex('indexAdd', index);
  if (index.ndim > 1) throw new ShapeError(`indexAdd: index must be 0-D or 1-D, got shape ${fmtShape(index.shape)}`);
  const d = normalizeDim(dim, x.ndim, 'indexAdd');
  const expected = [...x.shape];
  if (x.ndim) expected[d] = index.numel();
  if (src.ndim !== x.ndim || src.shape.some((s, k) => s !== expected[k])) {
    throw new ShapeError(`indexAdd: source of shape ${fmtShape(src.shape)} does not match the expected ${fmtShape(expected)} (self ${fmtShape(x.shape)} with dim ${d} of size index.numel() = ${index.numel()})`);
  }
  const { outer, n, inner } = layout3(x, d);
  const out = x.clone();
  const srcData = contiguousData(src, x.dtype);
  indexAddKernel(out.storage.data, outer, n, inner, contiguousData(index), srcData, alpha, d);
  if (!isFloating(x.dtype)) return out;
  return record(out, 'indexAdd', [x, src], (g) => [g, src.requiresGrad ? g.indexSelect(d, index.reshape([-1])).mul(alpha).to(src.dtype) : null]);
}

/** Indices of non-zero elements: (count, ndim) int32, or one 1-D tensor per dim with asTuple. */
export function nonzero(x: Tensor): Tensor;
export function nonzero(x: Tensor, o: { asTuple: true }): Tensor[];
export function nonzero(x: Tensor, { asTuple = false }: { asTuple?: boolean } = {}): Tensor | Tensor[] {
  checkTensor(x, 'nonzero');
  const data = contiguousData(x);
  const nd = x.ndim;
  const hits: number[] = [];
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) hits.push(i);
  const out = new Int32Array(hits.length * nd);
  hits.forEach((flat, r) => {
    let rem = flat;
    for (let k = nd - 1; k >= 0; k--) { out[r * nd + k] = rem % x.shape[k]!; rem = Math.floor(rem / x.shape[k]!); }
  });
  const t = Tensor.fromArray(out, [hits.length, nd], 'int32');
  if (!asTuple) return t;
  if (nd === 0) return [Tensor.fromArray(new Int32Array(hits.length), [hits.length], 'int32')];
  return Array.from({ length: nd }, (_, k) => t.select(1, k).contiguous());
}

/** The elements of x where mask (broadcast) is true, as a 1-D tensor. */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  checkTensor(x, 'maskedSelect');
  if (!(mask instanceof Tensor) || mask.dtype !== 'bool') throw new DTypeError('maskedSelect: expected mask to be a bool tensor');
  const shape = broadcastShapes(x.shape, mask.shape, 'maskedSelect');
  return index(x.expand(shape), mask.expand(shape));
}

// ---------------------------------------------------------------- indexing

/** A Python slice start:stop:step; any part may be omitted. */
export interface Slice {
  start?: number | null;
  stop?: number | null;
  step?: number | null;
}
/** One index item: integer, slice ('1:3', ':', '::2' or a Slice), null (new axis), '...', mask or index tensor, number[]. */
export type IndexItem = number | string | Slice | null | Tensor | readonly number[];

export function sl(start?: number | null, stop?: number | null, step?: number | null): Slice {
  return { start, stop, step };
}

function parseSlice(s: string): Slice {
  const parts = s.split(':');
  if (parts.length < 2 || parts.length > 3) throw new ArgumentError(`index: cannot parse '${s}' as a slice (expected 'start:stop' or 'start:stop:step')`);
  const num = (p: string | undefined): number | null => {
    if (p === undefined || p.trim() === '') return null;
    const v = Number(p);
    if (!Number.isInteger(v)) throw new ArgumentError(`index: slice bound '${p}' in '${s}' is not an integer`);
    return v;
  };
  return { start: num(parts[0]), stop: num(parts[1]), step: num(parts[2]) };
}

type Item = { kind: 'int'; v: number } | { kind: 'slice'; s: Slice } | { kind: 'new' } | { kind: 'ell' } | { kind: 'tensor'; t: Tensor };

function normalizeItems(items: readonly IndexItem[]): Item[] {
  return items.map((it): Item => {
    if (it === null) return { kind: 'new' };
    if (typeof it === 'number') {
      if (!Number.isInteger(it)) throw new ArgumentError(`index: only integers, slices, null, '...', and int32/bool tensors are valid indices (got ${it})`);
      return { kind: 'int', v: it };
    }
    if (typeof it === 'string') return it.trim() === '...' ? { kind: 'ell' } : { kind: 'slice', s: parseSlice(it) };
    if (it instanceof Tensor) {
      if (it.dtype !== 'int32' && it.dtype !== 'bool') throw new DTypeError(`index: tensors used as indices must be int32 or bool tensors, got ${it.dtype}`);
      return { kind: 'tensor', t: it };
    }
    if (Array.isArray(it)) return { kind: 'tensor', t: Tensor.fromArray(Int32Array.from(it as number[]), [it.length], 'int32') };
    if (typeof it === 'object') return { kind: 'slice', s: it as Slice };
    throw new ArgumentError(`index: unsupported index item ${String(it)}`);
  });
}

/** Applies basic indexing as views; returns the view and the advanced (tensor) indices with their dims. */
function applyBasic(x: Tensor, items: readonly IndexItem[]): { v: Tensor; adv: { dim: number; t: Tensor }[] } {
  const list = normalizeItems(items);
  const consumed = list.reduce((n, it) => n + (it.kind === 'int' || it.kind === 'slice' ? 1 : it.kind === 'tensor' ? (it.t.dtype === 'bool' ? it.t.ndim : 1) : 0), 0);
  const ells = list.filter((it) => it.kind === 'ell').length;
  if (ells > 1) throw new IndexError("index: an index can only have a single ellipsis ('...')");
  if (consumed > x.ndim) throw new IndexError(`index: too many indices for tensor of dimension ${x.ndim} (shape ${fmtShape(x.shape)}): ${consumed} given`);
  let v = x;
  let d = 0;
  const adv: { dim: number; t: Tensor }[] = [];
  for (const it of list) {
    switch (it.kind) {
      case 'ell': d += x.ndim - consumed; break;
      case 'new': v = unsqueeze(v, d); d++; break;
      case 'int': {
        const n = v.shape[d]!;
        if (it.v < -n || it.v >= n) throw new IndexError(`index: index ${it.v} is out of bounds for dimension ${d} with size ${n}`);
        v = select(v, d, it.v);
        break;
      }
      case 'slice': v = sliceDim(v, d, it.s.start, it.s.stop, it.s.step ?? 1); d++; break;
      case 'tensor': {
        if (it.t.dtype === 'bool') {
          const k = it.t.ndim;
          it.t.shape.forEach((s, j) => {
            if (s !== v.shape[d + j]) throw new IndexError(`index: the shape of the mask ${fmtShape(it.t.shape)} at index ${j} does not match the shape of the indexed tensor ${fmtShape(v.shape)} at index ${d + j}`);
          });
          if (k === 0) { v = unsqueeze(v, d); adv.push({ dim: d, t: empty([it.t.toFlatArray()[0] ? 1 : 0], 'int32') }); d++; break; }
          const nz = nonzero(it.t, { asTuple: true });
          nz.forEach((t, j) => adv.push({ dim: d + j, t }));
          d += k;
        } else {
          adv.push({ dim: d, t: it.t });
          d++;
        }
        break;
      }
    }
  }
  return { v, adv };
}

/**
 * x[items]: integers and slices give views; index tensors and masks gather a copy (PyTorch's advanced
 * indexing, with the indexed dims placed where the first one was when they are adjacent, else first).
 * @example x.index(':', 0)  x.index('1:3', null, '...')  x.index(x.gt(0))  x.index(tensor([2, 0], { dtype: 'int32' }))
 */
export function index(x: Tensor, ...items: IndexItem[]): Tensor {
  checkTensor(x, 'index');
  const { v, adv } = applyBasic(x, items);
  if (!adv.length) return v;
  const ishape = adv.reduce<number[]>((s, a) => broadcastShapes(s, a.t.shape, 'index'), []);
  const advDims = adv.map((a) => a.dim);
  const rest = v.shape.map((_, i) => i).filter((i) => !advDims.includes(i));
  const sizes = advDims.map((dd) => v.shape[dd]!);
  // Linear index over the advanced dims (row-major), with negative indices wrapped and bounds checked.
  let lin: Tensor | null = null;
  adv.forEach((a, j) => {
    const n = sizes[j]!;
    const data = contiguousData(a.t.expand(ishape)) as Int32Array;
    const w = new Int32Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const val = data[i]!;
      if (val < -n || val >= n) throw new IndexError(`index: index ${val} is out of bounds for dimension ${a.dim} with size ${n}`);
      w[i] = val < 0 ? val + n : val;
    }
    const t = Tensor.fromArray(w, ishape, 'int32');
    lin = lin ? lin.mul(n).add(t) : t;
  });
  const permuted = v.permute([...advDims, ...rest]);
  const flat = permuted.reshape([numel(sizes), ...rest.map((i) => v.shape[i]!)]);
  const picked = indexSelect(flat, 0, (lin as unknown as Tensor).reshape([-1]));
  let out = picked.reshape([...ishape, ...rest.map((i) => v.shape[i]!)]);
  const adjacent = advDims.every((dd, i) => i === 0 || dd === advDims[i - 1]! + 1);
  const first = advDims[0]!;
  if (adjacent && first > 0) {
    const k = ishape.length;
    const r = rest.length;
    const before = Array.from({ length: first }, (_, i) => k + i);
    const mid = Array.from({ length: k }, (_, i) => i);
    const after = Array.from({ length: r - first }, (_, i) => k + first + i);
    out = out.permute([...before, ...mid, ...after]);
  }
  return out;
}

/**
 * Functional x[items] = value (value broadcasts to the indexed shape); accumulate adds instead,
 * summing duplicate indices. The in-place form is Tensor.indexPut_.
 */
export function indexPut(x: Tensor, items: readonly IndexItem[], value: TensorLike, { accumulate = false }: { accumulate?: boolean } = {}): Tensor {
  checkTensor(x, 'indexPut');
  const pos = index(arange(x.numel(), undefined, 1, { dtype: 'int32' }).view(x.shape), ...items);
  const dtype = x.dtype;
  const val = value instanceof Tensor ? value : scalarTensor(value, resultType(x, value) === dtype ? dtype : dtype);
  broadcastShapes(pos.shape, val.shape, 'indexPut');
  if (val.ndim > pos.ndim || val.shape.some((s, i) => s !== 1 && s !== pos.shape[pos.ndim - val.ndim + i])) {
    throw new ShapeError(`indexPut: shape mismatch: value tensor of shape ${fmtShape(val.shape)} cannot be broadcast to indexing result of shape ${fmtShape(pos.shape)}`);
  }
  const src = val.to(dtype).expand(pos.shape).reshape([-1]);
  const flatX = x.reshape([-1]);
  const flatPos = pos.reshape([-1]);
  const out = accumulate ? flatX.scatterAdd(0, flatPos, src) : flatX.scatter(0, flatPos, src);
  return out.view(x.shape);
}


