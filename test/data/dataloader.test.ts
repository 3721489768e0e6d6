// test/data/dataloader.test.ts — batching, shuffle reproducibility, dropLast, samplers, collate, async iteration.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, arange, manualSeed, tensor, ArgumentError, ShapeError, type Tensor } from '../../src/index.js';
import { DataLoader, defaultCollate } from '../../src/data/dataloader.js';
import { Dataset, Subset, TensorDataset } from '../../src/data/dataset.js';
import { BatchSampler, SequentialSampler } from '../../src/data/sampler.js';

const xy = (n: number) => new TensorDataset(arange(n * 2).reshape([n, 2]).float(), arange(n));
const firstCol = (x: Tensor) => (x.tolist() as number[][]).map((r) => r[0]! / 2);

describe('data/dataloader: batching', () => {
  it('sequential batches with a short last batch, and length', () => {
    const loader = new DataLoader(xy(10), { batchSize: 4 });
    assert.equal(loader.length, 3);
    const batches = [...loader];
    assert.equal(batches.length, 3);
    const [x0, y0] = batches[0]!;
    assert.deepEqual(x0.shape, [4, 2]);
    assert.deepEqual(y0.tolist(), [0, 1, 2, 3]);
    assert.equal(y0.dtype, 'int32');
    assert.deepEqual(batches[2]![1].tolist(), [8, 9]);
  });
  it('dropLast drops the incomplete batch', () => {
    const loader = new DataLoader(xy(10), { batchSize: 4, dropLast: true });
    assert.equal(loader.length, 2);
    assert.deepEqual([...loader].map(([, y]) => y.shape[0]), [4, 4]);
  });
  it('destructures in for...of', () => {
    let seen = 0;
    for (const [x, y] of new DataLoader(xy(5), { batchSize: 2 })) {
      assert.deepEqual(firstCol(x), y.tolist());
      seen += y.shape[0]!;
    }
    assert.equal(seen, 5);
  });
});

describe('data/dataloader: shuffle', () => {
  const order = (loader: DataLoader<any, [Tensor, Tensor]>) => [...loader].flatMap(([, y]) => y.tolist() as number[]);
  it('same seed, same order; epochs differ; every sample once per epoch', () => {
    const a = new DataLoader(xy(50), { batchSize: 8, shuffle: true, seed: 123 });
    const b = new DataLoader(xy(50), { batchSize: 8, shuffle: true, generator: new Generator(123) });
    const a1 = order(a), a2 = order(a);
    assert.deepEqual(order(b), a1);
    assert.deepEqual(order(b), a2);
    assert.notDeepEqual(a1, a2);
    assert.deepEqual([...a1].sort((p, q) => p - q), Array.from({ length: 50 }, (_, i) => i));
    assert.notDeepEqual(a1, Array.from({ length: 50 }, (_, i) => i));
    const c = new DataLoader(xy(50), { batchSize: 8, shuffle: true, seed: 124 });
    assert.notDeepEqual(order(c), a1);
  });
  it('without a generator, manualSeed controls the order', () => {
    manualSeed(9);
    const a = order(new DataLoader(xy(30), { batchSize: 7, shuffle: true }));
    manualSeed(9);
    assert.deepEqual(order(new DataLoader(xy(30), { batchSize: 7, shuffle: true })), a);
  });
  it('rows stay paired with their labels when shuffled (fast path and per-item path agree)', () => {
    const ds = xy(20);
    const fast = [...new DataLoader(ds, { batchSize: 6, shuffle: true, seed: 1 })];
    const slow = [...new DataLoader(ds, { batchSize: 6, shuffle: true, seed: 1, collateFn: (s) => defaultCollate(s) })];
    for (let k = 0; k < fast.length; k++) {
      assert.deepEqual(firstCol(fast[k]![0]), fast[k]![1].tolist());
      assert.deepEqual(fast[k]![0].tolist(), slow[k]![0].tolist());
      assert.deepEqual(fast[k]![1].tolist(), slow[k]![1].tolist());
    }
  });
  it('a Subset of a TensorDataset batches through the parent', () => {
    const sub = new Subset(xy(10), [9, 3, 4]);
    const [[x, y]] = [...new DataLoader(sub, { batchSize: 3 })];
    assert.deepEqual(y!.tolist(), [9, 3, 4]);
    assert.deepEqual(firstCol(x!), [9, 3, 4]);
  });
});

describe('data/dataloader: samplers and options', () => {
  it('sampler and batchSampler options', () => {
    const ds = xy(6);
    const rev = { length: 6, *[Symbol.iterator]() { for (let i = 5; i >= 0; i--) yield i; } };
    assert.deepEqual([...new DataLoader(ds, { batchSize: 4, sampler: rev })].map(([, y]) => y.tolist()), [[5, 4, 3, 2], [1, 0]]);
    const bs = new DataLoader(ds, { batchSampler: [[0, 5], [2], [1, 3, 4]] });
    assert.deepEqual([...bs].map(([, y]) => y.tolist()), [[0, 5], [2], [1, 3, 4]]);
    assert.equal(new DataLoader(ds, { batchSampler: new BatchSampler(new SequentialSampler(6), 4) }).length, 2);
  });
  it('rejects conflicting or invalid options', () => {
    const ds = xy(6);
    assert.throws(() => new DataLoader(ds, { shuffle: true, sampler: new SequentialSampler(6) }), /mutually exclusive with shuffle/);
    assert.throws(() => new DataLoader(ds, { batchSize: 2, batchSampler: [[0]] }), /mutually exclusive/);
    assert.throws(() => new DataLoader(ds, { batchSize: 0 }), ArgumentError);
    assert.throws(() => new DataLoader(ds, { seed: 1, generator: new Generator(1) }), ArgumentError);
    assert.throws(() => new DataLoader({} as never), ArgumentError);
  });
  it('plain arrays and custom collate functions', () => {
    const loader = new DataLoader(['a', 'b', 'c'], { batchSize: 2, collateFn: (s) => s.join('') });
    assert.deepEqual([...loader], ['ab', 'c']);
  });
});

describe('data/dataloader: defaultCollate', () => {
  it('stacks tensors, numbers (int32 / float32), booleans; keeps strings; recurses into arrays and objects', () => {
    const out = defaultCollate([
      { x: tensor([1, 2]), label: 1, w: 0.5, ok: true, name: 'a', pair: [tensor([[1]]), 3] as [Tensor, number] },
      { x: tensor([3, 4]), label: 0, w: 2, ok: false, name: 'b', pair: [tensor([[2]]), 4] as [Tensor, number] },
    ]);
    assert.deepEqual(out.x.tolist(), [[1, 2], [3, 4]]);
    assert.equal(out.label.dtype, 'int32');
    assert.deepEqual(out.label.tolist(), [1, 0]);
    assert.equal(out.w.dtype, 'float32');
    assert.deepEqual(out.w.tolist(), [0.5, 2]);
    assert.equal(out.ok.dtype, 'bool');
    assert.deepEqual(out.ok.tolist(), [true, false]);
    assert.deepEqual(out.name, ['a', 'b']);
    assert.deepEqual(out.pair[0].shape, [2, 1, 1]);
    assert.deepEqual(out.pair[1].tolist(), [3, 4]);
  });
  it('stacks typed arrays into [batch, length] of their dtype', () => {
    const out = defaultCollate([new Float64Array([1, 2]), new Float64Array([3, 4])]);
    assert.equal(out.dtype, 'float64');
    assert.deepEqual(out.tolist(), [[1, 2], [3, 4]]);
  });
  it('clear errors for mismatched samples', () => {
    assert.throws(() => defaultCollate([tensor([1, 2]), tensor([1, 2, 3])]), (e: unknown) => e instanceof ShapeError && /\[2\] at sample 0 and \[3\] at sample 1/.test(e.message));
    assert.throws(() => defaultCollate([[1, 2], [1]]), /equal size/);
    assert.throws(() => defaultCollate([1, 'a'] as never[]), /sample 0 is number but sample 1 is string/);
    assert.throws(() => defaultCollate([{ a: 1 }, { b: 1 }] as never[]), /sample 1 has no key "a"/);
    assert.throws(() => defaultCollate([null]), ArgumentError);
    assert.throws(() => defaultCollate([]), ArgumentError);
  });
});

describe('data/dataloader: async iteration', () => {
  class Slow extends Dataset<Promise<[Tensor, number]>> {
    length = 5;
    async getItem(i: number): Promise<[Tensor, number]> {
      await new Promise((r) => setTimeout(r, 1));
      return [tensor([i, -i]), i];
    }
  }
  it('for await over a sync dataset gives the same batches as for...of', async () => {
    const loader = new DataLoader(xy(9), { batchSize: 4, shuffle: true, seed: 3 });
    const sync = [...loader].map(([, y]) => y.tolist());
    const loader2 = new DataLoader(xy(9), { batchSize: 4, shuffle: true, seed: 3 });
    const got: unknown[] = [];
    for await (const [, y] of loader2) got.push(y.tolist());
    assert.deepEqual(got, sync);
  });
  it('awaits datasets whose getItem returns a promise', async () => {
    const loader = new DataLoader<[Tensor, number], [Tensor, Tensor]>(new Slow() as never, { batchSize: 2 });
    const ys: unknown[] = [];
    for await (const [x, y] of loader) { ys.push(y.tolist()); assert.equal(x.shape[1], 2); }
    assert.deepEqual(ys, [[0, 1], [2, 3], [4]]);
  });
});
