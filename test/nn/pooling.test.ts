import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradcheck, randn, tensor } from '../../src/index.js';
import {
  AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool2d, AvgPool1d, AvgPool2d, F, MaxPool1d, MaxPool2d,
} from '../../src/nn/index.js';
import { expectClose } from '../helpers.js';
import { runCase } from './nn-golden.js';

describe('nn/pooling golden', () => {
  it('MaxPool2d padded, strided', () => { const m = new MaxPool2d(3, { stride: 2, padding: 1 }); runCase('MaxPool2d', m, (x) => m.call(x)); });
  it('MaxPool2d ceil mode, dilation, indices', () => {
    const m = new MaxPool2d(2, { stride: 2, dilation: 2, ceilMode: true, returnIndices: true });
    runCase('MaxPool2d_ceil_dil', m, (x) => m.call(x));
  });
  it('MaxPool2d default stride', () => { const m = new MaxPool2d(2); runCase('MaxPool2d_default', m, (x) => m.call(x)); });
  it('MaxPool1d with indices', () => {
    const m = new MaxPool1d(3, { stride: 2, padding: 1, ceilMode: true, returnIndices: true });
    runCase('MaxPool1d', m, (x) => m.call(x));
  });
  it('AvgPool2d ceil mode without padding in the count', () => {
    const m = new AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false });
    runCase('AvgPool2d_ceil_nopad', m, (x) => m.call(x));
  });
  it('AvgPool2d ceil mode counting padding', () => { const m = new AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true }); runCase('AvgPool2d_ceil_pad', m, (x) => m.call(x)); });
  it('AvgPool2d default', () => { const m = new AvgPool2d(2); runCase('AvgPool2d_default', m, (x) => m.call(x)); });
  it('AvgPool1d', () => { const m = new AvgPool1d(4, { stride: 3, padding: 2, countIncludePad: false }); runCase('AvgPool1d', m, (x) => m.call(x)); });
  it('AdaptiveAvgPool2d', () => { const m = new AdaptiveAvgPool2d([3, 2]); runCase('AdaptiveAvgPool2d', m, (x) => m.call(x)); });
  it('AdaptiveAvgPool2d with a null size', () => { const m = new AdaptiveAvgPool2d([null, 3]); runCase('AdaptiveAvgPool2d_none', m, (x) => m.call(x)); });
  it('AdaptiveAvgPool1d', () => { const m = new AdaptiveAvgPool1d(4); runCase('AdaptiveAvgPool1d', m, (x) => m.call(x)); });
  it('AdaptiveMaxPool2d with indices', () => { const m = new AdaptiveMaxPool2d([3, 4], { returnIndices: true }); runCase('AdaptiveMaxPool2d', m, (x) => m.call(x)); });
});

describe('nn/pooling', () => {
  const d = { dtype: 'float64' as const, requiresGrad: true };
  it('gradchecks max, avg and adaptive pools', () => {
    gradcheck((x) => F.maxPool2d(x, 2, { stride: 1, padding: 1 }), [randn([1, 2, 4, 4], d)]);
    gradcheck((x) => F.avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), [randn([1, 1, 5, 6], d)]);
    gradcheck((x) => F.adaptiveAvgPool2d(x, [2, 3]), [randn([1, 2, 5, 4], d)]);
    gradcheck((x) => F.adaptiveMaxPool2d(x, 2), [randn([1, 1, 5, 5], d)]);
    gradcheck((x) => F.maxPool1d(x, 3, { stride: 2 }), [randn([2, 2, 7], d)]);
  });
  it('max pool takes the first maximum on ties and routes gradient there', () => {
    const x = tensor([[[[1, 1], [1, 1]]]], { requiresGrad: true });
    const r = F.maxPool2dWithIndices(x, 2);
    expectClose(r.indices, [[[[0]]]]);
    r.values.sum().backward();
    expectClose(x.grad!, [[[[1, 0], [0, 0]]]]);
  });
  it('rejects padding over half the kernel', () => {
    assert.throws(() => F.maxPool2d(randn([1, 1, 4, 4]), 2, { padding: 2 }), /pad should be at most half/);
  });
});
