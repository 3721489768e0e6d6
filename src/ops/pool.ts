// Pooling: max pooling through one index-recording kernel (strided, padded, dilated, ceil-mode and
// adaptive windows), average pooling through im2col, adaptive average pooling as two small matmuls.
import { isGradEnabled } from '../autograd/grad-mode.js';
import { zeros } from '../tensor/creation.js';
import { allocate, isFloating } from '../tensor/dtype.js';
import { ArgumentError, DTypeError, ShapeError, fmtShape } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { type Pair, im2col, pair } from './conv.js';
import { be, checkTensor, contiguousData, empty, finishOut, record } from './define.js';

/** Values and argmax indices (flat iy·W + ix within each input plane, like PyTorch). */
export interface PoolWithIndices {
  values: Tensor;
  indices: Tensor;
}

/**
 * Max over arbitrary windows of each (H, W) plane of x (N, C, H, W): rows hStart[y]..hEnd[y) every dh,
 * columns likewise. Backward scatters the gradient to the recorded argmax positions.
 */
export function maxPoolWindows(x: Tensor, hStart: Int32Array, hEnd: Int32Array, wStart: Int32Array, wEnd: Int32Array, dh = 1, dw = 1): PoolWithIndices {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const oh = hStart.length, ow = wStart.length;
  const values = empty([n, c, oh, ow], x.dtype);
  const idx = new Int32Array(n * c * oh * ow);
  be().maxPool2d(contiguousData(x), n * c, h, w, hStart, hEnd, wStart, wEnd, dh, dw, values.storage.data, idx);
  const indices = Tensor.fromArray(idx, [n, c, oh, ow], 'int32');
  record(finishOut(values), 'maxPool', [x], (g) => {
    if (isGradEnabled()) { // createGraph: a differentiable scatter
      return [zeros([n, c, h * w], { dtype: g.dtype }).scatterAdd(2, indices.view([n, c, oh * ow]), g.reshape([n, c, oh * ow])).view([n, c, h, w])];
    }
    const dx = empty([n, c, h, w], g.dtype);
    be().maxPool2dBackward(contiguousData(g), idx, n * c, h * w, oh * ow, dx.storage.data);
    return [finishOut(dx)];
  });
  return { values, indices };
}

/** Pooled length: ⌊ or ⌈ (n + 2p − d(k − 1) − 1)/s ⌉ + 1; in ceil mode the last window must start inside the input or left padding. */
export function poolOutSize(n: number, k: number, s: number, p: number, d: number, ceilMode: boolean): number {
  const span = n + 2 * p - d * (k - 1) - 1;
  let o = (ceilMode ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceilMode && (o - 1) * s >= n + p) o--;
  return o;
}

export interface MaxPoolOptions {
  stride?: Pair | null;
  padding?: Pair;
  dilation?: Pair;
  ceilMode?: boolean;
}

interface Prepared { x4: Tensor; k: [number, number]; s: [number, number]; p: [number, number]; batched: boolean }

function prepare(op: string, x: Tensor, kernelSize: Pair, stride: Pair | null | undefined, padding: Pair, oneD: boolean): Prepared {
  checkTensor(x, op);
  if (!isFloating(x.dtype)) throw new DTypeError(`${op}: expected a floating point input, got ${x.dtype}`);
  const nd = oneD ? 1 : 2;
  if (x.ndim !== nd + 1 && x.ndim !== nd + 2) {
    throw new ShapeError(`${op}: expected a ${nd + 1}-D (unbatched) or ${nd + 2}-D (batched) input, got shape ${fmtShape(x.shape)}`);
  }
  const batched = x.ndim === nd + 2;
  let x4 = batched ? x : x.unsqueeze(0);
  if (oneD) x4 = x4.unsqueeze(2);
  const lift = (v: Pair, what: string): [number, number] => (oneD ? [1, pair(v as number, op, what)[0]] : pair(v, op, what));
  const k = lift(kernelSize, 'kernelSize');
  const s = stride == null || (Array.isArray(stride) && stride.length === 0) ? k : lift(stride, 'stride');
  const p: [number, number] = oneD ? [0, pair(padding as number, op, 'padding')[0]] : pair(padding, op, 'padding');
  if (k.some((v) => v < 1) || s.some((v) => v < 1)) throw new ArgumentError(`${op}: kernel size and stride must be positive, got kernel ${fmtShape(oneD ? [k[1]] : k)}, stride ${fmtShape(oneD ? [s[1]] : s)}`);
  if (p.some((v, i) => v < 0 || v > k[i]! / 2)) throw new ArgumentError(`${op}: pad should be at most half of effective kernel size, but got pad=${fmtShape(oneD ? [p[1]] : p)}, kernel_size=${fmtShape(oneD ? [k[1]] : k)}`);
  return { x4, k, s, p, batched };
}

function finish(t: Tensor, batched: boolean, oneD: boolean): Tensor {
  const r = oneD ? t.squeeze(2) : t;
  return batched ? r : r.squeeze(0);
}

function ranges(count: number, k: number, s: number, p: number, d: number, n: number): [Int32Array, Int32Array] {
  const st = new Int32Array(count), en = new Int32Array(count);
  for (let i = 0; i < count; i++) { st[i] = i * s - p; en[i] = Math.min(st[i]! + d * (k - 1) + 1, n); }
  return [st, en];
}

function maxPoolNd(op: string, oneD: boolean, x: Tensor, kernelSize: Pair, o: MaxPoolOptions): PoolWithIndices {
  const { x4, k, s, p, batched } = prepare(op, x, kernelSize, o.stride, o.padding ?? 0, oneD);
  const d: [number, number] = oneD ? [1, pair((o.dilation ?? 1) as number, op, 'dilation')[0]] : pair(o.dilation ?? 1, op, 'dilation');
  const [, , h, w] = x4.shape as [number, number, number, number];
  const oh = poolOutSize(h, k[0], s[0], p[0], d[0], o.ceilMode ?? false);
  const ow = poolOutSize(w, k[1], s[1], p[1], d[1], o.ceilMode ?? false);
  if (oh < 1 || ow < 1) throw new ShapeError(`${op}: output size is too small: input ${fmtShape(x.shape)} gives output ${fmtShape(oneD ? [ow] : [oh, ow])}`);
  const [hs, he] = ranges(oh, k[0], s[0], p[0], d[0], h);
  const [ws, we] = ranges(ow, k[1], s[1], p[1], d[1], w);
  const r = maxPoolWindows(x4, hs, he, ws, we, d[0], d[1]);
  // 1-D indices are positions along L: with H = 1 the flat plane index iy·W + ix is already ix.
  return { values: finish(r.values, batched, oneD), indices: finish(r.indices, batched, oneD) };
}

/** 2-D max pooling over (N, C, H, W) or (C, H, W); stride defaults to the kernel size. */
export function maxPool2d(x: Tensor, kernelSize: Pair, o: MaxPoolOptions = {}): Tensor {
  return maxPoolNd('maxPool2d', false, x, kernelSize, o).values;
}
/** maxPool2d that also returns the argmax indices (flat within each H×W plane). */
export function maxPool2dWithIndices(x: Tensor, kernelSize: Pair, o: MaxPoolOptions = {}): PoolWithIndices {
  return maxPoolNd('maxPool2d', false, x, kernelSize, o);
}
/** 1-D max pooling over (N, C, L) or (C, L). */
export function maxPool1d(x: Tensor, kernelSize: number, o: { stride?: number | null; padding?: number; dilation?: number; ceilMode?: boolean } = {}): Tensor {
  return maxPoolNd('maxPool1d', true, x, kernelSize, o).values;
}
export function maxPool1dWithIndices(x: Tensor, kernelSize: number, o: { stride?: number | null; padding?: number; dilation?: number; ceilMode?: boolean } = {}): PoolWithIndices {
  return maxPoolNd('maxPool1d', true, x, kernelSize, o);
}

export interface AvgPoolOptions {
  stride?: Pair | null;
  padding?: Pair;
  ceilMode?: boolean;
  /** Count zero padding in the divisor (PyTorch's default true). */
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

function avgPoolNd(op: string, oneD: boolean, x: Tensor, kernelSize: Pair, o: AvgPoolOptions): Tensor {
  const { x4, k, s, p, batched } = prepare(op, x, kernelSize, o.stride, o.padding ?? 0, oneD);
  const [n, c, h, w] = x4.shape as [number, number, number, number];
  const oh = poolOutSize(h, k[0], s[0], p[0], 1, o.ceilMode ?? false);
  const ow = poolOutSize(w, k[1], s[1], p[1], 1, o.ceilMode ?? false);
  if (oh < 1 || ow < 1) throw new ShapeError(`${op}: output size is too small: input ${fmtShape(x.shape)} gives output ${fmtShape(oneD ? [ow] : [oh, ow])}`);
  const cols = im2col(x4.reshape([n * c, 1, h, w]), { kernel: k, stride: s, padding: p, dilation: [1, 1], outSize: [oh, ow] });
  const sums = cols.sum(1); // (N·C, oh·ow)
  // PyTorch's divisor: the window clipped to the padded input (countIncludePad) or to the input itself.
  const div = allocate(x.dtype, oh * ow);
  const cip = o.countIncludePad ?? true;
  for (let y = 0; y < oh; y++) {
    let h0 = y * s[0] - p[0];
    let h1 = Math.min(h0 + k[0], h + p[0]);
    const hp = h1 - h0;
    h0 = Math.max(h0, 0); h1 = Math.min(h1, h);
    for (let xo = 0; xo < ow; xo++) {
      let w0 = xo * s[1] - p[1];
      let w1 = Math.min(w0 + k[1], w + p[1]);
      const wp = w1 - w0;
      w0 = Math.max(w0, 0); w1 = Math.min(w1, w);
      div[y * ow + xo] = o.divisorOverride ? o.divisorOverride : cip ? hp * wp : (h1 - h0) * (w1 - w0);
    }
  }
  const out = sums.div(Tensor.fromArray(div, [oh * ow], x.dtype)).view([n, c, oh, ow]);
  return finish(out, batched, oneD);
}

/** 2-D average pooling; the divisor follows countIncludePad / divisorOverride like PyTorch. */
export function avgPool2d(x: Tensor, kernelSize: Pair, o: AvgPoolOptions = {}): Tensor {
  return avgPoolNd('avgPool2d', false, x, kernelSize, o);
}
/** 1-D average pooling over (N, C, L) or (C, L). */
export function avgPool1d(x: Tensor, kernelSize: number, o: { stride?: number | null; padding?: number; ceilMode?: boolean; countIncludePad?: boolean } = {}): Tensor {
  return avgPoolNd('avgPool1d', true, x, kernelSize, o);
}

// ---------------------------------------------------------------- adaptive pooling

/** Adaptive window i of n inputs split into `out` parts: [⌊i·n/out⌋, ⌈(i+1)·n/out⌉). */
function adaptiveRanges(n: number, out: number): [Int32Array, Int32Array] {
  const st = new Int32Array(out), en = new Int32Array(out);
  for (let i = 0; i < out; i++) { st[i] = Math.floor((i * n) / out); en[i] = Math.ceil(((i + 1) * n) / out); }
  return [st, en];
}

/** The (out, n) averaging matrix whose row i holds 1/len over adaptive window i. */
function adaptiveMatrix(n: number, out: number, x: Tensor): Tensor {
  const [st, en] = adaptiveRanges(n, out);
  const m = allocate(x.dtype, out * n);
  for (let i = 0; i < out; i++) for (let j = st[i]!; j < en[i]!; j++) m[i * n + j] = 1 / (en[i]! - st[i]!);
  return Tensor.fromArray(m, [out, n], x.dtype);
}

type OutSize = number | null | readonly (number | null)[];

function adaptivePrep(op: string, x: Tensor, outputSize: OutSize, oneD: boolean): { x4: Tensor; oh: number; ow: number; batched: boolean } {
  checkTensor(x, op);
  if (!isFloating(x.dtype)) throw new DTypeError(`${op}: expected a floating point input, got ${x.dtype}`);
  const nd = oneD ? 1 : 2;
  if (x.ndim !== nd + 1 && x.ndim !== nd + 2) throw new ShapeError(`${op}: expected a ${nd + 1}-D or ${nd + 2}-D input, got shape ${fmtShape(x.shape)}`);
  const batched = x.ndim === nd + 2;
  let x4 = batched ? x : x.unsqueeze(0);
  if (oneD) x4 = x4.unsqueeze(2);
  const [, , h, w] = x4.shape as [number, number, number, number];
  const sz = typeof outputSize === 'number' || outputSize === null ? (oneD ? [outputSize] : [outputSize, outputSize]) : [...outputSize];
  if (sz.length !== nd) throw new ArgumentError(`${op}: outputSize must have ${nd} element(s), got ${JSON.stringify(outputSize)}`);
  const oh = oneD ? 1 : sz[0] ?? h;
  const ow = sz[nd - 1] ?? w;
  if (![oh, ow].every((v) => Number.isInteger(v) && v > 0)) throw new ArgumentError(`${op}: outputSize must be positive integers, got ${JSON.stringify(outputSize)}`);
  if (h === 0 || w === 0) throw new ShapeError(`${op}: input of shape ${fmtShape(x.shape)} has an empty spatial dimension`);
  return { x4, oh, ow, batched };
}

/** Adaptive average pooling to outputSize (null keeps that dim): P_h · x · P_wᵀ with averaging matrices. */
export function adaptiveAvgPool2d(x: Tensor, outputSize: OutSize): Tensor {
  const { x4, oh, ow, batched } = adaptivePrep('adaptiveAvgPool2d', x, outputSize, false);
  const [, , h, w] = x4.shape as [number, number, number, number];
  const out = adaptiveMatrix(h, oh, x).matmul(x4).matmul(adaptiveMatrix(w, ow, x).T);
  return finish(out, batched, false);
}
export function adaptiveAvgPool1d(x: Tensor, outputSize: number): Tensor {
  const { x4, ow, batched } = adaptivePrep('adaptiveAvgPool1d', x, outputSize, true);
  return finish(x4.matmul(adaptiveMatrix(x4.shape[3]!, ow, x).T), batched, true);
}

function adaptiveMaxNd(op: string, x: Tensor, outputSize: OutSize, oneD: boolean): PoolWithIndices {
  const { x4, oh, ow, batched } = adaptivePrep(op, x, outputSize, oneD);
  const [, , h, w] = x4.shape as [number, number, number, number];
  const [hs, he] = adaptiveRanges(h, oh);
  const [ws, we] = adaptiveRanges(w, ow);
  const r = maxPoolWindows(x4, hs, he, ws, we);
  return { values: finish(r.values, batched, oneD), indices: finish(r.indices, batched, oneD) };
}
export const adaptiveMaxPool2d = (x: Tensor, outputSize: OutSize): Tensor => adaptiveMaxNd('adaptiveMaxPool2d', x, outputSize, false).values;
export const adaptiveMaxPool2dWithIndices = (x: Tensor, outputSize: OutSize): PoolWithIndices => adaptiveMaxNd('adaptiveMaxPool2d', x, outputSize, false);
export const adaptiveMaxPool1d = (x: Tensor, outputSize: number): Tensor => adaptiveMaxNd('adaptiveMaxPool1d', x, outputSize, true).values;
export const adaptiveMaxPool1dWithIndices = (x: Tensor, outputSize: number): PoolWithIndices => adaptiveMaxNd('adaptiveMaxPool1d', x, outputSize, true);
