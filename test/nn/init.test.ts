import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { empty, manualSeed, zeros } from '../../src/index.js';
import { Parameter, init } from '../../src/nn/index.js';
import { expectClose } from '../helpers.js';

const stats = (t: { mean(): { item(): number }; std(): { item(): number }; min(): { item(): number }; max(): { item(): number } }) =>
  ({ mean: t.mean().item(), std: t.std().item(), min: t.min().item(), max: t.max().item() });

describe('nn/init', () => {
  it('calculateGain matches PyTorch', () => {
    assert.equal(init.calculateGain('linear'), 1);
    assert.equal(init.calculateGain('conv2d'), 1);
    assert.equal(init.calculateGain('sigmoid'), 1);
    assert.equal(init.calculateGain('tanh'), 5 / 3);
    assert.equal(init.calculateGain('relu'), Math.SQRT2);
    assert.ok(Math.abs(init.calculateGain('leaky_relu') - Math.sqrt(2 / (1 + 0.01 ** 2))) < 1e-15);
    assert.ok(Math.abs(init.calculateGain('leaky_relu', Math.sqrt(5)) - Math.sqrt(1 / 3)) < 1e-15);
    assert.equal(init.calculateGain('selu'), 0.75);
  });
  it('uniform_ and normal_ on a parameter (under noGrad, no autograd error)', () => {
    manualSeed(0);
    const p = new Parameter(zeros([200, 500]));
    const u = stats(init.uniform_(p, -2, 3));
    assert.ok(u.min >= -2 && u.max < 3 && Math.abs(u.mean - 0.5) < 0.02 && Math.abs(u.std - 5 / Math.sqrt(12)) < 0.01);
    const n = stats(init.normal_(p, 1, 0.5));
    assert.ok(Math.abs(n.mean - 1) < 0.01 && Math.abs(n.std - 0.5) < 0.01);
    assert.equal(p.requiresGrad, true);
    assert.equal(p.grad, null);
  });
  it('constant_, ones_, zeros_, eye_, dirac_', () => {
    const t = empty([2, 3]);
    expectClose(init.constant_(t, 0.25), [[0.25, 0.25, 0.25], [0.25, 0.25, 0.25]]);
    expectClose(init.ones_(t), [[1, 1, 1], [1, 1, 1]]);
    expectClose(init.zeros_(t), [[0, 0, 0], [0, 0, 0]]);
    expectClose(init.eye_(t), [[1, 0, 0], [0, 1, 0]]);
    const w = init.dirac_(empty([2, 2, 3]));
    expectClose(w, [[[0, 1, 0], [0, 0, 0]], [[0, 0, 0], [0, 1, 0]]]);
  });
  it('xavier and kaiming scales', () => {
    manualSeed(1);
    const w = empty([300, 200]);
    const xa = stats(init.xavierUniform_(w, 2));
    const a = 2 * Math.sqrt(6 / 500);
    assert.ok(xa.max <= a && xa.min >= -a && Math.abs(xa.std - a / Math.sqrt(3)) < 2e-3);
    assert.ok(Math.abs(stats(init.xavierNormal_(w)).std - Math.sqrt(2 / 500)) < 1e-3);
    const ku = stats(init.kaimingUniform_(w, { nonlinearity: 'relu' }));
    const b = Math.SQRT2 * Math.sqrt(3 / 200);
    assert.ok(ku.max <= b && Math.abs(ku.std - b / Math.sqrt(3)) < 2e-3);
    const kn = stats(init.kaimingNormal_(w, { mode: 'fanOut', nonlinearity: 'relu' }));
    assert.ok(Math.abs(kn.std - Math.SQRT2 / Math.sqrt(300)) < 2e-3);
    const conv = empty([16, 8, 3, 3]);
    assert.deepEqual(init.calculateFanInAndFanOut(conv), [72, 144]);
  });
  it('truncNormal_ stays in [a, b] with the truncated moments', () => {
    manualSeed(2);
    const t = stats(init.truncNormal_(empty([100000]), { mean: 0, std: 1, a: -1, b: 2 }));
    assert.ok(t.min >= -1 && t.max <= 2);
    // Truncated N(0,1) on [-1, 2]: mean = (φ(-1) − φ(2)) / (Φ(2) − Φ(-1)) ≈ 0.2288
    assert.ok(Math.abs(t.mean - 0.2288) < 0.01, `mean ${t.mean}`);
  });
  it('orthogonal_ gives orthonormal rows or columns', () => {
    manualSeed(3);
    const w = init.orthogonal_(empty([4, 6], { dtype: 'float64' }));
    expectClose(w.matmul(w.T), [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], { atol: 1e-10 });
    const v = init.orthogonal_(empty([6, 3], { dtype: 'float64' }), 2);
    expectClose(v.T.matmul(v), [[4, 0, 0], [0, 4, 0], [0, 0, 4]], { atol: 1e-10 });
  });
  it('fan computation needs 2 dims', () => assert.throws(() => init.xavierUniform_(empty([3])), /fewer than 2 dimensions/));
});
