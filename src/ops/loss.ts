// Loss primitives: the negative log-likelihood of class indices as one op each way (nn's nllLoss and
// crossEntropy take it when there are no class weights), instead of ~10 small ops and their backwards.
import { isGradEnabled } from '../autograd/grad-mode.js';
import { zeros } from '../tensor/creation.js';
import { DTypeError, ShapeError, fmtShape } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkTensor, contiguousData, empty, finishOut, record } from './define.js';

export type NllReduction = 'none' | 'mean' | 'sum';

/**
 * NLL of log-probabilities x (M, C) at class indices t (M, int32; entries equal to ignoreIndex count
 * neither in the loss nor in the mean's denominator): ℓᵢ = −x[i, tᵢ]; 'mean' divides the sum by the
 * number of kept rows (0 of them gives NaN, like PyTorch). The caller has checked every index is in
 * [0, C) or equal to ignoreIndex.
 */
export function nllLossRows(x: Tensor, t: Tensor, ignoreIndex: number, reduction: NllReduction): Tensor {
  checkTensor(x, 'nllLoss');
  if (x.ndim !== 2 || t.ndim !== 1 || t.shape[0] !== x.shape[0]) {
    throw new ShapeError(`nllLoss: expected input (M, C) and target (M), got ${fmtShape(x.shape)} and ${fmtShape(t.shape)}`);
  }
  if (t.dtype !== 'int32') throw new DTypeError(`nllLoss: expected int32 class indices, got ${t.dtype}`);
  const [M, C] = x.shape as [number, number];
  const xd = contiguousData(x), td = contiguousData(t);
  const losses = reduction === 'none' ? empty([M], x.dtype) : null;
  let sum = 0, kept = 0;
  for (let i = 0; i < M; i++) {
    const c = td[i]!;
    const l = c === ignoreIndex ? 0 : -xd[i * C + c]!;
    if (c !== ignoreIndex) kept++;
    if (losses) losses.storage.data[i] = l;
    else sum += l;
  }
  let out: Tensor;
  if (losses) out = losses;
  else {
    out = empty([], x.dtype);
    out.storage.data[0] = reduction === 'sum' ? sum : sum / kept;
  }
  const scale = reduction === 'mean' ? 1 / kept : 1;
  return record(finishOut(out), 'nllLoss', [x], (g) => {
    if (isGradEnabled()) {
      // createGraph: the same scatter, written with differentiable ops.
      const keep = t.ne(ignoreIndex);
      const w = keep.to(x.dtype).mul(-scale).mul(reduction === 'none' ? g : g.expand([M]));
      return [zeros([M, C], { dtype: x.dtype }).scatterAdd(1, t.where(keep, 0).unsqueeze(1), w.unsqueeze(1))];
    }
    const dx = zeros([M, C], { dtype: x.dtype });
    const gd = contiguousData(g), dd = dx.storage.data;
    for (let i = 0; i < M; i++) {
      const c = td[i]!;
      if (c !== ignoreIndex) dd[i * C + c] = -scale * gd[reduction === 'none' ? i : 0]!;
    }
    return [finishOut(dx)];
  }, [x]);
}
