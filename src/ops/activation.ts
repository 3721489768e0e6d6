// Activations composed from differentiable primitives (no backward of their own): softmax family,
// softplus, leaky ReLU, ELU/SELU, hard* variants, mish, GLU.
import { isGradEnabled } from '../autograd/grad-mode.js';
import { isFloating } from '../tensor/dtype.js';
import { ArgumentError, ShapeError, fmtShape } from '../tensor/errors.js';
import { normalizeDim } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { numel } from '../tensor/shape.js';
import { be, checkTensor, contiguousData, finishOut, record, uninitialized } from './define.js';

function asFloat(x: Tensor): Tensor {
  return isFloating(x.dtype) ? x : x.to('float32');
}

/**
 * One fused kernel for softmax / log-softmax along dim (shifted by the max for stability), and one for
 * the backward: softmax s → s ⊙ (g − Σ g⊙s), log-softmax → g − eˢ·Σ g (written with ops under createGraph).
 */
function softmaxOp(x: Tensor, dim: number, log: boolean): Tensor {
  const name = log ? 'logSoftmax' : 'softmax';
  checkTensor(x, name);
  const xf = asFloat(x);
  const d = normalizeDim(dim, xf.ndim, name);
  const out = uninitialized(xf.shape, xf.dtype);
  if (xf.numel() > 0) {
    const outer = numel(xf.shape.slice(0, d));
    const size = xf.ndim ? xf.shape[d]! : 1;
    be().softmax(contiguousData(xf), outer, size, numel(xf.shape.slice(d + 1)), out.storage.data, log);
    finishOut(out);
  }
  return record(out, name, [xf], (g) => {
    if (isGradEnabled()) { // createGraph: the gradient written with differentiable ops
      return [log ? g.sub(out.exp().mul(g.sum(d, { keepdim: true }))) : out.mul(g.sub(g.mul(out).sum(d, { keepdim: true })))];
    }
    const dx = uninitialized(xf.shape, xf.dtype);
    if (xf.numel() > 0) {
      const outer = numel(xf.shape.slice(0, d));
      const size = xf.ndim ? xf.shape[d]! : 1;
      be().softmaxBackward(contiguousData(g, xf.dtype), out.storage.data, outer, size, numel(xf.shape.slice(d + 1)), dx.storage.data, log);
    }
    return [finishOut(dx)];
  }, [out]);
}

/** softmax(x)ᵢ = e^{xᵢ − max} / Σⱼ e^{xⱼ − max} along dim. @example softmax(tensor([1, 2, 3])) // [0.090, 0.245, 0.665] */
export function softmax(x: Tensor, dim = -1): Tensor {
  return softmaxOp(x, dim, false);
}

/** log softmax(x) = x − logsumexp(x) along dim, computed stably in one pass. */
export function logSoftmax(x: Tensor, dim = -1): Tensor {
  return softmaxOp(x, dim, true);
}

/** softplus(x) = log(1 + e^{βx})/β, linear above the threshold (PyTorch's defaults β = 1, threshold 20). */
export function softplus(x: Tensor, { beta = 1, threshold = 20 }: { beta?: number; threshold?: number } = {}): Tensor {
  checkTensor(x, 'softplus');
  const bx = x.mul(beta);
  // log1p(e^{−|βx|}) + max(βx, 0) is stable for both signs.
  const soft = bx.abs().neg().exp().log1p().add(bx.relu()).div(beta);
  return soft.where(bx.le(threshold), x);
}

export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  checkTensor(x, 'leakyRelu');
  return x.where(x.gt(0), x.mul(negativeSlope));
}

export function elu(x: Tensor, alpha = 1): Tensor {
  checkTensor(x, 'elu');
  return x.where(x.gt(0), x.expm1().mul(alpha));
}

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
export function selu(x: Tensor): Tensor {
  return elu(x, SELU_ALPHA).mul(SELU_SCALE);
}

export function celu(x: Tensor, alpha = 1): Tensor {
  checkTensor(x, 'celu');
  return x.where(x.gt(0), x.div(alpha).expm1().mul(alpha));
}

export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  checkTensor(x, 'hardtanh');
  if (minVal > maxVal) throw new ArgumentError(`hardtanh: minVal (${minVal}) cannot be greater than maxVal (${maxVal})`);
  return x.clamp(minVal, maxVal);
}

export const relu6 = (x: Tensor): Tensor => hardtanh(x, 0, 6);
export const hardsigmoid = (x: Tensor): Tensor => x.div(6).add(0.5).clamp(0, 1);
export const hardswish = (x: Tensor): Tensor => x.mul(hardsigmoid(x));
export const logsigmoid = (x: Tensor): Tensor => softplus(x.neg()).neg();
export const softsign = (x: Tensor): Tensor => x.div(x.abs().add(1));
export const mish = (x: Tensor): Tensor => x.mul(softplus(x).tanh());
export const tanhshrink = (x: Tensor): Tensor => x.sub(x.tanh());

/** Gated linear unit: a ⊙ σ(b) where a, b are the halves of x along dim. */
export function glu(x: Tensor, dim = -1): Tensor {
  checkTensor(x, 'glu');
  const d = normalizeDim(dim, x.ndim, 'glu');
  const n = x.shape[d]!;
  if (n % 2 !== 0) throw new ShapeError(`glu: halving dimension must be even, but dimension ${d} is size ${n} (shape ${fmtShape(x.shape)})`);
  const [a, b] = x.chunk(2, d) as [Tensor, Tensor];
  return a.mul(b.sigmoid());
}
