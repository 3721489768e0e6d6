// The engine recycles gradient buffers it proves dead (src/tensor/buffer-pool.ts): whatever a user can
// still reach — hooks' arguments, retained grads, grad() results, leaf grads — must keep its values
// while later passes reuse pooled buffers. Tensors here are large enough (≥ 16384 float32) to be pooled.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyCache, grad, pooledBufferBytes, randn } from '../../src/index.js';
import { SGD } from '../../src/optim/index.js';
import type { Tensor } from '../../src/index.js';
import { record } from '../../src/ops/define.js';
import { FreeLists, recycleFloat32, takeFloat32 } from '../../src/tensor/buffer-pool.js';
import { forEachBackend } from '../helpers.js';

const snapshot = (t: Tensor): number[] => Array.from(t.toTypedArray() as Float32Array);

/** Runs `n` more forward/backward passes over fresh tensors of the same sizes, churning the pool. */
function churn(n: number): void {
  for (let i = 0; i < n; i++) {
    const a = randn([128, 256]).requiresGrad_();
    const w = randn([256, 256]).requiresGrad_();
    a.matmul(w).tanh().matmul(w.t()).mul(a).sum().backward();
  }
}

forEachBackend((backend) => describe(`autograd/buffer recycling [${backend}]`, () => {
  it('recycles the gradients that die inside a pass, and reuses them in the next', () => {
    emptyCache();
    churn(1);
    assert.ok(pooledBufferBytes() > 0, 'a pass over 32k-element tensors leaves dead gradient buffers in the pool');
    const before = pooledBufferBytes();
    churn(3);
    assert.ok(pooledBufferBytes() <= before + 1024 * 1024, 'later passes of the same sizes take from the pool instead of growing it');
  });

  it('gradients seen by hooks, retainGrad and grad() keep their values while later passes reuse the pool', () => {
    const x = randn([128, 256]).requiresGrad_();
    const w = randn([256, 256]).requiresGrad_();
    const h = x.matmul(w);
    h.retainGrad();
    const t = h.tanh();
    let hooked: Tensor | null = null;
    t.registerHook((g) => { hooked = g; });
    const y = t.matmul(w.t());
    y.mul(y).sum().backward();
    const keep = [x.grad!, w.grad!, h.grad!, hooked!];
    const values = keep.map(snapshot);
    churn(4);
    keep.forEach((k, i) => assert.deepEqual(snapshot(k), values[i], `tensor ${i} changed after later passes`));

    const a = randn([128, 256]).requiresGrad_();
    const [ga] = grad(a.tanh().mul(a).sum(), [a]);
    const gv = snapshot(ga!);
    churn(4);
    assert.deepEqual(snapshot(ga!), gv, 'grad() result changed after later passes');
  });

  it('a gradient handed to several inputs (x + x, x * x, views of one buffer) is counted once per holder', () => {
    const x = randn([128, 256]).requiresGrad_();
    const [p, q] = x.split(128, 1);
    const y = x.add(x).mul(x).add(p.repeat([1, 2])).add(q.repeat([1, 2])).reshape([256, 128]).t();
    y.pow(2).sum().backward();
    const want = (() => {
      const xd = x.detach();
      const yd = xd.add(xd).mul(xd).add(xd.narrow(1, 0, 128).repeat([1, 2])).add(xd.narrow(1, 128, 128).repeat([1, 2]));
      // d/dx Σ y² with y = 2x² + [p, p] + [q, q]: 2y·4x, plus 2·(y[:, :128] + y[:, 128:]) on each half
      const s = yd.narrow(1, 0, 128).add(yd.narrow(1, 128, 128));
      return yd.mul(xd).mul(8).add(s.repeat([1, 2]).mul(2));
    })();
    const got = snapshot(x.grad!), exp = snapshot(want);
    for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i]! - exp[i]!) <= 1e-3 * (1 + Math.abs(exp[i]!)), `grad[${i}] = ${got[i]}, expected ${exp[i]}`);
  });

  it('a backward that hands on a tensor made before the pass (saved, constant) never recycles it', () => {
    const constant = randn([128, 256]);
    const kept = snapshot(constant);
    const x = randn([128, 256]).requiresGrad_();
    const x2 = x.mul(3);
    // An op whose gradient is a tensor that existed before backward (here: a constant), as a view; it
    // flows into mul's backward (not a leaf), which consumes it.
    const y = record(x2.detach().add(0), 'constantGrad', [x2], () => [constant.reshape([256, 128]).t().t().reshape([128, 256])]);
    y.mul(2).tanh().sum().backward();
    churn(3);
    assert.deepEqual(snapshot(constant), kept);
    assert.deepEqual(snapshot(x.grad!), kept.map((v) => Math.fround(v * 3)));
  });

  it('split pieces that tile their base are copied in place; unused or overlapping pieces still add up over zeros', () => {
    churn(2); // the pool now holds used buffers of this size
    const x = randn([64, 768]).requiresGrad_();
    const [q, k, v] = x.split(256, 1);
    q!.mul(2).add(k!.mul(3)).add(v!.mul(4)).sum().backward();
    const g = snapshot(x.grad!);
    for (let i = 0; i < g.length; i++) assert.equal(g[i], [2, 3, 4][Math.floor((i % 768) / 256)], `all three pieces, [${i}]`);
    x.grad = null;
    churn(2);
    const [a, , c] = x.split(256, 1); // the middle piece gets no gradient: its region must be zero
    a!.mul(2).add(c!.mul(4)).sum().backward();
    const g2 = snapshot(x.grad!);
    for (let i = 0; i < g2.length; i++) assert.equal(g2[i], [2, 0, 4][Math.floor((i % 768) / 256)], `outer pieces, [${i}]`);
    x.grad = null;
    churn(2);
    x.narrow(1, 0, 512).mul(2).add(x.narrow(1, 256, 512)).sum().backward(); // overlapping narrows
    const g3 = snapshot(x.grad!);
    for (let i = 0; i < g3.length; i++) assert.equal(g3[i], [2, 3, 1][Math.floor((i % 768) / 256)], `overlapping narrows, [${i}]`);
  });

  it('a leaf gradient nobody read is recycled when zeroGrad drops it; one read through .grad is not', () => {
    const w = randn([256, 256]).requiresGrad_();
    const opt = new SGD([w], { lr: 0.01 });
    const x = randn([64, 256]);
    const step = () => { opt.zeroGrad(); x.matmul(w.t()).tanh().sum().backward(); opt.step(); };
    step();
    // w's gradient was made by autograd and never read: zeroGrad hands its buffer back (to the plain pool,
    // or to the backend's pinned pool when w is pinned), and the next step's gradient is written into it.
    const buf = w._grad!.storage.data; // internal access: does not count as a read
    step();
    assert.equal(w._grad!.storage.data, buf, 'the unread gradient buffer is reused by the next step');

    const seen = w.grad!; // read by user code: it may be kept anywhere now
    const kept = snapshot(seen);
    step();
    assert.notEqual(w._grad!.storage.data, seen.storage.data, 'a gradient user code has read is not reused');
    for (let i = 0; i < 3; i++) { step(); churn(1); }
    assert.deepEqual(snapshot(seen), kept, 'the gradient user code kept is unchanged by later steps');

    const viaSetter = w.grad!;
    const v2 = snapshot(viaSetter);
    w.grad = null; // user code drops it after reading: still not reused
    for (let i = 0; i < 3; i++) { step(); churn(1); }
    assert.deepEqual(snapshot(viaSetter), v2);
  });

  it('retainGraph: a second backward over the same graph gives the same gradients', () => {
    const x = randn([128, 256]).requiresGrad_();
    const w = randn([256, 256]).requiresGrad_();
    const loss = x.matmul(w).tanh().matmul(w.t()).sum();
    loss.backward(null, { retainGraph: true });
    const first = snapshot(w.grad!);
    w.grad = null;
    churn(2);
    loss.backward();
    assert.deepEqual(snapshot(w.grad!), first);
  });
}));

describe('buffer pool: bounded free lists', () => {
  it('past the bound the least recently pooled buffers go first, to the drop callback; one larger than the bound is refused', () => {
    const lists = new FreeLists();
    const dropped: Float32Array[] = [];
    const drop = (a: Float32Array) => dropped.push(a);
    const a = new Float32Array(100), b = new Float32Array(200), c = new Float32Array(100), d = new Float32Array(300);
    assert.ok(lists.push(a, 2400, drop) && lists.push(b, 2400, drop) && lists.push(c, 2400, drop));
    assert.equal(lists.bytes, 1600);
    assert.ok(lists.push(d, 2400, drop)); // 2800 bytes: a (the oldest) goes
    assert.deepEqual(dropped, [a]);
    assert.equal(lists.bytes, 2400);
    assert.equal(lists.pop(100), c, 'c is still held');
    assert.equal(lists.pop(100), null, 'a was dropped');
    assert.equal(lists.push(new Float32Array(700), 2400, drop), false, 'larger than the bound');
    assert.equal(lists.bytes, 2000);
    // Popping and pushing back a length keeps it recent: a length still in use outlives one that is not.
    lists.push(c, 2400, drop);                  // b, d, c
    assert.equal(lists.pop(200), b); lists.push(b, 2400, drop); // d, c, b
    lists.push(new Float32Array(200), 2400, drop); // over the bound by 400: d (1200 bytes) goes
    assert.deepEqual(dropped, [a, d]);
    assert.equal(lists.pop(300), null);
    assert.equal(lists.pop(200)!.length, 200);
    lists.clear(drop);
    assert.equal(lists.bytes, 0);
    assert.equal(lists.pop(100), null);
  });

  it('arrays of a length no longer in use do not keep recycled arrays of the lengths in use out of the pool', () => {
    emptyCache();
    try {
      // Fill the plain-array pool (64 MB) with 4 MB arrays, as a few large outputs of an earlier workload would.
      for (let i = 0; i < 17; i++) recycleFloat32(new Float32Array(1 << 20));
      const before = pooledBufferBytes();
      assert.ok(before >= 60 * 2 ** 20, `the pool should be full: ${before} bytes`);
      const fresh = new Float32Array(50000);
      recycleFloat32(fresh);
      assert.equal(takeFloat32(50000), fresh, 'a full pool turned away the recycled array');
    } finally {
      emptyCache();
    }
  });
});
