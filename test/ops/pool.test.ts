// Pooling through the backend kernels: max pooling (values, indices, the fused gradient scatter and the
// differentiable one under createGraph) and average pooling (im2col), float32 on every backend
// against float64.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Tensor, enableGrad, grad, gradcheck, randn } from '../../src/index.js';
import { avgPool2d, maxPool2dWithIndices } from '../../src/ops/pool.js';
import { expectClose, forEachBackend } from '../helpers.js';

forEachBackend((backend) => describe(`ops/pool [${backend}]`, () => {
  const x64 = randn([2, 4, 16, 15], { dtype: 'float64' });
  const leaf = (dtype: 'float32' | 'float64') => x64.to(dtype).detach().requiresGrad_();

  for (const [name, k, o] of [
    ['3x3 stride 1 padding 1 (overlapping windows)', 3, { stride: 1, padding: 1 }],
    ['2x3 stride 2, dilation 2, ceil mode', [2, 3], { stride: 2, dilation: 2, ceilMode: true }],
  ] as const) {
    it(`maxPool2d ${name}: values, indices and gradient match float64`, () => {
      const x = leaf('float32'), xr = leaf('float64');
      const r = maxPool2dWithIndices(x, k, o), rr = maxPool2dWithIndices(xr, k, o);
      expectClose(r.values, rr.values.to('float32'), { atol: 0, rtol: 0 });
      assert.deepEqual(r.indices.toFlatArray(), rr.indices.toFlatArray());
      const g = randn(r.values.shape, { dtype: 'float64' });
      r.values.backward(g.to('float32'));
      rr.values.backward(g);
      expectClose(x.grad!, xr.grad!.to('float32'), { atol: 1e-5 });
    });
  }

  it('avgPool2d (through im2col) matches float64', () => {
    const x = leaf('float32'), xr = leaf('float64');
    const y = avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false }), yr = avgPool2d(xr, 3, { stride: 2, padding: 1, countIncludePad: false });
    expectClose(y, yr.to('float32'), { atol: 1e-5 });
    y.sum().backward(); yr.sum().backward();
    expectClose(x.grad!, xr.grad!.to('float32'), { atol: 1e-5 });
  });

  it('maxPool2d double backward (createGraph) uses the differentiable scatter', () => {
    gradcheck((x: Tensor) => enableGrad(() => { // gradcheck evaluates under noGrad; the inner gradient needs its graph
      const [gx] = grad(maxPool2dWithIndices(x, 2, { stride: 1 }).values.square().sum(), [x], { createGraph: true });
      return gx!;
    }), [randn([1, 2, 4, 4], { dtype: 'float64', requiresGrad: true })]);
  });
}));
