// Dropout layers: inverted dropout (scale 1/(1 − p) while training, identity in eval) and channel dropout.
import { ArgumentError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import * as F from './functional.js';
import { Module, expectTensor } from './module.js';

function checkP(who: string, p: number): number {
  if (!(p >= 0 && p <= 1)) throw new ArgumentError(`${who}: dropout probability has to be between 0 and 1, but got ${p}`);
  return p;
}

/** Zeroes each element with probability p while training (masks from the default generator), scaling survivors by 1/(1 − p). */
export class Dropout extends Module {
  constructor(readonly p = 0.5) { super(); checkP('Dropout', p); }
  forward(x: Tensor): Tensor { return F.dropout(expectTensor(x, 'Dropout'), this.p, { training: this.training }); }
  override extraRepr(): string { return `p=${this.p}`; }
}

/** Zeroes whole channels of (N, C, H, W) with probability p while training. */
export class Dropout2d extends Module {
  constructor(readonly p = 0.5) { super(); checkP('Dropout2d', p); }
  forward(x: Tensor): Tensor { return F.dropout2d(expectTensor(x, 'Dropout2d'), this.p, { training: this.training }); }
  override extraRepr(): string { return `p=${this.p}`; }
}
