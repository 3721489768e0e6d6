// Losses as modules: each holds its options (class weights as buffers, like PyTorch's _WeightedLoss)
// and delegates to the function of the same name in functional-loss.ts.
import type { Tensor } from '../tensor/tensor.js';
import * as F from './functional-loss.js';
import type { Reduction } from './functional-loss.js';
import { Module } from './module.js';

abstract class Loss extends Module {
  constructor(readonly reduction: Reduction = 'mean') {
    super();
  }
  override extraRepr(): string {
    return `reduction=${this.reduction}`;
  }
}

/** (x − y)². @example new MSELoss().call(pred, target) */
export class MSELoss extends Loss {
  constructor({ reduction = 'mean' }: { reduction?: Reduction } = {}) { super(reduction); }
  forward(input: Tensor, target: Tensor): Tensor { return F.mseLoss(input, target, { reduction: this.reduction }); }
}

/** |x − y|. */
export class L1Loss extends Loss {
  constructor({ reduction = 'mean' }: { reduction?: Reduction } = {}) { super(reduction); }
  forward(input: Tensor, target: Tensor): Tensor { return F.l1Loss(input, target, { reduction: this.reduction }); }
}

/** 0.5·d²/β for |d| < β, else |d| − β/2. */
export class SmoothL1Loss extends Loss {
  readonly beta: number;
  constructor({ reduction = 'mean', beta = 1 }: { reduction?: Reduction; beta?: number } = {}) { super(reduction); this.beta = beta; }
  forward(input: Tensor, target: Tensor): Tensor { return F.smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta }); }
}

/** 0.5·d² for |d| < δ, else δ(|d| − δ/2). */
export class HuberLoss extends Loss {
  readonly delta: number;
  constructor({ reduction = 'mean', delta = 1 }: { reduction?: Reduction; delta?: number } = {}) { super(reduction); this.delta = delta; }
  forward(input: Tensor, target: Tensor): Tensor { return F.huberLoss(input, target, { reduction: this.reduction, delta: this.delta }); }
}

/** Softmax cross entropy over class indices or class probabilities (see crossEntropy). */
export class CrossEntropyLoss extends Loss {
  declare weight: Tensor | null;
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  constructor({ weight = null, ignoreIndex = -100, reduction = 'mean', labelSmoothing = 0 }: F.CrossEntropyOptions = {}) {
    super(reduction);
    this.registerBuffer('weight', weight);
    this.ignoreIndex = ignoreIndex;
    this.labelSmoothing = labelSmoothing;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction, labelSmoothing: this.labelSmoothing });
  }
}

/** Negative log likelihood of log-probabilities (see nllLoss). */
export class NLLLoss extends Loss {
  declare weight: Tensor | null;
  readonly ignoreIndex: number;
  constructor({ weight = null, ignoreIndex = -100, reduction = 'mean' }: F.NllOptions = {}) {
    super(reduction);
    this.registerBuffer('weight', weight);
    this.ignoreIndex = ignoreIndex;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

/** Binary cross entropy on probabilities (log clamped at −100). */
export class BCELoss extends Loss {
  declare weight: Tensor | null;
  constructor({ weight = null, reduction = 'mean' }: { weight?: Tensor | null; reduction?: Reduction } = {}) {
    super(reduction);
    this.registerBuffer('weight', weight);
  }
  forward(input: Tensor, target: Tensor): Tensor { return F.binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction }); }
}

/** Sigmoid + binary cross entropy in one stable expression. */
export class BCEWithLogitsLoss extends Loss {
  declare weight: Tensor | null;
  declare posWeight: Tensor | null;
  constructor({ weight = null, posWeight = null, reduction = 'mean' }: { weight?: Tensor | null; posWeight?: Tensor | null; reduction?: Reduction } = {}) {
    super(reduction);
    this.registerBuffer('weight', weight);
    this.registerBuffer('posWeight', posWeight);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight: this.posWeight, reduction: this.reduction });
  }
}

/** KL(target ‖ exp(input)); use reduction 'batchmean' for the mathematical KL per sample. */
export class KLDivLoss extends Module {
  constructor(readonly opts: { reduction?: Reduction | 'batchmean'; logTarget?: boolean } = {}) { super(); }
  forward(input: Tensor, target: Tensor): Tensor { return F.klDiv(input, target, this.opts); }
}

/** 1 − cos for y = 1, max(0, cos − margin) for y = −1. */
export class CosineEmbeddingLoss extends Loss {
  readonly margin: number;
  constructor({ margin = 0, reduction = 'mean' }: { margin?: number; reduction?: Reduction } = {}) { super(reduction); this.margin = margin; }
  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return F.cosineEmbeddingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}

/** max(0, −y(x₁ − x₂) + margin). */
export class MarginRankingLoss extends Loss {
  readonly margin: number;
  constructor({ margin = 0, reduction = 'mean' }: { margin?: number; reduction?: Reduction } = {}) { super(reduction); this.margin = margin; }
  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return F.marginRankingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}

/** max(0, margin + d(a, p) − d(a, n)). */
export class TripletMarginLoss extends Module {
  constructor(readonly opts: { margin?: number; p?: number; eps?: number; swap?: boolean; reduction?: Reduction } = {}) { super(); }
  forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor { return F.tripletMarginLoss(anchor, positive, negative, this.opts); }
}

/**
 * Focal loss FL = −α_t(1 − p̂_t)^γ log p̂_t (Lin et al., 2017). mode 'sigmoid' (default): binary/multi-label
 * logits with float 0/1 targets of the same shape, α default 0.25 (sigmoidFocalLoss); mode 'softmax':
 * (N, C, ...) logits with int32 class targets, α a number or per-class weights (softmaxFocalLoss).
 * Unlike the torchvision function, the module's default reduction is 'mean'.
 */
export class FocalLoss extends Module {
  readonly mode: 'sigmoid' | 'softmax';
  readonly alpha: number | readonly number[] | Tensor | null;
  readonly gamma: number;
  readonly reduction: Reduction;
  readonly ignoreIndex: number;
  constructor({ mode = 'sigmoid', alpha, gamma = 2, reduction = 'mean', ignoreIndex = -100 }:
    { mode?: 'sigmoid' | 'softmax'; alpha?: number | readonly number[] | Tensor | null; gamma?: number; reduction?: Reduction; ignoreIndex?: number } = {}) {
    super();
    this.mode = mode;
    this.alpha = alpha === undefined ? (mode === 'sigmoid' ? 0.25 : null) : alpha;
    this.gamma = gamma;
    this.reduction = reduction;
    this.ignoreIndex = ignoreIndex;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    if (this.mode === 'softmax') {
      return F.softmaxFocalLoss(input, target, { alpha: this.alpha, gamma: this.gamma, reduction: this.reduction, ignoreIndex: this.ignoreIndex });
    }
    const alpha = this.alpha === null ? -1 : (this.alpha as number);
    return F.sigmoidFocalLoss(input, target, { alpha, gamma: this.gamma, reduction: this.reduction });
  }
}

/** CoSENT ranking loss over predicted cosines and gold similarity labels (scale λ = 20). */
export class CoSENTLoss extends Module {
  constructor(readonly scale = 20) { super(); }
  forward(cosines: Tensor, labels: Tensor): Tensor { return F.cosentLoss(cosines, labels, { scale: this.scale }); }
}
