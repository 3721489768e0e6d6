import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tensor } from '../../src/index.js';
import { Embedding } from '../../src/nn/index.js';
import { expectClose } from '../helpers.js';
import { runCase } from './nn-golden.js';

describe('nn/embedding', () => {
  it('paddingIdx rows get no gradient (golden)', () => {
    const m = new Embedding(7, 3, { paddingIdx: 2 });
    runCase('Embedding_padding', m, (i) => m.call(i));
    expectClose(m.weight.grad!.select(0, 2), [0, 0, 0]);
  });
  it('maxNorm renormalises looked-up rows in place (golden)', () => {
    const m = new Embedding(6, 4, { maxNorm: 1 });
    runCase('Embedding_maxnorm', m, (i) => m.call(i));
  });
  it('paddingIdx row is zero-initialised; N(0, 1) elsewhere', () => {
    const m = new Embedding(2000, 8, { paddingIdx: -1 });
    assert.equal(m.paddingIdx, 1999);
    expectClose(m.weight.select(0, 1999), new Array(8).fill(0));
    assert.ok(Math.abs(m.weight.mean().item()) < 0.02 && Math.abs(m.weight.std().item() - 1) < 0.02);
  });
  it('fromPretrained freezes by default', () => {
    const w = tensor([[1, 2], [3, 4]]);
    const e = Embedding.fromPretrained(w);
    assert.equal(e.weight.requiresGrad, false);
    expectClose(e.call(tensor([1, 0], { dtype: 'int32' })), [[3, 4], [1, 2]]);
    assert.equal(Embedding.fromPretrained(w, { freeze: false }).weight.requiresGrad, true);
  });
  it('rejects float indices and out-of-range ids', () => {
    const m = new Embedding(3, 2);
    assert.throws(() => m.call(tensor([0, 1])), /int32/);
    assert.throws(() => m.call(tensor([3], { dtype: 'int32' })), /out of bounds|out of range/);
  });
});
