import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ShapeError, gradcheck, randn } from '../../src/index.js';
import { Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, F } from '../../src/nn/index.js';
import { runCase } from './nn-golden.js';

describe('nn/conv golden', () => {
  it('Conv2d padding 1', () => { const m = new Conv2d(3, 4, 3, { padding: 1 }); runCase('Conv2d_basic', m, (x) => m.call(x)); });
  it('Conv2d stride, dilation, groups, asymmetric kernel', () => {
    const m = new Conv2d(4, 6, [3, 2], { stride: [2, 1], padding: [1, 2], dilation: [2, 1], groups: 2 });
    runCase('Conv2d_stride_dil_groups', m, (x) => m.call(x));
  });
  it("Conv2d padding 'same' with an even kernel (extra pad after)", () => {
    const m = new Conv2d(2, 3, 4, { padding: 'same' });
    runCase('Conv2d_same_even', m, (x) => m.call(x));
  });
  it("Conv2d padding 'same' dilated", () => { const m = new Conv2d(2, 3, 3, { padding: 'same', dilation: 2 }); runCase('Conv2d_same_dilated', m, (x) => m.call(x)); });
  it("Conv2d 'valid' without bias", () => { const m = new Conv2d(2, 2, 3, { padding: 'valid', bias: false }); runCase('Conv2d_valid_nobias', m, (x) => m.call(x)); });
  it('Conv2d unbatched input', () => { const m = new Conv2d(2, 3, 2, { stride: 2 }); runCase('Conv2d_unbatched', m, (x) => m.call(x)); });
  it('Conv1d', () => { const m = new Conv1d(3, 4, 3, { stride: 2, padding: 1 }); runCase('Conv1d', m, (x) => m.call(x)); });
  it("Conv1d depthwise 'same' dilated", () => { const m = new Conv1d(4, 4, 3, { padding: 'same', dilation: 2, groups: 4 }); runCase('Conv1d_same_groups', m, (x) => m.call(x)); });
  it('ConvTranspose2d stride, padding, outputPadding, groups', () => {
    const m = new ConvTranspose2d(4, 6, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 2 });
    runCase('ConvTranspose2d', m, (x) => m.call(x));
  });
  it('ConvTranspose2d dilation', () => {
    const m = new ConvTranspose2d(2, 3, [2, 3], { stride: [1, 2], padding: [0, 1], dilation: 2 });
    runCase('ConvTranspose2d_dil', m, (x) => m.call(x));
  });
  it('ConvTranspose1d', () => { const m = new ConvTranspose1d(2, 3, 3, { stride: 2, padding: 1, outputPadding: 1 }); runCase('ConvTranspose1d', m, (x) => m.call(x)); });
  it('unfold and fold', () => {
    runCase('unfold', null, (x) => F.unfold(x, [2, 3], { dilation: [1, 2], padding: 1, stride: [2, 1] }));
    runCase('fold', null, (x) => F.fold(x, [4, 5], [2, 2]));
  });
});

describe('nn/conv gradcheck (float64)', () => {
  const d = { dtype: 'float64' as const, requiresGrad: true };
  it('conv2d with stride, padding, dilation, groups', () => {
    gradcheck((x, w, b) => F.conv2d(x, w, b, { stride: [2, 1], padding: 1, dilation: [1, 2], groups: 2 }), [randn([1, 4, 5, 5], d), randn([2, 2, 2, 3], d), randn([2], d)]);
  });
  it('convTranspose2d', () => {
    gradcheck((x, w) => F.convTranspose2d(x, w, null, { stride: 2, padding: 1, outputPadding: 1 }), [randn([1, 2, 3, 3], d), randn([2, 3, 3, 3], d)]);
  });
  it('conv1d', () => {
    gradcheck((x, w) => F.conv1d(x, w, null, { padding: 'same', dilation: 2 }), [randn([2, 2, 5], d), randn([3, 2, 2], d)]);
  });
  it('im2col/col2im double backward (each is the other\'s gradient)', () => {
    gradcheck((x) => F.fold(F.unfold(x, 2, { stride: 1 }).mul(F.unfold(x, 2, { stride: 1 })), [3, 3], 2), [randn([1, 1, 3, 3], d)]);
  });
});

describe('nn/conv errors and init', () => {
  it('Conv2d given a 3-D input with the wrong channels names the layer, expected and got shapes', () => {
    const m = new Conv2d(3, 16, 3);
    assert.throws(() => m.call(randn([1, 28, 28])), (e: Error) => e instanceof ShapeError && /Conv2d\(3, 16, kernelSize=\[3, 3\]/.test(e.message) && /\(N, 3, H, W\) or \(3, H, W\)/.test(e.message) && /\[1, 28, 28\]/.test(e.message));
  });
  it('functional conv2d reports channel mismatch', () => {
    assert.throws(() => F.conv2d(randn([1, 2, 5, 5]), randn([4, 3, 3, 3])), /expects input to have 3 channels.*\[1, 2, 5, 5\]/);
  });
  it('rejects same padding with stride', () => assert.throws(() => new Conv2d(1, 1, 3, { stride: 2, padding: 'same' }), /strided/));
  it('init bound is 1/√fanIn', () => {
    const m = new Conv2d(8, 16, 3);
    const k = 1 / Math.sqrt(72);
    assert.ok(m.weight.abs().max().item() <= k && m.weight.abs().max().item() > 0.9 * k);
    assert.ok(m.bias!.abs().max().item() <= k);
  });
});
