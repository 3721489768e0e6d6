// Tensor hooks: on leaves and non-leaves, replacing the gradient, removal, and order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TsgradError, tensor } from '../../src/index.js';
import { expectClose, forEachBackend } from '../helpers.js';

forEachBackend((backend) => describe(`autograd/hooks [${backend}]`, () => {
  it('a leaf hook sees the total gradient once and may replace it', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const seen: number[][] = [];
    x.registerHook((g) => { seen.push(g.tolist() as number[]); return g.mul(10); });
    x.mul(x).add(x).sum().backward();
    assert.deepEqual(seen, [[3, 5]]);
    expectClose(x.grad!, [30, 50]);
  });
  it('a non-leaf hook changes what flows upstream', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(2);
    h.registerHook((g) => g.mul(0).add(1));
    h.mul(5).sum().backward();
    expectClose(x.grad!, [2, 2]);
  });
  it('hooks returning nothing only observe; the handle removes a hook', () => {
    const x = tensor([3], { requiresGrad: true });
    let calls = 0;
    const remove = x.registerHook(() => { calls++; });
    x.mul(2).sum().backward();
    remove();
    x.mul(2).sum().backward();
    assert.equal(calls, 1);
    expectClose(x.grad!, [4]);
  });
  it('hooks run in registration order, each seeing the previous result', () => {
    const x = tensor([1], { requiresGrad: true });
    const y = x.mul(1);
    const order: string[] = [];
    y.registerHook((g) => { order.push('a'); return g.add(1); });
    y.registerHook((g) => { order.push(`b${g.item()}`); return g.mul(3); });
    y.sum().backward();
    assert.deepEqual(order, ['a', 'b2']);
    expectClose(x.grad!, [6]);
  });
  it('retainGrad records the gradient after earlier hooks', () => {
    const x = tensor([1], { requiresGrad: true });
    const y = x.mul(1);
    y.registerHook((g) => g.mul(2));
    y.retainGrad();
    y.sum().backward();
    expectClose(y.grad!, [2]);
  });
  it('registering on a tensor that does not require grad throws', () => {
    assert.throws(() => tensor([1]).registerHook((g) => g), TsgradError);
  });
}));
