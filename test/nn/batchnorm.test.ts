import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randn } from '../../src/index.js';
import { BatchNorm1d, BatchNorm2d } from '../../src/nn/index.js';
import { expectClose } from '../helpers.js';
import { dec, nnCase, runCase } from './nn-golden.js';

describe('nn/batchnorm', () => {
  it('BatchNorm2d training step: output, grads and running stats (golden)', () => {
    const m = new BatchNorm2d(3);
    assert.deepEqual(Object.keys(m.stateDict()), ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    runCase('BatchNorm2d_train', m, (x) => m.call(x));
    assert.equal(m.numBatchesTracked, 1);
  });
  it('BatchNorm2d eval uses running stats (golden)', () => {
    const m = new BatchNorm2d(3).eval();
    runCase('BatchNorm2d_eval', m, (x) => m.call(x));
  });
  it('BatchNorm1d momentum=null accumulates a cumulative average over several steps (golden)', () => {
    const c = nnCase('BatchNorm1d_cma_eval');
    const m = new BatchNorm1d(4, { momentum: null });
    for (const x of c.trainInputs!) m.call(dec(x));
    const sd = m.stateDict();
    for (const k of ['running_mean', 'running_var', 'num_batches_tracked']) expectClose(sd[k]!, dec(c.state[k]!), { msg: k, atol: 1e-5 });
    m.eval();
    runCase('BatchNorm1d_cma_eval', m, (x) => m.call(x));
  });
  it('BatchNorm1d on (N, C, L) without affine (golden)', () => {
    const m = new BatchNorm1d(3, { affine: false });
    runCase('BatchNorm1d_3d_noaffine', m, (x) => m.call(x));
  });
  it('trackRunningStats false has no buffers and uses batch stats in eval', () => {
    const m = new BatchNorm1d(2, { trackRunningStats: false }).eval();
    assert.deepEqual(Object.keys(m.stateDict()), ['weight', 'bias']);
    const y = m.call(randn([5, 2]).mul(3).add(2));
    expectClose(y.mean(0), [0, 0], { atol: 1e-5 });
  });
  it('errors name the layer and expected shape', () => {
    assert.throws(() => new BatchNorm2d(3).call(randn([2, 4, 5, 5])), /BatchNorm2d\(3\).*\(N, 3, H, W\).*\[2, 4, 5, 5\]/);
    assert.throws(() => new BatchNorm1d(3).call(randn([1, 3])), /more than 1 value per channel/);
  });
});
