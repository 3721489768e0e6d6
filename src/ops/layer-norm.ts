// Layer normalisation as one primitive: a fused forward kernel (saving each row's mean and 1/σ) and a
// fused backward kernel, instead of the ~8 forward and ~20 backward elementwise ops of its composed
// form; that composed form still serves higher-order gradients (createGraph).
import { isGradEnabled } from '../autograd/grad-mode.js';
import { allocate } from '../tensor/dtype.js';
import { sameShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { be, contiguousData, empty, record, sumToShape, uninitialized } from './define.js';

/**
 * (x − E[x]) / √(Var[x] + ε) · w + b over the trailing `dims` (biased variance), w and b of the
 * normalized shape. Returns null when the primitive does not apply (dtype other than float32/float64,
 * mixed dtypes, w/b of another shape) and the caller composes it from ops.
 */
export function layerNormPrimitive(x: Tensor, normalizedShape: readonly number[], weight: Tensor | null, bias: Tensor | null, eps: number): Tensor | null {
  const dtype = x.dtype;
  if (dtype !== 'float32' && dtype !== 'float64') return null;
  for (const t of [weight, bias]) if (t && (t.dtype !== dtype || !sameShape(t.shape, normalizedShape))) return null;
  const cols = normalizedShape.reduce((a, b) => a * b, 1);
  const n = x.numel();
  if (cols === 0 || n === 0) return null;
  const rows = n / cols;
  const xd = contiguousData(x);
  const wd = weight ? contiguousData(weight) : null;
  const bd = bias ? contiguousData(bias) : null;
  const out = uninitialized(x.shape, dtype);
  const mean = allocate(dtype, rows), rstd = allocate(dtype, rows);
  be().layerNorm(xd, rows, cols, wd, bd, eps, out.storage.data, mean, rstd);
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return record(out, 'layerNorm', inputs, (g) => {
    const dims = normalizedShape.map((_, i) => x.ndim - normalizedShape.length + i);
    if (isGradEnabled()) return composedBackward(g, x, weight, bias, dims, eps); // createGraph: differentiable ops
    const dx = uninitialized(x.shape, dtype);
    const dw = weight?.requiresGrad ? empty(weight.shape, dtype) : null;
    const db = bias?.requiresGrad ? empty(bias.shape, dtype) : null;
    be().layerNormBackward(contiguousData(g), xd, mean, rstd, wd, rows, cols, dx.storage.data, dw?.storage.data ?? null, db?.storage.data ?? null);
    return [x.requiresGrad ? dx : null, ...(weight ? [dw] : []), ...(bias ? [db] : [])];
  }, inputs);
}

/** The same gradients written with ops: x̂ = (x − μ)·rstd, ĝ = g·w, dx = rstd·(ĝ − mean ĝ − x̂·mean(ĝx̂)). */
function composedBackward(g: Tensor, x: Tensor, weight: Tensor | null, bias: Tensor | null, dims: number[], eps: number): (Tensor | null)[] {
  const xc = x.sub(x.mean(dims, { keepdim: true }));
  const rstd = xc.square().mean(dims, { keepdim: true }).add(eps).rsqrt();
  const xhat = xc.mul(rstd);
  const gy = weight ? g.mul(weight) : g;
  const dx = rstd.mul(gy.sub(gy.mean(dims, { keepdim: true })).sub(xhat.mul(gy.mul(xhat).mean(dims, { keepdim: true }))));
  return [
    dx,
    ...(weight ? [sumToShape(g.mul(xhat), weight.shape)] : []),
    ...(bias ? [sumToShape(g, bias.shape)] : []),
  ];
}
