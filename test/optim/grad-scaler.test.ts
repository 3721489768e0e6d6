// GradScaler: the scale's backoff/growth sequence (the rule of torch's CUDA-only _amp_update_scale_,
// replayed in tools/golden/optim.py), skipping steps on inf/NaN, misuse errors, and a float16-emulated
// training loop where loss scaling is what keeps tiny gradients from flushing to zero.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Tensor, tensor, randn, manualSeed } from '../../src/index.js';
import { Parameter } from '../../src/nn/module.js';
import { Adam, GradScaler, SGD, clipGradNorm_ } from '../../src/optim/index.js';
import { expectClose, golden } from '../helpers.js';

const fix = golden<{ foundInf: boolean[]; cases: { initScale: number; growthFactor: number; backoffFactor: number; growthInterval: number; sequence: { scale: number; growthTracker: number }[] }[] }>('optim/grad_scaler.json');

describe('optim/GradScaler', () => {
  for (const c of fix.cases) {
    it(`scale sequence: init ${c.initScale}, growth ${c.growthFactor}, backoff ${c.backoffFactor}, interval ${c.growthInterval}`, () => {
      const p = new Parameter(tensor([1, 1]));
      const opt = new SGD([p], { lr: 0.5 });
      const scaler = new GradScaler(c);
      fix.foundInf.forEach((inf, i) => {
        const s = scaler.getScale();
        p.grad = tensor([s * 2, inf ? Infinity : s * 4]);
        const before = p.clone();
        const r = scaler.step(opt, () => 7);
        if (inf) {
          assert.ok(p.equal(before), `step ${i} skipped`);
          assert.equal(r, undefined);
          assert.equal(scaler.foundInf(opt), true);
        } else {
          expectClose(p, before.sub(tensor([1, 2])), { msg: `step ${i} used unscaled grads` });
          assert.equal(r, 7);
        }
        scaler.update();
        assert.equal(scaler.getScale(), c.sequence[i]!.scale, `scale after update ${i}`);
        assert.equal(scaler.getGrowthTracker(), c.sequence[i]!.growthTracker, `tracker after update ${i}`);
      });
    });
  }
  it('unscale_ before clipping, then step does not unscale twice; misuse throws', () => {
    const p = new Parameter(tensor([0, 0]));
    const opt = new SGD([p], { lr: 1 });
    const scaler = new GradScaler({ initScale: 1024 });
    scaler.scale(p.sum().mul(3)).backward();
    expectClose(p.grad!, [3072, 3072]);
    scaler.unscale_(opt);
    expectClose(p.grad!, [3, 3]);
    assert.throws(() => scaler.unscale_(opt), /already been called/);
    clipGradNorm_([p], 1);
    scaler.step(opt);
    expectClose(p, [-Math.SQRT1_2, -Math.SQRT1_2], { atol: 1e-5 });
    assert.throws(() => scaler.step(opt), /already been called since the last update/);
    scaler.update();
    assert.equal(scaler.getScale(), 1024);
    assert.throws(() => scaler.update(), /no inf checks/);
    const off = new GradScaler({ enabled: false });
    assert.equal(off.getScale(), 1);
    const l = p.sum();
    assert.equal(off.scale(l), l);
    assert.throws(() => new GradScaler({ growthFactor: 0.5 }), /growthFactor/);
  });
  it('scale keeps the loss dtype (float16 stays float16) and a float16 overflow is caught', () => {
    const w = new Parameter(tensor([1000, 1]));
    const opt = new SGD([w], { lr: 0.1 });
    const scaler = new GradScaler(); // 2^16
    const loss = w.half().square().sum(); // 1e6 overflows float16 to inf, as on a GPU
    const scaled = scaler.scale(loss);
    assert.equal(scaled.dtype, 'float16');
    scaled.backward();
    scaler.step(opt);
    assert.ok(scaler.foundInf(opt));
    scaler.update();
    assert.equal(scaler.getScale(), 2 ** 15);
    expectClose(w, [1000, 1]);
  });
  it('float16-emulated training: with loss scaling the loss falls; without it the tiny gradients flush to zero', () => {
    manualSeed(0);
    const X = randn([32, 4]);
    const wTrue = tensor([1.5, -2, 0.5, 1]);
    const y = X.matmul(wTrue).add(0.3);
    // A loss whose gradients are tiny: unscaled, they are below float16's smallest subnormal 2^-24 ≈ 6e-8.
    const run = (useScaler: boolean): { first: number; last: number; skipped: number; w: Tensor } => {
      const w = new Parameter(tensor([0, 0, 0, 0]));
      const b = new Parameter(tensor([0]));
      const opt = new Adam([w, b], { lr: 0.1 });
      const scaler = new GradScaler({ initScale: 2 ** 24, growthInterval: 5 });
      let first = NaN, last = NaN, skipped = 0;
      for (let i = 0; i < 60; i++) {
        opt.zeroGrad();
        const pred = X.half().matmul(w.half()).add(b.half()); // float16 forward, float32 master weights
        const mse = pred.sub(y.half()).square().mean();
        const loss = mse.mul(2 ** -14).mul(2 ** -14); // backward: 1 · 2^-14 · 2^-14 = 2^-28 < 2^-24, the smallest float16
        const value = mse.item();
        if (i === 0) first = value;
        last = value;
        if (useScaler) {
          scaler.scale(loss).backward();
          scaler.step(opt);
          if (scaler.foundInf(opt)) skipped++;
          scaler.update();
        } else {
          loss.backward();
          opt.step();
        }
      }
      return { first, last, skipped, w };
    };
    const scaled = run(true);
    assert.ok(scaled.last < scaled.first * 0.2, `scaled loss fell: ${scaled.first} → ${scaled.last}`);
    assert.ok(scaled.skipped > 0, 'the initial scale 2^24 overflowed float16 and backed off');
    const plain = run(false);
    assert.equal(plain.last, plain.first, 'no scaling: float16 gradients underflow to 0, nothing moves');
    expectClose(plain.w, [0, 0, 0, 0]);
  });
});
