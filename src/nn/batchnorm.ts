// Batch normalisation with running statistics: BatchNorm1d (N, C) / (N, C, L) and BatchNorm2d (N, C, H, W).
import { noGrad } from '../autograd/grad-mode.js';
import { ones, zeros } from '../tensor/creation.js';
import { ShapeError, fmtShape } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import * as F from './functional.js';
import { Module, Parameter, expectTensor } from './module.js';

export interface BatchNormOptions {
  eps?: number;
  /** Weight of the new batch in the running stats; null means a cumulative average over all batches. */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
}

/**
 * Shared by BatchNorm1d/2d. Buffers keep PyTorch's state-dict names (running_mean, running_var,
 * num_batches_tracked), so checkpoints map 1:1. Training with running stats:
 * running ← (1 − m)·running + m·batch, with the unbiased batch variance for running_var.
 */
export abstract class BatchNormBase extends Module {
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number | null;
  readonly trackRunningStats: boolean;
  protected abstract readonly validDims: readonly number[];
  protected abstract readonly expected: string;

  constructor(readonly numFeatures: number, o: BatchNormOptions = {}) {
    super();
    this.eps = o.eps ?? 1e-5;
    this.momentum = o.momentum === undefined ? 0.1 : o.momentum;
    this.trackRunningStats = o.trackRunningStats ?? true;
    const affine = o.affine ?? true;
    this.weight = affine ? new Parameter(ones([numFeatures])) : null;
    this.bias = affine ? new Parameter(zeros([numFeatures])) : null;
    this.registerBuffer('running_mean', this.trackRunningStats ? zeros([numFeatures]) : null);
    this.registerBuffer('running_var', this.trackRunningStats ? ones([numFeatures]) : null);
    this.registerBuffer('num_batches_tracked', this.trackRunningStats ? zeros([], { dtype: 'int32' }) : null);
  }

  get runningMean(): Tensor | null { return this.running_mean; }
  get runningVar(): Tensor | null { return this.running_var; }
  get numBatchesTracked(): number { return this.num_batches_tracked ? this.num_batches_tracked.item() : 0; }

  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    noGrad(() => { this.running_mean!.zero_(); this.running_var!.fill_(1); this.num_batches_tracked!.zero_(); });
  }

  forward(x: Tensor): Tensor {
    expectTensor(x, this.constructor.name);
    if (!this.validDims.includes(x.ndim) || x.shape[1] !== this.numFeatures) {
      throw new ShapeError(`${this.constructor.name}(${this.numFeatures}): expected ${this.expected}, got ${fmtShape(x.shape)}`);
    }
    let momentum = this.momentum ?? 0;
    if (this.training && this.trackRunningStats) {
      noGrad(() => this.num_batches_tracked!.add_(1));
      if (this.momentum === null) momentum = 1 / this.numBatchesTracked; // cumulative moving average
    }
    // Batch stats while training, or in eval when there are no running stats to use.
    const useBatch = this.training || !this.trackRunningStats;
    return F.batchNorm(x, !this.training || this.trackRunningStats ? this.running_mean : null, !this.training || this.trackRunningStats ? this.running_var : null,
      this.weight, this.bias, { training: useBatch, momentum, eps: this.eps });
  }
  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.weight !== null}, trackRunningStats=${this.trackRunningStats}`;
  }
}

/** BatchNorm over (N, C) or (N, C, L): statistics per feature C across N (and L). */
export class BatchNorm1d extends BatchNormBase {
  protected readonly validDims = [2, 3];
  protected get expected(): string { return `a 2-D or 3-D input (N, ${this.numFeatures}) or (N, ${this.numFeatures}, L)`; }
}
/** BatchNorm over (N, C, H, W): statistics per channel across N, H, W. */
export class BatchNorm2d extends BatchNormBase {
  protected readonly validDims = [4];
  protected get expected(): string { return `a 4-D input (N, ${this.numFeatures}, H, W)`; }
}
