import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradcheck, randn, tensor } from '../../src/index.js';
import { F } from '../../src/nn/index.js';
import { expectClose } from '../helpers.js';
import { runCase } from './nn-golden.js';

describe('nn/functional (golden)', () => {
  it('pad: constant, negative, reflect, replicate, circular', () => {
    runCase('pad_constant', null, (x) => F.pad(x, [1, 2, 0, 1], 'constant', 0.5));
    runCase('pad_negative', null, (x) => F.pad(x, [-1, 2]));
    runCase('pad_reflect', null, (x) => F.pad(x, [2, 1, 1, 2], 'reflect'));
    runCase('pad_replicate', null, (x) => F.pad(x, [2, 3, 3, 1], 'replicate'));
    runCase('pad_circular', null, (x) => F.pad(x, [1, 2], 'circular'));
  });
  it('interpolate: nearest, bilinear (both alignCorners), linear', () => {
    runCase('interp_nearest', null, (x) => F.interpolate(x, { size: [5, 7] }));
    runCase('interp_nearest_scale', null, (x) => F.interpolate(x, { scaleFactor: 2 }));
    runCase('interp_bilinear', null, (x) => F.interpolate(x, { size: [5, 7], mode: 'bilinear', alignCorners: false }));
    runCase('interp_bilinear_ac', null, (x) => F.interpolate(x, { size: [5, 3], mode: 'bilinear', alignCorners: true }));
    runCase('interp_bilinear_down', null, (x) => F.interpolate(x, { size: [3, 2], mode: 'bilinear' }));
    runCase('interp_linear', null, (x) => F.interpolate(x, { size: 9, mode: 'linear' }));
  });
  it('normalize, cosineSimilarity, pairwiseDistance', () => {
    runCase('normalize', null, (x) => F.normalize(x));
    runCase('cosine_similarity', null, (a, b) => F.cosineSimilarity(a, b));
    runCase('pairwise_distance', null, (a, b) => F.pairwiseDistance(a, b));
  });
  it('dropout in eval is the identity; pixelShuffle', () => {
    runCase('dropout_eval', null, (x) => F.dropout(x, 0.5, { training: false }));
    runCase('pixel_shuffle', null, (x) => F.pixelShuffle(x, 2));
  });
});

describe('nn/functional', () => {
  const d = { dtype: 'float64' as const, requiresGrad: true };
  it('gradchecks pad, interpolate, bilinear, embedding', () => {
    gradcheck((x) => F.pad(x, [2, 1, 1, 1], 'reflect'), [randn([1, 1, 3, 4], d)]);
    gradcheck((x) => F.interpolate(x, { size: [4, 5], mode: 'bilinear', alignCorners: true }), [randn([1, 1, 3, 3], d)]);
    gradcheck((a, b, w) => F.bilinear(a, b, w), [randn([2, 3], d), randn([2, 2], d), randn([4, 3, 2], d)]);
    gradcheck((w) => F.embedding(tensor([0, 2, 0], { dtype: 'int32' }), w, { paddingIdx: 1 }), [randn([3, 2], d)]);
  });
  it('oneHot', () => {
    expectClose(F.oneHot(tensor([0, 2], { dtype: 'int32' })), [[1, 0, 0], [0, 0, 1]]);
    assert.deepEqual(F.oneHot(tensor([1], { dtype: 'int32' }), 4).shape, [1, 4]);
    assert.throws(() => F.oneHot(tensor([5], { dtype: 'int32' }), 3), /class values must be in \[0, 3\)/);
  });
  it('linear reports the mismatched dims', () => {
    assert.throws(() => F.linear(randn([2, 3]), randn([4, 5])), /linear: input of shape \[2, 3\].*weight of shape \[4, 5\]/);
  });
  it('reflect pad needs padding < size', () => {
    assert.throws(() => F.pad(randn([1, 3]), [3, 0], 'reflect'), /less than the corresponding input dimension/);
  });
});
