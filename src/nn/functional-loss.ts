// Loss functions (torch.nn.functional's losses plus focal and CoSENT), composed from differentiable
// ops so none needs a backward of its own (unweighted NLL goes through the ops/loss.ts primitive).
// Re-exported by src/nn/functional.ts.
import '../ops/methods.js';
import { logSoftmax } from '../ops/activation.js';
import { nllLossRows } from '../ops/loss.js';
import { cat } from '../ops/shape.js';
import { tensor, zeros } from '../tensor/creation.js';
import { isFloating } from '../tensor/dtype.js';
import { ArgumentError, DTypeError, IndexError, ShapeError, fmtShape } from '../tensor/errors.js';
import { broadcastShapes, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** input − target after checking the shapes broadcast, so a mismatch names the loss, not `sub`. */
function residual(op: string, input: Tensor, target: Tensor): Tensor {
  broadcastShapes(input.shape, target.shape, `${op} (input vs target)`);
  return input.sub(target);
}

export type Reduction = 'none' | 'mean' | 'sum';

// ---------------------------------------------------------------- validation helpers

function checkReduction(op: string, r: string, extra: readonly string[] = []): void {
  if (!['none', 'mean', 'sum', ...extra].includes(r)) {
    throw new ArgumentError(`${op}: ${r} is not a valid value for reduction (expected one of ${['none', 'mean', 'sum', ...extra].join(', ')})`);
  }
}

function checkFloat(op: string, t: unknown, what: string): Tensor {
  if (!(t instanceof Tensor)) throw new ArgumentError(`${op}: expected ${what} to be a Tensor, got ${t === null ? 'null' : typeof t}`);
  if (!isFloating(t.dtype)) throw new DTypeError(`${op}: expected ${what} to be a floating point tensor, got ${t.dtype}`);
  return t;
}

function checkSameShape(op: string, input: Tensor, target: Tensor, what = 'target'): void {
  if (!sameShape(input.shape, target.shape)) {
    throw new ShapeError(`${op}: ${what} size ${fmtShape(target.shape)} must be the same as input size ${fmtShape(input.shape)}`);
  }
}

function reduce(loss: Tensor, reduction: Reduction): Tensor {
  return reduction === 'mean' ? loss.mean() : reduction === 'sum' ? loss.sum() : loss;
}

/** A per-class weight (C,) or null; checks its length. */
function classWeight(op: string, weight: Tensor | null | undefined, C: number): Tensor | null {
  if (weight == null) return null;
  checkFloat(op, weight, 'weight');
  if (weight.ndim !== 1 || weight.shape[0] !== C) {
    throw new ShapeError(`${op}: weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape: ${fmtShape(weight.shape)}`);
  }
  return weight;
}

/** Class-index targets: int dtype, shape = input shape minus the class dim, values in [0, C) or ignoreIndex. */
function checkClassTarget(op: string, input: Tensor, target: Tensor, ignoreIndex: number): void {
  if (!(target instanceof Tensor)) throw new ArgumentError(`${op}: expected target to be a Tensor`);
  if (target.dtype !== 'int32') {
    throw new DTypeError(`${op}: expected target of class indices to have dtype int32, got ${target.dtype} (class probabilities need a float target of the input's shape ${fmtShape(input.shape)})`);
  }
  const expected = input.ndim === 1 ? [] : [input.shape[0]!, ...input.shape.slice(2)];
  if (!sameShape(target.shape, expected)) {
    throw new ShapeError(`${op}: expected target of shape ${fmtShape(expected)} for input of shape ${fmtShape(input.shape)} (N, C, d1, ...), got ${fmtShape(target.shape)}`);
  }
  const C = input.shape[input.ndim === 1 ? 0 : 1]!;
  for (const v of target.toFlatArray() as number[]) {
    if (v !== ignoreIndex && (v < 0 || v >= C)) throw new IndexError(`${op}: Target ${v} is out of bounds: expected class indices in [0, ${C}) (C = ${C}) or ignoreIndex ${ignoreIndex}`);
  }
}

/** Moves the class dim of (N, C, d1, ...) (or (C,)) last and flattens: (M, C). */
function classesLast(x: Tensor): Tensor {
  if (x.ndim === 1) return x.unsqueeze(0);
  if (x.ndim === 2) return x;
  return x.movedim(1, -1).reshape([-1, x.shape[1]!]);
}

// ---------------------------------------------------------------- regression losses

/** Mean squared error: (x − y)². @example mseLoss(pred, target, { reduction: 'sum' }) */
export function mseLoss(input: Tensor, target: Tensor, { reduction = 'mean' }: { reduction?: Reduction } = {}): Tensor {
  checkReduction('mseLoss', reduction);
  checkFloat('mseLoss', input, 'input');
  checkFloat('mseLoss', target, 'target');
  return reduce(residual('mseLoss', input, target).square(), reduction);
}

/** Mean absolute error: |x − y|. */
export function l1Loss(input: Tensor, target: Tensor, { reduction = 'mean' }: { reduction?: Reduction } = {}): Tensor {
  checkReduction('l1Loss', reduction);
  checkFloat('l1Loss', input, 'input');
  checkFloat('l1Loss', target, 'target');
  return reduce(residual('l1Loss', input, target).abs(), reduction);
}

/** Smooth L1: 0.5·d²/β where |d| < β, else |d| − 0.5·β (β = 0 is L1). */
export function smoothL1Loss(input: Tensor, target: Tensor, { reduction = 'mean', beta = 1 }: { reduction?: Reduction; beta?: number } = {}): Tensor {
  checkReduction('smoothL1Loss', reduction);
  checkFloat('smoothL1Loss', input, 'input');
  checkFloat('smoothL1Loss', target, 'target');
  if (beta < 0) throw new ArgumentError(`smoothL1Loss: beta must be non-negative, got ${beta}`);
  const d = residual('smoothL1Loss', input, target).abs();
  if (beta === 0) return reduce(d, reduction);
  return reduce(d.square().mul(0.5 / beta).where(d.lt(beta), d.sub(0.5 * beta)), reduction);
}

/** Huber: 0.5·d² where |d| < δ, else δ·(|d| − 0.5·δ)  (= δ · smoothL1 with β = δ). */
export function huberLoss(input: Tensor, target: Tensor, { reduction = 'mean', delta = 1 }: { reduction?: Reduction; delta?: number } = {}): Tensor {
  checkReduction('huberLoss', reduction);
  checkFloat('huberLoss', input, 'input');
  checkFloat('huberLoss', target, 'target');
  if (!(delta > 0)) throw new ArgumentError(`huberLoss: delta must be positive, got ${delta}`);
  const d = residual('huberLoss', input, target).abs();
  return reduce(d.square().mul(0.5).where(d.lt(delta), d.sub(0.5 * delta).mul(delta)), reduction);
}

// ---------------------------------------------------------------- classification losses

export interface NllOptions {
  weight?: Tensor | null;
  ignoreIndex?: number;
  reduction?: Reduction;
}

/**
 * Negative log likelihood: ℓₙ = −w_{yₙ}·x_{n,yₙ}, targets equal to ignoreIndex contribute 0.
 * 'mean' is PyTorch's weighted mean Σℓₙ / Σ w_{yₙ} over non-ignored targets.
 * input (N, C), (C,) or (N, C, d1, ...) of log-probabilities; target int32 (N), () or (N, d1, ...).
 */
export function nllLoss(input: Tensor, target: Tensor, { weight = null, ignoreIndex = -100, reduction = 'mean' }: NllOptions = {}): Tensor {
  checkReduction('nllLoss', reduction);
  checkFloat('nllLoss', input, 'input');
  if (input.ndim < 1) throw new ShapeError(`nllLoss: expected input with 1 or more dimensions (got 0)`);
  checkClassTarget('nllLoss', input, target, ignoreIndex);
  const C = input.shape[input.ndim === 1 ? 0 : 1]!;
  const w = classWeight('nllLoss', weight, C);
  const x = classesLast(input); // (M, C)
  const t = target.reshape([-1]); // (M)
  if (!w) {
    const loss = nllLossRows(x, t, ignoreIndex, reduction); // one primitive each way
    return reduction === 'none' ? loss.reshape(target.shape) : loss;
  }
  const keep = t.ne(ignoreIndex);
  const safe = t.where(keep, 0);
  const picked = x.gather(1, safe.unsqueeze(1)).squeeze(1); // (M)
  let wt = keep.to(x.dtype);
  if (w) wt = w.indexSelect(0, safe).mul(wt);
  const losses = picked.mul(wt).neg();
  if (reduction === 'none') return losses.reshape(target.shape);
  if (reduction === 'sum') return losses.sum();
  return losses.sum().div(wt.sum());
}

export interface CrossEntropyOptions extends NllOptions {
  /** ε: the target becomes (1 − ε)·onehot + ε/C. */
  labelSmoothing?: number;
}

/**
 * Cross entropy between logits and targets given as class indices (int32, like nllLoss) or as
 * class probabilities (a float target of the input's shape).
 * Indices: ℓ = (1 − ε)·nll(logSoftmax(x), y) + ε/C · Σ_c −w_c·log p_c, with the weighted mean of nllLoss.
 * Probabilities: ℓₙ = −Σ_c w_c·y_{n,c}·log p_{n,c}; 'mean' divides by the number of samples N·d1·….
 * @example crossEntropy(logits, tensor([1, 0], { dtype: 'int32' }), { labelSmoothing: 0.1 })
 */
export function crossEntropy(input: Tensor, target: Tensor, { weight = null, ignoreIndex = -100, reduction = 'mean', labelSmoothing = 0 }: CrossEntropyOptions = {}): Tensor {
  checkReduction('crossEntropy', reduction);
  checkFloat('crossEntropy', input, 'input');
  if (!(target instanceof Tensor)) throw new ArgumentError('crossEntropy: expected target to be a Tensor');
  if (input.ndim < 1) throw new ShapeError('crossEntropy: expected input with 1 or more dimensions (got 0)');
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new ArgumentError(`crossEntropy: labelSmoothing must be between 0.0 and 1.0, got ${labelSmoothing}`);
  const cdim = input.ndim === 1 ? 0 : 1;
  const C = input.shape[cdim]!;
  const w = classWeight('crossEntropy', weight, C);
  const logp = logSoftmax(input, cdim);
  // Weight shaped to broadcast along the class dim: (C, 1, ..., 1).
  const wb = w ? w.reshape([C, ...new Array<number>(input.ndim - cdim - 1).fill(1)]) : null;

  if (isFloating(target.dtype)) {
    if (!sameShape(input.shape, target.shape)) {
      throw new DTypeError(`crossEntropy: a float target must hold class probabilities of the input's shape ${fmtShape(input.shape)}, got ${fmtShape(target.shape)}; class indices need dtype int32`);
    }
    const y = labelSmoothing > 0 ? target.mul(1 - labelSmoothing).add(labelSmoothing / C) : target;
    let prod = logp.mul(y);
    if (wb) prod = prod.mul(wb);
    if (reduction === 'none') return prod.sum(cdim).neg();
    if (reduction === 'sum') return prod.sum().neg();
    return prod.sum().neg().div(input.numel() / C);
  }

  const nll = nllLoss(logp, target, { weight: w, ignoreIndex, reduction });
  if (labelSmoothing === 0) return nll;
  const keep = target.ne(ignoreIndex);
  let smooth = (wb ? logp.mul(wb) : logp).sum(cdim).neg().where(keep, 0); // target's shape
  if (reduction === 'sum') smooth = smooth.sum();
  else if (reduction === 'mean') {
    const denom = w ? w.indexSelect(0, target.where(keep, 0).reshape([-1])).mul(keep.reshape([-1]).to(w.dtype)).sum() : keep.sum().to(logp.dtype);
    smooth = smooth.sum().div(denom);
  }
  return nll.mul(1 - labelSmoothing).add(smooth.mul(labelSmoothing / C));
}

/**
 * Binary cross entropy on probabilities: ℓ = −w·(y·log x + (1 − y)·log(1 − x)), each log clamped
 * at −100 like PyTorch so x ∈ {0, 1} gives a finite loss (its gradient there is 0, not PyTorch's 1e12 spike).
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, { weight = null, reduction = 'mean' }: { weight?: Tensor | null; reduction?: Reduction } = {}): Tensor {
  checkReduction('binaryCrossEntropy', reduction);
  checkFloat('binaryCrossEntropy', input, 'input');
  checkFloat('binaryCrossEntropy', target, 'target');
  checkSameShape('binaryCrossEntropy', input, target);
  if (input.numel() > 0 && input.detach().lt(0).logicalOr(input.detach().gt(1)).any().item()) {
    throw new ArgumentError(`binaryCrossEntropy: all elements of input should be between 0 and 1 (shape ${fmtShape(input.shape)})`);
  }
  const tiny = 1e-44; // keeps log's backward finite at 0; the −100 clamp decides the value
  const logx = input.clamp(tiny).log().clamp(-100);
  const log1mx = input.neg().add(1).clamp(tiny).log().clamp(-100);
  let loss = target.mul(logx).add(target.neg().add(1).mul(log1mx)).neg();
  if (weight) loss = loss.mul(checkFloat('binaryCrossEntropy', weight, 'weight'));
  return reduce(loss, reduction);
}

/**
 * Binary cross entropy on logits, stable for any |x| (PyTorch's formula):
 * ℓ = w·((1 − y)·x + (1 + (p_w − 1)·y)·softplus(−x)).
 * posWeight (broadcast along the last dim, one per class) scales the positive term.
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor,
  { weight = null, posWeight = null, reduction = 'mean' }: { weight?: Tensor | null; posWeight?: Tensor | null; reduction?: Reduction } = {}): Tensor {
  checkReduction('binaryCrossEntropyWithLogits', reduction);
  checkFloat('binaryCrossEntropyWithLogits', input, 'input');
  checkFloat('binaryCrossEntropyWithLogits', target, 'target');
  checkSameShape('binaryCrossEntropyWithLogits', input, target);
  // softplus(−x) = log(e^{−m} + e^{−x−m}) + m for any m; m = max(−x, 0) keeps it stable and, being
  // a constant of the identity, is detached (so the gradient at x = 0 is the true −½).
  const m = input.detach().neg().clamp(0);
  const spNeg = m.neg().exp().add(input.neg().sub(m).exp()).log().add(m);
  const logWeight = posWeight ? checkFloat('binaryCrossEntropyWithLogits', posWeight, 'posWeight').sub(1).mul(target).add(1) : null;
  let loss = target.neg().add(1).mul(input).add(logWeight ? logWeight.mul(spNeg) : spNeg);
  if (weight) loss = loss.mul(checkFloat('binaryCrossEntropyWithLogits', weight, 'weight'));
  return reduce(loss, reduction);
}

/**
 * Kullback–Leibler divergence with input = log q: ℓ = y·(log y − x) (0 where y = 0), or with
 * logTarget ℓ = e^y·(y − x). 'batchmean' divides the sum by the batch size (the true KL per sample).
 */
export function klDiv(input: Tensor, target: Tensor, { reduction = 'mean', logTarget = false }: { reduction?: Reduction | 'batchmean'; logTarget?: boolean } = {}): Tensor {
  checkReduction('klDiv', reduction, ['batchmean']);
  checkFloat('klDiv', input, 'input');
  checkFloat('klDiv', target, 'target');
  const loss = logTarget ? target.exp().mul(target.sub(input)) : target.xlogy(target).sub(target.mul(input));
  if (reduction === 'batchmean') return input.ndim === 0 ? loss.sum() : loss.sum().div(input.shape[0]!);
  return reduce(loss, reduction);
}

// ---------------------------------------------------------------- embedding / ranking losses

function checkPmOne(op: string, target: Tensor): void {
  if (!(target instanceof Tensor)) throw new ArgumentError(`${op}: expected target to be a Tensor`);
  if (target.numel() > 0 && target.abs().ne(1).any().item()) throw new ArgumentError(`${op}: target values must be 1 or -1`);
}

/**
 * ℓ = 1 − cos(x₁, x₂) for y = 1, max(0, cos(x₁, x₂) − margin) for y = −1.
 * x₁, x₂ (N, D) with y (N), or (D) with y ().
 */
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, { margin = 0, reduction = 'mean' }: { margin?: number; reduction?: Reduction } = {}): Tensor {
  const op = 'cosineEmbeddingLoss';
  checkReduction(op, reduction);
  checkFloat(op, input1, 'input1');
  checkFloat(op, input2, 'input2');
  checkSameShape(op, input1, input2, 'input2');
  if (input1.ndim !== 1 && input1.ndim !== 2) throw new ShapeError(`${op}: expected 1-D or 2-D inputs, got shape ${fmtShape(input1.shape)}`);
  checkPmOne(op, target);
  if (target.ndim !== input1.ndim - 1 || (target.ndim === 1 && target.shape[0] !== input1.shape[0])) {
    throw new ShapeError(`${op}: expected target of shape ${fmtShape(input1.shape.slice(0, -1))} for inputs of shape ${fmtShape(input1.shape)}, got ${fmtShape(target.shape)}`);
  }
  const EPS = 1e-12; // as in ATen: keeps zero vectors finite
  const prod = input1.mul(input2).sum(-1);
  const m1 = input1.square().sum(-1).add(EPS);
  const m2 = input2.square().sum(-1).add(EPS);
  const cos = prod.div(m1.mul(m2).sqrt());
  const pos = cos.neg().add(1).where(target.eq(1), 0);
  const neg = cos.sub(margin).clamp(0).where(target.eq(-1), 0);
  return reduce(pos.add(neg), reduction);
}

/** ℓ = max(0, −y·(x₁ − x₂) + margin): y = 1 means x₁ should rank higher. */
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, { margin = 0, reduction = 'mean' }: { margin?: number; reduction?: Reduction } = {}): Tensor {
  const op = 'marginRankingLoss';
  checkReduction(op, reduction);
  checkFloat(op, input1, 'input1');
  checkFloat(op, input2, 'input2');
  checkPmOne(op, target);
  if (!sameShape(input1.shape, input2.shape) || !sameShape(input1.shape, target.shape)) {
    throw new ShapeError(`${op}: input1 ${fmtShape(input1.shape)}, input2 ${fmtShape(input2.shape)} and target ${fmtShape(target.shape)} must have the same shape`);
  }
  return reduce(target.neg().mul(input1.sub(input2)).add(margin).clamp(0), reduction);
}

/** ‖x₁ − x₂ + ε‖_p over the last dim (torch.pairwise_distance, ε = 1e-6; the public one lives in functional.ts). */
function pairwiseDistance(x1: Tensor, x2: Tensor, { p = 2, eps = 1e-6, keepdim = false }: { p?: number; eps?: number; keepdim?: boolean } = {}): Tensor {
  return x1.sub(x2).add(eps).norm(p, -1, { keepdim });
}

/**
 * Triplet margin loss: ℓ = max(0, margin + d(a, p) − d(a, n)) with d the pairwise p-norm distance;
 * swap uses min(d(a, n), d(p, n)) as the negative distance (Balntas et al. 2016).
 */
export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor,
  { margin = 1, p = 2, eps = 1e-6, swap = false, reduction = 'mean' }: { margin?: number; p?: number; eps?: number; swap?: boolean; reduction?: Reduction } = {}): Tensor {
  const op = 'tripletMarginLoss';
  checkReduction(op, reduction);
  for (const [t, n] of [[anchor, 'anchor'], [positive, 'positive'], [negative, 'negative']] as const) checkFloat(op, t, n);
  if (!sameShape(anchor.shape, positive.shape) || !sameShape(anchor.shape, negative.shape)) {
    throw new ShapeError(`${op}: anchor ${fmtShape(anchor.shape)}, positive ${fmtShape(positive.shape)} and negative ${fmtShape(negative.shape)} must have the same shape`);
  }
  if (!(margin > 0)) throw new ArgumentError(`${op}: margin must be greater than 0, got ${margin}`);
  const dPos = pairwiseDistance(anchor, positive, { p, eps });
  let dNeg = pairwiseDistance(anchor, negative, { p, eps });
  if (swap) dNeg = dNeg.minimum(pairwiseDistance(positive, negative, { p, eps }));
  return reduce(dPos.sub(dNeg).add(margin).clamp(0), reduction);
}

// ---------------------------------------------------------------- focal losses (Lin et al., 2017)

/**
 * Sigmoid focal loss, as torchvision.ops.sigmoid_focal_loss: FL = −α_t·(1 − p_t)^γ·log p_t with
 * p_t = σ(x) for y = 1 and 1 − σ(x) for y = 0, α_t = α·y + (1 − α)·(1 − y); α < 0 disables α.
 * Default reduction is 'none', like torchvision.
 */
export function sigmoidFocalLoss(input: Tensor, target: Tensor, { alpha = 0.25, gamma = 2, reduction = 'none' }: { alpha?: number; gamma?: number; reduction?: Reduction } = {}): Tensor {
  const op = 'sigmoidFocalLoss';
  checkReduction(op, reduction);
  checkFloat(op, input, 'input');
  checkFloat(op, target, 'target');
  checkSameShape(op, input, target);
  const p = input.sigmoid();
  const ce = binaryCrossEntropyWithLogits(input, target, { reduction: 'none' });
  const pt = p.mul(target).add(p.neg().add(1).mul(target.neg().add(1)));
  let loss = gamma === 0 ? ce : ce.mul(pt.neg().add(1).pow(gamma));
  if (alpha >= 0) loss = target.mul(alpha).add(target.neg().add(1).mul(1 - alpha)).mul(loss);
  return reduce(loss, reduction);
}

/**
 * Multi-class (softmax) focal loss: FL = −α_{y}·(1 − p̂_y)^γ·log p̂_y with p̂ = softmax(x) over the
 * class dim; alpha is a number, a per-class (C) list/tensor, or omitted (1). γ = 0 is cross entropy.
 * 'mean' averages over non-ignored targets.
 */
export function softmaxFocalLoss(input: Tensor, target: Tensor,
  { alpha = null, gamma = 2, reduction = 'mean', ignoreIndex = -100 }: { alpha?: number | readonly number[] | Tensor | null; gamma?: number; reduction?: Reduction; ignoreIndex?: number } = {}): Tensor {
  const op = 'softmaxFocalLoss';
  checkReduction(op, reduction);
  checkFloat(op, input, 'input');
  if (input.ndim < 1) throw new ShapeError(`${op}: expected input with 1 or more dimensions (got 0)`);
  checkClassTarget(op, input, target, ignoreIndex);
  const C = input.shape[input.ndim === 1 ? 0 : 1]!;
  const logp = classesLast(logSoftmax(input, input.ndim === 1 ? 0 : 1)); // (M, C)
  const t = target.reshape([-1]);
  const keep = t.ne(ignoreIndex);
  const safe = t.where(keep, 0);
  const logpt = logp.gather(1, safe.unsqueeze(1)).squeeze(1);
  let loss = logpt.neg();
  if (gamma !== 0) loss = logpt.exp().neg().add(1).pow(gamma).mul(loss);
  if (alpha != null) {
    if (typeof alpha === 'number') loss = loss.mul(alpha);
    else {
      const a = alpha instanceof Tensor ? alpha : tensor(alpha as number[], { dtype: input.dtype });
      loss = loss.mul(classWeight(op, a, C)!.indexSelect(0, safe));
    }
  }
  loss = loss.where(keep, 0);
  if (reduction === 'none') return loss.reshape(target.shape);
  if (reduction === 'sum') return loss.sum();
  return loss.sum().div(keep.sum().to(loss.dtype));
}

// ---------------------------------------------------------------- CoSENT (Su Jianlin, 2022)

/**
 * CoSENT: ℓ = log(1 + Σ_{sim(i) > sim(j)} e^{λ(cos_j − cos_i)}) over all pairs of examples whose gold
 * similarity labels are ordered, so every more-similar pair should get a larger predicted cosine.
 * cosines (N) are predicted cos(u, v) per sentence pair; labels (N) gold scores (any ordered numbers).
 * @example cosentLoss(cosineSimilarity(u, v), labels)  // scale λ = 20
 */
export function cosentLoss(cosines: Tensor, labels: Tensor, { scale = 20 }: { scale?: number } = {}): Tensor {
  const op = 'cosentLoss';
  checkFloat(op, cosines, 'cosines');
  if (!(labels instanceof Tensor)) throw new ArgumentError(`${op}: expected labels to be a Tensor`);
  if (cosines.ndim !== 1 || !sameShape(cosines.shape, labels.shape)) {
    throw new ShapeError(`${op}: expected 1-D cosines and labels of the same length, got ${fmtShape(cosines.shape)} and ${fmtShape(labels.shape)}`);
  }
  const d = cosines.unsqueeze(0).sub(cosines.unsqueeze(1)).mul(scale); // d[i, j] = λ(cos_j − cos_i)
  const ordered = labels.unsqueeze(1).gt(labels.unsqueeze(0)); // label_i > label_j
  const terms = d.where(ordered, -Infinity).reshape([-1]);
  return cat([zeros([1], { dtype: terms.dtype }), terms]).logsumexp(0); // the 0 is the "1 +"
}
