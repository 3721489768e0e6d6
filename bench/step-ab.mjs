// Timing of one training step from one or two builds (dist directories), for A/B comparisons:
//   node --experimental-wasm-relaxed-simd bench/step-ab.mjs <mlp|mlp-adam|mlp-momentum|transformer> <threads> <distA> [distB]
//   node --experimental-wasm-relaxed-simd bench/step-ab.mjs <workload> <threads> <dist> --patch <file> <from> <to> [--patch ...] [--blocks N]
//   node --experimental-wasm-relaxed-simd bench/step-ab.mjs <workload> <threads> <dist> --preset <name> [--blocks N]
// After a warm-up of 200 steps and then up to 1500 within 2 s (V8 keeps optimising a step's JavaScript
// for about 1000-1500 calls: see STEP_WARMUP in bench/run.ts), 9 (--blocks) blocks of 100 steps (with two builds in one process the blocks alternate A, B,
// order flipped every block, so both see the same machine load; with threads > 1 prefer one build per process,
// run alternately, since two worker pools in one process disturb each other). Prints the median ms per step.
// With --patch, one copy of the build (in a temporary directory) has `from` replaced by `to` in <file>
// (a path inside dist); `to` reads globalThis.__AB, false in A's blocks and true in B's, so both paths run
// in one process with one pool. The host's slow spells last tens of seconds, longer than a process, so this
// is the A/B that holds up: an A/A run's B ÷ A stays within ±1.5% with --blocks 30, ±6% with 9
// (bench/RESULTS.md, stop 13). Also prints the median over block pairs of B's time ÷ A's.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { patchedDist } from './patched-dist.mjs';

const argv = process.argv.slice(2);
const blocksAt = argv.indexOf('--blocks');
const blocks = blocksAt >= 0 ? Number(argv.splice(blocksAt, 2)[1]) : 9;
if (!(blocks >= 1)) throw new Error('step-ab: --blocks takes a positive count');
// Named patches for experiments bench/RESULTS.md records. They make B compute wrong values where noted:
// they measure what a cost would be without a mechanism, and are never a candidate change.
const MOVE_OUT = 'function moveOut(st, view) {\n    resident.delete(st);';
const PRESETS = {
  // Activations moved out of the shared memory at the end of a backward pass land in a ring of 96
  // preallocated arrays per length instead of fresh ones (copy kept): what the fresh arrays cost (their
  // allocation and the GC it drives). Tensors older than 96 moves of their length read another's values.
  'moves-ring': [['src/autograd/pinned.js', MOVE_OUT, 'const ring = new Map();\n' + MOVE_OUT + `
    if (globalThis.__AB) {
      let r = ring.get(view.length);
      if (!r) ring.set(view.length, r = { i: 0, a: Array.from({ length: 96 }, () => new Float32Array(view.length)) });
      const d = r.a[r.i++ % 96];
      d.set(view);
      st.data = d;
      return view;
    }`]],
  // The moves skipped altogether: the Storage keeps the pinned view, which is reused (wrong values).
  'moves-none': [['src/autograd/pinned.js', MOVE_OUT, MOVE_OUT + ' if (globalThis.__AB) return view;']],
};
const patches = [];
for (let i = argv.indexOf('--preset'); i >= 0; i = argv.indexOf('--preset')) {
  const name = argv.splice(i, 2)[1];
  if (!PRESETS[name]) throw new Error(`step-ab: no preset ${name} (have ${Object.keys(PRESETS).join(', ')})`);
  patches.push(...PRESETS[name]);
}
for (let i = argv.indexOf('--patch'); i >= 0; i = argv.indexOf('--patch')) {
  if (i + 3 >= argv.length) throw new Error('step-ab: --patch takes <file> <from> <to>');
  patches.push(argv.splice(i, 4).slice(1));
}
const [workload = 'mlp', threads = '2', distArg, distB] = argv;
if (patches.length && distB) throw new Error('step-ab: --patch compares two paths of one build; give one dist');
const distA = patches.length ? patchedDist(distArg, patches, 'step-ab') : distArg;

async function build(dist) {
  const url = pathToFileURL(resolve(dist)).href;
  const ts = await import(`${url}/src/index.js`);
  const { SGD, Adam } = await import(`${url}/src/optim/index.js`);
  const { crossEntropy } = await import(`${url}/src/nn/functional-loss.js`);
  const { linear } = await import(`${url}/src/nn/functional.js`);
  const { BUILDERS } = await import(`${url}/bench/workloads.js`);
  ts.setNumThreads(Number(threads));
  await ts.threadsReady();
  const mlp = (Opt, opts) => {
    ts.manualSeed(0);
    const x = ts.randn([64, 784]);
    const y = ts.randint(0, 10, [64], { dtype: 'int32' });
    const param = (shape, s) => ts.randn(shape).mul(s).requiresGrad_();
    const w1 = param([256, 784], 1 / 28), b1 = param([256], 0.01), w2 = param([10, 256], 1 / 16), b2 = param([10], 0.01);
    const opt = new Opt([w1, b1, w2, b2], opts);
    const step = () => {
      opt.zeroGrad();
      crossEntropy(linear(linear(x, w1, b1).relu(), w2, b2), y).backward();
      opt.step();
    };
    step.check = () => [w1, b1, w2, b2].map((p) => p.sum().item());
    return step;
  };
  const step = workload === 'mlp' ? mlp(SGD, { lr: 0.01 }) : workload === 'mlp-adam' ? mlp(Adam, { lr: 1e-3 })
    : workload === 'mlp-momentum' ? mlp(SGD, { lr: 0.01, momentum: 0.9 }) : BUILDERS[workload]();
  return { step, threads: ts.getNumThreads() };
}

const A = await build(distA);
// With --patch, B is A's step with globalThis.__AB set.
const B = patches.length ? { ...A, flag: true } : distB ? await build(distB) : null;
const run = (side, n) => { globalThis.__AB = side.flag === true; for (let i = 0; i < n; i++) side.step(); };
const warm = (side) => { const t0 = performance.now(); for (let i = 0; i < 200 || (i < 1500 && performance.now() - t0 < 2000); i += 10) { run(side, 10); if (patches.length) run(B, 10); } };
warm(A);
if (B && !patches.length) warm(B);
const times = { A: [], B: [] };
for (let b = 0; b < blocks; b++) {
  for (const k of !B ? ['A'] : b & 1 ? ['B', 'A'] : ['A', 'B']) {
    const t0 = performance.now();
    run(k === 'A' ? A : B, 100);
    times[k].push((performance.now() - t0) / 100);
  }
}
const med = (a) => +[...a].sort((x, y) => x - y)[a.length >> 1].toFixed(4);
const pairs = B ? { BoverA: med(times.B.map((t, i) => t / times.A[i])) } : {};
globalThis.__AB = false;
console.log(JSON.stringify({ workload, threads: A.threads, A: med(times.A), ...(B ? { B: med(times.B), ...pairs } : {}), checkA: A.step.check?.(), ...(B && !patches.length ? { checkB: B.step.check?.() } : {}) }));
