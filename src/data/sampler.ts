// src/data/sampler.ts — samplers: which dataset indices a DataLoader visits, and in what order.
import { defaultGenerator, type Generator } from '../random/generator.js';
import { ArgumentError } from '../tensor/errors.js';
import { Tensor, gatherStrided } from '../tensor/tensor.js';

/** An iterable of dataset indices with a known length (torch.utils.data.Sampler). */
export abstract class Sampler implements Iterable<number> {
  abstract readonly length: number;
  abstract [Symbol.iterator](): Iterator<number>;
}

function sizeOf(source: number | { readonly length: number }, who: string): number {
  const n = typeof source === 'number' ? source : source?.length;
  if (!Number.isInteger(n) || n! < 0) throw new ArgumentError(`${who}: expected a dataset or a non-negative integer length, got ${String(n)}`);
  return n!;
}

/** Fisher–Yates over a copy, drawing from `g`. */
function shuffled(items: readonly number[], g: Generator): number[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = g.below(i + 1);
    const t = a[i]!; a[i] = a[j]!; a[j] = t;
  }
  return a;
}

/** 0, 1, ..., n−1. */
export class SequentialSampler extends Sampler {
  readonly length: number;
  constructor(dataSource: number | { readonly length: number }) {
    super();
    this.length = sizeOf(dataSource, 'SequentialSampler');
  }
  *[Symbol.iterator](): Iterator<number> {
    for (let i = 0; i < this.length; i++) yield i;
  }
}

export interface RandomSamplerOptions {
  /** Draw with replacement (default false). */
  replacement?: boolean;
  /** How many indices per pass (default: the dataset length). Without replacement, more than n chains permutations. */
  numSamples?: number;
  /** Source of randomness (default: the global generator, so manualSeed() controls it). */
  generator?: Generator;
}

/**
 * A random order each pass: a permutation (or numSamples draws with replacement). Each pass
 * draws from the generator, so epochs differ but a fresh generator with the same seed repeats them.
 */
export class RandomSampler extends Sampler {
  readonly n: number;
  readonly replacement: boolean;
  readonly length: number;
  generator: Generator;
  constructor(dataSource: number | { readonly length: number }, { replacement = false, numSamples, generator = defaultGenerator }: RandomSamplerOptions = {}) {
    super();
    this.n = sizeOf(dataSource, 'RandomSampler');
    if (typeof replacement !== 'boolean') throw new ArgumentError(`RandomSampler: replacement should be a boolean value, but got replacement=${String(replacement)}`);
    const len = numSamples ?? this.n;
    if (!Number.isInteger(len) || len <= 0) throw new ArgumentError(`RandomSampler: numSamples should be a positive integer value, but got numSamples=${len}`);
    this.replacement = replacement;
    this.length = len;
    this.generator = generator;
  }
  *[Symbol.iterator](): Iterator<number> {
    const g = this.generator;
    if (this.replacement) {
      for (let k = 0; k < this.length; k++) yield g.below(this.n);
      return;
    }
    const all = Array.from({ length: this.n }, (_, i) => i);
    let left = this.length;
    while (left > 0) {
      const perm = shuffled(all, g);
      for (let k = 0; k < perm.length && left > 0; k++, left--) yield perm[k]!;
    }
  }
}

/** The given indices in a random order each pass (for a validation fold of a larger dataset). */
export class SubsetRandomSampler extends Sampler {
  readonly indices: number[];
  generator: Generator;
  constructor(indices: Iterable<number>, { generator = defaultGenerator }: { generator?: Generator } = {}) {
    super();
    this.indices = [...indices];
    this.generator = generator;
  }
  get length(): number {
    return this.indices.length;
  }
  *[Symbol.iterator](): Iterator<number> {
    yield* shuffled(this.indices, this.generator);
  }
}

/**
 * numSamples indices drawn with probability proportional to `weights` (need not sum to 1), with
 * replacement by default; e.g. weights 1/classCount[label] to balance classes.
 */
export class WeightedRandomSampler extends Sampler {
  readonly weights: Tensor;
  readonly length: number;
  readonly replacement: boolean;
  generator: Generator;
  constructor(weights: Tensor | readonly number[], numSamples: number, { replacement = true, generator = defaultGenerator }: { replacement?: boolean; generator?: Generator } = {}) {
    super();
    if (!Number.isInteger(numSamples) || numSamples <= 0) throw new ArgumentError(`WeightedRandomSampler: numSamples should be a positive integer value, but got numSamples=${numSamples}`);
    const w = weights instanceof Tensor ? Float64Array.from(gatherStrided(weights) as ArrayLike<number>) : Float64Array.from(weights);
    if (weights instanceof Tensor && weights.ndim !== 1) throw new ArgumentError(`WeightedRandomSampler: weights should be a 1-D sequence, got shape [${weights.shape.join(', ')}]`);
    for (const v of w) if (!(v >= 0) || !Number.isFinite(v)) throw new ArgumentError(`WeightedRandomSampler: weights must be finite and non-negative, got ${v}`);
    if (!replacement && numSamples > w.filter((v) => v > 0).length) {
      throw new ArgumentError(`WeightedRandomSampler: cannot draw ${numSamples} samples without replacement from ${w.filter((v) => v > 0).length} non-zero weights`);
    }
    this.weights = Tensor.fromArray(w, [w.length], 'float64');
    this.length = numSamples;
    this.replacement = replacement;
    this.generator = generator;
  }
  /** With replacement: binary search in the CDF; without: Efraimidis–Spirakis keys −log(u)/w, smallest first. */
  *[Symbol.iterator](): Iterator<number> {
    const w = this.weights.storage.data as Float64Array;
    const g = this.generator;
    if (this.replacement) {
      const cdf = new Float64Array(w.length);
      let acc = 0;
      for (let i = 0; i < w.length; i++) cdf[i] = acc += w[i]!;
      if (!(acc > 0)) throw new ArgumentError('WeightedRandomSampler: the weights sum to 0');
      for (let k = 0; k < this.length; k++) {
        const u = g.random() * acc;
        let lo = 0, hi = w.length - 1;
        while (lo < hi) {                          // first i with cdf[i] > u (skips zero weights)
          const mid = (lo + hi) >>> 1;
          if (cdf[mid]! > u) hi = mid; else lo = mid + 1;
        }
        yield lo;
      }
      return;
    }
    const keyed: [number, number][] = [];
    for (let i = 0; i < w.length; i++) if (w[i]! > 0) keyed.push([-Math.log(1 - g.random()) / w[i]!, i]);
    keyed.sort((a, b) => a[0] - b[0]);
    for (let k = 0; k < this.length; k++) yield keyed[k]![1];
  }
}

/** Groups a sampler's indices into lists of batchSize (the last one shorter unless dropLast). */
export class BatchSampler implements Iterable<number[]> {
  constructor(readonly sampler: Iterable<number> & { readonly length?: number }, readonly batchSize: number, readonly dropLast = false) {
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new ArgumentError(`BatchSampler: batchSize should be a positive integer value, but got batchSize=${batchSize}`);
    if (typeof dropLast !== 'boolean') throw new ArgumentError(`BatchSampler: dropLast should be a boolean value, but got dropLast=${String(dropLast)}`);
  }
  get length(): number {
    const n = this.sampler.length ?? [...this.sampler].length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }
  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const i of this.sampler) {
      batch.push(i);
      if (batch.length === this.batchSize) { yield batch; batch = []; }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }
}
