// Convolution: the im2col/col2im pair (differentiable primitives, each the other's backward); conv2d
// as one primitive (a fused backend kernel each way; its gradient under createGraph composed from
// im2col, col2im and matmul); conv1d, convTranspose1d/2d, unfold and fold built on them.
import { isGradEnabled } from '../autograd/grad-mode.js';
import type { Conv2dGeom, ConvGeom } from '../backend/backend.js';
import { isFloating } from '../tensor/dtype.js';
import { ArgumentError, DTypeError, ShapeError, fmtShape } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { be, checkTensor, contiguousData, empty, finishOut, record, viewOf } from './define.js';

export type Pair = number | readonly [number, number];
export const pair = (v: Pair, op: string, what: string): [number, number] => {
  const p = typeof v === 'number' ? [v, v] : v;
  if (p.length !== 2 || !p.every((x) => Number.isInteger(x))) throw new ArgumentError(`${op}: ${what} must be an integer or a pair of integers, got ${JSON.stringify(v)}`);
  return [p[0]!, p[1]!];
};

/** Window geometry shared by im2col and col2im: everything but the batch and channel sizes. */
export interface WindowGeom {
  kernel: readonly [number, number];
  stride: readonly [number, number];
  /** Zero padding before the first row/column; the padding after is implied by outSize. */
  padding: readonly [number, number];
  dilation: readonly [number, number];
  /** Number of window positions (oh, ow). */
  outSize: readonly [number, number];
}

function geom(n: number, c: number, h: number, w: number, g: WindowGeom): Conv2dGeom {
  return {
    n, c, h, w, kh: g.kernel[0], kw: g.kernel[1], sh: g.stride[0], sw: g.stride[1], ph: g.padding[0], pw: g.padding[1],
    dh: g.dilation[0], dw: g.dilation[1], oh: g.outSize[0], ow: g.outSize[1],
  };
}

function checkFloat(op: string, x: Tensor): void {
  if (!isFloating(x.dtype)) throw new DTypeError(`${op}: expected a floating point input, got ${x.dtype}`);
}

/**
 * im2col: (N, C, H, W) → (N, C·kh·kw, oh·ow), each column one window (zeros where it hangs over
 * the border). Backward is col2im.
 */
export function im2col(x: Tensor, g: WindowGeom): Tensor {
  checkTensor(x, 'im2col');
  checkFloat('im2col', x);
  if (x.ndim !== 4) throw new ShapeError(`im2col: expected a 4-D input (N, C, H, W), got shape ${fmtShape(x.shape)}`);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const G = geom(n, c, h, w, g);
  const out = empty([n, c * G.kh * G.kw, G.oh * G.ow], x.dtype);
  be().im2col(contiguousData(x), G, out.storage.data);
  return record(finishOut(out), 'im2col', [x], (gr) => [col2im(gr, [h, w], g)]);
}

/** col2im: (N, C·kh·kw, oh·ow) → (N, C, H, W), summing where windows overlap. Backward is im2col. */
export function col2im(cols: Tensor, size: readonly [number, number], g: WindowGeom): Tensor {
  checkTensor(cols, 'col2im');
  checkFloat('col2im', cols);
  const k = g.kernel[0] * g.kernel[1];
  const L = g.outSize[0] * g.outSize[1];
  if (cols.ndim !== 3 || cols.shape[1]! % k !== 0 || cols.shape[2] !== L) {
    throw new ShapeError(`col2im: expected columns of shape (N, C·${k}, ${L}) for kernel ${fmtShape(g.kernel)} and ${fmtShape(g.outSize)} window positions, got ${fmtShape(cols.shape)}`);
  }
  const [n, ck] = cols.shape as [number, number];
  const c = ck / k;
  const G = geom(n, c, size[0], size[1], g);
  const out = empty([n, c, size[0], size[1]], cols.dtype);
  be().col2im(contiguousData(cols), G, out.storage.data);
  return record(finishOut(out), 'col2im', [cols], (gr) => [im2col(gr, g)]);
}

// ---------------------------------------------------------------- convolutions

export interface ConvOptions {
  stride?: Pair;
  /** Zero padding on both sides, or 'valid' (none) or 'same' (output size = input size; stride 1 only). */
  padding?: Pair | 'same' | 'valid';
  dilation?: Pair;
  groups?: number;
}

/** Output size of a sliding window: ⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1. */
export const windowCount = (n: number, k: number, s: number, p: number, d: number): number => Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;

/**
 * 2-D convolution (cross-correlation, like PyTorch): x (N, C, H, W) or (C, H, W), weight
 * (O, C/groups, kh, kw), bias (O). The backend lowers it to im2col + one GEMM per image and group.
 * @example conv2d(randn([1, 3, 8, 8]), randn([16, 3, 3, 3]), null, { padding: 1 }) // [1, 16, 8, 8]
 */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, o: ConvOptions = {}, op = 'conv2d'): Tensor {
  checkTensor(x, op);
  checkTensor(weight, op, 'weight');
  if (x.ndim !== 3 && x.ndim !== 4) throw new ShapeError(`${op}: expected a 3-D (unbatched) or 4-D (batched) input, got shape ${fmtShape(x.shape)}`);
  if (x.ndim === 3) return conv2d(x.unsqueeze(0), weight, bias, o, op).squeeze(0);
  if (weight.ndim !== 4) throw new ShapeError(`${op}: expected a 4-D weight (out, in/groups, kh, kw), got shape ${fmtShape(weight.shape)}`);
  const groups = o.groups ?? 1;
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [oc, icg, kh, kw] = weight.shape as [number, number, number, number];
  if (!Number.isInteger(groups) || groups < 1 || oc % groups !== 0) throw new ArgumentError(`${op}: groups (${groups}) must be a positive integer dividing out_channels (${oc})`);
  if (icg * groups !== c) {
    throw new ShapeError(`${op}: weight of shape ${fmtShape(weight.shape)} with groups=${groups} expects input to have ${icg * groups} channels, but got input of shape ${fmtShape(x.shape)} (${c} channels)`);
  }
  if (x.dtype !== weight.dtype) throw new DTypeError(`${op}: input (${x.dtype}) and weight (${weight.dtype}) must have the same dtype`);
  checkFloat(op, x);
  const stride = pair(o.stride ?? 1, op, 'stride');
  const dil = pair(o.dilation ?? 1, op, 'dilation');
  if (stride.some((s) => s < 1) || dil.some((d) => d < 1)) throw new ArgumentError(`${op}: stride and dilation must be positive, got stride ${fmtShape(stride)}, dilation ${fmtShape(dil)}`);
  let pad: [number, number];
  let outSize: [number, number];
  const pd = o.padding ?? 0;
  if (pd === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) throw new ArgumentError(`${op}: padding='same' is not supported for strided convolutions`);
    // Odd total padding puts the extra row/column after, like PyTorch.
    pad = [Math.floor((dil[0] * (kh - 1)) / 2), Math.floor((dil[1] * (kw - 1)) / 2)];
    outSize = [h, w];
  } else {
    pad = pd === 'valid' ? [0, 0] : pair(pd, op, 'padding');
    if (pad.some((p) => p < 0)) throw new ArgumentError(`${op}: negative padding is not supported, got ${fmtShape(pad)}`);
    outSize = [windowCount(h, kh, stride[0], pad[0], dil[0]), windowCount(w, kw, stride[1], pad[1], dil[1])];
  }
  if (outSize[0] < 1 || outSize[1] < 1) {
    throw new ShapeError(`${op}: input of shape ${fmtShape(x.shape)} (padded by ${fmtShape(pad)}) is smaller than the dilated kernel ${fmtShape([dil[0] * (kh - 1) + 1, dil[1] * (kw - 1) + 1])}`);
  }
  if (bias) {
    checkTensor(bias, op, 'bias');
    if (bias.ndim !== 1 || bias.shape[0] !== oc) throw new ShapeError(`${op}: expected bias of shape [${oc}], got ${fmtShape(bias.shape)}`);
    if (bias.dtype !== x.dtype) throw new DTypeError(`${op}: input (${x.dtype}) and bias (${bias.dtype}) must have the same dtype`);
  }
  const window: WindowGeom = { kernel: [kh, kw], stride, padding: pad, dilation: dil, outSize };
  return convPrimitive(op, x, weight, bias, window, { ...geom(n, c, h, w, window), oc, groups });
}

/** conv2d on validated arguments: one backend kernel forward, one backward (composed under createGraph). */
function convPrimitive(op: string, x: Tensor, weight: Tensor, bias: Tensor | null, window: WindowGeom, G: ConvGeom): Tensor {
  const xd = contiguousData(x), wd = contiguousData(weight);
  const out = empty([G.n, G.oc, G.oh, G.ow], x.dtype);
  be().conv2d(xd, wd, bias ? contiguousData(bias) : null, G, out.storage.data);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record(finishOut(out), op, inputs, (g) => {
    if (isGradEnabled()) return composedBackward(g, x, weight, bias, window, G); // createGraph: differentiable ops
    const grad = (t: Tensor | null) => (t?.requiresGrad ? empty(t.shape, t.dtype) : null);
    const dx = grad(x), dw = grad(weight), db = grad(bias);
    be().conv2dBackward(viewOf(g), xd, wd, G, dx?.storage.data ?? null, dw?.storage.data ?? null, db?.storage.data ?? null);
    for (const t of [dx, dw, db]) if (t) finishOut(t);
    return bias ? [dx, dw, db] : [dx, dw];
  }, [x, weight]);
}

/**
 * conv2d's gradients written with differentiable ops (so they can be differentiated again): with
 * cols = im2col(x) (N, g, C/g·kh·kw, L) and g (N, g, O/g, L): dx = col2im(Wᵀ·g), dW = Σₙ g·colsᵀ, db = Σ g.
 */
function composedBackward(g: Tensor, x: Tensor, weight: Tensor, bias: Tensor | null, window: WindowGeom, G: ConvGeom): (Tensor | null)[] {
  const { n, c, oc, groups } = G;
  const L = G.oh * G.ow, kg = (c / groups) * G.kh * G.kw;
  const g4 = g.reshape([n, groups, oc / groups, L]);
  const w3 = weight.reshape([groups, oc / groups, kg]);
  const dx = x.requiresGrad ? col2im(w3.mT.matmul(g4).reshape([n, c * G.kh * G.kw, L]), [G.h, G.w], window) : null;
  const dw = weight.requiresGrad ? g4.matmul(im2col(x, window).view([n, groups, kg, L]).mT).sum(0).reshape(weight.shape) : null;
  const grads = [dx, dw];
  if (bias) grads.push(bias.requiresGrad ? g.sum([0, 2, 3]) : null);
  return grads;
}

export interface Conv1dOptions {
  stride?: number;
  padding?: number | 'same' | 'valid';
  dilation?: number;
  groups?: number;
}

/** 1-D convolution: x (N, C, L) or (C, L), weight (O, C/groups, k). A conv2d with height 1. */
export function conv1d(x: Tensor, weight: Tensor, bias: Tensor | null = null, o: Conv1dOptions = {}): Tensor {
  checkTensor(x, 'conv1d');
  if (x.ndim !== 2 && x.ndim !== 3) throw new ShapeError(`conv1d: expected a 2-D (unbatched) or 3-D (batched) input, got shape ${fmtShape(x.shape)}`);
  if (weight.ndim !== 3) throw new ShapeError(`conv1d: expected a 3-D weight (out, in/groups, k), got shape ${fmtShape(weight.shape)}`);
  const p = o.padding ?? 0;
  return conv2d(x.unsqueeze(-2), weight.unsqueeze(2), bias, {
    stride: [1, o.stride ?? 1], padding: typeof p === 'number' ? [0, p] : p, dilation: [1, o.dilation ?? 1], groups: o.groups,
  }, 'conv1d').squeeze(-2);
}

export interface ConvTransposeOptions {
  stride?: Pair;
  padding?: Pair;
  outputPadding?: Pair;
  groups?: number;
  dilation?: Pair;
}

/**
 * Transposed 2-D convolution (the gradient of conv2d w.r.t. its input): x (N, Cin, H, W), weight
 * (Cin, Cout/groups, kh, kw). Output H' = (H − 1)·s − 2p + d(k − 1) + outputPadding + 1.
 */
export function convTranspose2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, o: ConvTransposeOptions = {}, op = 'convTranspose2d'): Tensor {
  checkTensor(x, op);
  checkTensor(weight, op, 'weight');
  if (x.ndim !== 3 && x.ndim !== 4) throw new ShapeError(`${op}: expected a 3-D (unbatched) or 4-D (batched) input, got shape ${fmtShape(x.shape)}`);
  if (x.ndim === 3) return convTranspose2d(x.unsqueeze(0), weight, bias, o, op).squeeze(0);
  if (weight.ndim !== 4) throw new ShapeError(`${op}: expected a 4-D weight (in, out/groups, kh, kw), got shape ${fmtShape(weight.shape)}`);
  const groups = o.groups ?? 1;
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [ic, ocg, kh, kw] = weight.shape as [number, number, number, number];
  if (ic !== c) throw new ShapeError(`${op}: weight of shape ${fmtShape(weight.shape)} expects input with ${ic} channels, but got input of shape ${fmtShape(x.shape)} (${c} channels)`);
  if (!Number.isInteger(groups) || groups < 1 || c % groups !== 0) throw new ArgumentError(`${op}: groups (${groups}) must be a positive integer dividing in_channels (${c})`);
  if (x.dtype !== weight.dtype) throw new DTypeError(`${op}: input (${x.dtype}) and weight (${weight.dtype}) must have the same dtype`);
  const stride = pair(o.stride ?? 1, op, 'stride');
  const pad = pair(o.padding ?? 0, op, 'padding');
  const opad = pair(o.outputPadding ?? 0, op, 'outputPadding');
  const dil = pair(o.dilation ?? 1, op, 'dilation');
  for (let i = 0; i < 2; i++) {
    if (opad[i]! >= stride[i]! && opad[i]! >= dil[i]!) throw new ArgumentError(`${op}: outputPadding (${fmtShape(opad)}) must be smaller than either stride (${fmtShape(stride)}) or dilation (${fmtShape(dil)})`);
  }
  const oh = (h - 1) * stride[0] - 2 * pad[0] + dil[0] * (kh - 1) + opad[0] + 1;
  const ow = (w - 1) * stride[1] - 2 * pad[1] + dil[1] * (kw - 1) + opad[1] + 1;
  if (oh < 1 || ow < 1) throw new ShapeError(`${op}: computed output size ${fmtShape([oh, ow])} is too small for input ${fmtShape(x.shape)}`);
  const oc = ocg * groups;
  const K = ocg * kh * kw;
  const wg = weight.reshape([groups, c / groups, K]).mT; // (g, Cout/g·kh·kw, Cin/g)
  const cols = wg.matmul(x.reshape([n, groups, c / groups, h * w])).reshape([n, oc * kh * kw, h * w]);
  let out = col2im(cols, [oh, ow], { kernel: [kh, kw], stride, padding: pad, dilation: dil, outSize: [h, w] });
  if (bias) {
    if (bias.ndim !== 1 || bias.shape[0] !== oc) throw new ShapeError(`${op}: expected bias of shape [${oc}], got ${fmtShape(bias.shape)}`);
    out = out.add(bias.view([1, oc, 1, 1]));
  }
  return out;
}

/** Transposed 1-D convolution: x (N, Cin, L), weight (Cin, Cout/groups, k). */
export function convTranspose1d(x: Tensor, weight: Tensor, bias: Tensor | null = null,
  o: { stride?: number; padding?: number; outputPadding?: number; groups?: number; dilation?: number } = {}): Tensor {
  checkTensor(x, 'convTranspose1d');
  if (x.ndim !== 2 && x.ndim !== 3) throw new ShapeError(`convTranspose1d: expected a 2-D or 3-D input, got shape ${fmtShape(x.shape)}`);
  if (weight.ndim !== 3) throw new ShapeError(`convTranspose1d: expected a 3-D weight, got shape ${fmtShape(weight.shape)}`);
  return convTranspose2d(x.unsqueeze(-2), weight.unsqueeze(2), bias, {
    stride: [1, o.stride ?? 1], padding: [0, o.padding ?? 0], outputPadding: [0, o.outputPadding ?? 0], groups: o.groups, dilation: [1, o.dilation ?? 1],
  }, 'convTranspose1d').squeeze(-2);
}

export interface UnfoldOptions {
  dilation?: Pair;
  padding?: Pair;
  stride?: Pair;
}

/** torch.nn.functional.unfold: sliding local blocks of (N, C, H, W) as (N, C·kh·kw, L). */
export function unfold(x: Tensor, kernelSize: Pair, o: UnfoldOptions = {}): Tensor {
  checkTensor(x, 'unfold');
  if (x.ndim !== 3 && x.ndim !== 4) throw new ShapeError(`unfold: expected a 3-D or 4-D input, got shape ${fmtShape(x.shape)}`);
  if (x.ndim === 3) return unfold(x.unsqueeze(0), kernelSize, o).squeeze(0);
  const k = pair(kernelSize, 'unfold', 'kernelSize');
  const s = pair(o.stride ?? 1, 'unfold', 'stride');
  const p = pair(o.padding ?? 0, 'unfold', 'padding');
  const d = pair(o.dilation ?? 1, 'unfold', 'dilation');
  const outSize: [number, number] = [windowCount(x.shape[2]!, k[0], s[0], p[0], d[0]), windowCount(x.shape[3]!, k[1], s[1], p[1], d[1])];
  if (outSize[0] < 1 || outSize[1] < 1) throw new ShapeError(`unfold: input of shape ${fmtShape(x.shape)} is too small for kernel ${fmtShape(k)} with padding ${fmtShape(p)} and dilation ${fmtShape(d)}`);
  return im2col(x, { kernel: k, stride: s, padding: p, dilation: d, outSize });
}

/** torch.nn.functional.fold: (N, C·kh·kw, L) blocks summed back into (N, C, outputSize). */
export function fold(x: Tensor, outputSize: Pair, kernelSize: Pair, o: UnfoldOptions = {}): Tensor {
  checkTensor(x, 'fold');
  if (x.ndim !== 2 && x.ndim !== 3) throw new ShapeError(`fold: expected a 2-D or 3-D input, got shape ${fmtShape(x.shape)}`);
  if (x.ndim === 2) return fold(x.unsqueeze(0), outputSize, kernelSize, o).squeeze(0);
  const size = pair(outputSize, 'fold', 'outputSize');
  const k = pair(kernelSize, 'fold', 'kernelSize');
  const s = pair(o.stride ?? 1, 'fold', 'stride');
  const p = pair(o.padding ?? 0, 'fold', 'padding');
  const d = pair(o.dilation ?? 1, 'fold', 'dilation');
  const outSize: [number, number] = [windowCount(size[0], k[0], s[0], p[0], d[0]), windowCount(size[1], k[1], s[1], p[1], d[1])];
  if (x.shape[1]! % (k[0] * k[1]) !== 0) throw new ShapeError(`fold: expected size of input's dimension 1 to be divisible by the product of kernel_size (${k[0] * k[1]}), but got input of shape ${fmtShape(x.shape)}`);
  if (x.shape[2] !== outSize[0] * outSize[1]) throw new ShapeError(`fold: expected input's dimension 2 to match the calculated number of sliding blocks ${outSize[0]} * ${outSize[1]} = ${outSize[0] * outSize[1]}, but got input of shape ${fmtShape(x.shape)}`);
  return col2im(x, size, { kernel: k, stride: s, padding: p, dilation: d, outSize });
}
