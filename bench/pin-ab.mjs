// Pinned vs unpinned parameters in one process, same build, same worker pool, blocks interleaved (so both
// see the same machine load): the MLP step of bench/workloads.ts with SGD (or Adam, or SGD with momentum),
// once as is (the optimizer pins its parameters and state) and once with Backend.pin disabled.
//   node --experimental-wasm-relaxed-simd bench/pin-ab.mjs [sgd|adam|momentum] [threads] [rounds=9]
// 200 warm-up steps each, then `rounds` blocks of 100 steps alternating (order flipped every block);
// prints the median ms per step of each and their ratio as one JSON line.
import * as ts from '../dist/src/index.js';
import { SGD, Adam } from '../dist/src/optim/index.js';
import { crossEntropy } from '../dist/src/nn/functional-loss.js';
import { linear } from '../dist/src/nn/functional.js';

const [opt = 'sgd', threads = '2', rounds = '9'] = process.argv.slice(2);
ts.setNumThreads(Number(threads));
await ts.threadsReady();
const be = ts.getBackend();

/** One MLP step; with pin = false, Backend.pin is disabled while it builds and runs (state is created at step 1). */
function mlp(pin) {
  const guard = (fn) => () => { if (!pin) be.pin = () => null; try { return fn(); } finally { delete be.pin; } };
  return guard(() => {
    ts.manualSeed(0);
    const x = ts.randn([64, 784]);
    const y = ts.randint(0, 10, [64], { dtype: 'int32' });
    const param = (shape, s) => ts.randn(shape).mul(s).requiresGrad_();
    const w1 = param([256, 784], 1 / 28), b1 = param([256], 0.01), w2 = param([10, 256], 1 / 16), b2 = param([10], 0.01);
    const o = opt === 'adam' ? new Adam([w1, b1, w2, b2], { lr: 1e-3 }) : new SGD([w1, b1, w2, b2], { lr: 0.01, momentum: opt === 'momentum' ? 0.9 : 0 });
    const step = guard(() => {
      o.zeroGrad();
      crossEntropy(linear(linear(x, w1, b1).relu(), w2, b2), y).backward();
      o.step();
    });
    step.check = () => [w1, b1, w2, b2].map((p) => p.sum().item());
    step.pinned = w1.storage.data.buffer instanceof SharedArrayBuffer;
    return step;
  })();
}

const A = mlp(true), B = mlp(false);
for (let i = 0; i < 200; i++) { A(); B(); }
const t = { A: [], B: [] };
for (let r = 0; r < Number(rounds); r++) {
  for (const k of r & 1 ? ['B', 'A'] : ['A', 'B']) {
    const s = k === 'A' ? A : B;
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) s();
    t[k].push((performance.now() - t0) / 100);
  }
}
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const same = JSON.stringify(A.check()) === JSON.stringify(B.check());
console.log(JSON.stringify({ opt, threads: ts.getNumThreads(), pinned: +med(t.A).toFixed(4), unpinned: +med(t.B).toFixed(4),
  ratio: +(med(t.A) / med(t.B)).toFixed(3), pinnedActive: A.pinned, sameValues: same }));
