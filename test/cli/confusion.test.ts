// test/cli/confusion.test.ts — confusion matrix counting, per-class statistics and the aligned table.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classStats, confusionMatrix, formatConfusion } from '../../src/cli/confusion.js';

describe('cli/confusion', () => {
  it('confusionMatrix counts (true, predicted) pairs', () => {
    assert.deepEqual(confusionMatrix([0, 1, 1, 2], [0, 1, 0, 2]), [[1, 0, 0], [1, 1, 0], [0, 0, 1]]);
    assert.deepEqual(confusionMatrix([0], [0], 2), [[1, 0], [0, 0]]);
    assert.throws(() => confusionMatrix([0, 1], [0]), /yTrue has 2 labels but yPred has 1/);
    assert.throws(() => confusionMatrix([0, 3], [0, 1], 2), /label pair 1 is \(3, 1\)/);
  });

  it('classStats matches hand-computed precision, recall and F1 (0 where undefined, like scikit-learn)', () => {
    const s = classStats([[5, 1, 0], [2, 3, 0], [0, 0, 0]]);
    assert.deepEqual(s.precision.map((v) => +v.toFixed(4)), [0.7143, 0.75, 0]);
    assert.deepEqual(s.recall.map((v) => +v.toFixed(4)), [0.8333, 0.6, 0]);
    assert.equal(+s.f1[0].toFixed(4), 0.7692);
    assert.deepEqual(s.support, [6, 5, 0]);
    assert.equal(s.accuracy, 8 / 11);
  });

  it('formatConfusion aligns every table row to the same width', () => {
    const t = formatConfusion([[50, 2], [4, 400]], { labels: ['cat', 'hippopotamus'] });
    const lines = t.split('\n');
    const table = lines.slice(0, 5);
    assert.match(lines[0], /^true \\ pred +cat +hippopotamus +precision +recall +f1 +support$/);
    assert.match(lines[2], /^cat +50 +2 +0\.926 +0\.962 +0\.943 +52$/);
    for (const l of table) assert.equal(l.length, table[0].length, `misaligned: '${l}'`);
    assert.match(t, /accuracy 0\.987 \(450\/456\)/);
    assert.match(formatConfusion([[1, 1], [0, 2]], { normalize: true }), /0 +0\.50 +0\.50/);
    assert.throws(() => formatConfusion([[1, 2]]), /square matrix/);
  });
});
