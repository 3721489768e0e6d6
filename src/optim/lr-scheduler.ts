// Learning-rate schedulers (torch.optim.lr_scheduler): each computes the next lr of every param group
// from the current one (PyTorch's recursive, "chainable" forms), so the sequences match PyTorch's.
import { ArgumentError, TsgradError } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';
import type { Optimizer, ParamGroup } from './optimizer.js';

export class SchedulerError extends TsgradError {}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyOptimizer = Optimizer<any, any>;
export type SchedulerStateDict = Record<string, unknown>;

/** A plain-data copy of a scheduler's own fields (no optimizer, no functions). */
/** Copies a state dict's fields back onto a scheduler (arrays copied, so the dict stays independent). */
function restore(obj: object, state: SchedulerStateDict): void {
  for (const [k, v] of Object.entries(state)) (obj as Record<string, unknown>)[k] = Array.isArray(v) ? [...v] : v;
}

function snapshot(obj: object, skip: readonly string[]): SchedulerStateDict {
  const out: SchedulerStateDict = {};
  for (const [k, v] of Object.entries(obj)) {
    if (skip.includes(k) || typeof v === 'function') continue;
    out[k] = Array.isArray(v) ? [...v] : v;
  }
  return out;
}

/**
 * Base class: the constructor records each group's initialLr and the subclass's constructor ends
 * with `this.initialStep()`, which sets epoch 0's lr. Call `step()` once per epoch after optimizer.step().
 */
export abstract class LRScheduler {
  readonly baseLrs: number[];
  lastEpoch: number;
  protected _stepCount = 0;
  protected _lastLr: number[] = [];

  constructor(readonly optimizer: AnyOptimizer, lastEpoch = -1) {
    if (!optimizer || !Array.isArray(optimizer.paramGroups)) throw new ArgumentError(`${new.target.name}: expected an Optimizer`);
    optimizer.paramGroups.forEach((g, i) => {
      if (lastEpoch === -1) g.initialLr ??= g.lr;
      else if (g.initialLr === undefined) throw new SchedulerError(`${new.target.name}: param 'initialLr' is not specified in paramGroups[${i}] when resuming an optimizer`);
    });
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
  }

  protected get groups(): ParamGroup[] {
    return this.optimizer.paramGroups;
  }

  /** The lrs for this.lastEpoch, from the groups' current lrs (PyTorch's get_lr). */
  protected abstract computeLr(): number[];
  /** The lrs for this.lastEpoch from the base lrs alone (used when stepping to an explicit epoch). */
  protected closedFormLr?(): number[];

  /** Resets the step count and applies epoch 0 (called at the end of each subclass constructor). */
  initialStep(): void {
    this._stepCount = 0;
    this.step();
  }

  /** Advances one epoch and writes the new lr into every param group. (An explicit epoch is PyTorch's deprecated form, used by SequentialLR.) */
  step(epoch?: number): void {
    this._stepCount++;
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch++;
      values = this.computeLr();
    } else {
      this.lastEpoch = epoch;
      values = this.closedFormLr ? this.closedFormLr() : this.computeLr();
    }
    this.groups.forEach((g, i) => { g.lr = values[i]!; });
    this._lastLr = this.groups.map((g) => g.lr);
  }

  /** The lr of each param group set by the last step(). */
  getLastLr(): number[] {
    return [...this._lastLr];
  }

  stateDict(): SchedulerStateDict {
    return snapshot(this, ['optimizer']);
  }
  loadStateDict(state: SchedulerStateDict): void {
    restore(this, state);
  }
}

/** lr ← lr·γ every stepSize epochs.  @example new StepLR(opt, { stepSize: 30, gamma: 0.1 }) */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;
  constructor(optimizer: AnyOptimizer, { stepSize, gamma = 0.1, lastEpoch = -1 }: { stepSize: number; gamma?: number; lastEpoch?: number }) {
    super(optimizer, lastEpoch);
    if (!(stepSize >= 1)) throw new ArgumentError(`StepLR: stepSize must be a positive integer, got ${stepSize}`);
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.initialStep();
  }
  protected computeLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}

/** lr ← lr·γ at each milestone epoch (a milestone listed k times multiplies by γᵏ). */
export class MultiStepLR extends LRScheduler {
  /** Sorted, duplicates kept (PyTorch keeps a Counter; a plain array stays JSON-friendly in checkpoints). */
  readonly milestones: number[];
  readonly gamma: number;
  constructor(optimizer: AnyOptimizer, { milestones, gamma = 0.1, lastEpoch = -1 }: { milestones: readonly number[]; gamma?: number; lastEpoch?: number }) {
    super(optimizer, lastEpoch);
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.gamma = gamma;
    this.initialStep();
  }
  protected computeLr(): number[] {
    const k = this.milestones.filter((m) => m === this.lastEpoch).length;
    if (k === 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma ** k);
  }
  protected override closedFormLr(): number[] {
    const n = this.milestones.filter((m) => m <= this.lastEpoch).length;
    return this.baseLrs.map((b) => b * this.gamma ** n);
  }
}

/** lr ← lr·γ every epoch. */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;
  constructor(optimizer: AnyOptimizer, { gamma, lastEpoch = -1 }: { gamma: number; lastEpoch?: number }) {
    super(optimizer, lastEpoch);
    this.gamma = gamma;
    this.initialStep();
  }
  protected computeLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** this.lastEpoch);
  }
}

/** lr_t = lr₀·(1 − min(t, T)/T)^power, reaching 0 at totalIters T. */
export class PolynomialLR extends LRScheduler {
  readonly totalIters: number;
  readonly power: number;
  constructor(optimizer: AnyOptimizer, { totalIters = 5, power = 1, lastEpoch = -1 }: { totalIters?: number; power?: number; lastEpoch?: number } = {}) {
    super(optimizer, lastEpoch);
    this.totalIters = totalIters;
    this.power = power;
    this.initialStep();
  }
  protected computeLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch > this.totalIters) return this.groups.map((g) => g.lr);
    const f = ((1 - this.lastEpoch / this.totalIters) / (1 - (this.lastEpoch - 1) / this.totalIters)) ** this.power;
    return this.groups.map((g) => g.lr * f);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * (1 - Math.min(this.totalIters, this.lastEpoch) / this.totalIters) ** this.power);
  }
}

/**
 * Cosine annealing (SGDR without restarts, Loshchilov & Hutter 2017), in PyTorch's recursive form
 *  η_t = η_min + (η_{t−1} − η_min)·(1 + cos(πt/T))/(1 + cos(π(t−1)/T)),
 * which equals η_min + ½(η_max − η_min)(1 + cos(πt/T)) when nothing else changes the lr.
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;
  constructor(optimizer: AnyOptimizer, { tMax, etaMin = 0, lastEpoch = -1 }: { tMax: number; etaMin?: number; lastEpoch?: number }) {
    super(optimizer, lastEpoch);
    if (!(tMax > 0)) throw new ArgumentError(`CosineAnnealingLR: tMax must be positive, got ${tMax}`);
    this.tMax = tMax;
    this.etaMin = etaMin;
    this.initialStep();
  }
  protected computeLr(): number[] {
    const { tMax: T, etaMin, lastEpoch: t } = this;
    if (t === 0) return this.groups.map((g) => g.lr);
    if (this._stepCount === 1 && t > 0) return this.baseLrs.map((b) => etaMin + (b - etaMin) * (1 + Math.cos((t * Math.PI) / T)) / 2);
    if ((((t - 1 - T) % (2 * T)) + 2 * T) % (2 * T) === 0) {
      return this.groups.map((g, i) => g.lr + (this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / T)) / 2);
    }
    return this.groups.map((g) => ((1 + Math.cos((Math.PI * t) / T)) / (1 + Math.cos((Math.PI * (t - 1)) / T))) * (g.lr - etaMin) + etaMin);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.tMax))) / 2);
  }
}

/**
 * SGDR (Loshchilov & Hutter, 2017): η = η_min + ½(η_max − η_min)(1 + cos(π·T_cur/T_i)), restarting
 * when T_cur reaches T_i; the period grows T_i ← T_i·tMult after each restart.
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  readonly t0: number;
  readonly tMult: number;
  readonly etaMin: number;
  tI: number;
  tCur: number;
  constructor(optimizer: AnyOptimizer, { t0, tMult = 1, etaMin = 0, lastEpoch = -1 }: { t0: number; tMult?: number; etaMin?: number; lastEpoch?: number }) {
    super(optimizer, lastEpoch);
    if (!(Number.isInteger(t0) && t0 > 0)) throw new ArgumentError(`CosineAnnealingWarmRestarts: Expected positive integer t0, but got ${t0}`);
    if (!(Number.isInteger(tMult) && tMult >= 1)) throw new ArgumentError(`CosineAnnealingWarmRestarts: Expected integer tMult >= 1, but got ${tMult}`);
    this.t0 = t0;
    this.tI = t0;
    this.tMult = tMult;
    this.etaMin = etaMin;
    this.tCur = lastEpoch;
    this.initialStep();
  }
  protected computeLr(): number[] {
    return this.baseLrs.map((b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.tCur) / this.tI))) / 2);
  }
  /** Advances one step, or jumps to a (possibly fractional) epoch, e.g. step(epoch + i / itersPerEpoch). */
  override step(epoch?: number): void {
    this._stepCount++;
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.tCur++;
      if (this.tCur >= this.tI) {
        this.tCur -= this.tI;
        this.tI *= this.tMult;
      }
    } else {
      if (epoch < 0) throw new ArgumentError(`CosineAnnealingWarmRestarts: Expected non-negative epoch, but got ${epoch}`);
      if (epoch >= this.t0) {
        if (this.tMult === 1) this.tCur = epoch % this.t0;
        else {
          const n = Math.floor(Math.log((epoch / this.t0) * (this.tMult - 1) + 1) / Math.log(this.tMult));
          this.tCur = epoch - (this.t0 * (this.tMult ** n - 1)) / (this.tMult - 1);
          this.tI = this.t0 * this.tMult ** n;
        }
      } else {
        this.tI = this.t0;
        this.tCur = epoch;
      }
    }
    this.lastEpoch = Math.floor(epoch);
    const values = this.computeLr();
    this.groups.forEach((g, i) => { g.lr = values[i]!; });
    this._lastLr = this.groups.map((g) => g.lr);
  }
}

/** lr = initialLr · λ(epoch), one λ for all groups or one per group. */
export class LambdaLR extends LRScheduler {
  readonly lrLambdas: ((epoch: number) => number)[];
  constructor(optimizer: AnyOptimizer, { lrLambda, lastEpoch = -1 }: { lrLambda: ((epoch: number) => number) | ((epoch: number) => number)[]; lastEpoch?: number }) {
    super(optimizer, lastEpoch);
    if (Array.isArray(lrLambda)) {
      if (lrLambda.length !== optimizer.paramGroups.length) throw new ArgumentError(`LambdaLR: Expected ${optimizer.paramGroups.length} lrLambdas, but got ${lrLambda.length}`);
      this.lrLambdas = [...lrLambda];
    } else this.lrLambdas = optimizer.paramGroups.map(() => lrLambda);
    this.initialStep();
  }
  protected computeLr(): number[] {
    return this.baseLrs.map((b, i) => b * this.lrLambdas[i]!(this.lastEpoch));
  }
  override stateDict(): SchedulerStateDict {
    return snapshot(this, ['optimizer', 'lrLambdas']);
  }
}

/** Linear warmup/decay of a factor from startFactor to endFactor over totalIters epochs: lr = initialLr·factor. */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;
  constructor(optimizer: AnyOptimizer, { startFactor = 1 / 3, endFactor = 1, totalIters = 5, lastEpoch = -1 }: { startFactor?: number; endFactor?: number; totalIters?: number; lastEpoch?: number } = {}) {
    super(optimizer, lastEpoch);
    if (startFactor > 1 || startFactor <= 0) throw new ArgumentError(`LinearLR: Starting multiplicative factor expected to be greater than 0 and less or equal to 1, got ${startFactor}`);
    if (endFactor > 1 || endFactor < 0) throw new ArgumentError(`LinearLR: Ending multiplicative factor expected to be between 0 and 1, got ${endFactor}`);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.initialStep();
  }
  protected computeLr(): number[] {
    const { startFactor: s, endFactor: e, totalIters: n, lastEpoch: t } = this;
    if (t === 0) return this.groups.map((g) => g.lr * s);
    if (t > n) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * (1 + (e - s) / (n * s + (t - 1) * (e - s))));
  }
  protected override closedFormLr(): number[] {
    const { startFactor: s, endFactor: e, totalIters: n } = this;
    return this.baseLrs.map((b) => b * (s + ((e - s) * Math.min(n, this.lastEpoch)) / n));
  }
}

/** Runs schedulers one after another, switching at the milestone epochs (e.g. linear warmup then cosine). */
export class SequentialLR extends LRScheduler {
  readonly schedulers: LRScheduler[];
  readonly milestones: number[];
  constructor(optimizer: AnyOptimizer, { schedulers, milestones, lastEpoch = -1 }: { schedulers: LRScheduler[]; milestones: readonly number[]; lastEpoch?: number }) {
    super(optimizer, lastEpoch);
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer) throw new ArgumentError(`SequentialLR: expects all schedulers to belong to the same optimizer, but scheduler ${i} has a different one`);
    });
    if (milestones.length !== schedulers.length - 1) {
      throw new ArgumentError(`SequentialLR: expects number of schedulers provided to be one more than the number of milestone points, but got ${schedulers.length} schedulers and ${milestones.length} milestones`);
    }
    this.schedulers = schedulers;
    this.milestones = [...milestones];
    this.lastEpoch = lastEpoch + 1;
    for (const g of optimizer.paramGroups) g.lr = g.initialLr as number; // undo the children's initial steps
    for (const s of schedulers) s.lastEpoch--;
    schedulers[0]!.initialStep();
    this._lastLr = schedulers[0]!.getLastLr();
  }
  protected computeLr(): number[] {
    return this.getLastLr();
  }
  override step(): void {
    this.lastEpoch++;
    const idx = this.milestones.filter((m) => m <= this.lastEpoch).length;
    const s = this.schedulers[idx]!;
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) s.step(0);
    else s.step();
    this._lastLr = s.getLastLr();
  }
  override stateDict(): SchedulerStateDict {
    return { ...snapshot(this, ['optimizer', 'schedulers']), schedulers: this.schedulers.map((s) => s.stateDict()) };
  }
  override loadStateDict(state: SchedulerStateDict): void {
    const { schedulers, ...rest } = state;
    super.loadStateDict(rest);
    (schedulers as SchedulerStateDict[]).forEach((s, i) => this.schedulers[i]!.loadStateDict(s));
  }
}

export interface OneCycleOptions {
  maxLr: number | readonly number[];
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  cycleMomentum?: boolean;
  baseMomentum?: number | readonly number[];
  maxMomentum?: number | readonly number[];
  divFactor?: number;
  finalDivFactor?: number;
  threePhase?: boolean;
  lastEpoch?: number;
}
interface Phase { endStep: number; startLr: string; endLr: string; startMomentum: string; endMomentum: string }

/**
 * 1cycle (Smith & Topin, 2018): lr rises from maxLr/divFactor to maxLr over pctStart of the steps,
 * then anneals (cos or linear) to initialLr/finalDivFactor; momentum (or Adam's β₁) moves inversely
 * between maxMomentum and baseMomentum. threePhase adds a symmetric descent before the final anneal.
 * Step it after every batch.
 */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  readonly phases: Phase[];
  readonly annealStrategy: 'cos' | 'linear';
  readonly cycleMomentum: boolean;
  readonly useBeta1: boolean;
  constructor(optimizer: AnyOptimizer, o: OneCycleOptions) {
    const { maxLr, totalSteps, epochs, stepsPerEpoch, pctStart = 0.3, annealStrategy = 'cos', cycleMomentum = true, baseMomentum = 0.85,
      maxMomentum = 0.95, divFactor = 25, finalDivFactor = 1e4, threePhase = false, lastEpoch = -1 } = o;
    let total: number;
    if (totalSteps !== undefined) {
      if (!(Number.isInteger(totalSteps) && totalSteps > 0)) throw new ArgumentError(`OneCycleLR: Expected positive integer totalSteps, but got ${totalSteps}`);
      total = totalSteps;
    } else if (epochs !== undefined && stepsPerEpoch !== undefined) {
      if (!(Number.isInteger(epochs) && epochs > 0)) throw new ArgumentError(`OneCycleLR: Expected positive integer epochs, but got ${epochs}`);
      if (!(Number.isInteger(stepsPerEpoch) && stepsPerEpoch > 0)) throw new ArgumentError(`OneCycleLR: Expected positive integer stepsPerEpoch, but got ${stepsPerEpoch}`);
      total = epochs * stepsPerEpoch;
    } else throw new ArgumentError('OneCycleLR: You must define either totalSteps OR (epochs AND stepsPerEpoch)');
    if (!(pctStart >= 0 && pctStart <= 1)) throw new ArgumentError(`OneCycleLR: Expected float between 0 and 1 pctStart, but got ${pctStart}`);
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') throw new ArgumentError(`OneCycleLR: annealStrategy must be one of 'cos' or 'linear', instead got ${String(annealStrategy)}`);
    const groups = optimizer.paramGroups;
    const perGroup = (name: string, v: number | readonly number[]): number[] => {
      if (typeof v === 'number') return groups.map(() => v);
      if (v.length !== groups.length) throw new ArgumentError(`OneCycleLR: expected ${groups.length} values for ${name}, got ${v.length}`);
      return [...v];
    };
    const maxLrs = perGroup('maxLr', maxLr);
    if (lastEpoch === -1) {
      groups.forEach((g, i) => {
        g.initialLr = maxLrs[i]! / divFactor;
        g.maxLr = maxLrs[i]!;
        g.minLr = (g.initialLr as number) / finalDivFactor;
      });
    }
    const useBeta1 = 'betas' in optimizer.defaults;
    if (cycleMomentum) {
      if (!('momentum' in optimizer.defaults) && !useBeta1) throw new ArgumentError('OneCycleLR: optimizer must support momentum or betas with the cycleMomentum option enabled');
      const maxM = perGroup('maxMomentum', maxMomentum);
      const baseM = perGroup('baseMomentum', baseMomentum);
      if (lastEpoch === -1) {
        groups.forEach((g, i) => {
          if (useBeta1) g.betas = [maxM[i]!, (g.betas as number[])[1]!];
          else g.momentum = maxM[i]!;
          g.maxMomentum = maxM[i]!;
          g.baseMomentum = baseM[i]!;
        });
      }
    }
    super(optimizer, lastEpoch);
    this.totalSteps = total;
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
    const p = pctStart * total;
    this.phases = threePhase
      ? [
          { endStep: p - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: 2 * p - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
          { endStep: total - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
        ]
      : [
          { endStep: p - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: total - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
        ];
    this.initialStep();
  }
  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'linear') return (end - start) * pct + start;
    return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  }
  protected computeLr(): number[] {
    const t = this.lastEpoch;
    if (t > this.totalSteps) throw new SchedulerError(`OneCycleLR: Tried to step ${t + 1} times. The specified number of total steps is ${this.totalSteps}`);
    return this.groups.map((g) => {
      let start = 0;
      let lr = 0;
      for (let i = 0; i < this.phases.length; i++) {
        const ph = this.phases[i]!;
        if (t <= ph.endStep || i === this.phases.length - 1) {
          const pct = (t - start) / (ph.endStep - start);
          lr = this.anneal(g[ph.startLr] as number, g[ph.endLr] as number, pct);
          if (this.cycleMomentum) {
            const m = this.anneal(g[ph.startMomentum] as number, g[ph.endMomentum] as number, pct);
            if (this.useBeta1) g.betas = [m, (g.betas as number[])[1]!];
            else g.momentum = m;
          }
          break;
        }
        start = ph.endStep;
      }
      return lr;
    });
  }
}

export interface ReduceLROnPlateauOptions {
  mode?: 'min' | 'max';
  factor?: number;
  patience?: number;
  threshold?: number;
  thresholdMode?: 'rel' | 'abs';
  cooldown?: number;
  minLr?: number | readonly number[];
  eps?: number;
}

/**
 * Multiplies the lr by factor once the metric has not improved (beyond threshold) for more than
 * patience epochs, then waits cooldown epochs. step(metric) once per epoch.
 * @example const s = new ReduceLROnPlateau(opt, { patience: 5 }); s.step(valLoss);
 */
export class ReduceLROnPlateau {
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  private _lastLr: number[];

  constructor(readonly optimizer: AnyOptimizer, { mode = 'min', factor = 0.1, patience = 10, threshold = 1e-4, thresholdMode = 'rel', cooldown = 0, minLr = 0, eps = 1e-8 }: ReduceLROnPlateauOptions = {}) {
    if (factor >= 1) throw new ArgumentError(`ReduceLROnPlateau: Factor should be < 1.0, got ${factor}`);
    if (mode !== 'min' && mode !== 'max') throw new ArgumentError(`ReduceLROnPlateau: mode ${String(mode)} is unknown!`);
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs') throw new ArgumentError(`ReduceLROnPlateau: threshold mode ${String(thresholdMode)} is unknown!`);
    const n = optimizer.paramGroups.length;
    if (typeof minLr !== 'number' && minLr.length !== n) throw new ArgumentError(`ReduceLROnPlateau: expected ${n} minLrs, got ${minLr.length}`);
    this.minLrs = typeof minLr === 'number' ? new Array<number>(n).fill(minLr) : [...minLr];
    this.mode = mode; this.factor = factor; this.patience = patience; this.threshold = threshold;
    this.thresholdMode = thresholdMode; this.cooldown = cooldown; this.eps = eps;
    this.best = mode === 'min' ? Infinity : -Infinity;
    this._lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  private isBetter(a: number, best: number): boolean {
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - this.threshold) : a < best - this.threshold;
    return this.thresholdMode === 'rel' ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  /** Records this epoch's metric (a number or a one-element tensor) and reduces the lr on a plateau. */
  step(metric: number | Tensor): void {
    const current = metric instanceof Tensor ? metric.item() : metric;
    this.lastEpoch++;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else this.numBadEpochs++;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0; // bad epochs in cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const newLr = Math.max(g.lr * this.factor, this.minLrs[i]!);
        if (g.lr - newLr > this.eps) g.lr = newLr;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  getLastLr(): number[] {
    return [...this._lastLr];
  }
  stateDict(): SchedulerStateDict {
    return snapshot(this, ['optimizer']);
  }
  loadStateDict(state: SchedulerStateDict): void {
    restore(this, state);
  }
}
