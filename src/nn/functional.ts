// tsgrad/nn functional (`F`): stateless layers. Convolution and pooling live in src/ops (kernels plus
// backward); this file composes linear, embedding, dropout, normalisation, padding, interpolation,
// distances and one-hot from differentiable ops, so none of them writes a backward.
import { layerNormPrimitive } from '../ops/layer-norm.js';
import { noGrad } from '../autograd/grad-mode.js';
import { defaultGenerator, type Generator, rand } from '../random/generator.js';
import { full } from '../tensor/creation.js';
import { allocate, isFloating } from '../tensor/dtype.js';
import { ArgumentError, DTypeError, IndexError, ShapeError, fmtShape } from '../tensor/errors.js';
import { numel, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { cat } from '../ops/shape.js';
import { addmm } from '../ops/linalg.js';
import '../ops/methods.js';

export * from '../ops/conv.js';
export * from '../ops/pool.js';
export * from '../ops/activation.js';
export { relu, sigmoid, tanh, gelu, silu } from '../ops/elementwise.js';
export * from './functional-loss.js';

function need(x: unknown, op: string, what = 'input'): Tensor {
  if (!(x instanceof Tensor)) throw new ArgumentError(`${op}: expected ${what} to be a Tensor, got ${x === null ? 'null' : typeof x}`);
  return x;
}

// ---------------------------------------------------------------- linear

/**
 * y = x·Wᵀ + b. x (*, in), weight (out, in), bias (out).
 * @example linear(randn([4, 3]), randn([2, 3]), zeros([2])) // [4, 2]
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  need(x, 'linear');
  need(weight, 'linear', 'weight');
  if (weight.ndim !== 2 && weight.ndim !== 1) throw new ShapeError(`linear: expected a 1-D or 2-D weight, got shape ${fmtShape(weight.shape)}`);
  const inF = weight.shape[weight.ndim - 1]!;
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inF) {
    throw new ShapeError(`linear: input of shape ${fmtShape(x.shape)} does not match weight of shape ${fmtShape(weight.shape)}: expected the last input dim to be ${inF}`);
  }
  if (bias && weight.ndim === 2 && x.ndim >= 2 && inF > 0 && bias.ndim === 1 && bias.shape[0] === weight.shape[0] && bias.dtype === x.dtype) {
    // One GEMM over all leading dims with the bias fused in (PyTorch's addmm path).
    const y = addmm(bias, x.reshape([-1, inF]), weight.T);
    return x.ndim === 2 ? y : y.reshape([...x.shape.slice(0, -1), weight.shape[0]!]);
  }
  const y = x.matmul(weight.ndim === 2 ? weight.T : weight);
  return bias ? y.add(bias) : y;
}

/** y_k = x₁ᵀ·W_k·x₂ + b_k. x1 (*, in1), x2 (*, in2), weight (out, in1, in2), bias (out). */
export function bilinear(x1: Tensor, x2: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  need(x1, 'bilinear');
  need(x2, 'bilinear', 'input2');
  if (weight.ndim !== 3) throw new ShapeError(`bilinear: expected a 3-D weight (out, in1, in2), got ${fmtShape(weight.shape)}`);
  const [out, in1, in2] = weight.shape as [number, number, number];
  if (x1.shape[x1.ndim - 1] !== in1 || x2.shape[x2.ndim - 1] !== in2 || !sameShape(x1.shape.slice(0, -1), x2.shape.slice(0, -1))) {
    throw new ShapeError(`bilinear: inputs ${fmtShape(x1.shape)} and ${fmtShape(x2.shape)} do not match weight ${fmtShape(weight.shape)} (expected (*, ${in1}) and (*, ${in2}) with equal leading dims)`);
  }
  const lead = x1.shape.slice(0, -1);
  const t = x1.reshape([-1, in1]).matmul(weight.permute([1, 0, 2]).reshape([in1, out * in2])).view([-1, out, in2]); // (B, out, in2)
  let y = t.mul(x2.reshape([-1, 1, in2])).sum(-1).reshape([...lead, out]);
  if (bias) y = y.add(bias);
  return y;
}

// ---------------------------------------------------------------- embedding

export interface EmbeddingOptions {
  /** Rows at this index get no gradient (PyTorch's padding_idx); negative counts from the end. */
  paddingIdx?: number | null;
  /** Rows looked up are renormalised in place to norm ≤ maxNorm before lookup. */
  maxNorm?: number | null;
  normType?: number;
}

/** Looks up rows of weight (num, dim) by int32 indices of any shape → (*indices, dim). */
export function embedding(indices: Tensor, weight: Tensor, { paddingIdx = null, maxNorm = null, normType = 2 }: EmbeddingOptions = {}): Tensor {
  need(indices, 'embedding', 'indices');
  need(weight, 'embedding', 'weight');
  if (indices.dtype !== 'int32') throw new DTypeError(`embedding: expected indices of dtype int32, got ${indices.dtype}`);
  if (weight.ndim !== 2) throw new ShapeError(`embedding: expected a 2-D weight (num_embeddings, embedding_dim), got ${fmtShape(weight.shape)}`);
  const num = weight.shape[0]!;
  const flat = indices.reshape([-1]);
  if (maxNorm !== null) embeddingRenorm_(weight, flat, maxNorm, normType);
  let rows: Tensor;
  try {
    rows = weight.indexSelect(0, flat);
  } catch (e) {
    if (e instanceof IndexError) throw new IndexError(`embedding: an index is out of range for ${num} embeddings (${e.message}); indices shape ${fmtShape(indices.shape)}`);
    throw e;
  }
  if (paddingIdx !== null) {
    const pad = paddingIdx < 0 ? paddingIdx + num : paddingIdx;
    if (pad < 0 || pad >= num) throw new IndexError(`embedding: paddingIdx ${paddingIdx} must be within num_embeddings (${num})`);
    // The padding row's lookups come from a detached copy, so its gradient stays zero.
    rows = rows.where(flat.ne(pad).unsqueeze(1), weight.detach().indexSelect(0, flat));
  }
  return rows.view([...indices.shape, weight.shape[1]!]);
}

/** Scales, in place, each row of weight picked by indices whose normType-norm exceeds maxNorm. */
export function embeddingRenorm_(weight: Tensor, indices: Tensor, maxNorm: number, normType = 2): Tensor {
  noGrad(() => {
    const d = weight.shape[1]!;
    const data = weight.storage.data;
    const seen = new Set<number>();
    for (const i of indices.toFlatArray() as number[]) {
      if (seen.has(i)) continue;
      seen.add(i);
      if (i < 0 || i >= weight.shape[0]!) throw new IndexError(`embedding: index ${i} is out of range for ${weight.shape[0]} embeddings`);
      const base = weight.offset + i * weight.strides[0]!;
      const st = weight.strides[1]!;
      let nrm = 0;
      for (let j = 0; j < d; j++) nrm += Math.abs(data[base + j * st]!) ** normType;
      nrm = nrm ** (1 / normType);
      if (nrm > maxNorm) { const sc = maxNorm / (nrm + 1e-7); for (let j = 0; j < d; j++) data[base + j * st] *= sc; }
    }
    weight._bumpVersion();
  });
  return weight;
}

/** One-hot encoding of int32 class indices: (*) → (*, numClasses) int32. numClasses −1 infers max + 1. */
export function oneHot(indices: Tensor, numClasses = -1): Tensor {
  need(indices, 'oneHot');
  if (indices.dtype !== 'int32') throw new DTypeError(`oneHot: expected an int32 tensor of class indices, got ${indices.dtype}`);
  const vals = indices.toTypedArray();
  let n = numClasses;
  if (n === -1) { n = 0; for (const v of vals) n = Math.max(n, v + 1); }
  const out = new Int32Array(vals.length * n);
  for (let i = 0; i < vals.length; i++) {
    const v = vals[i]!;
    if (v < 0 || v >= n) throw new IndexError(`oneHot: class values must be in [0, ${n}), got ${v}`);
    out[i * n + v] = 1;
  }
  return Tensor.fromArray(out, [...indices.shape, n], 'int32');
}

// ---------------------------------------------------------------- dropout

export interface DropoutOptions {
  training?: boolean;
  generator?: Generator;
}

function checkP(op: string, p: number): void {
  if (!(p >= 0 && p <= 1)) throw new ArgumentError(`${op}: dropout probability has to be between 0 and 1, but got ${p}`);
}

/** Inverted dropout: zero each element with probability p and scale survivors by 1/(1 − p); identity when not training. */
export function dropout(x: Tensor, p = 0.5, { training = true, generator = defaultGenerator }: DropoutOptions = {}): Tensor {
  need(x, 'dropout');
  checkP('dropout', p);
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  const keep = rand(x.shape, { generator, dtype: isFloating(x.dtype) ? x.dtype : 'float32' }).ge(p);
  return x.mul(keep).mul(1 / (1 - p));
}

/** Channel dropout: zeroes whole channels of (N, C, *) (or (C, *) unbatched), scaling the rest by 1/(1 − p). */
export function dropout2d(x: Tensor, p = 0.5, { training = true, generator = defaultGenerator }: DropoutOptions = {}): Tensor {
  need(x, 'dropout2d');
  checkP('dropout2d', p);
  if (!training || p === 0) return x;
  if (x.ndim < 2) throw new ShapeError(`dropout2d: expected an input with at least 2 dims, got ${fmtShape(x.shape)}`);
  const lead = x.ndim === 3 ? 1 : 2;
  const maskShape = x.shape.map((s, i) => (i < lead ? s : 1));
  const keep = rand(maskShape, { generator, dtype: x.dtype }).ge(p);
  return p === 1 ? x.mul(0) : x.mul(keep).mul(1 / (1 - p));
}

// ---------------------------------------------------------------- normalisation

function normShape(op: string, x: Tensor, normalizedShape: number | readonly number[]): number[] {
  const ns = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  if (x.ndim < ns.length || !sameShape(x.shape.slice(x.ndim - ns.length), ns)) {
    throw new ShapeError(`${op}: given normalized_shape=${fmtShape(ns)}, expected input with shape [*, ${ns.join(', ')}], but got input of size ${fmtShape(x.shape)}`);
  }
  return ns;
}

/**
 * Layer normalisation over the trailing normalizedShape dims: (x − E[x]) / √(Var[x] + ε) · γ + β,
 * with the biased variance (Ba et al., 2016).
 */
export function layerNorm(x: Tensor, normalizedShape: number | readonly number[], weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  need(x, 'layerNorm');
  const ns = normShape('layerNorm', x, normalizedShape);
  const fused = layerNormPrimitive(x, ns, weight, bias, eps);
  if (fused) return fused;
  const dims = ns.map((_, i) => x.ndim - ns.length + i);
  const mean = x.mean(dims, { keepdim: true });
  const xc = x.sub(mean);
  let y = xc.mul(xc.square().mean(dims, { keepdim: true }).add(eps).rsqrt());
  if (weight) y = y.mul(weight);
  if (bias) y = y.add(bias);
  return y;
}

/** RMS normalisation (Zhang & Sennrich, 2019): x / √(mean(x²) + ε) · γ over the trailing dims. */
export function rmsNorm(x: Tensor, normalizedShape: number | readonly number[], weight: Tensor | null = null, eps: number | null = null): Tensor {
  need(x, 'rmsNorm');
  const ns = normShape('rmsNorm', x, normalizedShape);
  const dims = ns.map((_, i) => x.ndim - ns.length + i);
  // torch 2.x: eps=None means torch.finfo(x.dtype).eps.
  const e = eps ?? (x.dtype === 'float64' ? 2.220446049250313e-16 : 1.1920928955078125e-7);
  const y = x.mul(x.square().mean(dims, { keepdim: true }).add(e).rsqrt());
  return weight ? y.mul(weight) : y;
}

export interface BatchNormOptions {
  training?: boolean;
  momentum?: number;
  eps?: number;
}

/**
 * Batch normalisation of x (N, C, *) per channel (Ioffe & Szegedy, 2015). Training normalises with
 * the batch mean and biased variance and, when running stats are given, updates them in place:
 * running ← (1 − momentum)·running + momentum·batch (unbiased variance for running_var).
 * Not training: normalises with the running stats.
 */
export function batchNorm(
  x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, weight: Tensor | null = null, bias: Tensor | null = null,
  { training = false, momentum = 0.1, eps = 1e-5 }: BatchNormOptions = {},
): Tensor {
  need(x, 'batchNorm');
  if (x.ndim < 2) throw new ShapeError(`batchNorm: expected an input of shape (N, C, *), got ${fmtShape(x.shape)}`);
  const c = x.shape[1]!;
  const bshape = x.shape.map((s, i) => (i === 1 ? s : 1));
  for (const [t, what] of [[runningMean, 'running_mean'], [runningVar, 'running_var'], [weight, 'weight'], [bias, 'bias']] as const) {
    if (t && (t.ndim !== 1 || t.shape[0] !== c)) throw new ShapeError(`batchNorm: expected ${what} of shape [${c}] for input ${fmtShape(x.shape)}, got ${fmtShape(t.shape)}`);
  }
  let mean: Tensor, invStd: Tensor;
  if (training) {
    const dims = x.shape.map((_, i) => i).filter((i) => i !== 1);
    const n = numel(dims.map((d) => x.shape[d]!));
    if (n <= 1) throw new ShapeError(`batchNorm: expected more than 1 value per channel when training, got input of size ${fmtShape(x.shape)}`);
    mean = x.mean(dims, { keepdim: true });
    const xc = x.sub(mean);
    const v = xc.square().mean(dims, { keepdim: true });
    noGrad(() => {
      if (runningMean) runningMean.mul_(1 - momentum).add_(mean.reshape([c]).to(runningMean.dtype), { alpha: momentum });
      if (runningVar) runningVar.mul_(1 - momentum).add_(v.reshape([c]).mul(n / (n - 1)).to(runningVar.dtype), { alpha: momentum });
    });
    invStd = v.add(eps).rsqrt();
    let y = xc.mul(invStd);
    if (weight) y = y.mul(weight.view(bshape));
    if (bias) y = y.add(bias.view(bshape));
    return y;
  }
  if (!runningMean || !runningVar) throw new ArgumentError('batchNorm: running_mean and running_var must be given when not training');
  mean = runningMean.view(bshape);
  invStd = runningVar.view(bshape).add(eps).rsqrt();
  let y = x.sub(mean).mul(invStd);
  if (weight) y = y.mul(weight.view(bshape));
  if (bias) y = y.add(bias.view(bshape));
  return y;
}

/** Group normalisation (Wu & He, 2018): x (N, C, *) normalised over groups of C/numGroups channels, then per-channel affine. */
export function groupNorm(x: Tensor, numGroups: number, weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  need(x, 'groupNorm');
  if (x.ndim < 2) throw new ShapeError(`groupNorm: expected an input of shape (N, C, *), got ${fmtShape(x.shape)}`);
  const [n, c] = x.shape as [number, number];
  if (!Number.isInteger(numGroups) || numGroups < 1 || c % numGroups !== 0) throw new ShapeError(`groupNorm: expected number of channels in input (${c}) to be divisible by num_groups (${numGroups}), input shape ${fmtShape(x.shape)}`);
  const xg = x.reshape([n, numGroups, -1]);
  const mean = xg.mean(2, { keepdim: true });
  const xc = xg.sub(mean);
  let y = xc.mul(xc.square().mean(2, { keepdim: true }).add(eps).rsqrt()).view(x.shape);
  const bshape = x.shape.map((s, i) => (i === 1 ? s : 1));
  if (weight) y = y.mul(weight.view(bshape));
  if (bias) y = y.add(bias.view(bshape));
  return y;
}

/** Lp-normalises along dim: x / max(‖x‖_p, eps). */
export function normalize(x: Tensor, { p = 2, dim = 1, eps = 1e-12 }: { p?: number; dim?: number; eps?: number } = {}): Tensor {
  need(x, 'normalize');
  return x.div(x.norm(p, dim, { keepdim: true }).clamp(eps));
}

/** cos(x₁, x₂) = x₁·x₂ / max(‖x₁‖·‖x₂‖, eps) along dim (inputs broadcast). */
export function cosineSimilarity(x1: Tensor, x2: Tensor, { dim = 1, eps = 1e-8 }: { dim?: number; eps?: number } = {}): Tensor {
  need(x1, 'cosineSimilarity');
  need(x2, 'cosineSimilarity', 'x2');
  const n1 = x1.square().sum(dim);
  const n2 = x2.square().sum(dim);
  return x1.mul(x2).sum(dim).div(n1.mul(n2).clamp(eps * eps).sqrt());
}

/** ‖x₁ − x₂ + eps‖_p along the last dim. */
export function pairwiseDistance(x1: Tensor, x2: Tensor, { p = 2, eps = 1e-6, keepdim = false }: { p?: number; eps?: number; keepdim?: boolean } = {}): Tensor {
  need(x1, 'pairwiseDistance');
  need(x2, 'pairwiseDistance', 'x2');
  const d = x1.sub(x2).add(eps);
  return d.norm(p, -1, { keepdim });
}

// ---------------------------------------------------------------- padding

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/**
 * Pads the last dims: pad = [left, right] for the last dim, then [top, bottom] for the one before, ...
 * 'constant' fills with value (negative pads crop); 'reflect' mirrors without repeating the edge;
 * 'replicate' repeats the edge; 'circular' wraps.
 * @example pad(x, [1, 1, 2, 0], 'reflect')
 */
export function pad(x: Tensor, padding: readonly number[], mode: PadMode = 'constant', value = 0): Tensor {
  need(x, 'pad');
  if (padding.length % 2 !== 0 || padding.length / 2 > x.ndim) throw new ArgumentError(`pad: padding length must be even and at most 2·ndim (${2 * x.ndim}), got ${JSON.stringify(padding)}`);
  if (!padding.every(Number.isInteger)) throw new ArgumentError(`pad: padding must be integers, got ${JSON.stringify(padding)}`);
  let y = x;
  for (let k = 0; k < padding.length / 2; k++) {
    const d = x.ndim - 1 - k;
    const lo = padding[2 * k]!, hi = padding[2 * k + 1]!;
    if (lo === 0 && hi === 0) continue;
    const n = y.shape[d]!;
    if (mode === 'constant') {
      if (lo < 0) y = y.narrow(d, -lo, y.shape[d]! + lo);
      if (hi < 0) y = y.narrow(d, 0, y.shape[d]! + hi);
      const parts: Tensor[] = [];
      const side = (m: number): Tensor => full(y.shape.map((s, i) => (i === d ? m : s)), value, { dtype: y.dtype });
      if (lo > 0) parts.push(side(lo));
      parts.push(y);
      if (hi > 0) parts.push(side(hi));
      y = parts.length > 1 ? cat(parts, d) : y;
      continue;
    }
    if (lo < 0 || hi < 0) throw new ArgumentError(`pad: negative padding is only supported in constant mode, got ${JSON.stringify(padding)}`);
    if (mode === 'reflect' && (lo >= n || hi >= n)) throw new ArgumentError(`pad: padding size should be less than the corresponding input dimension, but got padding (${lo}, ${hi}) at dimension ${d} of input ${fmtShape(x.shape)}`);
    if (mode === 'circular' && (lo > n || hi > n)) throw new ArgumentError(`pad: padding value must not exceed the input size ${n} in circular mode, got (${lo}, ${hi})`);
    if (n === 0) throw new ShapeError(`pad: cannot pad an empty dimension in ${mode} mode (input ${fmtShape(x.shape)})`);
    const idx = new Int32Array(n + lo + hi);
    for (let i = 0; i < idx.length; i++) {
      const j = i - lo;
      idx[i] = mode === 'replicate' ? Math.min(Math.max(j, 0), n - 1)
        : mode === 'reflect' ? (j < 0 ? -j : j >= n ? 2 * (n - 1) - j : j)
          : ((j % n) + n) % n;
    }
    y = y.indexSelect(d, Tensor.fromArray(idx, [idx.length], 'int32'));
  }
  return y === x ? x.clone() : y;
}

// ---------------------------------------------------------------- interpolation

export interface InterpolateOptions {
  size?: number | readonly number[];
  scaleFactor?: number | readonly number[];
  mode?: 'nearest' | 'linear' | 'bilinear';
  alignCorners?: boolean | null;
}

/** Resizes one dim: nearest picks ⌊dst·scale⌋; linear blends the two neighbours (PyTorch's source-index rules). */
function resizeDim(x: Tensor, d: number, out: number, mode: 'nearest' | 'linear', alignCorners: boolean, scaleFactor: number | undefined): Tensor {
  const n = x.shape[d]!;
  const scale = scaleFactor !== undefined ? 1 / scaleFactor : n / out;
  if (mode === 'nearest') {
    const idx = new Int32Array(out);
    for (let i = 0; i < out; i++) idx[i] = Math.min(Math.floor(i * scale), n - 1);
    return x.indexSelect(d, Tensor.fromArray(idx, [out], 'int32'));
  }
  const i0 = new Int32Array(out), i1 = new Int32Array(out);
  const lam = allocate(x.dtype, out);
  for (let i = 0; i < out; i++) {
    let src: number;
    if (alignCorners) src = out > 1 ? (i * (n - 1)) / (out - 1) : 0;
    else src = Math.max((i + 0.5) * scale - 0.5, 0);
    const f = Math.min(Math.floor(src), n - 1);
    i0[i] = f;
    i1[i] = Math.min(f + 1, n - 1);
    lam[i] = src - f;
  }
  const lshape = x.shape.map((s, k) => (k === d ? out : 1));
  const l = Tensor.fromArray(lam, [out], x.dtype).view(lshape);
  const a = x.indexSelect(d, Tensor.fromArray(i0, [out], 'int32'));
  const b = x.indexSelect(d, Tensor.fromArray(i1, [out], 'int32'));
  return a.add(b.sub(a).mul(l));
}

/**
 * Resizes the spatial dims of (N, C, L) or (N, C, H, W): mode 'nearest', 'linear' (3-D) or
 * 'bilinear' (4-D), with alignCorners for the linear modes. Give size or scaleFactor.
 */
export function interpolate(x: Tensor, { size, scaleFactor, mode = 'nearest', alignCorners = null }: InterpolateOptions = {}): Tensor {
  need(x, 'interpolate');
  if (!isFloating(x.dtype)) throw new DTypeError(`interpolate: expected a floating point input, got ${x.dtype}`);
  const sd = x.ndim - 2;
  if (sd < 1 || sd > 2) throw new ShapeError(`interpolate: expected a 3-D (N, C, L) or 4-D (N, C, H, W) input, got ${fmtShape(x.shape)}`);
  if ((mode === 'linear' && sd !== 1) || (mode === 'bilinear' && sd !== 2)) throw new ShapeError(`interpolate: mode '${mode}' expects a ${mode === 'linear' ? 3 : 4}-D input, got ${fmtShape(x.shape)}`);
  if (mode === 'nearest' && alignCorners !== null) throw new ArgumentError("interpolate: alignCorners option can only be set with the interpolating modes: linear | bilinear");
  if ((size === undefined) === (scaleFactor === undefined)) throw new ArgumentError('interpolate: exactly one of size or scaleFactor must be given');
  const expand = (v: number | readonly number[], what: string): number[] => {
    const a = typeof v === 'number' ? new Array<number>(sd).fill(v) : [...v];
    if (a.length !== sd) throw new ArgumentError(`interpolate: ${what} must have ${sd} element(s) for input ${fmtShape(x.shape)}, got ${JSON.stringify(v)}`);
    return a;
  };
  const scales = scaleFactor !== undefined ? expand(scaleFactor, 'scaleFactor') : undefined;
  const sizes = size !== undefined ? expand(size, 'size') : scales!.map((s, i) => Math.floor(x.shape[2 + i]! * s));
  if (!sizes.every((s) => Number.isInteger(s) && s > 0)) throw new ArgumentError(`interpolate: output size must be positive integers, got ${fmtShape(sizes)}`);
  let y = x;
  for (let i = 0; i < sd; i++) y = resizeDim(y, 2 + i, sizes[i]!, mode === 'nearest' ? 'nearest' : 'linear', alignCorners ?? false, scales?.[i]);
  return y;
}

/** Pixel shuffle: (N, C·r², H, W) → (N, C, H·r, W·r). */
export function pixelShuffle(x: Tensor, r: number): Tensor {
  need(x, 'pixelShuffle');
  if (x.ndim !== 4 || x.shape[1]! % (r * r) !== 0) throw new ShapeError(`pixelShuffle: expected (N, C·${r * r}, H, W), got ${fmtShape(x.shape)}`);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  return x.view([n, c / (r * r), r, r, h, w]).permute([0, 1, 4, 2, 5, 3]).reshape([n, c / (r * r), h * r, w * r]);
}

