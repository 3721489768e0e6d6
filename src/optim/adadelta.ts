// Adadelta (Zeiler, 2012): step sizes from the ratio of running RMS of updates and of gradients.
import { ArgumentError } from '../tensor/errors.js';
import { zerosLike } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { type BaseOptions, type ParamGroup, type ParamGroupInput, Optimizer } from './optimizer.js';

export interface AdadeltaOptions extends BaseOptions {
  rho?: number;
  eps?: number;
  weightDecay?: number;
}
type AdadeltaState = { squareAvg: Tensor; accDelta: Tensor };

/**
 * Adadelta:  g ← g + λp   v ← ρv + (1 − ρ)g²   Δ = √(u + ε)/√(v + ε) · g   u ← ρu + (1 − ρ)Δ²   p ← p − lr·Δ
 * @example new Adadelta(params, { rho: 0.9 })   // lr defaults to 1
 */
export class Adadelta extends Optimizer<AdadeltaOptions, AdadeltaState> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<AdadeltaOptions>>,
    { lr = 1, rho = 0.9, eps = 1e-6, weightDecay = 0, maximize = false }: Partial<AdadeltaOptions> = {}) {
    if (!(rho >= 0 && rho <= 1)) throw new ArgumentError(`Adadelta: Invalid rho value: ${rho}`);
    if (eps < 0) throw new ArgumentError(`Adadelta: Invalid epsilon value: ${eps}`);
    if (weightDecay < 0) throw new ArgumentError(`Adadelta: Invalid weightDecay value: ${weightDecay}`);
    super(params, { lr, rho, eps, weightDecay, maximize });
  }
  protected initState(p: Tensor): AdadeltaState {
    return { squareAvg: zerosLike(p), accDelta: zerosLike(p) };
  }
  protected update(p: Tensor, g: Tensor, s: AdadeltaState, o: ParamGroup<AdadeltaOptions>): void {
    const rho = o.rho!;
    if (o.weightDecay) g = g.add(p, { alpha: o.weightDecay });
    s.squareAvg.mul_(rho).addcmul_(g, g, { value: 1 - rho });
    const std = s.squareAvg.add(o.eps!).sqrt();
    const delta = s.accDelta.add(o.eps!).sqrt().div(std).mul(g);
    s.accDelta.mul_(rho).addcmul_(delta, delta, { value: 1 - rho });
    p.add_(delta, { alpha: -o.lr });
  }
}
