// Small composite ops: addcmul/addcdiv/lerp (optimizer building blocks) and comparisons of whole tensors.
import type { Tensor } from '../tensor/tensor.js';
import { sameShape } from '../tensor/shape.js';
import { ShapeError, fmtShape } from '../tensor/errors.js';
import type { TensorLike } from './define.js';

/** x + value · t1 ⊙ t2. */
export function addcmul(x: Tensor, t1: Tensor, t2: Tensor, { value = 1 }: { value?: number } = {}): Tensor {
  return x.add(t1.mul(t2).mul(value));
}
/** x + value · t1 ⊘ t2. */
export function addcdiv(x: Tensor, t1: Tensor, t2: Tensor, { value = 1 }: { value?: number } = {}): Tensor {
  return x.add(t1.div(t2).mul(value));
}
/** x + weight · (end − x). */
export function lerp(x: Tensor, end: TensorLike, weight: TensorLike): Tensor {
  return x.add(x.mul(-1).add(end).mul(weight));
}
/** True when shapes and every element are equal (torch.equal). */
export function equal(a: Tensor, b: Tensor): boolean {
  return sameShape(a.shape, b.shape) && a.eq(b).all().item() !== 0;
}
/** |a − b| ≤ atol + rtol·|b| elementwise (NaNs equal only with equalNan). */
export function isclose(a: Tensor, b: Tensor, { rtol = 1e-5, atol = 1e-8, equalNan = false }: { rtol?: number; atol?: number; equalNan?: boolean } = {}): Tensor {
  const close = a.sub(b).abs().le(b.abs().mul(rtol).add(atol)).logicalOr(a.eq(b));
  return equalNan ? close.logicalOr(a.isnan().logicalAnd(b.isnan())) : close;
}
export function allclose(a: Tensor, b: Tensor, o: { rtol?: number; atol?: number; equalNan?: boolean } = {}): boolean {
  if (!sameShape(a.shape, b.shape)) {
    try { a.add(b); } catch { throw new ShapeError(`allclose: shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} are not broadcastable`); }
  }
  return isclose(a, b, o).all().item() !== 0;
}
