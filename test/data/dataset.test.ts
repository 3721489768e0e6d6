// test/data/dataset.test.ts — TensorDataset, Subset, ConcatDataset, randomSplit.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, arange, tensor, ArgumentError, IndexError, ShapeError } from '../../src/index.js';
import { ConcatDataset, Dataset, Subset, TensorDataset, randomSplit } from '../../src/data/dataset.js';

class Squares extends Dataset<[number, number]> {
  constructor(readonly length: number) { super(); }
  getItem(i: number): [number, number] { return [i, i * i]; }
}

describe('data/dataset', () => {
  it('TensorDataset items are row views of every tensor', () => {
    const x = arange(12).reshape([4, 3]).float();
    const y = tensor([0, 1, 0, 1], { dtype: 'int32' });
    const ds = new TensorDataset(x, y);
    assert.equal(ds.length, 4);
    const [xi, yi] = ds.getItem(2);
    assert.deepEqual(xi.tolist(), [6, 7, 8]);
    assert.equal(yi.item(), 0);
    assert.equal(xi.storage, x.storage, 'a view, not a copy');
    assert.deepEqual(ds.getItem(-1)[0].tolist(), [9, 10, 11]);
    const [xb, yb] = ds.getBatch([3, 0]);
    assert.deepEqual(xb.tolist(), [[9, 10, 11], [0, 1, 2]]);
    assert.deepEqual(yb.tolist(), [1, 0]);
  });
  it('TensorDataset validates its tensors and indices', () => {
    assert.throws(() => new TensorDataset(arange(4), arange(3)), ShapeError);
    assert.throws(() => new TensorDataset(), ArgumentError);
    assert.throws(() => new TensorDataset(tensor(1)), /0-d/);
    assert.throws(() => new TensorDataset(arange(4)).getItem(4), IndexError);
    assert.throws(() => new TensorDataset(arange(4)).getItem(1.5), ArgumentError);
  });
  it('a Dataset subclass is iterable', () => {
    assert.deepEqual([...new Squares(3)], [[0, 0], [1, 1], [2, 4]]);
  });
  it('Subset and ConcatDataset index through to their sources', () => {
    const sub = new Subset(new Squares(10), [7, 2, 5]);
    assert.equal(sub.length, 3);
    assert.deepEqual(sub.getItem(0), [7, 49]);
    assert.deepEqual(sub.getItem(-1), [5, 25]);
    assert.throws(() => new Subset(new Squares(3), [3]), IndexError);
    const cat = new ConcatDataset<[number, number] | number>([new Squares(2), [10, 11, 12]]);
    assert.equal(cat.length, 5);
    assert.deepEqual(cat.cumulativeSizes, [2, 5]);
    assert.deepEqual([0, 1, 2, 4, -1].map((i) => cat.getItem(i)), [[0, 0], [1, 1], 10, 12, 12]);
    assert.throws(() => cat.getItem(5), IndexError);
    assert.throws(() => new ConcatDataset([]), ArgumentError);
  });
  it('randomSplit: disjoint, covering, sized, and reproducible from the seed', () => {
    const ds = new Squares(103);
    const parts = randomSplit(ds, [0.7, 0.2, 0.1], { generator: new Generator(5) });
    // floor(72.1)=72, floor(20.6)=20, floor(10.3)=10, remainder 1 goes to the first split (PyTorch's rule)
    assert.deepEqual(parts.map((p) => p.length), [73, 20, 10]);
    const all = parts.flatMap((p) => p.indices);
    assert.equal(new Set(all).size, 103);
    assert.deepEqual([...all].sort((a, b) => a - b), Array.from({ length: 103 }, (_, i) => i));
    const again = randomSplit(ds, [0.7, 0.2, 0.1], { generator: new Generator(5) });
    assert.deepEqual(again.map((p) => p.indices), parts.map((p) => p.indices));
    const other = randomSplit(ds, [0.7, 0.2, 0.1], { generator: new Generator(6) });
    assert.notDeepEqual(other[0]!.indices, parts[0]!.indices);
    assert.deepEqual(randomSplit(ds, [100, 3], { generator: new Generator(0) }).map((p) => p.length), [100, 3]);
    assert.throws(() => randomSplit(ds, [100, 4]), /sum of input lengths \(104\) does not equal the length of the input dataset \(103\)/);
    assert.throws(() => randomSplit(ds, [0.5, 0.6]), ArgumentError);
  });
});
