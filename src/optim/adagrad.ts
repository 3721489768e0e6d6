// Adagrad (Duchi et al., 2011): per-coordinate step sizes from the running sum of squared gradients.
import { ArgumentError } from '../tensor/errors.js';
import { fullLike } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { type BaseOptions, type ParamGroup, type ParamGroupInput, Optimizer } from './optimizer.js';

export interface AdagradOptions extends BaseOptions {
  lrDecay?: number;
  weightDecay?: number;
  initialAccumulatorValue?: number;
  eps?: number;
}
type AdagradState = { sum: Tensor };

/**
 * Adagrad:  g ← g + λp   η_t = lr / (1 + (t − 1)·lrDecay)   s ← s + g²   p ← p − η_t·g / (√s + ε)
 * (s starts at initialAccumulatorValue).
 * @example new Adagrad(params, { lr: 0.1 })
 */
export class Adagrad extends Optimizer<AdagradOptions, AdagradState> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<AdagradOptions>>,
    { lr = 1e-2, lrDecay = 0, weightDecay = 0, initialAccumulatorValue = 0, eps = 1e-10, maximize = false }: Partial<AdagradOptions> = {}) {
    if (lrDecay < 0) throw new ArgumentError(`Adagrad: Invalid lrDecay value: ${lrDecay}`);
    if (weightDecay < 0) throw new ArgumentError(`Adagrad: Invalid weightDecay value: ${weightDecay}`);
    if (initialAccumulatorValue < 0) throw new ArgumentError(`Adagrad: Invalid initialAccumulatorValue value: ${initialAccumulatorValue}`);
    if (eps < 0) throw new ArgumentError(`Adagrad: Invalid epsilon value: ${eps}`);
    super(params, { lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize });
  }
  protected initState(p: Tensor, o: ParamGroup<AdagradOptions>): AdagradState {
    return { sum: fullLike(p, o.initialAccumulatorValue!) };
  }
  protected update(p: Tensor, g: Tensor, s: AdagradState, o: ParamGroup<AdagradOptions>, t: number): void {
    if (o.weightDecay) g = g.add(p, { alpha: o.weightDecay });
    const clr = o.lr / (1 + (t - 1) * o.lrDecay!);
    s.sum.addcmul_(g, g, { value: 1 });
    p.addcdiv_(g, s.sum.sqrt().add(o.eps!), { value: -clr });
  }
}
