// conv2d as one primitive: forward and fused backward on every backend against the composed
// im2col + matmul form in float64, expanded and strided output gradients, and the composed gradient
// that serves createGraph (double backward).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DTypeError, type Tensor, enableGrad, grad, gradcheck, randn, tensor } from '../../src/index.js';
import { conv2d, unfold } from '../../src/ops/conv.js';
import { expectClose, forEachBackend } from '../helpers.js';

/** The convolution composed from unfold and matmul (float64, no fused kernel involved). */
function reference(x: Tensor, w: Tensor, b: Tensor, o: { stride: [number, number]; padding: [number, number]; dilation: [number, number]; groups: number }): Tensor {
  const [n, , h, wd] = x.shape as number[];
  const [oc, icg, kh, kw] = w.shape as number[];
  const cols = unfold(x, [kh!, kw!], o); // (N, C·kh·kw, L)
  const oh = Math.floor((h! + 2 * o.padding[0] - o.dilation[0] * (kh! - 1) - 1) / o.stride[0]) + 1;
  const ow = Math.floor((wd! + 2 * o.padding[1] - o.dilation[1] * (kw! - 1) - 1) / o.stride[1]) + 1;
  const k = icg! * kh! * kw!;
  const out = w.reshape([o.groups, oc! / o.groups, k]).matmul(cols.view([n!, o.groups, k, oh * ow]));
  return out.reshape([n!, oc!, oh, ow]).add(b.view([1, oc!, 1, 1]));
}

const opts = { stride: [2, 1] as [number, number], padding: [1, 2] as [number, number], dilation: [1, 2] as [number, number], groups: 2 };

forEachBackend((backend) => describe(`ops/conv [${backend}]`, () => {
  const x64 = randn([3, 4, 9, 8], { dtype: 'float64' }), w64 = randn([6, 2, 3, 3], { dtype: 'float64' }), b64 = randn([6], { dtype: 'float64' });
  const leaves = (dtype: 'float32' | 'float64') => [x64, w64, b64].map((t) => t.to(dtype).detach().requiresGrad_()) as [Tensor, Tensor, Tensor];

  it('forward and gradients match the composed form (stride, padding, dilation, groups)', () => {
    const [x, w, b] = leaves('float32');
    const [xr, wr, br] = leaves('float64');
    const out = conv2d(x, w, b, opts);
    const gOut = randn(out.shape, { dtype: 'float64' });
    const ref = reference(xr, wr, br, opts);
    expectClose(out, ref.to('float32'), { atol: 1e-4 });
    out.backward(gOut.to('float32'));
    ref.backward(gOut);
    expectClose(x.grad!, xr.grad!.to('float32'), { atol: 1e-4 });
    expectClose(w.grad!, wr.grad!.to('float32'), { atol: 1e-4 });
    expectClose(b.grad!, br.grad!.to('float32'), { atol: 1e-4 });
  });

  it('an expanded (sum) or strided (broadcast multiply) output gradient gives the same gradients as a dense one', () => {
    const m = randn([1, 6, 1, 1]);
    const run = (loss: (y: Tensor) => Tensor) => {
      const [x, w, b] = leaves('float32');
      loss(conv2d(x, w, b, opts)).backward();
      return [x.grad!, w.grad!, b.grad!];
    };
    const viaSum = run((y) => y.sum()), viaDense = run((y) => y.mul(y.detach().mul(0).add(1)).sum());
    viaSum.forEach((g, i) => expectClose(g, viaDense[i]!, { atol: 1e-4 }));
    const viaBroadcast = run((y) => y.mul(m).sum()), viaDenseM = run((y) => y.mul(m.expand([3, 6, 5, 8]).contiguous()).sum());
    viaBroadcast.forEach((g, i) => expectClose(g, viaDenseM[i]!, { atol: 1e-4 }));
  });

  it('only the gradients that are needed are computed (input without grad, no bias)', () => {
    const x = x64.to('float32'), w = w64.to('float32').requiresGrad_();
    conv2d(x, w, null, opts).sum().backward();
    assert.equal(x.grad, null);
    const wr = w64.detach().requiresGrad_();
    reference(x64, wr, tensor([0, 0, 0, 0, 0, 0], { dtype: 'float64' }), opts).sum().backward();
    expectClose(w.grad!, wr.grad!.to('float32'), { atol: 1e-4 });
  });

  it('the composed gradient (createGraph) equals the fused one', () => {
    const [x, w, b] = leaves('float32');
    const y = conv2d(x, w, b, opts);
    const gOut = randn(y.shape);
    const fused = grad(y, [x, w, b], { gradOutput: gOut, retainGraph: true });
    const composed = grad(y, [x, w, b], { gradOutput: gOut, createGraph: true });
    fused.forEach((g, i) => expectClose(composed[i]!, g!, { atol: 1e-4 }));
  });

  it('double backward (createGraph) goes through the composed gradient', () => {
    const d = { dtype: 'float64' as const, requiresGrad: true };
    // gradcheck evaluates under noGrad; the inner gradient needs its graph recorded.
    gradcheck((x, w) => enableGrad(() => {
      const [gx] = grad(conv2d(x, w, null, { padding: 1, stride: 2 }).square().sum(), [x], { createGraph: true });
      return gx!;
    }), [randn([2, 2, 5, 4], d), randn([3, 2, 3, 2], d)]);
  });
}));

describe('ops/conv errors', () => {
  it('rejects integer inputs and a bias of another dtype, naming the op', () => {
    assert.throws(() => conv2d(tensor([[[[1, 2], [3, 4]]]], { dtype: 'int32' }), tensor([[[[1]]]], { dtype: 'int32' })), (e: Error) => e instanceof DTypeError && /conv2d: expected a floating point input, got int32/.test(e.message));
    assert.throws(() => conv2d(randn([1, 1, 3, 3]), randn([2, 1, 2, 2]), randn([2], { dtype: 'float64' })), (e: Error) => e instanceof DTypeError && /conv2d: input \(float32\) and bias \(float64\)/.test(e.message));
  });
});
