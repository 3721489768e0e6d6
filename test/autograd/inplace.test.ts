// In-place ops under autograd: version counters, non-leaf rebasing, writes through views (CopySlices),
// indexPut_, and the saved-tensor check.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AutogradError, arange, noGrad, tensor, zeros } from '../../src/index.js';
import { expectClose, forEachBackend } from '../helpers.js';

forEachBackend((backend) => describe(`autograd/inplace [${backend}]`, () => {
  it('in-place ops bump a version counter shared by views', () => {
    const x = zeros([2, 3]);
    const v = x.index(0);
    assert.equal(x.version, 0);
    x.add_(1);
    assert.equal(v.version, 1);
    v.mul_(2);
    assert.equal(x.version, 2);
    assert.deepEqual(x.tolist(), [[2, 2, 2], [1, 1, 1]]);
    x.zero_().fill_(3).clamp_(0, 2);
    assert.equal(x.version, 5);
    assert.deepEqual(x.tolist(), [[2, 2, 2], [2, 2, 2]]);
  });
  it('in-place ops return self and chain', () => {
    const x = tensor([1, 2]);
    assert.equal(x.add_(1).mul_(2), x);
    assert.deepEqual(x.tolist(), [4, 6]);
  });
  it('in-place ops on a non-leaf rebase its history', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(2);
    y.mul_(3).add_(x);
    y.sum().backward();
    expectClose(x.grad!, [7, 7, 7]);
    assert.equal(y.gradFn?.name, 'add');
  });
  it('in-place write through a view of a non-leaf (CopySlices)', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(1);
    y.index(0).mul_(10);
    y.index('1:').pow_(2);
    expectClose(y, [10, 4, 9]);
    y.sum().backward();
    expectClose(x.grad!, [10, 4, 6]);
  });
  it('a view taken before its base was written in place sees the new history', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(1);
    const v = y.index('0:2');
    y.mul_(3);
    v.sum().backward();
    expectClose(x.grad!, [3, 3, 0]);
  });
  it('a value written in place into a non-leaf receives its gradient', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const s = tensor([5], { requiresGrad: true });
    const y = x.mul(2);
    y.index('1:2').copy_(s.mul(4));
    y.mul(tensor([1, 10, 100])).sum().backward();
    expectClose(x.grad!, [2, 0, 200]);
    expectClose(s.grad!, [40]);
  });
  it('indexPut_ (basic and advanced, accumulate) as in PyTorch', () => {
    const x = tensor([1, 2, 3, 4], { requiresGrad: true });
    const v = tensor([7, 8], { requiresGrad: true });
    const y = x.mul(1);
    y.indexPut_([tensor([3, 0], { dtype: 'int32' })], v);
    expectClose(y, [8, 2, 3, 7]);
    y.mul(tensor([1, 2, 3, 4])).sum().backward();
    expectClose(x.grad!, [0, 2, 3, 0]);
    expectClose(v.grad!, [4, 1]);
    const z = zeros([3]);
    z.indexPut_([[0, 0, 2]], 1, { accumulate: true });
    assert.deepEqual(z.tolist(), [2, 0, 1]);
    z.indexPut_(['1:'], 5);
    assert.deepEqual(z.tolist(), [2, 5, 5]);
    const m = arange(4, undefined, 1, { dtype: 'float32' });
    m.indexPut_([m.lt(2)], -1);
    assert.deepEqual(m.tolist(), [-1, -1, 2, 3]);
  });
  it('modifying a saved tensor in place makes backward throw like PyTorch', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const a = x.mul(1);
    const b = a.sin(); // saves a
    a.mul_(2);
    assert.throws(() => b.sum().backward(), (e: Error) => e instanceof AutogradError &&
      /one of the variables needed for gradient computation has been modified by an inplace operation/.test(e.message) && /\[float32 \[2\]\]/.test(e.message) && /version 1; expected version 0/.test(e.message));
    const y = x.exp(); // saves its output
    y.add_(1);
    assert.throws(() => y.sum().backward(), AutogradError);
    const d = x.mul(1);
    const e2 = d.sin(); // saves its input
    d.detach().zero_(); // detach shares the version counter
    assert.throws(() => e2.sum().backward(), AutogradError);
  });
  it('in-place on a leaf that requires grad (or its view) throws unless under noGrad', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    assert.throws(() => w.add_(1), (e: Error) => e instanceof AutogradError && /leaf Variable that requires grad/.test(e.message));
    assert.throws(() => w.index(0).zero_(), AutogradError);
    noGrad(() => w.sub_(tensor([1, 1])));
    assert.deepEqual(w.tolist(), [0, 1]);
    assert.equal(w.isLeaf, true);
    assert.equal(w.gradFn, null);
  });
  it('optimizer-style updates under noGrad keep leaves leaves', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    for (let i = 0; i < 3; i++) {
      w.mul(w).sum().backward();
      noGrad(() => { w.sub_(w.grad!.mul(0.1)); w.grad!.zero_(); });
    }
    expectClose(w, [0.512, 1.024]);
  });
  it('in-place broadcasting must keep self\'s shape', () => {
    assert.throws(() => zeros([3]).add_(zeros([2, 3])), /add_: output with shape \[3\] doesn't match the broadcast shape \[2, 3\]/);
  });
  it('outside autograd, elementwise in-place ops write straight into self: views, broadcasts, aliases, large sizes', () => {
    for (const n of [5, 5000]) {
      const x = arange(0, 2 * n).reshape([2, n]).to('float32');
      const v0 = x.version;
      noGrad(() => x.mul_(2).add_(tensor([1]), { alpha: 3 }).sub_(1, { alpha: 2 }));
      expectClose(x, arange(0, 2 * n).reshape([2, n]).mul(2).add(1));
      assert.equal(x.version, v0 + 3);
      const row = x.index(1);                       // a contiguous view at an offset
      noGrad(() => row.div_(x.index(0).add(1)).neg_());
      expectClose(x.index(1), arange(n, 2 * n).mul(2).add(1).div(arange(0, n).mul(2).add(2)).neg());
      expectClose(x.index(0), arange(0, n).mul(2).add(1));
      const y = arange(0, n).to('float32');
      noGrad(() => y.narrow(0, 1, n - 1).add_(y.narrow(0, 0, n - 1)));   // shifted alias of self's storage
      expectClose(y.narrow(0, 1, n - 1), arange(1, n).mul(2).sub(1));
      const z = arange(0, 2 * n).reshape([2, n]).to('float32').T; // non-contiguous self
      noGrad(() => z.maximum_(tensor([n])));
      expectClose(z, arange(0, 2 * n).reshape([2, n]).T.clamp(n));
    }
    assert.throws(() => noGrad(() => zeros([3]).sub_(tensor([true, false, true]))), /sub: subtraction with two bool/);
    assert.throws(() => noGrad(() => zeros([3]).add_(zeros([2, 3]))), /add_: output with shape \[3\]/);
    assert.throws(() => noGrad(() => zeros([3], { dtype: 'int32' }).exp_()), /result type float32 can't be cast/);
  });
}));
