// Errors from layers and losses name the layer or loss, not an inner op.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IndexError, ShapeError, randn, tensor } from '../../src/index.js';
import { Embedding, F } from '../../src/nn/index.js';

describe('nn error messages', () => {
  it('embedding names itself and the table size for an out-of-range index', () => {
    assert.throws(() => new Embedding(5, 3).call(tensor([1, 7], { dtype: 'int32' })), (e: Error) => e instanceof IndexError && /^embedding: .*5 embeddings.*index 7/.test(e.message));
  });
  for (const loss of ['mseLoss', 'l1Loss', 'smoothL1Loss', 'huberLoss'] as const) {
    it(`${loss} names itself for non-broadcastable shapes`, () => {
      assert.throws(() => F[loss](randn([4, 3]), randn([4, 2])), (e: Error) => e instanceof ShapeError && e.message.startsWith(`${loss} (input vs target)`) && /\[4, 3\] and \[4, 2\]/.test(e.message));
    });
  }
});
