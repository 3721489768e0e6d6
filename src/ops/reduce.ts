// Reductions over dims (sum, mean, prod, amax/amin, max/min with indices, argmax/argmin, var/std,
// norm, logsumexp, any/all), scans (cumsum, cumprod) and ordering (sort, argsort, topk).
import { zeros } from '../tensor/creation.js';
import { type DType, isFloating } from '../tensor/dtype.js';
import { ArgumentError, DTypeError, IndexError, fmtShape } from '../tensor/errors.js';
import { normalizeDim, normalizeDims, numel } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { be, checkTensor, contiguousData, empty, finishOut, record } from './define.js';
import { cat, flip, movedim, permute } from './shape.js';

export interface ReduceOptions {
  keepdim?: boolean;
}
type Dims = number | readonly number[] | undefined;

/**
 * Lays x out as a contiguous (outer, size, inner) buffer with the reduced dims in the middle:
 * free when the reduced dims are adjacent in a contiguous tensor, else one permuted copy.
 */
function reduceLayout(x: Tensor, dims: number[], dtype: DType): { data: ReturnType<typeof contiguousData>; outer: number; size: number; inner: number } {
  const sorted = [...dims].sort((a, b) => a - b);
  const adjacent = sorted.every((d, i) => i === 0 || d === sorted[i - 1]! + 1);
  let src = x;
  let lo = sorted[0] ?? 0;
  let hi = sorted.length ? sorted[sorted.length - 1]! : -1;
  if (!adjacent) {
    const rest = x.shape.map((_, i) => i).filter((i) => !sorted.includes(i));
    src = permute(x, [...rest, ...sorted]);
    lo = rest.length;
    hi = x.ndim - 1;
  }
  const data = contiguousData(src, dtype);
  return {
    data,
    outer: numel(src.shape.slice(0, lo)),
    size: numel(src.shape.slice(lo, hi + 1)),
    inner: numel(src.shape.slice(hi + 1)),
  };
}

function outShape(x: Tensor, dims: number[], keepdim: boolean): number[] {
  return keepdim ? x.shape.map((s, i) => (dims.includes(i) ? 1 : s)) : x.shape.filter((_, i) => !dims.includes(i));
}

/** Reshapes a reduced gradient back so it broadcasts against the input (re-inserting dropped dims). */
function unreduce(g: Tensor, x: Tensor, dims: number[], keepdim: boolean): Tensor {
  return keepdim ? g : g.reshape(outShape(x, dims, true));
}

function runReduce(op: 'sum' | 'prod' | 'max' | 'min', x: Tensor, dims: number[], keepdim: boolean, dtype: DType): Tensor {
  const out = empty(outShape(x, dims, keepdim), dtype);
  const { data, outer, size, inner } = reduceLayout(x, dims, x.dtype);
  if (op !== 'sum' && op !== 'prod' && size === 0) {
    throw new IndexError(`${op === 'max' ? 'amax' : 'amin'}: expected reduction dim to have non-zero size (input shape ${fmtShape(x.shape)}, dims ${fmtShape(dims)}); the identity of ${op} is undefined`);
  }
  be().reduce(op, data, outer, size, inner, out.storage.data);
  return finishOut(out);
}

const sumType = (d: DType): DType => (isFloating(d) ? d : 'int32');

/** Σ over dims (all by default). Integers and bools sum to int32. @example x.sum(1, { keepdim: true }) */
export function sum(x: Tensor, dim?: Dims, { keepdim = false, dtype }: ReduceOptions & { dtype?: DType } = {}): Tensor {
  checkTensor(x, 'sum');
  const dims = normalizeDims(dim, x.ndim, 'sum');
  const src = dtype && dtype !== x.dtype ? x.to(dtype) : x;
  const out = runReduce('sum', src, dims, keepdim, dtype ?? sumType(x.dtype));
  if (!isFloating(out.dtype)) return out;
  return record(out, 'sum', [src], (g) => [unreduce(g, src, dims, keepdim).expand(src.shape)]);
}

/** Arithmetic mean over dims; needs a floating dtype, like PyTorch. */
export function mean(x: Tensor, dim?: Dims, opts: ReduceOptions & { dtype?: DType } = {}): Tensor {
  checkTensor(x, 'mean');
  const dt = opts.dtype ?? x.dtype;
  if (!isFloating(dt)) throw new DTypeError(`mean: could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${x.dtype}`);
  const dims = normalizeDims(dim, x.ndim, 'mean');
  const n = numel(dims.map((d) => x.shape[d]!));
  return sum(x, dims, { keepdim: opts.keepdim, dtype: dt }).div(n);
}

/** Π over dims. The gradient handles zeros exactly (product of the other elements). */
export function prod(x: Tensor, dim?: number, { keepdim = false, dtype }: ReduceOptions & { dtype?: DType } = {}): Tensor {
  checkTensor(x, 'prod');
  const src = dtype && dtype !== x.dtype ? x.to(dtype) : x;
  if (dim === undefined) {
    const r = prod(src.reshape([-1]), 0);
    return keepdim ? r.reshape(src.shape.map(() => 1)) : r;
  }
  const d = normalizeDim(dim, src.ndim, 'prod');
  const dims = src.ndim === 0 ? [] : [d];
  const out = runReduce('prod', src, dims, keepdim, sumType(src.dtype));
  if (!isFloating(out.dtype)) return out;
  return record(out, 'prod', [src], (g) => {
    if (src.ndim === 0) return [g];
    if (src.numel() === 0) return [zeros(src.shape, { dtype: g.dtype })];
    // ∂/∂xᵢ Πⱼ xⱼ = Π_{j<i} xⱼ · Π_{j>i} xⱼ: exclusive cumulative products from both ends.
    const one = src.narrow(d, 0, 1).mul(0).add(1);
    const n = src.shape[d]!;
    const left = n > 1 ? cat([one, src.narrow(d, 0, n - 1).cumprod(d)], d) : one;
    const right = n > 1 ? flip(cat([one, flip(src.narrow(d, 1, n - 1), d).cumprod(d)], d), d) : one;
    return [unreduce(g, src, dims, keepdim).mul(left.mul(right))];
  }, [src]);
}

function extremum(op: 'max' | 'min', name: string, x: Tensor, dim: Dims, keepdim: boolean): Tensor {
  checkTensor(x, name);
  if (x.dtype === 'bool' && false) return x;
  const dims = normalizeDims(dim, x.ndim, name);
  const out = runReduce(op, x, dims, keepdim, x.dtype);
  if (!isFloating(out.dtype)) return out;
  return record(out, name, [x], (g) => {
    // Ties share the gradient evenly, like PyTorch's amax/amin.
    const o = unreduce(out, x, dims, keepdim);
    const mask = x.eq(o).to(g.dtype);
    const count = mask.sum(dims, { keepdim: true });
    return [mask.div(count).mul(unreduce(g, x, dims, keepdim))];
  }, [x, out]);
}
/** Maximum over dims (values only). */
export const amax = (x: Tensor, dim?: Dims, o: ReduceOptions = {}): Tensor => extremum('max', 'amax', x, dim, o.keepdim ?? false);
export const amin = (x: Tensor, dim?: Dims, o: ReduceOptions = {}): Tensor => extremum('min', 'amin', x, dim, o.keepdim ?? false);

export interface ValuesIndices {
  values: Tensor;
  indices: Tensor;
}

function argExtremum(op: 'max' | 'min', name: string, x: Tensor, dim: number, keepdim: boolean): ValuesIndices {
  checkTensor(x, name);
  const d = x.ndim === 0 ? 0 : normalizeDim(dim, x.ndim, name);
  const dims = x.ndim === 0 ? [] : [d];
  if (x.ndim > 0 && x.shape[d] === 0) throw new IndexError(`${name}: Expected reduction dim ${dim} to have non-zero size (shape ${fmtShape(x.shape)})`);
  const shape = outShape(x, dims, keepdim);
  const values = empty(shape, x.dtype);
  const indices = empty(shape, 'int32');
  const { data, outer, size, inner } = reduceLayout(x, dims, x.dtype);
  be().argReduce(op, data, outer, size, inner, values.storage.data, indices.storage.data as Int32Array);
  if (!isFloating(x.dtype) || x.ndim === 0) return { values: record(values, name, [x], (g) => [g]), indices };
  const idx = keepdim ? indices : indices.unsqueeze(d);
  record(values, name, [x], (g) => [zeros(x.shape, { dtype: g.dtype }).scatter(d, idx, unreduce(g, x, dims, keepdim))]);
  return { values, indices };
}

/** max over all elements, or { values, indices } along dim (first index of the maximum; NaN wins). */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, o?: ReduceOptions): ValuesIndices;
export function max(x: Tensor, dim?: number, o: ReduceOptions = {}): Tensor | ValuesIndices {
  if (dim === undefined) {
    if (x.numel() === 0) throw new IndexError('max: max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the \'dim\' argument.');
    return amax(x);
  }
  return argExtremum('max', 'max', x, dim, o.keepdim ?? false);
}
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, o?: ReduceOptions): ValuesIndices;
export function min(x: Tensor, dim?: number, o: ReduceOptions = {}): Tensor | ValuesIndices {
  if (dim === undefined) {
    if (x.numel() === 0) throw new IndexError('min: min(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the \'dim\' argument.');
    return amin(x);
  }
  return argExtremum('min', 'min', x, dim, o.keepdim ?? false);
}
/** Index of the maximum (over the flattened tensor when dim is omitted). */
export function argmax(x: Tensor, dim?: number, o: ReduceOptions = {}): Tensor {
  if (dim === undefined) {
    const r = argExtremum('max', 'argmax', x.reshape([-1]), 0, false).indices;
    return o.keepdim ? r.reshape(x.shape.map(() => 1)) : r;
  }
  return argExtremum('max', 'argmax', x, dim, o.keepdim ?? false).indices;
}
export function argmin(x: Tensor, dim?: number, o: ReduceOptions = {}): Tensor {
  if (dim === undefined) {
    const r = argExtremum('min', 'argmin', x.reshape([-1]), 0, false).indices;
    return o.keepdim ? r.reshape(x.shape.map(() => 1)) : r;
  }
  return argExtremum('min', 'argmin', x, dim, o.keepdim ?? false).indices;
}

/** Variance with Bessel's correction by default: Σ(x − x̄)² / (N − correction). */
export function variance(x: Tensor, dim?: Dims, { correction = 1, keepdim = false }: ReduceOptions & { correction?: number } = {}): Tensor {
  checkTensor(x, 'var');
  if (!isFloating(x.dtype)) throw new DTypeError(`var: expected a floating point tensor, got ${x.dtype}`);
  const dims = normalizeDims(dim, x.ndim, 'var');
  const n = numel(dims.map((d) => x.shape[d]!));
  const centered = x.sub(x.mean(dims, { keepdim: true }));
  return centered.square().sum(dims, { keepdim }).div(Math.max(n - correction, 0));
}
/** Standard deviation: √var. */
export function std(x: Tensor, dim?: Dims, o: ReduceOptions & { correction?: number } = {}): Tensor {
  return variance(x, dim, o).sqrt();
}

/**
 * Vector norm over dims: p = 2 (default, also 'fro'), 1, Infinity, −Infinity, 0 or any p > 0.
 * The gradient of the 2-norm at 0 is 0, like PyTorch.
 */
export function norm(x: Tensor, p: number | 'fro' = 2, dim?: Dims, { keepdim = false }: ReduceOptions = {}): Tensor {
  checkTensor(x, 'norm');
  if (!isFloating(x.dtype)) throw new DTypeError(`norm: expected a floating point tensor, got ${x.dtype}`);
  const dims = normalizeDims(dim, x.ndim, 'norm');
  const pp = p === 'fro' ? 2 : p;
  if (typeof pp !== 'number' || Number.isNaN(pp)) throw new ArgumentError(`norm: unsupported p=${String(p)}`);
  const a = x.abs();
  if (pp === Infinity) return a.amax(dims, { keepdim });
  if (pp === -Infinity) return a.amin(dims, { keepdim });
  if (pp === 0) return a.ne(0).to(x.dtype).sum(dims, { keepdim });
  if (pp === 1) return a.sum(dims, { keepdim });
  if (pp === 2) {
    const out = x.detach().square().sum(dims, { keepdim }).sqrt();
    return record(out, 'norm', [x], (g) => {
      const o = unreduce(out, x, dims, keepdim);
      const scale = unreduce(g, x, dims, keepdim).div(o).where(o.ne(0), 0);
      return [x.mul(scale)];
    }, [x, out]);
  }
  return a.pow(pp).sum(dims, { keepdim }).pow(1 / pp);
}

/** log Σ exp(x) over dims, stable (shifted by the max; all −inf gives −inf). */
export function logsumexp(x: Tensor, dim: Dims, { keepdim = false }: ReduceOptions = {}): Tensor {
  checkTensor(x, 'logsumexp');
  const xf = isFloating(x.dtype) ? x : x.to('float32');
  const dims = normalizeDims(dim, xf.ndim, 'logsumexp');
  if (xf.numel() === 0) return xf.exp().sum(dims, { keepdim }).log();
  const m = xf.detach().amax(dims, { keepdim: true });
  const shift = m.where(m.isinf().logicalNot(), 0);
  const r = xf.sub(shift).exp().sum(dims, { keepdim: true }).log().add(shift);
  return keepdim ? r : r.squeeze(dims);
}

function scan(op: 'cumsum' | 'cumprod', x: Tensor, dim: number, dtype?: DType): Tensor {
  checkTensor(x, op);
  const src = dtype && dtype !== x.dtype ? x.to(dtype) : x;
  const d = normalizeDim(dim, src.ndim, op);
  const outType = isFloating(src.dtype) ? src.dtype : 'int32';
  const out = empty(src.shape, outType);
  const { data, outer, size, inner } = reduceLayout(src, src.ndim === 0 ? [] : [d], src.dtype);
  be().scan(op, data, outer, size, inner, out.storage.data);
  finishOut(out);
  if (!isFloating(outType)) return out;
  if (op === 'cumsum') return record(out, op, [src], (g) => [flip(flip(g, d).cumsum(d), d)]);
  return record(out, op, [src], (g) => [cumprodBackward(g, src, out, d)], [src, out]);
}
/** Running sum along dim. */
export const cumsum = (x: Tensor, dim: number, o: { dtype?: DType } = {}): Tensor => scan('cumsum', x, dim, o.dtype);
/** Running product along dim. */
export const cumprod = (x: Tensor, dim: number, o: { dtype?: DType } = {}): Tensor => scan('cumprod', x, dim, o.dtype);

function cumprodBackward(g: Tensor, x: Tensor, out: Tensor, d: number): Tensor {
  if (x.ndim === 0) return g;
  // Without zeros: ∂L/∂xᵢ = (Σ_{k≥i} g_k·out_k) / xᵢ. With zeros, fall back to the exact O(n²) sum.
  const hasZero = x.eq(0).any().item() !== 0;
  if (!hasZero) return flip(flip(g.mul(out), d).cumsum(d), d).div(x);
  const xm = movedim(x, d, -1).contiguous();
  const gm = movedim(g, d, -1).contiguous();
  const n = xm.shape[xm.ndim - 1]!;
  const rows = n === 0 ? 0 : xm.numel() / n;
  const xs = xm.toTypedArray();
  const gs = gm.toTypedArray();
  const res = new Float64Array(xs.length);
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    for (let i = 0; i < n; i++) {
      let acc = 0;
      let prefix = 1;
      for (let j = 0; j < i; j++) prefix *= xs[o + j]!;
      let running = prefix; // Π_{j≤k, j≠i} x_j
      for (let k = i; k < n; k++) {
        if (k > i) running *= xs[o + k]!;
        acc += gs[o + k]! * running;
      }
      res[o + i] = acc;
    }
  }
  return movedim(Tensor.fromArray(res, xm.shape, 'float64').to(x.dtype), -1, d);
}

/** True if any element is non-zero (over dims, or all). */
export function any(x: Tensor, dim?: Dims, { keepdim = false }: ReduceOptions = {}): Tensor {
  const dims = normalizeDims(dim, x.ndim, 'any');
  if (x.numel() === 0 || dims.some((d) => x.shape[d] === 0)) return zeros(outShape(x, dims, keepdim), { dtype: 'bool' });
  return runReduce('max', x.ne(0), dims, keepdim, 'bool');
}
/** True if every element is non-zero (over dims, or all). */
export function all(x: Tensor, dim?: Dims, { keepdim = false }: ReduceOptions = {}): Tensor {
  const dims = normalizeDims(dim, x.ndim, 'all');
  if (x.numel() === 0 || dims.some((d) => x.shape[d] === 0)) return zeros(outShape(x, dims, keepdim), { dtype: 'bool' }).logicalNot();
  return runReduce('min', x.ne(0), dims, keepdim, 'bool');
}

/** Sorts along dim (stable; NaN sorts as the largest value, like PyTorch). */
export function sort(x: Tensor, { dim = -1, descending = false, stable = true }: { dim?: number; descending?: boolean; stable?: boolean } = {}): ValuesIndices {
  checkTensor(x, 'sort');
  void stable;
  const d = x.ndim === 0 ? 0 : normalizeDim(dim, x.ndim, 'sort');
  if (x.ndim === 0) return { values: x.clone(), indices: zeros([], { dtype: 'int32' }) };
  const xm = movedim(x, d, -1);
  const shape = xm.shape;
  const n = shape[shape.length - 1]!;
  const data = contiguousData(xm);
  const vals = empty(shape, x.dtype);
  const idxs = empty(shape, 'int32');
  const vd = vals.storage.data;
  const id = idxs.storage.data;
  const order = new Array<number>(n);
  const key = (v: number): number => (v !== v ? Infinity : v);
  for (let o = 0; o < data.length; o += n) {
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => {
      const va = data[o + a]!, vb = data[o + b]!;
      const na = va !== va, nb = vb !== vb;
      let c: number;
      if (na || nb) c = na === nb ? 0 : na ? 1 : -1;
      else c = key(va) < key(vb) ? -1 : key(va) > key(vb) ? 1 : 0;
      return (descending ? -c : c) || a - b;
    });
    for (let i = 0; i < n; i++) { vd[o + i] = data[o + order[i]!]!; id[o + i] = order[i]!; }
  }
  const indices = movedim(idxs, -1, d).contiguous();
  const values = movedim(vals, -1, d).contiguous();
  if (!isFloating(x.dtype)) return { values, indices };
  record(values, 'sort', [x], (g) => [zeros(x.shape, { dtype: g.dtype }).scatter(d, indices, g)]);
  return { values, indices };
}

export function argsort(x: Tensor, o: { dim?: number; descending?: boolean; stable?: boolean } = {}): Tensor {
  return sort(x, o).indices;
}

/** The k largest (or smallest) elements along dim, sorted. */
export function topk(x: Tensor, k: number, { dim = -1, largest = true, sorted = true }: { dim?: number; largest?: boolean; sorted?: boolean } = {}): ValuesIndices {
  checkTensor(x, 'topk');
  void sorted;
  const d = x.ndim === 0 ? 0 : normalizeDim(dim, x.ndim, 'topk');
  const n = x.ndim === 0 ? 1 : x.shape[d]!;
  if (!Number.isInteger(k) || k < 0 || k > n) throw new IndexError(`topk: selected index k (${k}) out of range for dimension ${dim} of size ${n} (shape ${fmtShape(x.shape)})`);
  const s = sort(x, { dim: d, descending: largest });
  if (x.ndim === 0) return s;
  return { values: s.values.narrow(d, 0, k), indices: s.indices.narrow(d, 0, k).contiguous() };
}

/** Number of elements equal to ... helper used by metrics: count of non-zeros over dims. */
export function countNonzero(x: Tensor, dim?: Dims): Tensor {
  return x.ne(0).sum(dim);
}


