// Adam (Kingma & Ba, 2015) with L2 weight decay folded into the gradient, and the AMSGrad variant.
import { getBackend } from '../backend/index.js';
import { ArgumentError } from '../tensor/errors.js';
import { sameShape } from '../tensor/shape.js';
import { zerosLike } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { type BaseOptions, type ParamGroup, type ParamGroupInput, Optimizer, float32Data, markWritten } from './optimizer.js';

export interface AdamOptions extends BaseOptions {
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
}
export type AdamState = { expAvg: Tensor; expAvgSq: Tensor; maxExpAvgSq: Tensor | null };

export function checkAdamOptions(who: string, o: { lr?: number; betas: [number, number]; eps: number; weightDecay: number }): void {
  if (!(o.eps >= 0)) throw new ArgumentError(`${who}: Invalid epsilon value: ${o.eps}`);
  if (!(o.betas[0] >= 0 && o.betas[0] < 1)) throw new ArgumentError(`${who}: Invalid beta parameter at index 0: ${o.betas[0]}`);
  if (!(o.betas[1] >= 0 && o.betas[1] < 1)) throw new ArgumentError(`${who}: Invalid beta parameter at index 1: ${o.betas[1]}`);
  if (!(o.weightDecay >= 0)) throw new ArgumentError(`${who}: Invalid weightDecay value: ${o.weightDecay}`);
}

/**
 * The shared Adam moment update and step (PyTorch's order of operations):
 *  m ← β₁m + (1 − β₁)g   v ← β₂v + (1 − β₂)g²   (amsgrad: v̂max ← max(v̂max, v))
 *  p ← p − lr/(1 − β₁ᵗ) · m / (√v/√(1 − β₂ᵗ) + ε)
 */
export function adamStep(p: Tensor, g: Tensor, s: AdamState, o: ParamGroup<AdamOptions>, t: number): void {
  const [b1, b2] = o.betas!;
  s.expAvg.mul_(b1).add_(g, { alpha: 1 - b1 });
  s.expAvgSq.mul_(b2).addcmul_(g, g, { value: 1 - b2 });
  const bc1 = 1 - b1 ** t;
  const bc2Sqrt = Math.sqrt(1 - b2 ** t);
  let v = s.expAvgSq;
  if (o.amsgrad) {
    s.maxExpAvgSq ??= zerosLike(p);
    v = s.maxExpAvgSq.maximum_(s.expAvgSq);
  }
  const denom = v.sqrt().div(bc2Sqrt).add(o.eps!);
  p.addcdiv_(s.expAvg, denom, { value: -o.lr / bc1 });
}

/**
 * adamStep as one backend kernel (Backend.adamStep) for float32 contiguous p, grad and moments without
 * amsgrad; `decoupled` = AdamW's weight decay. grad is the raw gradient (the kernel applies maximize).
 * Returns false when it does not apply.
 */
export function fusedAdamStep(p: Tensor, grad: Tensor, s: AdamState, o: ParamGroup<AdamOptions>, t: number, decoupled: boolean): boolean {
  if (o.amsgrad) return false;
  const pd = float32Data(p), gd = float32Data(grad), md = float32Data(s.expAvg), vd = float32Data(s.expAvgSq);
  if (!pd || !gd || !md || !vd || !sameShape(grad.shape, p.shape) || !sameShape(s.expAvg.shape, p.shape) || !sameShape(s.expAvgSq.shape, p.shape)) return false;
  const [b1, b2] = o.betas!;
  const wd = o.weightDecay ?? 0;
  getBackend().adamStep(pd, gd, md, vd, {
    beta1: b1, oneMinusBeta1: 1 - b1, beta2: b2, oneMinusBeta2: 1 - b2, eps: o.eps!, weightDecay: wd,
    decoupled, decay: 1 - o.lr * wd, maximize: !!o.maximize,
    stepSize: o.lr / (1 - b1 ** t), bc2Sqrt: Math.sqrt(1 - b2 ** t),
  });
  markWritten(p, s.expAvg, s.expAvgSq);
  return true;
}

/**
 * Adam:  g ← g + λp   m ← β₁m + (1 − β₁)g   v ← β₂v + (1 − β₂)g²   m̂ = m/(1 − β₁ᵗ)   v̂ = v/(1 − β₂ᵗ)
 *  p ← p − lr·m̂/(√v̂ + ε);  amsgrad (Reddi et al., 2018) uses the running max of v.
 * @example new Adam(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999] })
 */
export class Adam extends Optimizer<AdamOptions, AdamState> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<AdamOptions>>,
    { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0, amsgrad = false, maximize = false }: Partial<AdamOptions> = {}) {
    checkAdamOptions('Adam', { betas, eps, weightDecay });
    super(params, { lr, betas: [...betas], eps, weightDecay, amsgrad, maximize });
  }
  protected initState(p: Tensor, o: ParamGroup<AdamOptions>): AdamState {
    return { expAvg: zerosLike(p), expAvgSq: zerosLike(p), maxExpAvgSq: o.amsgrad ? zerosLike(p) : null };
  }
  protected update(p: Tensor, g: Tensor, s: AdamState, o: ParamGroup<AdamOptions>, t: number): void {
    if (o.weightDecay) g = g.add(p, { alpha: o.weightDecay });
    adamStep(p, g, s, o, t);
  }
  protected override fusedUpdate(p: Tensor, grad: Tensor, s: AdamState, o: ParamGroup<AdamOptions>, t: number): boolean {
    return fusedAdamStep(p, grad, s, o, t, false);
  }
}
