// test/data/split.test.ts — trainTestSplit sizes, pairing, reproducibility and stratification.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { arange, tensor, ArgumentError, ShapeError } from '../../src/index.js';
import { trainTestSplit } from '../../src/data/split.js';

describe('data/split: trainTestSplit', () => {
  const x = arange(40).reshape([20, 2]).float();
  const y = arange(20);
  it('sizes follow sklearn (ceil for test) and rows stay paired', () => {
    const [xTr, xTe, yTr, yTe] = trainTestSplit(x, y, { testSize: 0.33, seed: 1 });
    assert.deepEqual([xTr.shape, xTe.shape, yTr.shape, yTe.shape], [[13, 2], [7, 2], [13], [7]]);
    for (const [xs, ys] of [[xTr, yTr], [xTe, yTe]] as const) {
      assert.deepEqual((xs.tolist() as number[][]).map((r) => r[0]! / 2), ys.tolist());
    }
    const all = [...(yTr.tolist() as number[]), ...(yTe.tolist() as number[])].sort((a, b) => a - b);
    assert.deepEqual(all, Array.from({ length: 20 }, (_, i) => i));
    assert.deepEqual(trainTestSplit(x, y, {}).map((t) => t.shape[0]), [15, 5, 15, 5]);
    assert.deepEqual(trainTestSplit(x, y, { testSize: 4 }).map((t) => t.shape[0]), [16, 4, 16, 4]);
    assert.deepEqual(trainTestSplit(x, y, { trainSize: 0.5 }).map((t) => t.shape[0]), [10, 10, 10, 10]);
  });
  it('same seed, same split; shuffle false keeps order', () => {
    const a = trainTestSplit(x, y, { seed: 4 }), b = trainTestSplit(x, y, { seed: 4 }), c = trainTestSplit(x, y, { seed: 5 });
    assert.deepEqual(a[3].tolist(), b[3].tolist());
    assert.notDeepEqual(a[3].tolist(), c[3].tolist());
    assert.deepEqual(trainTestSplit(x, y, { shuffle: false, testSize: 0.2 })[3].tolist(), [16, 17, 18, 19]);
  });
  it('stratify keeps class proportions', () => {
    const labels = tensor([...Array(12).fill(0), ...Array(6).fill(1), ...Array(2).fill(2)], { dtype: 'int32' });
    const [, , yTr, yTe] = trainTestSplit(x, labels, { testSize: 0.5, seed: 0, stratify: labels });
    const count = (t: typeof yTr, c: number) => (t.tolist() as number[]).filter((v) => v === c).length;
    assert.deepEqual([0, 1, 2].map((c) => count(yTe, c)), [6, 3, 1]);
    assert.deepEqual([0, 1, 2].map((c) => count(yTr, c)), [6, 3, 1]);
  });
  it('errors', () => {
    assert.throws(() => trainTestSplit(x, arange(19)), ShapeError);
    assert.throws(() => trainTestSplit(x, y, { testSize: 1.5 }), ArgumentError);
    assert.throws(() => trainTestSplit(x, y, { testSize: 20 }), ArgumentError);
    assert.throws(() => trainTestSplit(x, y, { stratify: tensor([...Array(19).fill(0), 1], { dtype: 'int32' }) }), /only 1 member/);
  });
});
