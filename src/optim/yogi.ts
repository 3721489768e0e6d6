// Yogi (Zaheer et al., NeurIPS 2018; d2l.ai §12.10): Adam whose second moment moves additively, so
// it cannot blow up the effective step when gradients suddenly shrink.
import { zerosLike } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkAdamOptions } from './adam.js';
import { type BaseOptions, type ParamGroup, type ParamGroupInput, Optimizer } from './optimizer.js';

export interface YogiOptions extends BaseOptions {
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}
type YogiState = { expAvg: Tensor; expAvgSq: Tensor };

/**
 * Yogi:  g ← g + λp   m ← β₁m + (1 − β₁)g   v ← v + (1 − β₂)·g²·sign(g² − v)
 *  p ← p − lr·m̂/(√v̂ + ε)  with m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ), v₀ = 0 (d2l's form; ε = 1e-3 as in the paper).
 * @example new Yogi(params, { lr: 0.01 })
 */
export class Yogi extends Optimizer<YogiOptions, YogiState> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<YogiOptions>>,
    { lr = 1e-2, betas = [0.9, 0.999], eps = 1e-3, weightDecay = 0, maximize = false }: Partial<YogiOptions> = {}) {
    checkAdamOptions('Yogi', { betas, eps, weightDecay });
    super(params, { lr, betas: [...betas], eps, weightDecay, maximize });
  }
  protected initState(p: Tensor): YogiState {
    return { expAvg: zerosLike(p), expAvgSq: zerosLike(p) };
  }
  protected update(p: Tensor, g: Tensor, s: YogiState, o: ParamGroup<YogiOptions>, t: number): void {
    const [b1, b2] = o.betas!;
    if (o.weightDecay) g = g.add(p, { alpha: o.weightDecay });
    s.expAvg.mul_(b1).add_(g, { alpha: 1 - b1 });
    const g2 = g.square();
    s.expAvgSq.addcmul_(g2.sub(s.expAvgSq).sign(), g2, { value: 1 - b2 });
    const denom = s.expAvgSq.div(1 - b2 ** t).sqrt().add(o.eps!);
    p.addcdiv_(s.expAvg, denom, { value: -o.lr / (1 - b1 ** t) });
  }
}
