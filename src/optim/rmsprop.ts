// RMSprop (Hinton, Coursera lecture 6e), optionally centered (Graves, 2013) and with momentum.
import { ArgumentError } from '../tensor/errors.js';
import { zerosLike } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { type BaseOptions, type ParamGroup, type ParamGroupInput, Optimizer } from './optimizer.js';

export interface RMSpropOptions extends BaseOptions {
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
}
type RMSpropState = { squareAvg: Tensor; gradAvg: Tensor | null; momentumBuffer: Tensor | null };

/**
 * RMSprop:  g ← g + λp   v ← αv + (1 − α)g²   (centered: ḡ ← αḡ + (1 − α)g, v̄ = v − ḡ²)
 *  d = √v̄ + ε   momentum: b ← μb + g/d, p ← p − lr·b   else p ← p − lr·g/d
 * @example new RMSprop(params, { lr: 0.01, centered: true })
 */
export class RMSprop extends Optimizer<RMSpropOptions, RMSpropState> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<RMSpropOptions>>,
    { lr = 1e-2, alpha = 0.99, eps = 1e-8, weightDecay = 0, momentum = 0, centered = false, maximize = false }: Partial<RMSpropOptions> = {}) {
    if (eps < 0) throw new ArgumentError(`RMSprop: Invalid epsilon value: ${eps}`);
    if (momentum < 0) throw new ArgumentError(`RMSprop: Invalid momentum value: ${momentum}`);
    if (weightDecay < 0) throw new ArgumentError(`RMSprop: Invalid weightDecay value: ${weightDecay}`);
    if (alpha < 0) throw new ArgumentError(`RMSprop: Invalid alpha value: ${alpha}`);
    super(params, { lr, alpha, eps, weightDecay, momentum, centered, maximize });
  }
  protected initState(p: Tensor, o: ParamGroup<RMSpropOptions>): RMSpropState {
    return { squareAvg: zerosLike(p), gradAvg: o.centered ? zerosLike(p) : null, momentumBuffer: o.momentum! > 0 ? zerosLike(p) : null };
  }
  protected update(p: Tensor, g: Tensor, s: RMSpropState, o: ParamGroup<RMSpropOptions>): void {
    const a = o.alpha!;
    if (o.weightDecay) g = g.add(p, { alpha: o.weightDecay });
    s.squareAvg.mul_(a).addcmul_(g, g, { value: 1 - a });
    let avg: Tensor;
    if (o.centered) {
      s.gradAvg ??= zerosLike(p);
      s.gradAvg.mul_(a).add_(g, { alpha: 1 - a });
      avg = s.squareAvg.addcmul(s.gradAvg, s.gradAvg, { value: -1 }).sqrt();
    } else avg = s.squareAvg.sqrt();
    avg = avg.add(o.eps!);
    if (o.momentum! > 0) {
      s.momentumBuffer ??= zerosLike(p);
      s.momentumBuffer.mul_(o.momentum!).addcdiv_(g, avg);
      p.add_(s.momentumBuffer, { alpha: -o.lr });
    } else p.addcdiv_(g, avg, { value: -o.lr });
  }
}
