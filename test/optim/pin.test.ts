// Optimizers pin their float32 parameters and fused-update state into the wasm backend's shared memory
// (src/optim/optimizer.ts pinStorage, Backend.pin): values identical to unpinned training, views follow,
// checkpoints byte-identical, state dicts round-trip, thread-count changes stay correct, memory is reclaimed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Tensor, getBackend, getNumThreads, manualSeed, randn, setNumThreads, threadsReady } from '../../src/index.js';
import { kernelsOwning } from '../../src/backend/wasm/kernels.js';
import { saveCheckpoint, saveCheckpointSync, saveSafetensors, saveSafetensorsSync, loadSafetensorsSync } from '../../src/io/node.js';
import { Linear } from '../../src/nn/linear.js';
import { Module } from '../../src/nn/module.js';
import { crossEntropy } from '../../src/nn/functional-loss.js';
import * as optim from '../../src/optim/index.js';
import { pinStorage } from '../../src/optim/optimizer.js';
import { tempDir, withBackend } from '../helpers.js';

const isPinned = (t: Tensor) => kernelsOwning(t.storage.data as Float32Array) !== null;
/** Whether this engine pins at all (shared memory available); tests of values run either way. */
const canPin = () => withBackend('wasm', () => getBackend().pin(new Float32Array(1024), {}) !== null);

/** Runs fn with Backend.pin disabled (the reference: the same kernels on plain arrays). */
function unpinned<T>(fn: () => T): T {
  const be = getBackend() as { pin: unknown };
  be.pin = () => null;
  try { return fn(); } finally { delete be.pin; }
}

class Mlp extends Module {
  fc1 = new Linear(64, 300);
  fc2 = new Linear(300, 10);
  forward(x: Tensor) { return this.fc2.forward(this.fc1.forward(x).relu()); }
}

/** Parameters after `steps` steps of optimizer `name` on a small MLP (GEMM, bias and tiny bias). */
function train(name: string, opts: Record<string, unknown>, steps = 5): { params: Float32Array[]; model: Mlp; opt: optim.Optimizer } {
  manualSeed(3);
  const model = new Mlp();
  const x = randn([32, 64]), y = randn([32, 10]).argmax(1);
  const Opt = (optim as unknown as Record<string, new (p: unknown, o: unknown) => optim.Optimizer>)[name]!;
  const opt = new Opt(model.parameters(), opts);
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    crossEntropy(model.forward(x), y).backward();
    opt.step();
  }
  return { params: [...model.parameters()].map((p) => (p.storage.data as Float32Array).slice()), model, opt };
}

const CASES: [string, Record<string, unknown>][] = [
  ['SGD', { lr: 0.05 }],
  ['SGD', { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }],
  ['Adam', { lr: 1e-3 }],
  ['AdamW', { lr: 1e-3, weightDecay: 0.1 }],
  ['RMSprop', { lr: 1e-3, momentum: 0.5 }],
];

describe('optim: pinned parameters and state', () => {
  for (const [name, opts] of CASES) {
    it(`${name} ${JSON.stringify(opts)}: pinned training equals unpinned bit for bit`, () => withBackend('wasm', () => {
      const want = unpinned(() => train(name, opts)).params;
      const got = train(name, opts);
      assert.deepEqual(got.params, want);
      if (!canPin()) return;
      const [w1, b1, w2, b2] = [...got.model.parameters()] as [Tensor, Tensor, Tensor, Tensor];
      assert.ok(isPinned(w1) && isPinned(b1) && isPinned(w2), 'weights and the 300-float bias are pinned');
      assert.ok(!isPinned(b2), 'a 10-float bias is below the threshold: not pinned');
      const st = got.opt.state.get(w1) as Record<string, unknown>;
      const stateTensors = Object.values(st).filter((v): v is Tensor => !!v && typeof v === 'object' && 'storage' in v);
      const fused = name !== 'RMSprop';
      for (const t of stateTensors) assert.equal(isPinned(t), fused, `${name} state pinned only with a fused update`);
    }));
  }

  it('views and detached tensors sharing the Storage follow; float64 and the js backend are left alone', () => {
    withBackend('wasm', () => {
      const p = randn([40, 50]).requiresGrad_();
      const view = p.detach().view([2000]);
      const before = view.toFlatArray();
      const d = randn([40, 50], { dtype: 'float64' }).requiresGrad_();
      new optim.SGD([p, d], { lr: 0.1 });
      assert.equal(view.storage.data, p.storage.data);
      assert.deepEqual(view.toFlatArray(), before);
      assert.ok(d.storage.data instanceof Float64Array && !kernelsOwning(d.storage.data as never));
      if (canPin()) assert.ok(isPinned(view));
    });
    withBackend('js', () => {
      const p = randn([40, 50]).requiresGrad_();
      new optim.Adam([p]);
      assert.ok(!isPinned(p));
    });
  });

  it('switching to the js backend after pinning: JS kernels update the pinned arrays correctly', () => {
    const run = (pin: boolean) => {
      manualSeed(4);
      const p = randn([64, 100]).requiresGrad_(), g = randn([64, 100]);
      const opt = withBackend('wasm', () => (pin ? new optim.Adam([p]) : unpinned(() => new optim.Adam([p]))));
      withBackend('js', () => { for (let i = 0; i < 3; i++) { p.grad = g; opt.step(); } });
      withBackend('wasm', () => { p.grad = g; opt.step(); });
      return { data: (p.storage.data as Float32Array).slice(), pinned: isPinned(p) };
    };
    const a = run(true), b = run(false);
    assert.deepEqual(a.data, b.data);
    assert.equal(a.pinned, canPin());
    assert.ok(!b.pinned);
  });

  it('fused steps run in place on the pinned parameter and state (the kernel gets their own addresses)', () => withBackend('wasm', () => {
    if (!canPin()) return;
    const p = randn([100, 100]).requiresGrad_(), q = randn([100, 100]).requiresGrad_();
    const sgd = new optim.SGD([p], { lr: 0.1, momentum: 0.9 }), adam = new optim.Adam([q]);
    for (const [t, opt] of [[p, sgd], [q, adam]] as const) { t.grad = randn([100, 100]); opt.step(); }
    const k = kernelsOwning(p.storage.data as Float32Array)!;
    assert.equal(kernelsOwning(q.storage.data as Float32Array), k);
    const ex = k.exports, calls: number[][] = [];
    const mut = k as { exports: typeof ex };
    mut.exports = { ...ex,
      sgdStep: (...a: Parameters<typeof ex.sgdStep>) => { calls.push(a.slice(0, 3)); ex.sgdStep(...a); },
      adamStep: (...a: Parameters<typeof ex.adamStep>) => { calls.push(a.slice(0, 4)); ex.adamStep(...a); } };
    try {
      for (const [t, opt] of [[p, sgd], [q, adam]] as const) { t.grad = randn([100, 100]); opt.step(); }
    } finally { mut.exports = ex; }
    const addr = (t: Tensor) => (t.storage.data as Float32Array).byteOffset;
    const ps = sgd.state.get(p) as unknown as { momentumBuffer: Tensor }, qs = adam.state.get(q) as unknown as { expAvg: Tensor; expAvgSq: Tensor };
    assert.equal(calls.length, 2);
    assert.equal(calls[0]![0], addr(p)); assert.equal(calls[0]![2], addr(ps.momentumBuffer));
    assert.equal(calls[1]![0], addr(q)); assert.equal(calls[1]![2], addr(qs.expAvg)); assert.equal(calls[1]![3], addr(qs.expAvgSq));
  }));

  it('pinning twice (two optimizers over one parameter) copies once', () => withBackend('wasm', () => {
    const p = randn([100, 100]).requiresGrad_();
    new optim.SGD([p]);
    const data = p.storage.data;
    new optim.Adam([p]);
    pinStorage(p);
    assert.equal(p.storage.data, data);
  }));

  it('safetensors and checkpoints of pinned parameters and state are byte-identical to unpinned ones', () => withBackend('wasm', () => {
    const dir = tempDir('pin');
    const a = train('Adam', { lr: 1e-3 }, 2);
    const b = unpinned(() => train('Adam', { lr: 1e-3 }, 2));
    if (canPin()) assert.ok(isPinned(a.model.fc1.weight) && !isPinned(b.model.fc1.weight));
    saveSafetensorsSync(a.model, join(dir, 'a.safetensors'));
    saveSafetensorsSync(b.model, join(dir, 'b.safetensors'));
    assert.ok(readFileSync(join(dir, 'a.safetensors')).equals(readFileSync(join(dir, 'b.safetensors'))));
    saveCheckpointSync(join(dir, 'a.ckpt'), { model: a.model, optimizer: a.opt, epoch: 1 });
    saveCheckpointSync(join(dir, 'b.ckpt'), { model: b.model, optimizer: b.opt, epoch: 1 });
    assert.ok(readFileSync(join(dir, 'a.ckpt')).equals(readFileSync(join(dir, 'b.ckpt'))));
    // Loading into a pinned model writes in place: the parameter stays pinned and takes the values.
    const c = train('SGD', { lr: 0.1 }, 0);
    c.model.loadStateDict(loadSafetensorsSync(join(dir, 'a.safetensors')).tensors);
    assert.deepEqual([...c.model.parameters()].map((p) => (p.storage.data as Float32Array).slice()), a.params);
    if (canPin()) assert.ok(isPinned(c.model.fc1.weight));
  }));

  it('the async writers (streamed to disk) give the same bytes for pinned data', async () => {
    const dir = tempDir('pin');
    const { a, b } = withBackend('wasm', () => ({ a: train('SGD', { lr: 0.1, momentum: 0.9 }, 2), b: unpinned(() => train('SGD', { lr: 0.1, momentum: 0.9 }, 2)) }));
    for (const [name, x] of [['a', a], ['b', b]] as const) {
      await saveSafetensors(x.model, join(dir, `${name}.safetensors`));
      await saveCheckpoint(join(dir, `${name}.ckpt`), { model: x.model, optimizer: x.opt });
    }
    assert.ok(readFileSync(join(dir, 'a.safetensors')).equals(readFileSync(join(dir, 'b.safetensors'))));
    assert.ok(readFileSync(join(dir, 'a.ckpt')).equals(readFileSync(join(dir, 'b.ckpt'))));
  });

  it('one thread (TSGRAD_NUM_THREADS=1: no pool): training equals the unpinned run', () => {
    const entry = fileURLToPath(new URL('../../src/index.js', import.meta.url));
    const optimEntry = fileURLToPath(new URL('../../src/optim/index.js', import.meta.url));
    const nnEntry = fileURLToPath(new URL('../../src/nn/functional.js', import.meta.url));
    const kEntry = fileURLToPath(new URL('../../src/backend/wasm/kernels.js', import.meta.url));
    const script = `import * as t from ${JSON.stringify(entry)}; import * as o from ${JSON.stringify(optimEntry)};
      import { linear } from ${JSON.stringify(nnEntry)}; import { kernelsOwning } from ${JSON.stringify(kEntry)};
      t.setBackend('wasm');
      const run = (pin) => {
        const be = t.getBackend();
        if (!pin) be.pin = () => null;
        t.manualSeed(1);
        const w = t.randn([256, 300]).mul(0.05).requiresGrad_(), x = t.randn([64, 300]);
        const opt = new o.Adam([w], { lr: 1e-2 });
        for (let i = 0; i < 3; i++) { opt.zeroGrad(); linear(x, w).tanh().sum().backward(); opt.step(); }
        delete be.pin;
        return { sum: Array.from(w.storage.data.slice(0, 2000)), pinned: !!kernelsOwning(w.storage.data) };
      };
      const a = run(true), b = run(false);
      console.log(JSON.stringify({ same: JSON.stringify(a.sum) === JSON.stringify(b.sum), pinned: a.pinned, threads: t.getNumThreads() }));`;
    const out = execFileSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--input-type=module', '-e', script],
      { encoding: 'utf8', timeout: 60000, env: { ...process.env, TSGRAD_NUM_THREADS: '1' } }).trim();
    const r = JSON.parse(out) as { same: boolean; pinned: boolean; threads: number };
    assert.equal(r.threads, 1);
    assert.ok(r.same, 'pinned and unpinned training agree bit for bit on one thread');
  });

  it('state dict round trip: loaded state is pinned and training continues identically', () => withBackend('wasm', () => {
    const a = train('AdamW', { lr: 1e-3 }, 3);
    const b = train('AdamW', { lr: 1e-3 }, 0);
    for (const [pa, pb] of [...a.model.parameters()].map((p, i) => [p, [...b.model.parameters()][i]!] as const)) (pb.storage.data as Float32Array).set(pa.storage.data as Float32Array);
    b.opt.loadStateDict(a.opt.stateDict());
    if (canPin()) assert.ok(isPinned((b.opt.state.get(b.model.fc1.weight) as { expAvg: Tensor }).expAvg));
    const x = randn([32, 64]), y = randn([32, 10]).argmax(1);
    for (const { model, opt } of [a, b]) {
      opt.zeroGrad();
      crossEntropy(model.forward(x), y).backward();
      opt.step();
    }
    assert.deepEqual([...b.model.parameters()].map((p) => (p.storage.data as Float32Array).slice()), [...a.model.parameters()].map((p) => (p.storage.data as Float32Array).slice()));
  }));

  it('setNumThreads replaces the shared instance: parameters pinned in the old one stay correct', async () => {
    const prev = getNumThreads();
    try {
      await withBackend('wasm', async () => {
        setNumThreads(2);
        await threadsReady();
        manualSeed(5);
        const p = randn([256, 300]).requiresGrad_(), ref = (p.storage.data as Float32Array).slice();
        const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.9 });
        const owner = kernelsOwning(p.storage.data as Float32Array);
        const grads = [1, 2, 3, 4].map(() => randn([256, 300]));
        const refP = ref.slice(), refBuf = new Float32Array(ref.length);
        for (const [i, n] of [2, 1, 2, 1].entries()) {
          setNumThreads(n);
          // A large GEMM reading the pinned parameter (maybe from an old instance) is right, too.
          const y = p.detach().matmul(grads[0]!.T);
          const want = withBackend('js', () => p.detach().matmul(grads[0]!.T));
          assert.ok(y.sub(want).abs().max().item() < 1e-3, `GEMM after setNumThreads(${n})`);
          p.grad = grads[i]!;
          opt.step();
          const g = grads[i]!.storage.data as Float32Array;
          for (let j = 0; j < refP.length; j++) {
            refBuf[j] = i === 0 ? g[j]! : Math.fround(Math.fround(0.9 * refBuf[j]!) + g[j]!);
            refP[j] = Math.fround(refP[j]! - Math.fround(0.1 * refBuf[j]!));
          }
        }
        assert.ok(owner === null || kernelsOwning(p.storage.data as Float32Array) === owner, 'the data stays where it was pinned');
        const got = p.storage.data as Float32Array;
        let maxErr = 0;
        for (let j = 0; j < got.length; j++) maxErr = Math.max(maxErr, Math.abs(got[j]! - refP[j]!));
        assert.ok(maxErr < 1e-5, `max error ${maxErr}`);
      });
    } finally { setNumThreads(prev); }
  });

  it('blocks of optimizers created in a loop are reclaimed by garbage collection', () => {
    const entry = fileURLToPath(new URL('../../src/index.js', import.meta.url));
    const optimEntry = fileURLToPath(new URL('../../src/optim/index.js', import.meta.url));
    const kEntry = fileURLToPath(new URL('../../src/backend/wasm/kernels.js', import.meta.url));
    const script = `import * as t from ${JSON.stringify(entry)}; import * as o from ${JSON.stringify(optimEntry)};
      import { kernelsOwning } from ${JSON.stringify(kEntry)};
      t.setBackend('wasm');
      let k = null, peak = 0;
      const live = () => k ? k.allocStats().liveBytes : 0;
      for (let i = 0; i < 60; i++) {
        const p = t.randn([1000, 250]).requiresGrad_();
        const opt = new o.Adam([p]);
        p.grad = t.randn([1000, 250]); opt.step();
        k ??= kernelsOwning(p.storage.data);
        if (!k) { console.log('nopin'); process.exit(0); }
        if (i % 10 === 9) { globalThis.gc(); await new Promise((r) => setTimeout(r, 10)); }
        peak = Math.max(peak, k.memory.buffer.byteLength);
      }
      for (let i = 0; i < 3; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 20)); }
      console.log(JSON.stringify({ live: live(), peak }));`;
    const out = execFileSync(process.execPath, ['--expose-gc', '--experimental-wasm-relaxed-simd', '--input-type=module', '-e', script],
      { encoding: 'utf8', timeout: 60000, env: { ...process.env, TSGRAD_NUM_THREADS: '2' } }).trim();
    if (out === 'nopin') { assert.ok(!canPin(), 'the child pinned nothing although shared memory exists'); return; }
    const { live, peak } = JSON.parse(out) as { live: number; peak: number };
    const perOpt = 3 * 1e6; // p, m, v: 250k floats each
    assert.ok(live < 4 * perOpt, `live bytes after GC ${live}: blocks of dead optimizers were not freed`);
    assert.ok(peak < 30 * perOpt, `memory peaked at ${peak} bytes for 60 optimizers of ${perOpt}: freed blocks are not reused`);
  });
});
