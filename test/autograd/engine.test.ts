// The backward engine: leaf accumulation, backward(gradient), retainGraph, grad modes, detach, retainGrad, grad().
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AutogradError, ShapeError, arange, enableGrad, grad, gradcheck, isGradEnabled, noGrad, ones, randn, setGradEnabled, tensor, zeros,
} from '../../src/index.js';
import { expectClose, forEachBackend } from '../helpers.js';

forEachBackend((backend) => describe(`autograd/engine [${backend}]`, () => {
  it('leaves accumulate across backward calls; non-leaves keep no grad', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(x);
    y.sum().backward();
    expectClose(x.grad!, [2, 4, 6]);
    x.mul(3).sum().backward();
    expectClose(x.grad!, [5, 7, 9]);
    assert.equal(y.grad, null);
    assert.equal(x.isLeaf, true);
    assert.equal(y.isLeaf, false);
    assert.equal(y.gradFn?.name, 'mul');
  });
  it('a tensor used twice gets the sum of both paths', () => {
    const x = tensor([2], { requiresGrad: true });
    const y = x.mul(x).add(x.exp());
    y.backward();
    expectClose(x.grad!, [4 + Math.exp(2)]);
  });
  it('backward(gradient) computes the vector-Jacobian product; non-scalar without it throws like PyTorch', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(2);
    assert.throws(() => y.backward(), (e: Error) => e instanceof AutogradError && /grad can be implicitly created only for scalar outputs/.test(e.message));
    y.backward(tensor([1, 0.5, -1]));
    expectClose(x.grad!, [2, 1, -2]);
    assert.throws(() => x.mul(2).backward(tensor([1, 2])), ShapeError);
  });
  it('a second backward without retainGraph throws; with it the gradients add up', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const loss = x.exp().sum();
    loss.backward(null, { retainGraph: true });
    loss.backward();
    expectClose(x.grad!, [2 * Math.E, 2 * Math.exp(2)]);
    assert.throws(() => loss.backward(), (e: Error) => e instanceof AutogradError && /backward through the graph a second time/.test(e.message) && /retainGraph/.test(e.message));
  });
  it('backward on a tensor that does not require grad throws', () => {
    assert.throws(() => tensor([1]).sum().backward(), (e: Error) => e instanceof AutogradError && /does not require grad/.test(e.message));
  });
  it('noGrad stops recording, enableGrad restores it inside, and both restore the mode after throwing', () => {
    const x = tensor([1], { requiresGrad: true });
    const y = noGrad(() => x.mul(2));
    assert.equal(y.requiresGrad, false);
    assert.equal(y.gradFn, null);
    const z = noGrad(() => enableGrad(() => x.mul(2)));
    assert.equal(z.requiresGrad, true);
    assert.throws(() => noGrad(() => { throw new Error('boom'); }));
    assert.equal(isGradEnabled(), true);
    setGradEnabled(false);
    assert.equal(x.mul(2).requiresGrad, false);
    setGradEnabled(true);
  });
  it('detach shares storage and version but leaves the graph', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    const d = y.detach();
    assert.equal(d.requiresGrad, false);
    assert.equal(d.storage, y.storage);
    assert.equal(d.isLeaf, true);
    d.add_(1);
    assert.deepEqual(y.tolist(), [3, 5]);
    assert.equal(y.version, d.version);
  });
  it('retainGrad keeps a non-leaf gradient; requiresGrad rules match PyTorch', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(3);
    h.retainGrad();
    assert.equal(h.retainsGrad, true);
    h.mul(h).sum().backward();
    expectClose(h.grad!, [6, 12]);
    expectClose(x.grad!, [18, 36]);
    assert.throws(() => { tensor([1], { dtype: 'int32' }).requiresGrad = true; }, (e: Error) => e instanceof AutogradError && /floating point/.test(e.message));
    assert.throws(() => { h.requiresGrad = false; }, AutogradError);
    assert.throws(() => tensor([1]).mul(2).retainGrad(), Error);
  });
  it('broadcasting sums gradients back to each input shape', () => {
    const a = ones([3, 1], { requiresGrad: true });
    const b = arange(4, undefined, 1, { dtype: 'float32' }).requiresGrad_();
    a.mul(b).sum().backward();
    expectClose(a.grad!, [[6], [6], [6]]);
    expectClose(b.grad!, [3, 3, 3, 3]);
  });
  it('grad() returns gradients without touching .grad; createGraph gives higher derivatives', () => {
    const x = tensor([2], { dtype: 'float64', requiresGrad: true });
    const y = x.pow(3);
    const [dy] = grad(y.sum(), [x], { createGraph: true });
    expectClose(dy!, [12]);
    assert.equal(x.grad, null);
    const [d2] = grad(dy!.sum(), [x]);
    expectClose(d2!, [12]);
    const u = tensor([1], { requiresGrad: true });
    assert.throws(() => grad(x.mul(2).sum(), [u]), AutogradError);
    assert.deepEqual(grad(x.mul(2).sum(), [u], { allowUnused: true }), [null]);
  });
  it('gradients keep the input dtype (float64 stays float64)', () => {
    const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    x.sin().sum().backward();
    assert.equal(x.grad!.dtype, 'float64');
    expectClose(x.grad!, [Math.cos(1), Math.cos(2)], { atol: 1e-12, rtol: 1e-12 });
  });
  it('gradcheck agrees on a composite expression with views, broadcasting and indexing', () => {
    const a = randn([3, 4], { dtype: 'float64', requiresGrad: true });
    const b = randn([4], { dtype: 'float64', requiresGrad: true });
    assert.ok(gradcheck((p, q) => p.t().mul(q.unsqueeze(1)).tanh().index('1:', 0).sum().add(p.index([0, 2, 0]).exp().sum()), [a, b]));
  });
  it('deep graphs do not overflow the stack', () => {
    const x = tensor([1], { requiresGrad: true });
    let y = x;
    for (let i = 0; i < 20000; i++) y = y.mul(1);
    y.sum().backward();
    expectClose(x.grad!, [1]);
  });
  it('ops on tensors that do not require grad record nothing', () => {
    const y = zeros([2]).add(1).mul(2);
    assert.equal(y.gradFn, null);
    assert.equal(y.requiresGrad, false);
  });
  describe('first gradients are owned by their leaf (taken over without a copy only when safe)', () => {
    it('a + b: both leaves get distinct gradients', () => {
      const a = randn([4, 5], { requiresGrad: true });
      const b = randn([4, 5], { requiresGrad: true });
      a.add(b).mul(3).sum().backward();
      assert.notEqual(a.grad!.storage, b.grad!.storage);
      noGrad(() => a.grad!.zero_());
      expectClose(b.grad!, ones([4, 5]).mul(3));
      expectClose(a.grad!, zeros([4, 5]));
    });
    it('x + x: one leaf reached twice gets the sum', () => {
      const x = randn([3, 3], { requiresGrad: true });
      x.add(x).mul(2).sum().backward();
      expectClose(x.grad!, ones([3, 3]).mul(4));
      x.add(x).sum().backward();
      expectClose(x.grad!, ones([3, 3]).mul(6));
    });
    it('a leaf used through expand/sum gets a real (not stride-0) gradient', () => {
      const x = randn([1, 4], { requiresGrad: true });
      x.expand([3, 4]).sum().backward();
      const gr = x.grad!;
      assert.ok(gr.strides.every((s, i) => s !== 0 || gr.shape[i] === 1), `strides ${gr.strides}`);
      assert.equal(gr.storage.data.length, 4);
      noGrad(() => gr.add_(1));
      expectClose(gr, [[4, 4, 4, 4]]);
      const y = randn([4], { requiresGrad: true });
      y.expand([3, 4]).sum().backward();
      expectClose(y.grad!, [3, 3, 3, 3]);
    });
    it('a gradient passed to backward() never becomes .grad', () => {
      const x = randn([2, 3], { requiresGrad: true });
      const gOut = ones([2, 3]);
      x.mul(1).backward(gOut);
      assert.notEqual(x.grad!.storage, gOut.storage);
      const z = randn([2, 3], { requiresGrad: true });
      z.backward(gOut);
      assert.notEqual(z.grad!.storage, gOut.storage);
      noGrad(() => z.grad!.add_(1));
      expectClose(gOut, ones([2, 3]));
      expectClose(z.grad!, ones([2, 3]).mul(2));
    });
    it('a gradient a hook saw is copied, and accumulation does not touch it', () => {
      const x = randn([3], { requiresGrad: true });
      const h = x.mul(2);
      let seen: import('../../src/index.js').Tensor | null = null;
      h.registerHook((g) => { seen = g; });
      h.add(0).sum().backward();
      x.mul(2).sum().backward();
      expectClose(seen!, [1, 1, 1]);
      expectClose(x.grad!, [4, 4, 4]);
    });
  });
}));
