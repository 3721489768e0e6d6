// Embedding: a lookup table of rows (N(0, 1) init), with paddingIdx rows that stay zero and get no gradient.
import { noGrad } from '../autograd/grad-mode.js';
import { randn } from '../random/generator.js';
import { ArgumentError, IndexError, ShapeError, fmtShape } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import * as F from './functional.js';
import { Module, Parameter, expectTensor } from './module.js';

export interface EmbeddingLayerOptions {
  paddingIdx?: number | null;
  maxNorm?: number | null;
  normType?: number;
  /** Initial weights (numEmbeddings, embeddingDim) instead of N(0, 1). */
  weight?: Tensor;
}

/**
 * Maps int32 indices (*) to rows of weight: (*) → (*, embeddingDim).
 * @example new Embedding(10, 3, { paddingIdx: 0 }).call(tensor([[1, 0]], { dtype: 'int32' })) // [1, 2, 3]
 */
export class Embedding extends Module {
  readonly weight: Parameter; // (numEmbeddings, embeddingDim)
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;
  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, o: EmbeddingLayerOptions = {}) {
    super();
    let pad = o.paddingIdx ?? null;
    if (pad !== null) {
      if (pad >= numEmbeddings || pad < -numEmbeddings) throw new IndexError(`Embedding: paddingIdx (${pad}) must be within num_embeddings (${numEmbeddings})`);
      if (pad < 0) pad += numEmbeddings;
    }
    this.paddingIdx = pad;
    this.maxNorm = o.maxNorm ?? null;
    this.normType = o.normType ?? 2;
    if (o.weight) {
      if (o.weight.ndim !== 2 || o.weight.shape[0] !== numEmbeddings || o.weight.shape[1] !== embeddingDim) {
        throw new ShapeError(`Embedding: shape of weight ${fmtShape(o.weight.shape)} does not match num_embeddings and embedding_dim [${numEmbeddings}, ${embeddingDim}]`);
      }
      this.weight = new Parameter(o.weight.detach().clone());
    } else {
      this.weight = new Parameter(randn([numEmbeddings, embeddingDim]));
      if (pad !== null) noGrad(() => this.weight.select(0, pad!).zero_());
    }
  }

  /** An Embedding holding the given (num, dim) weights; freeze (default true) turns off their gradient. */
  static fromPretrained(weights: Tensor, { freeze = true, ...o }: Omit<EmbeddingLayerOptions, 'weight'> & { freeze?: boolean } = {}): Embedding {
    if (weights.ndim !== 2) throw new ArgumentError(`Embedding.fromPretrained: embeddings parameter is expected to be 2-dimensional, got shape ${fmtShape(weights.shape)}`);
    const e = new Embedding(weights.shape[0]!, weights.shape[1]!, { ...o, weight: weights });
    e.weight.requiresGrad = !freeze;
    return e;
  }

  forward(indices: Tensor): Tensor {
    return F.embedding(expectTensor(indices, 'Embedding'), this.weight, { paddingIdx: this.paddingIdx, maxNorm: this.maxNorm, normType: this.normType });
  }
  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, paddingIdx=${this.paddingIdx}` : ''}${this.maxNorm !== null ? `, maxNorm=${this.maxNorm}` : ''}`;
  }
}
