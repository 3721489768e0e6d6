// Gradient clipping vs torch.nn.utils.clip_grad_norm_ / clip_grad_value_ (test/golden/optim/clip.json).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tensor, zeros } from '../../src/index.js';
import { Parameter } from '../../src/nn/module.js';
import { clipGradNorm_, clipGradValue_, NonFiniteNormError } from '../../src/optim/index.js';
import { expectClose, golden } from '../helpers.js';

type Nested = number | Nested[];
const fix = golden<{ grads: Nested[]; normCases: { normType: number | 'inf'; maxNorm: number; totalNorm: number; grads: Nested[] }[]; value: { clipValue: number; grads: Nested[] } }>('optim/clip.json');

function params(): Parameter[] {
  return fix.grads.map((g) => {
    const p = new Parameter(zeros(tensor(g).shape, { dtype: 'float64' }));
    p.grad = tensor(g, { dtype: 'float64' });
    return p;
  });
}

describe('optim/clip', () => {
  for (const c of fix.normCases) {
    it(`clipGradNorm_ normType=${c.normType} maxNorm=${c.maxNorm}`, () => {
      const ps = params();
      const total = clipGradNorm_(ps, c.maxNorm, { normType: c.normType });
      expectClose(total, c.totalNorm, { atol: 1e-12, rtol: 1e-10 });
      ps.forEach((p, i) => expectClose(p.grad!, c.grads[i]!, { atol: 1e-12, rtol: 1e-10 }));
    });
  }
  it('clipGradValue_', () => {
    const ps = params();
    clipGradValue_(ps, fix.value.clipValue);
    ps.forEach((p, i) => expectClose(p.grad!, fix.value.grads[i]!));
  });
  it('errorIfNonfinite; parameters without grads are skipped; no grads gives 0', () => {
    const ps = params();
    ps[1]!.grad = tensor([1, Infinity, 0, 0, 0], { dtype: 'float64' });
    assert.throws(() => clipGradNorm_(ps, 1, { errorIfNonfinite: true }), NonFiniteNormError);
    const q = new Parameter(tensor([1, 2]));
    assert.equal(clipGradNorm_([q], 1).item(), 0);
    const one = params()[0]!;
    const maxAbs = Math.max(...(one.grad!.toFlatArray() as number[]).map(Math.abs));
    expectClose(clipGradNorm_(one, 0.5, { normType: 'inf' }), maxAbs); // a single tensor is accepted too
    expectClose(one.grad!.abs().amax(), 0.5 * maxAbs / (maxAbs + 1e-6));
  });
});
