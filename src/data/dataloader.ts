// src/data/dataloader.ts — defaultCollate and the DataLoader: batches of a dataset, in order or shuffled by a seeded generator.
import { Generator } from '../random/generator.js';
import { allocate } from '../tensor/dtype.js';
import { ArgumentError, ShapeError, fmtShape } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { stack } from '../ops/shape.js';
import { type DatasetLike, Subset, checkIndex, itemOf } from './dataset.js';
import { BatchSampler, RandomSampler, type Sampler, SequentialSampler } from './sampler.js';

/** What defaultCollate makes of a batch of T: tensors/numbers/booleans become one stacked Tensor, containers recurse. */
export type Collated<T> =
  T extends Tensor ? Tensor :
  T extends number | boolean ? Tensor :
  T extends ArrayBufferView ? Tensor :
  T extends string ? string[] :
  T extends readonly unknown[] ? { -readonly [K in keyof T]: Collated<T[K]> } :
  T extends object ? { [K in keyof T]: Collated<T[K]> } :
  T[];

const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : v instanceof Tensor ? `Tensor${fmtShape(v.shape)}` : typeof v === 'object' ? (v as object).constructor?.name ?? 'object' : typeof v);

/**
 * PyTorch's default_collate: a list of samples → one batch.
 * - Tensors are stacked along a new first dim (shapes must agree).
 * - numbers become a 1-D tensor: int32 when every value is an integer, else float32 (JavaScript
 *   has no int/float distinction, so return tensors from getItem to pin the dtype); booleans → bool.
 * - typed arrays are stacked into a [batch, length] tensor of their kind.
 * - strings stay a string[]; arrays (tuples) and plain objects are collated position by position / key by key.
 * @example defaultCollate([[tensor([1, 2]), 0], [tensor([3, 4]), 1]]) // [Tensor[2, 2], Tensor[2] int32]
 */
export function defaultCollate<T>(batch: readonly T[]): Collated<T> {
  return collate(batch as readonly unknown[], 'batch') as Collated<T>;
}

function collate(batch: readonly unknown[], where: string): unknown {
  if (!Array.isArray(batch) || batch.length === 0) throw new ArgumentError(`defaultCollate: expected a non-empty array of samples, got ${describe(batch)}`);
  const first = batch[0];
  const kindMismatch = (i: number) => new ArgumentError(`defaultCollate: ${where}: sample 0 is ${describe(first)} but sample ${i} is ${describe(batch[i])}`);
  if (first instanceof Tensor) {
    batch.forEach((x, i) => {
      if (!(x instanceof Tensor)) throw kindMismatch(i);
      if (x.shape.length !== first.shape.length || x.shape.some((s, k) => s !== first.shape[k])) {
        throw new ShapeError(`defaultCollate: ${where}: stack expects each tensor to be equal size, but got ${fmtShape(first.shape)} at sample 0 and ${fmtShape(x.shape)} at sample ${i}`);
      }
    });
    return stack(batch as Tensor[], 0);
  }
  if (typeof first === 'number') {
    batch.forEach((x, i) => { if (typeof x !== 'number') throw kindMismatch(i); });
    const nums = batch as number[];
    const dtype = nums.every(Number.isInteger) && nums.every((v) => v >= -(2 ** 31) && v < 2 ** 31) ? 'int32' : 'float32';
    const data = allocate(dtype, nums.length);
    data.set(nums);
    return Tensor.fromArray(data, [nums.length], dtype);
  }
  if (typeof first === 'boolean') {
    batch.forEach((x, i) => { if (typeof x !== 'boolean') throw kindMismatch(i); });
    return Tensor.fromArray(Uint8Array.from(batch as boolean[], Number), [batch.length], 'bool');
  }
  if (typeof first === 'string') {
    batch.forEach((x, i) => { if (typeof x !== 'string') throw kindMismatch(i); });
    return [...batch];
  }
  if (ArrayBuffer.isView(first) && !(first instanceof DataView)) {
    const a0 = first as unknown as ArrayLike<number>;
    const dtype = first instanceof Float64Array ? 'float64' : first instanceof Int32Array ? 'int32' : first instanceof Uint8Array ? 'bool' : 'float32';
    const n = a0.length;
    const data = allocate(dtype === 'bool' ? 'int32' : dtype, batch.length * n);
    batch.forEach((x, i) => {
      if (!ArrayBuffer.isView(x) || x.constructor !== first.constructor) throw kindMismatch(i);
      if ((x as unknown as ArrayLike<number>).length !== n) throw new ShapeError(`defaultCollate: ${where}: typed arrays must have equal length, got ${n} at sample 0 and ${(x as unknown as ArrayLike<number>).length} at sample ${i}`);
      data.set(x as unknown as ArrayLike<number>, i * n);
    });
    // Uint8Array is raw bytes, not booleans: collate it as int32.
    return Tensor.fromArray(data, [batch.length, n], dtype === 'bool' ? 'int32' : dtype);
  }
  if (Array.isArray(first)) {
    batch.forEach((x, i) => {
      if (!Array.isArray(x)) throw kindMismatch(i);
      if (x.length !== first.length) throw new ArgumentError(`defaultCollate: ${where}: each element in list of batch should be of equal size (sample 0 has ${first.length} elements, sample ${i} has ${x.length})`);
    });
    return first.map((_, k) => collate(batch.map((x) => (x as unknown[])[k]), `${where}[${k}]`));
  }
  if (first !== null && typeof first === 'object' && (Object.getPrototypeOf(first) === Object.prototype || Object.getPrototypeOf(first) === null)) {
    const keys = Object.keys(first);
    const out: Record<string, unknown> = {};
    batch.forEach((x, i) => { if (x === null || typeof x !== 'object' || Array.isArray(x)) throw kindMismatch(i); });
    for (const k of keys) {
      out[k] = collate(batch.map((x, i) => {
        if (!(k in (x as object))) throw new ArgumentError(`defaultCollate: ${where}: sample ${i} has no key "${k}" (sample 0 has ${keys.join(', ')})`);
        return (x as Record<string, unknown>)[k];
      }), `${where}.${k}`);
    }
    return out;
  }
  throw new ArgumentError(`defaultCollate: ${where}: batch must contain tensors, numbers, booleans, strings, typed arrays, arrays or plain objects; found ${describe(first)}`);
}

export interface DataLoaderOptions<T, B> {
  /** Samples per batch (default 1). */
  batchSize?: number;
  /** Reshuffle every epoch (default false). Mutually exclusive with sampler / batchSampler. */
  shuffle?: boolean;
  /** Drop the last incomplete batch (default false). */
  dropLast?: boolean;
  /** Chooses the index order (replaces shuffle). */
  sampler?: Sampler | (Iterable<number> & { readonly length?: number });
  /** Yields whole batches of indices (replaces batchSize, shuffle, sampler and dropLast). */
  batchSampler?: Iterable<number[]> & { readonly length?: number };
  /** Merges a list of samples into a batch (default defaultCollate). */
  collateFn?: (samples: T[]) => B;
  /** Generator for shuffling: the same seed gives the same order, epoch after epoch. */
  generator?: Generator;
  /** Shorthand for generator: new Generator(seed). */
  seed?: number;
}

type Batches = Iterable<number[]> & { readonly length?: number };

/**
 * Iterates a dataset in batches (torch.utils.data.DataLoader, single-process). Works with
 * `for (const [x, y] of loader)` and `for await (...)` (which also awaits datasets whose getItem
 * or collateFn return promises). `length` is the number of batches per epoch.
 * @example
 * const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 32, shuffle: true, seed: 0 });
 * for (const [xb, yb] of loader) { ... }
 */
export class DataLoader<T, B = Collated<T>> implements Iterable<B>, AsyncIterable<B> {
  readonly batchSize: number | null;
  readonly dropLast: boolean;
  readonly sampler: Iterable<number> & { readonly length?: number };
  readonly batchSampler: Batches;
  readonly collateFn: (samples: T[]) => B;
  readonly generator: Generator | undefined;
  private readonly customCollate: boolean;

  constructor(readonly dataset: DatasetLike<T>, opts: DataLoaderOptions<T, B> = {}) {
    const { shuffle = false, dropLast = false, sampler, batchSampler, collateFn, seed } = opts;
    if (dataset === null || typeof dataset !== 'object' || !Number.isInteger(dataset.length)) {
      throw new ArgumentError('DataLoader: dataset must be a Dataset, an array, or an object with length and getItem(i)');
    }
    if (!Array.isArray(dataset) && typeof (dataset as { getItem?: unknown }).getItem !== 'function') {
      throw new ArgumentError('DataLoader: dataset has no getItem(index) method');
    }
    if (opts.generator && seed !== undefined) throw new ArgumentError('DataLoader: give generator or seed, not both');
    this.generator = opts.generator ?? (seed !== undefined ? new Generator(seed) : undefined);
    if (sampler && shuffle) throw new ArgumentError('DataLoader: sampler option is mutually exclusive with shuffle');
    if (batchSampler) {
      if (opts.batchSize !== undefined && opts.batchSize !== 1 || shuffle || sampler || dropLast) {
        throw new ArgumentError('DataLoader: batchSampler option is mutually exclusive with batchSize, shuffle, sampler, and dropLast');
      }
      this.batchSize = null;
      this.dropLast = false;
      this.batchSampler = batchSampler;
      this.sampler = { *[Symbol.iterator]() { for (const b of batchSampler) yield* b; } };
    } else {
      const batchSize = opts.batchSize ?? 1;
      if (!Number.isInteger(batchSize) || batchSize <= 0) throw new ArgumentError(`DataLoader: batchSize should be a positive integer value, but got batchSize=${batchSize}`);
      this.batchSize = batchSize;
      this.dropLast = dropLast;
      this.sampler = sampler ?? (shuffle ? new RandomSampler(dataset.length, { generator: this.generator }) : new SequentialSampler(dataset.length));
      this.batchSampler = new BatchSampler(this.sampler, batchSize, dropLast);
    }
    this.customCollate = collateFn !== undefined;
    this.collateFn = collateFn ?? (defaultCollate as unknown as (s: T[]) => B);
  }

  /** Batches per epoch. */
  get length(): number {
    const l = this.batchSampler.length;
    if (l === undefined) throw new ArgumentError('DataLoader: length is unknown because the batch sampler has no length');
    return l;
  }

  /** The dataset's getBatch fast path (through Subsets), used only with the default collate. */
  private fastBatch(): ((indices: readonly number[]) => B) | null {
    if (this.customCollate) return null;
    let ds: unknown = this.dataset;
    let map = (i: readonly number[]): readonly number[] => i;
    while (ds instanceof Subset) {
      const sub = ds, prev = map;
      map = (i) => prev(i).map((k) => sub.indices[checkIndex(k, sub.indices.length, 'Subset')]!);
      ds = sub.dataset;
    }
    const gb = (ds as { getBatch?: (i: readonly number[]) => unknown }).getBatch;
    if (Array.isArray(ds) || typeof gb !== 'function') return null;
    return (indices) => gb.call(ds, map(indices)) as B;
  }

  *[Symbol.iterator](): Iterator<B> {
    const fast = this.fastBatch();
    for (const indices of this.batchSampler) {
      yield fast ? fast(indices) : this.collateFn(indices.map((i) => itemOf(this.dataset, i)));
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    const fast = this.fastBatch();
    for (const indices of this.batchSampler) {
      if (fast) { yield fast(indices); continue; }
      const items = await Promise.all(indices.map((i) => itemOf(this.dataset, i)));
      yield await this.collateFn(items as T[]);
    }
  }
}
