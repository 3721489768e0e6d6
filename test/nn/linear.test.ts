import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ShapeError, randn } from '../../src/index.js';
import { Bilinear, Linear } from '../../src/nn/index.js';
import { runCase } from './nn-golden.js';

describe('nn/linear', () => {
  it('Linear matches PyTorch (forward, grads, state-dict keys)', () => {
    const m = new Linear(5, 3);
    runCase('Linear', m, (x) => m.call(x));
  });
  it('Linear without bias on a 3-D input', () => {
    const m = new Linear(4, 2, { bias: false });
    assert.deepEqual(Object.keys(m.stateDict()), ['weight']);
    runCase('Linear_nobias_3d', m, (x) => m.call(x));
  });
  it('Bilinear matches PyTorch', () => {
    const m = new Bilinear(3, 4, 2);
    runCase('Bilinear', m, (a, b) => m.call(a, b));
  });
  it('default init is U(±1/√in) for weight and bias', () => {
    const m = new Linear(400, 300);
    const k = 1 / 20;
    assert.ok(m.weight.abs().max().item() <= k && m.bias!.abs().max().item() <= k);
    assert.ok(Math.abs(m.weight.std().item() - k / Math.sqrt(3)) < 2e-3);
  });
  it('names the layer and shapes on a bad input', () => {
    assert.throws(() => new Linear(5, 3).call(randn([2, 4])), (e: Error) => e instanceof ShapeError && /Linear\(5, 3\).*\(\*, 5\).*\[2, 4\]/.test(e.message));
  });
});
