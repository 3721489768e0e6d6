// The layer-norm primitive (fused forward and backward kernels) against its composed form, at sizes
// that reach the wasm kernels, with and without affine parameters; createGraph uses the composed backward.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Tensor, grad, manualSeed, randn } from '../../src/index.js';
import { layerNormPrimitive } from '../../src/ops/layer-norm.js';
import { expectClose, forEachBackend } from '../helpers.js';

function composed(x: Tensor, w: Tensor | null, b: Tensor | null, eps: number): Tensor {
  const xc = x.sub(x.mean(-1, { keepdim: true }));
  let y = xc.mul(xc.square().mean(-1, { keepdim: true }).add(eps).rsqrt());
  if (w) y = y.mul(w);
  if (b) y = y.add(b);
  return y;
}

forEachBackend((backend) => describe(`ops/layer-norm [${backend}]`, () => {
  for (const [rows, cols] of [[64, 130], [3, 7]] as const) {
    for (const affine of [true, false]) {
      it(`(${rows}, ${cols}) ${affine ? 'with' : 'without'} weight and bias: forward and gradients match the composed form`, () => {
        manualSeed(5);
        const x = randn([rows, cols]).mul(2).add(0.5).requiresGrad_();
        const w = affine ? randn([cols]).requiresGrad_() : null;
        const b = affine ? randn([cols]).requiresGrad_() : null;
        const g = randn([rows, cols]);
        const inputs = [x, ...(w ? [w] : []), ...(b ? [b] : [])];
        const y = layerNormPrimitive(x, [cols], w, b, 1e-5)!;
        assert.ok(y, 'the primitive applies to float32');
        const ref = composed(x, w, b, 1e-5);
        expectClose(y.detach(), ref.detach(), { atol: 1e-5, rtol: 1e-4 });
        const got = grad(y, inputs, { gradOutput: g });
        const want = grad(ref, inputs, { gradOutput: g });
        got.forEach((t, i) => expectClose(t!, want[i]!, { atol: 1e-4, rtol: 1e-4, msg: `grad ${i}` }));
      });
    }
  }
  it('second derivatives (createGraph) go through the composed backward', () => {
    manualSeed(6);
    const x = randn([4, 6], { dtype: 'float64' }).requiresGrad_();
    const w = randn([6], { dtype: 'float64' }).requiresGrad_();
    const [gx] = grad(layerNormPrimitive(x, [6], w, null, 1e-5)!.square().sum(), [x], { createGraph: true });
    const [gx2] = grad(composed(x, w, null, 1e-5).square().sum(), [x], { createGraph: true });
    expectClose(gx!, gx2!, { atol: 1e-10, rtol: 1e-8 });
    const [h] = grad(gx!.sum(), [w]);
    const [h2] = grad(gx2!.sum(), [w]);
    expectClose(h!, h2!, { atol: 1e-10, rtol: 1e-8 });
  });
  it('returns null (the caller composes) for integer inputs or parameters of another shape', () => {
    assert.equal(layerNormPrimitive(randn([2, 3]).to('int32'), [3], null, null, 1e-5), null);
    assert.equal(layerNormPrimitive(randn([2, 3]), [3], randn([1, 3]), null, 1e-5), null);
  });
}));
