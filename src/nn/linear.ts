// Fully connected layers: Linear (y = xWᵀ + b) and Bilinear (y = x₁ᵀWx₂ + b).
import { uniform } from './uniform.js';
import { ShapeError, fmtShape } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import * as F from './functional.js';
import { Module, Parameter, expectTensor } from './module.js';

/**
 * y = x·Wᵀ + b.  x: (*, inFeatures) → (*, outFeatures). Init U(−k, k), k = 1/√inFeatures (PyTorch's
 * kaiming_uniform with a = √5, and its bias rule).
 * @example new Linear(4, 2).call(randn([8, 4])) // [8, 2]
 */
export class Linear extends Module {
  readonly weight: Parameter; // (outFeatures, inFeatures): PyTorch's layout
  readonly bias: Parameter | null;
  constructor(readonly inFeatures: number, readonly outFeatures: number, { bias = true } = {}) {
    super();
    const k = 1 / Math.sqrt(inFeatures);
    this.weight = new Parameter(uniform([outFeatures, inFeatures], -k, k));
    this.bias = bias ? new Parameter(uniform([outFeatures], -k, k)) : null;
  }
  forward(x: Tensor): Tensor {
    expectTensor(x, 'Linear');
    if (x.ndim === 0 || x.shape[x.ndim - 1] !== this.inFeatures) {
      throw new ShapeError(`Linear(${this.inFeatures}, ${this.outFeatures}): expected input of shape (*, ${this.inFeatures}), got ${fmtShape(x.shape)}`);
    }
    return F.linear(x, this.weight, this.bias);
  }
  override extraRepr(): string { return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`; }
}

/** y_k = x₁ᵀ·W_k·x₂ + b_k.  x1 (*, in1), x2 (*, in2) → (*, out). Init U(±1/√in1). */
export class Bilinear extends Module {
  readonly weight: Parameter; // (out, in1, in2)
  readonly bias: Parameter | null;
  constructor(readonly in1Features: number, readonly in2Features: number, readonly outFeatures: number, { bias = true } = {}) {
    super();
    const k = 1 / Math.sqrt(in1Features);
    this.weight = new Parameter(uniform([outFeatures, in1Features, in2Features], -k, k));
    this.bias = bias ? new Parameter(uniform([outFeatures], -k, k)) : null;
  }
  forward(x1: Tensor, x2: Tensor): Tensor { return F.bilinear(x1, x2, this.weight, this.bias); }
  override extraRepr(): string { return `in1Features=${this.in1Features}, in2Features=${this.in2Features}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`; }
}
