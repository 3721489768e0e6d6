// SGD with momentum, dampening, Nesterov momentum and L2 weight decay (PyTorch's torch.optim.SGD).
import { getBackend } from '../backend/index.js';
import { zerosLike } from '../tensor/creation.js';
import { ArgumentError } from '../tensor/errors.js';
import { sameShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { type BaseOptions, type ParamGroup, type ParamGroupInput, Optimizer, float32Data, markWritten, pinStorage } from './optimizer.js';

export interface SGDOptions extends BaseOptions {
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
}
type SGDState = { momentumBuffer: Tensor | null };

/**
 * Stochastic gradient descent (momentum as in Sutskever et al., 2013, PyTorch's form):
 *  g ← g + λp   b ← μb + (1 − τ)g  (b₁ = g)   g ← g + μb (nesterov) or g ← b   p ← p − lr·g
 * @example const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true });
 */
export class SGD extends Optimizer<SGDOptions, SGDState> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<SGDOptions>>, { lr = 1e-3, momentum = 0, dampening = 0, nesterov = false, weightDecay = 0, maximize = false }: Partial<SGDOptions> = {}) {
    if (momentum < 0) throw new ArgumentError(`SGD: Invalid momentum value: ${momentum}`);
    if (weightDecay < 0) throw new ArgumentError(`SGD: Invalid weightDecay value: ${weightDecay}`);
    if (nesterov && (momentum <= 0 || dampening !== 0)) throw new ArgumentError('SGD: Nesterov momentum requires a momentum and zero dampening');
    super(params, { lr, momentum, dampening, nesterov, weightDecay, maximize });
  }
  protected initState(): SGDState {
    return { momentumBuffer: null };
  }
  protected update(p: Tensor, g: Tensor, s: SGDState, o: ParamGroup<SGDOptions>): void {
    if (o.weightDecay) g = g.add(p, { alpha: o.weightDecay });
    if (o.momentum) {
      if (!s.momentumBuffer) s.momentumBuffer = pinStorage(g.clone());
      else s.momentumBuffer.mul_(o.momentum).add_(g, { alpha: 1 - o.dampening! });
      g = o.nesterov ? g.add(s.momentumBuffer, { alpha: o.momentum }) : s.momentumBuffer;
    }
    p.add_(g, { alpha: -o.lr });
  }
  /** float32 contiguous parameters: the same update as one backend kernel (Backend.sgdStep). */
  protected override fusedUpdate(p: Tensor, grad: Tensor, s: SGDState, o: ParamGroup<SGDOptions>): boolean {
    const pd = float32Data(p), gd = float32Data(grad);
    if (!pd || !gd || !sameShape(p.shape, grad.shape)) return false;
    const momentum = o.momentum ?? 0;
    const first = momentum !== 0 && !s.momentumBuffer;
    const buf = momentum === 0 ? null : (s.momentumBuffer ?? pinStorage(zerosLike(p)));
    const bd = buf ? float32Data(buf) : null;
    if (buf && (!bd || !sameShape(buf.shape, p.shape))) return false;
    getBackend().sgdStep(pd, gd, bd, {
      lr: o.lr, momentum, dampC: 1 - (o.dampening ?? 0), weightDecay: o.weightDecay ?? 0,
      nesterov: !!o.nesterov, maximize: !!o.maximize, firstStep: first,
    });
    if (first) s.momentumBuffer = buf;
    markWritten(p, first ? null : buf);
    return true;
  }
}
