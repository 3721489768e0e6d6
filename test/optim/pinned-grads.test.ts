// Gradients of pinned weights are made in pinned memory (Backend.pinnedOutput): the backward GEMM writes
// them and the optimizer reads them in place. Values equal the unpinned path; a gradient dropped unread
// is reused by the next step; gradients user code reads are left to GC, and past a bound (64 MB alive)
// new ones are plain arrays again, so a synchronous loop that reads every gradient cannot grow memory.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Tensor, getBackend, manualSeed, randn } from '../../src/index.js';
import { crossEntropy } from '../../src/nn/functional-loss.js';
import { linear } from '../../src/nn/functional.js';
import { SGD } from '../../src/optim/index.js';
import { withBackend } from '../helpers.js';

const pinnedGrad = (t: Tensor) => getBackend().isPinned(t._grad!.storage.data);
const canPin = () => withBackend('wasm', () => getBackend().pin(new Float32Array(1024), {}) !== null);

/** A 2-layer MLP trained with SGD for `steps` steps; returns the final weights (and its tensors). */
function train(steps: number, read = false) {
  manualSeed(5);
  const x = randn([64, 300]);
  const y = randn([64]).abs().mul(3).floor().clamp(0, 9).to('int32');
  const w1 = randn([200, 300]).mul(0.05).requiresGrad_(), b1 = randn([200]).mul(0.01).requiresGrad_();
  const w2 = randn([10, 200]).mul(0.05).requiresGrad_(), b2 = randn([10]).mul(0.01).requiresGrad_();
  const opt = new SGD([w1, b1, w2, b2], { lr: 0.05, momentum: 0.9 });
  const seen: Tensor[] = [];
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    crossEntropy(linear(linear(x, w1, b1).relu(), w2, b2), y).backward();
    if (read) seen.push(w1.grad!);
    opt.step();
  }
  return { w1, w2, opt, seen };
}

describe('optim: gradients of pinned weights', () => {
  it('are pinned, reused step to step when unread, and train to the same values as the js backend', { skip: !canPin() }, () => {
    const got = withBackend('wasm', () => {
      const r = train(1);
      assert.ok(pinnedGrad(r.w1), 'the first layer weight gradient lives in pinned memory');
      return train(6);
    });
    const want = withBackend('js', () => train(6));
    const a = got.w1.toTypedArray() as Float32Array, b = want.w1.toTypedArray() as Float32Array;
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= 1e-5 * (1 + Math.abs(b[i]!)), `w1[${i}] ${a[i]} vs ${b[i]}`);
  });

  it('gradients user code read keep their values, and past 64 MB alive new ones are plain arrays', { skip: !canPin() }, () => {
    withBackend('wasm', () => {
      manualSeed(6);
      const w = randn([1024, 1024]).mul(0.01).requiresGrad_(); // 4 MB gradients
      const opt = new SGD([w], { lr: 0.01 });
      const x = randn([32, 1024]);
      const kept: { g: Tensor; v: Float32Array }[] = [];
      let plain = 0;
      for (let i = 0; i < 24; i++) {
        opt.zeroGrad();
        x.matmul(w.t()).tanh().sum().backward();
        const g = w.grad!; // read: never reused, freed only by GC (which cannot run inside this loop)
        if (!getBackend().isPinned(g.storage.data)) plain++;
        kept.push({ g, v: Float32Array.from(g.toTypedArray() as Float32Array) });
        opt.step();
      }
      assert.ok(plain >= 24 - 16, `at most 16 pinned 4 MB gradients alive at once, got ${24 - plain}`);
      for (const { g, v } of kept) assert.deepEqual(g.toTypedArray(), v);
    });
  });
});
