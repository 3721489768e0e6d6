// Gradient clipping (torch.nn.utils.clip_grad_norm_ / clip_grad_value_): rescale or clamp .grad in place.
import { noGrad } from '../autograd/grad-mode.js';
import '../ops/methods.js';
import { stack } from '../ops/shape.js';
import { scalarTensor } from '../tensor/creation.js';
import { ArgumentError, TsgradError } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';

export class NonFiniteNormError extends TsgradError {}

function gradsOf(parameters: Iterable<Tensor> | Tensor): Tensor[] {
  const ps = parameters instanceof Tensor ? [parameters] : [...parameters];
  // Read internally (the gradients are scaled in place and not handed out), so clipping keeps an unread
  // gradient recyclable when it is dropped.
  return ps.flatMap((p) => (p._grad ? [p._grad] : []));
}

/**
 * Scales all gradients together so their joint p-norm ‖(‖g₁‖_p, …, ‖g_k‖_p)‖_p is at most maxNorm:
 * g ← g · min(1, maxNorm / (total + 1e-6)). Returns the total norm (before clipping) as a 0-d tensor.
 * normType may be Infinity or 'inf' (max |g|). errorIfNonfinite throws when the total is NaN or ±inf.
 * @example clipGradNorm_(model.parameters(), 1.0)
 */
export function clipGradNorm_(parameters: Iterable<Tensor> | Tensor, maxNorm: number,
  { normType = 2, errorIfNonfinite = false }: { normType?: number | 'inf'; errorIfNonfinite?: boolean } = {}): Tensor {
  const p = normType === 'inf' ? Infinity : normType;
  if (typeof p !== 'number' || Number.isNaN(p)) throw new ArgumentError(`clipGradNorm_: invalid normType ${String(normType)}`);
  const grads = gradsOf(parameters);
  if (grads.length === 0) return scalarTensor(0);
  return noGrad(() => {
    const norms = grads.map((g) => g.norm(p).to(grads[0]!.dtype));
    const total = norms.length === 1 ? norms[0]! : p === Infinity ? stack(norms).amax() : stack(norms).norm(p);
    const t = total.item();
    if (errorIfNonfinite && !Number.isFinite(t)) {
      throw new NonFiniteNormError(`clipGradNorm_: the total norm of order ${p} for gradients from parameters is non-finite (${t}), so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set errorIfNonfinite: false`);
    }
    const coef = Math.min(maxNorm / (t + 1e-6), 1);
    for (const g of grads) g.mul_(coef);
    return total;
  });
}

/** Clamps every gradient element into [−clipValue, clipValue]. */
export function clipGradValue_(parameters: Iterable<Tensor> | Tensor, clipValue: number): void {
  if (!(clipValue >= 0)) throw new ArgumentError(`clipGradValue_: clipValue must be non-negative, got ${clipValue}`);
  noGrad(() => { for (const g of gradsOf(parameters)) g.clamp_(-clipValue, clipValue); });
}
