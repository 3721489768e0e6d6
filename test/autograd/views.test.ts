// Gradients through views and indexing: each view's backward puts the gradient back where it came from.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Tensor, arange, cat, enableGrad, grad, gradcheck, randn, stack, tensor } from '../../src/index.js';
import { expectClose, forEachBackend } from '../helpers.js';

const grid = (rg = true) => arange(6, undefined, 1, { dtype: 'float32' }).view([2, 3]).detach().requiresGrad_(rg);

forEachBackend((backend) => describe(`autograd/views [${backend}]`, () => {
  it('view, transpose, permute, narrow, select, diagonal, expand, squeeze/unsqueeze', () => {
    const w = tensor([[1, 2, 3], [4, 5, 6]]);
    const cases: [string, (x: ReturnType<typeof grid>) => ReturnType<typeof grid>, number[][]][] = [
      ['view', (x) => x.view([3, 2]).mul(w.view([3, 2])), [[1, 2, 3], [4, 5, 6]]],
      ['t', (x) => x.t().mul(w.t()), [[1, 2, 3], [4, 5, 6]]],
      ['permute', (x) => x.permute([1, 0]).mul(w.t()), [[1, 2, 3], [4, 5, 6]]],
      ['narrow', (x) => x.narrow(1, 1, 2), [[0, 1, 1], [0, 1, 1]]],
      ['select', (x) => x.select(0, 1), [[0, 0, 0], [1, 1, 1]]],
      ['diagonal', (x) => x.diagonal(), [[1, 0, 0], [0, 1, 0]]],
      ['expand', (x) => x.unsqueeze(0).expand([4, 2, 3]), [[4, 4, 4], [4, 4, 4]]],
      ['squeeze', (x) => x.unsqueeze(1).squeeze(1).mul(2), [[2, 2, 2], [2, 2, 2]]],
      ['flatten+unflatten', (x) => x.flatten().unflatten(0, [3, 2]).index(0), [[1, 1, 0], [0, 0, 0]]],
      ['unfold', (x) => x.unfold(1, 2, 1), [[1, 2, 1], [1, 2, 1]]],
    ];
    for (const [name, f, expected] of cases) {
      const x = grid();
      f(x).sum().backward();
      expectClose(x.grad!, expected, { msg: name });
    }
  });
  it('basic indexing (ints, slices, null, ellipsis) routes gradients', () => {
    const x = grid();
    x.index(1, '::2').sum().backward();
    expectClose(x.grad!, [[0, 0, 0], [1, 0, 1]]);
    const y = grid();
    y.index('...', null, -1).mul(3).sum().backward();
    expectClose(y.grad!, [[0, 0, 3], [0, 0, 3]]);
  });
  it('advanced indexing accumulates duplicate indices; masks select', () => {
    const x = grid();
    x.index(tensor([0, 0, 1], { dtype: 'int32' }), [2, 2, 0]).sum().backward();
    expectClose(x.grad!, [[0, 0, 2], [1, 0, 0]]);
    const y = grid();
    y.index(y.detach().gt(2)).mul(2).sum().backward();
    expectClose(y.grad!, [[0, 0, 0], [2, 2, 2]]);
  });
  it('indexing values match PyTorch (advanced dims adjacent vs separated)', () => {
    const x = arange(24, undefined, 1, { dtype: 'float32' }).view([2, 3, 4]);
    assert.deepEqual(x.index(':', [0, 2], [1, 3]).tolist(), [[1, 11], [13, 23]]);
    assert.deepEqual(x.index([0, 1], ':', [0, 0]).tolist(), [[0, 4, 8], [12, 16, 20]]);
    assert.deepEqual(x.index([1], '1:', 1).shape, [1, 2]);
  });
  it('cat/stack split the gradient back to their inputs', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3], { requiresGrad: true });
    cat([a, b]).mul(tensor([1, 2, 3])).sum().backward();
    expectClose(a.grad!, [1, 2]);
    expectClose(b.grad!, [3]);
    const c = tensor([1, 2], { requiresGrad: true });
    stack([c, c], 1).mul(tensor([[1, 10], [100, 1000]])).sum().backward();
    expectClose(c.grad!, [11, 1100]);
  });
  it('gradcheck through chained views of a strided input', () => {
    const x = randn([4, 3, 2], { dtype: 'float64', requiresGrad: true });
    assert.ok(gradcheck((t) => t.permute([2, 0, 1]).narrow(1, 1, 2).reshape([2, 6]).t().index('::2').square(), [x]));
  });
  it('gradients of several views of one tensor add up in one buffer: split pieces, overlapping narrows, whole uses', () => {
    const x = tensor([1, 2, 3, 4], { requiresGrad: true });
    x.narrow(0, 0, 2).mul(2).sum().add(x.narrow(0, 1, 2).mul(3).sum()).add(x.sum()).backward();
    expectClose(x.grad!, [3, 6, 4, 1]); // the narrows overlap at index 1
    const q = randn([2, 3, 6], { requiresGrad: true });
    const [a, b, c] = q.split(2, -1) as [Tensor, Tensor, Tensor];
    a.mul(1).add(b.mul(10)).add(c.mul(100)).sum().add(q.select(0, 1).sum()).backward();
    const want = [1, 1, 10, 10, 100, 100];
    expectClose(q.grad!, [[want, want, want], [want, want, want].map((r) => r.map((v) => v + 1))]);
    // a second backward accumulates into the leaf's gradient (the first one took over the summed buffer)
    q.split(3, -1)[1]!.sum().backward();
    const inc = [0, 0, 0, 1, 1, 1];
    expectClose(q.grad!, [[0, 1, 2].map(() => want.map((v, i) => v + inc[i]!)), [0, 1, 2].map(() => want.map((v, i) => v + 1 + inc[i]!))]);
  });
  it('the gradient of a view is differentiable under createGraph (double backward through narrow and select)', () => {
    const z = tensor([1, 2, 3], { requiresGrad: true });
    const [g] = grad(z.narrow(0, 0, 2).pow(2).sum(), [z], { createGraph: true });
    expectClose(g!, [2, 4, 0]);
    const [gg] = grad(g!.sum(), [z]);
    expectClose(gg!, [2, 2, 0]);
    const x = randn([3, 4], { dtype: 'float64', requiresGrad: true });
    assert.ok(gradcheck((t) => enableGrad(() => grad(t.select(1, 2).pow(3).sum().add(t.narrow(0, 1, 2).exp().sum()), [t], { createGraph: true })[0]!.square().sum()), [x]));
  });
}));
