// Normalisation layers over features: LayerNorm, RMSNorm, GroupNorm (BatchNorm lives in batchnorm.ts).
import { ones, zeros } from '../tensor/creation.js';
import { ArgumentError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import * as F from './functional.js';
import { Module, Parameter, expectTensor } from './module.js';

/**
 * LayerNorm over the trailing normalizedShape dims: (x − E[x]) / √(Var[x] + ε) · γ + β.
 * γ = 1, β = 0 initially (elementwiseAffine; bias optional like torch 2.1+).
 */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;
  constructor(normalizedShape: number | readonly number[], readonly options: { eps?: number; elementwiseAffine?: boolean; bias?: boolean } = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    const affine = options.elementwiseAffine ?? true;
    this.weight = affine ? new Parameter(ones(this.normalizedShape)) : null;
    this.bias = affine && (options.bias ?? true) ? new Parameter(zeros(this.normalizedShape)) : null;
  }
  get eps(): number { return this.options.eps ?? 1e-5; }
  forward(x: Tensor): Tensor { return F.layerNorm(expectTensor(x, 'LayerNorm'), this.normalizedShape, this.weight, this.bias, this.eps); }
  override extraRepr(): string { return `[${this.normalizedShape.join(', ')}], eps=${this.eps}, elementwiseAffine=${this.weight !== null}`; }
}

/**
 * RMSNorm: x / √(mean(x²) + ε) · γ. eps null (default) uses the dtype's machine epsilon, like torch 2.x's
 * nn.RMSNorm (torch 1.13 has no RMSNorm).
 */
export class RMSNorm extends Module {
  readonly normalizedShape: number[];
  readonly weight: Parameter | null;
  constructor(normalizedShape: number | readonly number[], readonly options: { eps?: number | null; elementwiseAffine?: boolean } = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.weight = (options.elementwiseAffine ?? true) ? new Parameter(ones(this.normalizedShape)) : null;
  }
  forward(x: Tensor): Tensor { return F.rmsNorm(expectTensor(x, 'RMSNorm'), this.normalizedShape, this.weight, this.options.eps ?? null); }
  override extraRepr(): string { return `[${this.normalizedShape.join(', ')}], eps=${this.options.eps ?? 'null'}, elementwiseAffine=${this.weight !== null}`; }
}

/** GroupNorm: channels of (N, C, *) split into numGroups groups, each normalised, then per-channel γ, β. */
export class GroupNorm extends Module {
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;
  constructor(readonly numGroups: number, readonly numChannels: number, readonly options: { eps?: number; affine?: boolean } = {}) {
    super();
    if (numChannels % numGroups !== 0) throw new ArgumentError(`GroupNorm: num_channels (${numChannels}) must be divisible by num_groups (${numGroups})`);
    const affine = options.affine ?? true;
    this.weight = affine ? new Parameter(ones([numChannels])) : null;
    this.bias = affine ? new Parameter(zeros([numChannels])) : null;
  }
  forward(x: Tensor): Tensor { return F.groupNorm(expectTensor(x, 'GroupNorm'), this.numGroups, this.weight, this.bias, this.options.eps ?? 1e-5); }
  override extraRepr(): string { return `${this.numGroups}, ${this.numChannels}, eps=${this.options.eps ?? 1e-5}, affine=${this.weight !== null}`; }
}
