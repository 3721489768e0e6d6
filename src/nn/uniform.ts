// The U(−k, k) tensor every default layer init starts from (drawn from the default generator).
import { rand } from '../random/generator.js';
import type { Tensor } from '../tensor/tensor.js';
import '../ops/methods.js';

/** A fresh float32 tensor of U(lo, hi) samples, not tracked by autograd. */
export function uniform(shape: readonly number[], lo: number, hi: number): Tensor {
  return rand(shape).mul(hi - lo).add(lo);
}
