// AdamW (Loshchilov & Hutter, 2019): Adam with weight decay decoupled from the gradient.
import { zerosLike } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { type AdamOptions, type AdamState, adamStep, checkAdamOptions, fusedAdamStep } from './adam.js';
import { type ParamGroup, type ParamGroupInput, Optimizer } from './optimizer.js';

export type AdamWOptions = AdamOptions;

/**
 * AdamW:  p ← p(1 − lr·λ)   m ← β₁m + (1 − β₁)g   v ← β₂v + (1 − β₂)g²   p ← p − lr·m̂/(√v̂ + ε)
 * (weightDecay defaults to 0.01; amsgrad as in Adam).
 * @example new AdamW(model.parameters(), { lr: 3e-4, weightDecay: 0.1 })
 */
export class AdamW extends Optimizer<AdamWOptions, AdamState> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<AdamWOptions>>,
    { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 1e-2, amsgrad = false, maximize = false }: Partial<AdamWOptions> = {}) {
    checkAdamOptions('AdamW', { betas, eps, weightDecay });
    super(params, { lr, betas: [...betas], eps, weightDecay, amsgrad, maximize });
  }
  protected initState(p: Tensor, o: ParamGroup<AdamWOptions>): AdamState {
    return { expAvg: zerosLike(p), expAvgSq: zerosLike(p), maxExpAvgSq: o.amsgrad ? zerosLike(p) : null };
  }
  protected update(p: Tensor, g: Tensor, s: AdamState, o: ParamGroup<AdamWOptions>, t: number): void {
    if (o.weightDecay) p.mul_(1 - o.lr * o.weightDecay);
    adamStep(p, g, s, o, t);
  }
  protected override fusedUpdate(p: Tensor, grad: Tensor, s: AdamState, o: ParamGroup<AdamWOptions>, t: number): boolean {
    return fusedAdamStep(p, grad, s, o, t, true);
  }
}
