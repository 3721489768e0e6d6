// Printing: tsgrad's repr against torch 1.13's, from fixtures written by tools/golden/print.py.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DType, arange, formatTensor, tensor } from '../../src/index.js';
import { golden } from '../helpers.js';

interface Case { name: string; shape: number[]; dtype: DType; data: (number | boolean | string)[]; repr: string }
const fx = golden<{ cases: Case[]; grad: Record<string, string> }>('print.json');

const num = (v: number | boolean | string): number | boolean =>
  v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number | boolean);

function build(c: Case) {
  const flat = tensor(c.data.map(num) as number[], { dtype: c.dtype });
  return flat.reshape(c.shape);
}

describe('tensor/print', () => {
  for (const c of fx.cases) {
    it(`matches torch: ${c.name}`, () => {
      assert.equal(formatTensor(build(c)), c.repr);
    });
  }
  it('String(x) and util.inspect use the same format', async () => {
    const { inspect } = await import('node:util');
    const x = tensor([1, 2]);
    assert.equal(String(x), 'tensor([1., 2.])');
    assert.equal(inspect(x), 'tensor([1., 2.])');
  });
  it('prints a non-contiguous view by its logical order', () => {
    const x = arange(6, undefined, 1, { dtype: 'float32' }).view([2, 3]).t();
    assert.equal(formatTensor(x), 'tensor([[0., 3.],\n        [1., 4.],\n        [2., 5.]])');
  });
  it('ties round half to even like Python', () => {
    assert.equal(formatTensor(tensor([1.03125, 0.5])), 'tensor([1.0312, 0.5000])');
    assert.equal(formatTensor(tensor([1.03125e-5, 1], { dtype: 'float64' })), 'tensor([1.0312e-05, 1.0000e+00], dtype=float64)');
  });

  describe('autograd suffixes', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const cases: [string, () => string][] = [
      ['leaf', () => String(x)],
      ['mul', () => String(x.mul(2))],
      ['add', () => String(x.add(1))],
      ['sum', () => String(x.sum())],
      ['exp', () => String(x.exp())],
      ['view', () => String(x.view([2, 1]))],
      ['float64 leaf', () => String(tensor([1.5, 2.5], { dtype: 'float64', requiresGrad: true }))],
      ['long row mul', () => String(arange(10, undefined, 1, { dtype: 'float32' }).div(3).requiresGrad_().mul(1000))],
    ];
    for (const [name, fn] of cases) {
      it(`matches torch: ${name}`, () => assert.equal(fn(), fx.grad[name]));
    }
    it('an in-place write through a view of a non-leaf prints CopySlices', () => {
      const y = x.mul(1);
      y.index(0).mul_(2);
      assert.equal(String(y), 'tensor([2., 2.], grad_fn=<CopySlices>)');
    });
  });
});
