// Outputs in the backend's pinned memory (src/autograd/pinned.ts): activations made under grad mode stay
// there until the next backward pass ends, then move to ordinary arrays with their values; gradients a
// backward pass makes live there and are recycled when proven dead, temporaries included; leaves that
// require grad are pinned when they first enter a graph. None of it may change a value, and a
// synchronous training loop must not grow memory.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Tensor, emptyCache, getBackend, getNumThreads, grad, manualSeed, noGrad, randn, setNumThreads } from '../../src/index.js';
import { PIN_MIN, residentFloats } from '../../src/autograd/pinned.js';
import type { WasmBackend } from '../../src/backend/wasm/wasm-backend.js';
import { layerNorm, linear } from '../../src/nn/functional.js';
import { onThreads, withBackend } from '../helpers.js';

const pinned = (t: Tensor) => getBackend().isPinned(t.storage.data);
const canPin = () => withBackend('wasm', () => getBackend().pin(new Float32Array(1024), {}) !== null);
const snapshot = (t: Tensor): number[] => Array.from(t.toTypedArray() as Float32Array);
/**
 * Runs fn on 1 thread: with a worker pool running, backward defers moving activations out to the pool's
 * next jobs (tested below), so the moment they move is exact only without one.
 */
function oneThread<T>(fn: () => T): T {
  const prev = getNumThreads();
  setNumThreads(1);
  try { return fn(); } finally { setNumThreads(prev); }
}

/** A pre-LN transformer block (the benchmark's), returning its parameters and a step that keeps its intermediates. */
function block(seed: number) {
  manualSeed(seed);
  const B = 4, T = 64, d = 128, H = 4, F = 512, hd = d / H; // activations of ≥ PIN_MIN elements
  const x = randn([B, T, d]).requiresGrad_();
  const p = (shape: number[], s: number) => randn(shape).mul(s).requiresGrad_();
  const wqkv = p([3 * d, d], 0.08), bqkv = p([3 * d], 0.01), wo = p([d, d], 0.08), bo = p([d], 0.01);
  const w1 = p([F, d], 0.08), b1 = p([F], 0.01), w2 = p([d, F], 0.04), b2 = p([d], 0.01);
  const g1 = p([d], 0).add(1).detach().requiresGrad_(), be1 = p([d], 0.01);
  const params = [x, wqkv, bqkv, wo, bo, w1, b1, w2, b2, g1, be1];
  const forward = () => {
    const h = layerNorm(x, d, g1, be1);
    const qkv = linear(h, wqkv, bqkv);
    const [q, k, v] = qkv.split(d, -1).map((t) => t.reshape([B, T, H, hd]).transpose(1, 2)) as [Tensor, Tensor, Tensor];
    const att = q.matmul(k.transpose(-2, -1)).mul(1 / Math.sqrt(hd)).softmax(-1);
    const o = att.matmul(v).transpose(1, 2).reshape([B, T, d]);
    const x1 = x.add(linear(o, wo, bo));
    const f = linear(linear(x1, w1, b1).gelu(), w2, b2);
    return { qkv, att, x1, f, loss: x1.add(f).pow(2).mean() };
  };
  return { params, forward };
}

describe('autograd/pinned outputs [wasm]', { skip: !canPin() && 'no shared wasm memory here' }, () => {
  it('activations are pinned until backward ends, then move out with their values; user-held ones survive later steps', () => {
    oneThread(() => withBackend('wasm', () => {
      const { params, forward } = block(1);
      const out = forward();
      assert.ok(pinned(out.qkv) && pinned(out.att) && pinned(out.f), 'large activations made under grad mode are pinned');
      assert.ok(residentFloats() > 0);
      const kept = [out.qkv, out.att, out.x1, out.f];
      const values = kept.map(snapshot);
      out.loss.backward();
      assert.equal(residentFloats(), 0, 'backward moved every activation out');
      kept.forEach((t, i) => {
        assert.ok(!pinned(t), `activation ${i} is an ordinary array after backward`);
        assert.deepEqual(snapshot(t), values[i], `activation ${i} kept its values`);
      });
      const grads = params.map((p) => snapshot(p.grad!));
      for (let i = 0; i < 5; i++) {
        for (const p of params) p.grad = null;
        forward().loss.backward();
      }
      kept.forEach((t, i) => assert.deepEqual(snapshot(t), values[i], `activation ${i} changed after later steps reused the blocks`));
      params.forEach((p, i) => assert.deepEqual(snapshot(p.grad!), grads[i], `the same step gives the same gradient ${i}`));
      assert.ok(params.filter((p) => p.numel() >= PIN_MIN).every(pinned), 'leaves that require grad are pinned when they enter a graph');
    }));
  });

  it('an activation moves out as soon as the last node that saved it is released; unsaved ones when the pass ends', () => {
    oneThread(() => withBackend('wasm', () => {
      manualSeed(8);
      const a = randn([256, 256]).requiresGrad_(), w = randn([256, 256]).mul(0.05).requiresGrad_();
      const c = randn([256, 256]).requiresGrad_();
      const y1 = a.matmul(w);      // saved only by the mul below
      const y2 = y1.mul(c);        // saved by nobody (sum saves nothing)
      assert.ok(pinned(y1) && pinned(y2));
      const v1 = snapshot(y1), v2 = snapshot(y2);
      const seen: boolean[] = [];
      // a's hook runs after the mul and matmul nodes, before the pass ends
      a.registerHook(() => { seen.push(pinned(y1), pinned(y2)); });
      y2.sum().backward();
      assert.deepEqual(seen, [false, true], 'y1 moved out mid-pass, y2 still pinned then');
      assert.ok(!pinned(y2), 'y2 moved out when the pass ended');
      assert.deepEqual(snapshot(y1), v1);
      assert.deepEqual(snapshot(y2), v2);
    }));
  });

  it('gradients equal the js backend (no pinning there)', () => {
    const run = (backend: string) => withBackend(backend, () => {
      const { params, forward } = block(2);
      forward().loss.backward();
      return params.map((p) => p.grad!.toTypedArray() as Float32Array);
    });
    const want = run('js'), got = run('wasm');
    want.forEach((w, i) => {
      const scale = Math.max(1e-6, ...w.map(Math.abs));
      const worst = Math.max(...got[i]!.map((v, j) => Math.abs(v - w[j]!)));
      assert.ok(worst <= 1e-4 * scale, `parameter ${i}: max |wasm − js| = ${worst} (scale ${scale})`);
    });
  });

  it('retainGraph keeps activations pinned for the next pass; the last pass moves them; createGraph works on pinned ones', () => {
    oneThread(() => withBackend('wasm', () => {
      const { params, forward } = block(3);
      const { loss, att } = forward();
      loss.backward(undefined, { retainGraph: true });
      assert.ok(pinned(att) && residentFloats() > 0, 'a retained graph keeps its activations pinned');
      const first = params.map((p) => snapshot(p.grad!));
      loss.backward();
      assert.ok(!pinned(att) && residentFloats() === 0);
      params.forEach((p, i) => {
        const twice = snapshot(p.grad!);
        twice.forEach((v, j) => assert.ok(Math.abs(v - 2 * first[i]![j]!) <= 1e-5 * (1 + Math.abs(v)), `param ${i}: the second pass adds the same gradient`));
      });
      // Double backward through large pinned tensors: d/dx Σ (∂(x³)/∂x)² = Σ 18x³ ... per element 18·x³.
      const x = randn([64, 128]).requiresGrad_();
      const [g] = grad(x.pow(3).sum(), [x], { createGraph: true });
      const [gg] = grad(g!.pow(2).sum(), [x]);
      const want = noGrad(() => x.pow(3).mul(36));
      const worst = Math.max(...snapshot(gg!).map((v, i) => Math.abs(v - (want.toTypedArray() as Float32Array)[i]!)));
      assert.ok(worst <= 1e-3, `second derivative off by ${worst}`);
    }));
  });

  it('with a worker pool running, backward leaves the moves to the pool\'s next jobs, which make them with the values kept; emptyCache moves at once', async () => {
    await onThreads(2, () => withBackend('wasm', () => {
      emptyCache(); // nothing older waits to move
      manualSeed(9);
      const a = randn([256, 256]).requiresGrad_(), c = randn([256, 256]).requiresGrad_(), w = randn([256, 256]);
      const y = a.mul(c); // saved by no node (mul saves its inputs, sum nothing): it waits for the pass to end
      // A GEMM split across the pool (under noGrad: its output is no activation) reading y in place.
      const readY = () => noGrad(() => snapshot(y.matmul(w)));
      const wantY = readY();
      y.sum().backward();
      assert.ok(pinned(y), 'its move waits for a pool job');
      // The next job moves y while it reads y: the block must not be recycled (NaN-filled under
      // TSGRAD_CHECK_UNINIT) before the job ends.
      assert.deepEqual(readY(), wantY, 'the job that moved y read its values');
      assert.ok(!pinned(y), 'that job moved y out');
      // A move waits for the pool's jobs until the next pass ends at most (a conv step has no GEMM job).
      const y2 = a.mul(c), v2 = snapshot(y2);
      y2.sum().backward();
      assert.ok(pinned(y2), 'y2 waits for a pool job');
      const z = randn([8]).requiresGrad_();
      z.sum().backward(); // a pass with no pool job
      assert.ok(!pinned(y2), 'the next pass moved y2 out at its end');
      assert.deepEqual(snapshot(y2), v2);

      const { forward } = block(5);
      const out = forward();
      const kept = [out.qkv, out.att, out.x1, out.f];
      const values = kept.map(snapshot);
      out.loss.backward();
      assert.ok(residentFloats() > 0 && kept.some(pinned), 'the moves wait for pool jobs');
      kept.forEach((t, i) => assert.deepEqual(snapshot(t), values[i], `activation ${i} kept its values while waiting`));
      for (let i = 0; i < 40 && residentFloats() > 0; i++) readY(); // ≈ 1 MB moves beside each job
      assert.equal(residentFloats(), 0, 'the pool\'s jobs moved every activation out');
      kept.forEach((t, i) => {
        assert.ok(!pinned(t), `activation ${i} is an ordinary array`);
        assert.deepEqual(snapshot(t), values[i], `activation ${i} kept its values`);
      });
      const again = forward();
      again.loss.backward();
      assert.ok(residentFloats() > 0);
      emptyCache();
      assert.equal(residentFloats(), 0, 'emptyCache moved the waiting ones out at once');
      assert.ok(!pinned(again.att));
    }));
  });

  it('a synchronous training loop keeps pinned memory flat (temporaries of backward formulas are recycled too)', () => {
    withBackend('wasm', () => {
      const { params, forward } = block(4);
      const k = (getBackend() as WasmBackend).threads.pinKernels()!;
      const step = () => {
        for (const p of params) p.grad = null;
        const { loss, qkv } = forward();
        // pow and the broadcast bias gradients make temporaries inside backward formulas
        loss.add(qkv.pow(3).mean()).backward();
      };
      for (let i = 0; i < 3; i++) step();
      const before = k.allocStats().liveBytes;
      for (let i = 0; i < 40; i++) step();
      const grown = k.allocStats().liveBytes - before;
      assert.ok(grown <= 64 * 1024, `pinned memory grew by ${grown} bytes over 40 steps`);
    });
  });
});

describe('autograd/pinned outputs without backward [wasm]', { skip: !canPin() && 'no shared wasm memory here' }, () => {
  it('forward passes under grad mode with no backward stay within the pinned bound, give the noGrad values, and emptyCache moves them out', () => {
    withBackend('wasm', () => {
      manualSeed(7);
      const w = randn([256, 256]).mul(0.05).requiresGrad_();
      const x = randn([512, 256]);
      const k = (getBackend() as WasmBackend).threads.pinKernels()!;
      const want = noGrad(() => snapshot(x.matmul(w).tanh().matmul(w).sum(0)));
      const before = k.allocStats().liveBytes;
      let last: Tensor | null = null;
      for (let i = 0; i < 150; i++) last = x.matmul(w).tanh().matmul(w).sum(0); // ≈ 1.5 MB of activations each, never backwarded
      const grown = k.allocStats().liveBytes - before;
      assert.ok(grown <= 72 * 2 ** 20, `pinned memory grew by ${(grown / 2 ** 20).toFixed(1)} MB (bound: 64 MB of outputs)`);
      const got = snapshot(last!);
      got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= 1e-4 * (1 + Math.abs(want[i]!)), `element ${i}: ${v} vs ${want[i]}`));
      assert.ok(residentFloats() > 0);
      emptyCache();
      assert.equal(residentFloats(), 0, 'emptyCache moved the activations out');
      assert.deepEqual(snapshot(last!), got, 'values kept');
      assert.ok(k.allocStats().liveBytes <= before + 2 ** 20, 'and their blocks are free again');
    });
  });
});
