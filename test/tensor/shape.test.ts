// Layout: views share storage, view vs reshape vs contiguous, strides as PyTorch computes them, broadcasting.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IndexError, ShapeError, ArgumentError, arange, broadcastShapes, tensor, zeros } from '../../src/index.js';
import { expectClose, forEachBackend } from '../helpers.js';

const a6 = () => arange(6, undefined, 1, { dtype: 'float32' });

forEachBackend((backend) => describe(`tensor/shape [${backend}]`, () => {
  it('view shares storage and has contiguous strides', () => {
    const x = a6();
    const v = x.view([2, 3]);
    assert.equal(v.storage, x.storage);
    assert.deepEqual(v.stride(), [3, 1]);
    v.index(1, 2).fill_(60);
    assert.equal(x.tolist().toString(), '0,1,2,3,4,60');
    assert.deepEqual(x.view([-1, 2]).shape, [3, 2]);
  });
  it('every movement op is a view over the same storage', () => {
    const x = arange(24, undefined, 1, { dtype: 'float32' }).view([2, 3, 4]);
    const views = [x.transpose(0, 2), x.permute([1, 2, 0]), x.index(0).t(), x.narrow(1, 1, 2), x.unsqueeze(1), x.view([2, 3, 4, 1]).squeeze(-1),
      x.index(0).diagonal(), x.index(':', 0).expand([2, 4]), x.select(2, 3), x.index('::2', '1:', '::2'), x.T, x.mT, x.flatten(), x.unfold(2, 2, 2)];
    for (const v of views) assert.equal(v.storage, x.storage);
    assert.deepEqual(x.transpose(0, 2).stride(), [1, 4, 12]);
    assert.deepEqual(x.narrow(1, 1, 2).storageOffset(), 4);
    assert.deepEqual(x.index(0).diagonal().stride(), [5]);
    assert.deepEqual(x.index(0).diagonal().tolist(), [0, 5, 10]);
    assert.deepEqual(tensor([1, 2]).expand([3, 2]).stride(), [0, 1]);
  });
  it('view on incompatible strides throws PyTorch\'s error; reshape copies only then', () => {
    const x = a6().view([2, 3]).t(); // (3, 2) strides (1, 3)
    assert.equal(x.isContiguous(), false);
    assert.throws(() => x.view([6]), (e: Error) => e instanceof ShapeError &&
      /view size is not compatible with input tensor's size and stride/.test(e.message) && /Use \.reshape\(\.\.\.\) instead/.test(e.message));
    const r = x.reshape([6]);
    assert.notEqual(r.storage, x.storage);
    assert.deepEqual(r.tolist(), [0, 3, 1, 4, 2, 5]);
    // a split of one dim needs no copy even when transposed
    const y = a6().view([2, 3]).t();
    assert.equal(y.reshape([3, 2, 1]).storage, y.storage);
    assert.equal(y.view([3, 1, 2]).storage, y.storage);
    const c = a6().view([2, 3]);
    assert.equal(c.reshape([3, 2]).storage, c.storage);
  });
  it('contiguous returns the same tensor when contiguous, a row-major copy otherwise', () => {
    const x = a6().view([2, 3]);
    assert.equal(x.contiguous(), x);
    const t = x.t();
    const c = t.contiguous();
    assert.notEqual(c, t);
    assert.equal(c.isContiguous(), true);
    assert.deepEqual(c.stride(), [2, 1]);
    expectClose(c, [[0, 3], [1, 4], [2, 5]]);
    // size-1 dims do not affect contiguity, as in PyTorch
    assert.equal(zeros([3, 1]).t().isContiguous(), true);
    assert.equal(zeros([2, 3]).index(':', '0:1').isContiguous(), false);
  });
  it('size, stride, dim, numel, negative dims', () => {
    const x = zeros([2, 3, 4]);
    assert.deepEqual(x.size(), [2, 3, 4]);
    assert.equal(x.size(-1), 4);
    assert.equal(x.stride(0), 12);
    assert.equal(x.dim(), 3);
    assert.equal(x.numel(), 24);
    assert.throws(() => x.size(3), (e: Error) => e instanceof IndexError && /expected to be in range of \[-3, 2\], but got 3/.test(e.message));
  });
  it('bad shapes throw naming the op and the shapes', () => {
    const x = a6();
    assert.throws(() => x.view([4, 2]), (e: Error) => e instanceof ShapeError && /view: shape '\[4, 2\]' is invalid for input of size 6/.test(e.message));
    assert.throws(() => x.view([-1, -1]), ArgumentError);
    assert.throws(() => x.reshape([-2, 3]), ArgumentError);
    assert.throws(() => x.view([2, 3]).permute([0]), ShapeError);
    assert.throws(() => zeros([2, 3]).permute([0, 0]), ArgumentError);
    assert.throws(() => zeros([2, 3]).expand([3, 3]), ShapeError);
    assert.throws(() => zeros([2, 3, 4]).t(), ShapeError);
    assert.throws(() => x.narrow(0, 4, 3), TypeErrorOrTsgrad);
    assert.throws(() => x.unsqueeze(3), IndexError);
  });
}));

function TypeErrorOrTsgrad(e: Error): boolean {
  return e.name !== 'TypeError' && e.name !== 'RangeError' && /narrow/.test(e.message);
}

describe('tensor/shape broadcastShapes', () => {
  it('aligns right and expands size-1 dims', () => {
    assert.deepEqual(broadcastShapes([3, 1], [4]), [3, 4]);
    assert.deepEqual(broadcastShapes([], [2, 1]), [2, 1]);
    assert.deepEqual(broadcastShapes([5, 1, 4], [3, 1]), [5, 3, 4]);
    assert.deepEqual(broadcastShapes([0], [1]), [0]);
  });
  it('incompatible shapes throw ShapeError naming both shapes and the dim', () => {
    assert.throws(() => broadcastShapes([2, 3], [4, 3], 'add'), (e: Error) => e instanceof ShapeError && /add: shapes \[2, 3\] and \[4, 3\]/.test(e.message) && /dim -2/.test(e.message));
    assert.throws(() => tensor([1, 2]).add(tensor([1, 2, 3])), ShapeError);
  });
});
