import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradcheck, randn } from '../../src/index.js';
import { F, GroupNorm, LayerNorm, RMSNorm } from '../../src/nn/index.js';
import { runCase } from './nn-golden.js';

describe('nn/normalization', () => {
  it('LayerNorm over two trailing dims (golden)', () => { const m = new LayerNorm([4, 5]); runCase('LayerNorm', m, (x) => m.call(x)); });
  it('LayerNorm without affine, custom eps (golden)', () => {
    const m = new LayerNorm(6, { elementwiseAffine: false, eps: 1e-3 });
    assert.equal([...m.parameters()].length, 0);
    runCase('LayerNorm_noaffine', m, (x) => m.call(x));
  });
  it('GroupNorm (golden)', () => { const m = new GroupNorm(2, 4); runCase('GroupNorm', m, (x) => m.call(x)); });
  it('RMSNorm matches x·rsqrt(mean(x²) + eps)·w (golden)', () => {
    const m = new RMSNorm(6, { eps: 1e-6 });
    runCase('rms_norm_manual', null, (x, w) => { m.weight!.requiresGrad = false; m.weight!.copy_(w.detach()); return F.rmsNorm(x, 6, w, 1e-6); });
  });
  it('gradchecks layerNorm, groupNorm, rmsNorm, batchNorm', () => {
    const d = { dtype: 'float64' as const, requiresGrad: true };
    gradcheck((x, w, b) => F.layerNorm(x, [3], w, b), [randn([2, 3], d), randn([3], d), randn([3], d)]);
    gradcheck((x, w, b) => F.groupNorm(x, 2, w, b), [randn([2, 4, 3], d), randn([4], d), randn([4], d)]);
    gradcheck((x, w) => F.rmsNorm(x, 4, w), [randn([3, 4], d), randn([4], d)]);
    gradcheck((x, w, b) => F.batchNorm(x, null, null, w, b, { training: true }), [randn([4, 3, 2], d), randn([3], d), randn([3], d)]);
  });
  it('LayerNorm names the expected shape', () => {
    assert.throws(() => new LayerNorm([4, 5]).call(randn([3, 5, 4])), /normalized_shape=\[4, 5\].*\[\*, 4, 5\].*\[3, 5, 4\]/);
  });
});
