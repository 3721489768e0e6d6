// src/data/dataset.ts — map-style datasets (Dataset, TensorDataset, Subset, ConcatDataset) and randomSplit.
import { defaultGenerator, type Generator, randperm } from '../random/generator.js';
import { ArgumentError, IndexError, ShapeError, fmtShape } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { indexSelect } from '../ops/index.js';
import { select } from '../ops/shape.js';

/**
 * A map-style dataset: `length` items addressed by 0..length−1 (torch.utils.data.Dataset with
 * __getitem__ / __len__). Subclasses implement getItem and length; `getBatch(indices)` is an
 * optional fast path the DataLoader uses with the default collate (it must return what
 * defaultCollate would make of the items).
 * @example class Squares extends Dataset<[number, number]> { length = 10; getItem(i: number) { return [i, i * i] as [number, number]; } }
 */
export abstract class Dataset<T = unknown> implements Iterable<T> {
  abstract readonly length: number;
  abstract getItem(index: number): T;
  getBatch?(indices: readonly number[]): unknown;

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.length; i++) yield this.getItem(i);
  }
}

/** What a DataLoader and Subset accept: a Dataset, or any { length, getItem } object, or a plain array. */
export type DatasetLike<T> = Dataset<T> | { readonly length: number; getItem(index: number): T; getBatch?(indices: readonly number[]): unknown } | readonly T[];

/** Normalises negative indices and checks range (the messages name the dataset class). */
export function checkIndex(index: number, length: number, who: string): number {
  if (!Number.isInteger(index)) throw new ArgumentError(`${who}: index must be an integer, got ${index}`);
  const i = index < 0 ? index + length : index;
  if (i < 0 || i >= length) throw new IndexError(`${who}: index ${index} is out of range for a dataset of length ${length}`);
  return i;
}

/** Reads item i of any DatasetLike. */
export function itemOf<T>(ds: DatasetLike<T>, i: number): T {
  return Array.isArray(ds) ? (ds as readonly T[])[checkIndex(i, ds.length, 'dataset')]! : (ds as Dataset<T>).getItem(i);
}

type TensorItems<T extends Tensor[]> = { [K in keyof T]: Tensor };

/**
 * Rows of tensors that share their first dim: item i is [t0[i], t1[i], ...] (views, no copy).
 * @example const ds = new TensorDataset(x, y); const [xi, yi] = ds.getItem(0)
 */
export class TensorDataset<T extends Tensor[] = Tensor[]> extends Dataset<TensorItems<T>> {
  readonly tensors: T;
  constructor(...tensors: T) {
    super();
    if (tensors.length === 0) throw new ArgumentError('TensorDataset: expected at least one tensor');
    tensors.forEach((t, k) => {
      if (!(t instanceof Tensor)) throw new ArgumentError(`TensorDataset: argument ${k} is not a Tensor`);
      if (t.ndim === 0) throw new ShapeError(`TensorDataset: tensor ${k} is 0-d; every tensor needs a first (sample) dim`);
    });
    const n = tensors[0]!.shape[0]!;
    tensors.forEach((t, k) => {
      if (t.shape[0] !== n) {
        throw new ShapeError(`TensorDataset: size mismatch between tensors: tensor 0 has shape ${fmtShape(tensors[0]!.shape)} but tensor ${k} has ${fmtShape(t.shape)} (first dims must agree)`);
      }
    });
    this.tensors = tensors;
  }
  get length(): number {
    return this.tensors[0]!.shape[0]!;
  }
  getItem(index: number): TensorItems<T> {
    const i = checkIndex(index, this.length, 'TensorDataset');
    return this.tensors.map((t) => select(t, 0, i)) as TensorItems<T>;
  }
  /** One indexSelect per tensor instead of `indices.length` views and a stack. */
  override getBatch(indices: readonly number[]): TensorItems<T> {
    const n = this.length;
    const idx = Tensor.fromArray(Int32Array.from(indices, (i) => checkIndex(i, n, 'TensorDataset')), [indices.length], 'int32');
    return this.tensors.map((t) => indexSelect(t, 0, idx)) as TensorItems<T>;
  }
}

/** The items of `dataset` at `indices`, in that order (torch.utils.data.Subset). */
export class Subset<T> extends Dataset<T> {
  readonly indices: number[];
  constructor(readonly dataset: DatasetLike<T>, indices: Iterable<number>) {
    super();
    this.indices = [...indices];
    const n = dataset.length;
    for (const i of this.indices) checkIndex(i, n, 'Subset');
  }
  get length(): number {
    return this.indices.length;
  }
  getItem(index: number): T {
    return itemOf(this.dataset, this.indices[checkIndex(index, this.indices.length, 'Subset')]!);
  }
}
/** Several datasets one after another (torch.utils.data.ConcatDataset). */
export class ConcatDataset<T> extends Dataset<T> {
  readonly datasets: DatasetLike<T>[];
  /** cumulativeSizes[k] = total length of datasets 0..k. */
  readonly cumulativeSizes: number[];
  constructor(datasets: Iterable<DatasetLike<T>>) {
    super();
    this.datasets = [...datasets];
    if (this.datasets.length === 0) throw new ArgumentError('ConcatDataset: datasets should not be an empty iterable');
    let acc = 0;
    this.cumulativeSizes = this.datasets.map((d) => (acc += d.length));
  }
  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1]!;
  }
  getItem(index: number): T {
    const i = checkIndex(index, this.length, 'ConcatDataset');
    let k = 0;
    while (this.cumulativeSizes[k]! <= i) k++;
    return itemOf(this.datasets[k]!, k === 0 ? i : i - this.cumulativeSizes[k - 1]!);
  }
}

/**
 * Turns fractions (summing to 1) into counts like PyTorch: floor(n·f) each, then the remainder
 * handed out one at a time from the first split on. Integer lengths must sum to n.
 */
export function splitLengths(n: number, lengths: readonly number[], who: string): number[] {
  if (!Array.isArray(lengths) || lengths.length === 0) throw new ArgumentError(`${who}: lengths must be a non-empty array`);
  const total = lengths.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) < 1e-9 && total <= 1 + 1e-9 && lengths.every((f) => f >= 0 && f <= 1)) {
    const counts = lengths.map((f) => Math.floor(n * f));
    const rem = n - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; i < rem; i++) counts[i % counts.length]!++;
    return counts;
  }
  if (!lengths.every((l) => Number.isInteger(l) && l >= 0)) {
    throw new ArgumentError(`${who}: lengths must be non-negative integers summing to ${n} or fractions summing to 1, got [${lengths.join(', ')}]`);
  }
  if (total !== n) throw new ArgumentError(`${who}: sum of input lengths (${total}) does not equal the length of the input dataset (${n})`);
  return [...lengths];
}

/**
 * Splits a dataset into non-overlapping random Subsets of the given lengths or fractions.
 * Same generator seed, same split. @example const [train, val] = randomSplit(ds, [0.8, 0.2], { generator: new Generator(42) })
 */
export function randomSplit<T>(dataset: DatasetLike<T>, lengths: readonly number[], { generator = defaultGenerator }: { generator?: Generator } = {}): Subset<T>[] {
  const counts = splitLengths(dataset.length, lengths, 'randomSplit');
  const perm = Array.from(randperm(dataset.length, { generator }).storage.data as Int32Array);
  let at = 0;
  return counts.map((c) => new Subset(dataset, perm.slice(at, (at += c))));
}
