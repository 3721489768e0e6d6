// Dynamic loss scaling for mixed precision (torch.cuda.amp.GradScaler's algorithm), usable with
// tsgrad's software float16: small float16 gradients survive because the loss is multiplied up.
import { noGrad } from '../autograd/grad-mode.js';
import '../ops/methods.js';
import { ArgumentError, TsgradError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Optimizer } from './optimizer.js';

export class GradScalerError extends TsgradError {}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyOptimizer = Optimizer<any, any>;
type Stage = 'ready' | 'unscaled' | 'stepped';

export interface GradScalerOptions {
  initScale?: number;
  growthFactor?: number;
  backoffFactor?: number;
  growthInterval?: number;
  enabled?: boolean;
}

/**
 * Loss scaling: backward(scale·loss) keeps small float16 gradients from flushing to zero.
 *  unscale_: g ← g/scale (found_inf if any g is inf/NaN)   step: optimizer.step() unless found_inf
 *  update:   found_inf → scale ← scale·backoff, tracker ← 0;  else tracker += 1 and after
 *            growthInterval clean steps in a row scale ← scale·growth, tracker ← 0.
 * @example const scaler = new GradScaler();
 *   scaler.scale(loss).backward(); scaler.step(opt); scaler.update(); opt.zeroGrad();
 */
export class GradScaler {
  private _scale: number;
  private _growthTracker = 0;
  readonly growthFactor: number;
  readonly backoffFactor: number;
  readonly growthInterval: number;
  readonly enabled: boolean;
  private perOptimizer = new Map<AnyOptimizer, { stage: Stage; foundInf: boolean }>();

  constructor({ initScale = 2 ** 16, growthFactor = 2, backoffFactor = 0.5, growthInterval = 2000, enabled = true }: GradScalerOptions = {}) {
    if (!(growthFactor > 1)) throw new ArgumentError(`GradScaler: growthFactor should be > 1, got ${growthFactor}`);
    if (!(backoffFactor < 1 && backoffFactor > 0)) throw new ArgumentError(`GradScaler: backoffFactor should be in (0, 1), got ${backoffFactor}`);
    if (!(Number.isInteger(growthInterval) && growthInterval > 0)) throw new ArgumentError(`GradScaler: growthInterval should be a positive integer, got ${growthInterval}`);
    this._scale = initScale;
    this.growthFactor = growthFactor;
    this.backoffFactor = backoffFactor;
    this.growthInterval = growthInterval;
    this.enabled = enabled;
  }

  private stateOf(opt: AnyOptimizer): { stage: Stage; foundInf: boolean } {
    let s = this.perOptimizer.get(opt);
    if (!s) this.perOptimizer.set(opt, (s = { stage: 'ready', foundInf: false }));
    return s;
  }

  /** loss · scale (the result keeps the loss's dtype). */
  scale(outputs: Tensor): Tensor {
    return this.enabled ? outputs.mul(this._scale) : outputs;
  }

  /** Divides the optimizer's gradients by the scale in place (call before clipping) and records inf/NaN. */
  unscale_(optimizer: AnyOptimizer): void {
    if (!this.enabled) return;
    const s = this.stateOf(optimizer);
    if (s.stage === 'unscaled') throw new GradScalerError('unscale_: unscale_() has already been called on this optimizer since the last update()');
    if (s.stage === 'stepped') throw new GradScalerError('unscale_: unscale_() is being called after step()');
    const inv = Math.fround(1 / this._scale);
    let found = false;
    noGrad(() => {
      for (const g of optimizer.paramGroups) {
        for (const p of g.params) {
          if (!p.grad) continue;
          p.grad.mul_(inv);
          if (!found && p.grad.isfinite().logicalNot().any().item()) found = true;
        }
      }
    });
    s.foundInf = found;
    s.stage = 'unscaled';
  }

  /** Unscales (if not done yet) and runs optimizer.step() unless a gradient was inf/NaN; returns the step's result or undefined when skipped. */
  step(optimizer: AnyOptimizer, closure?: () => Tensor | number): Tensor | number | undefined {
    if (!this.enabled) return optimizer.step(closure);
    const s = this.stateOf(optimizer);
    if (s.stage === 'stepped') throw new GradScalerError('step: step() has already been called since the last update()');
    if (s.stage === 'ready') this.unscale_(optimizer);
    s.stage = 'stepped';
    return s.foundInf ? undefined : optimizer.step(closure);
  }

  /** Adjusts the scale from this iteration's inf checks (or sets newScale) and resets the per-optimizer state. */
  update(newScale?: number): void {
    if (!this.enabled) return;
    if (newScale !== undefined) this._scale = newScale;
    else {
      const states = [...this.perOptimizer.values()].filter((s) => s.stage !== 'ready');
      if (states.length === 0) throw new GradScalerError('update: no inf checks were recorded prior to update()');
      if (states.some((s) => s.foundInf)) {
        this._scale *= this.backoffFactor;
        this._growthTracker = 0;
      } else if (++this._growthTracker === this.growthInterval) {
        this._scale *= this.growthFactor;
        this._growthTracker = 0;
      }
    }
    this.perOptimizer.clear();
  }

  /** True when the last step() on this optimizer was skipped because of inf/NaN gradients. */
  foundInf(optimizer: AnyOptimizer): boolean {
    return this.perOptimizer.get(optimizer)?.foundInf ?? false;
  }
  getScale(): number {
    return this.enabled ? this._scale : 1;
  }
  getGrowthTracker(): number {
    return this._growthTracker;
  }
  isEnabled(): boolean {
    return this.enabled;
  }
  stateDict(): { scale: number; growthFactor: number; backoffFactor: number; growthInterval: number; growthTracker: number } {
    return { scale: this._scale, growthFactor: this.growthFactor, backoffFactor: this.backoffFactor, growthInterval: this.growthInterval, growthTracker: this._growthTracker };
  }
  loadStateDict(s: { scale: number; growthTracker: number }): void {
    this._scale = s.scale;
    this._growthTracker = s.growthTracker;
  }
}
