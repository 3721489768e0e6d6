// Elementwise ops: the fused activation backwards (relu, GELU erf and tanh forms) agree with the
// composed, differentiable form used under createGraph, at sizes that reach the wasm kernels.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Tensor, manualSeed, randn, tensor } from '../../src/index.js';
import { gelu } from '../../src/ops/elementwise.js';
import { expectClose, forEachBackend } from '../helpers.js';

forEachBackend((backend) => describe(`ops/elementwise fused activation backwards [${backend}]`, () => {
  const cases: [string, (x: Tensor) => Tensor][] = [
    ['relu', (x) => x.relu()], ['gelu', (x) => gelu(x)], ['gelu tanh', (x) => gelu(x, { approximate: 'tanh' })],
  ];
  for (const [name, f] of cases) {
    it(`${name}: fused backward = composed backward (float32, 4099 and 7 elements)`, () => {
      for (const n of [4099, 7]) {
        manualSeed(3);
        const x = randn([n]).mul(3).requiresGrad_();
        const g = randn([n]);
        f(x).backward(g);
        const fused = x.grad!;
        x.grad = null;
        f(x).backward(g, { createGraph: true }); // records the backward: the composed ops run
        expectClose(fused, x.grad!.detach(), { atol: 1e-6, rtol: 1e-5 });
      }
    });
  }
  it('relu backward is 0 where the output is ≤ 0, even for an infinite gradient (PyTorch threshold_backward)', () => {
    const x = tensor([-1, 0, 2], { requiresGrad: true });
    x.relu().backward(tensor([Infinity, 5, 3]));
    assert.deepEqual(Array.from(x.grad!.toTypedArray()), [0, 0, 3]);
  });
}));
