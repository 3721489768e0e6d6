// Where a training step's time goes, op by op: every kernel call the step makes on the backend
// (matmul, binary, unary, reduce, softmax, layer norm and their backward passes, strided copies) is timed
// from the calling thread, wall clock, and grouped by op and layout (GEMM shape and operand strides,
// elementwise op and length). Prints, in the order the step first makes them, µs per step and calls per
// step, then the time outside these calls (autograd bookkeeping, activations moved out, GC).
// The timing wrappers cost about 1 µs per call, so totals run a little over an unwrapped step.
//   npm run build && node --experimental-wasm-relaxed-simd bench/step-ops.mjs <mlp|conv|transformer> [threads] [steps] [dist]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [workload = 'transformer', threads = '2', stepsArg = '1000', distArg = 'dist'] = process.argv.slice(2);
const steps = Number(stepsArg);
if (!(steps >= 1)) throw new Error('step-ops: steps must be a positive count');
const url = pathToFileURL(resolve(distArg)).href;
const ts = await import(`${url}/src/index.js`);
const { BUILDERS } = await import(`${url}/bench/workloads.js`);
if (!BUILDERS[workload]) throw new Error(`step-ops: no workload ${workload} (have ${Object.keys(BUILDERS).join(', ')})`);
ts.setNumThreads(Number(threads));
await ts.threadsReady();
const step = BUILDERS[workload]();
// V8 keeps optimising a step's JavaScript for about 1000-1500 calls (bench/run.ts STEP_WARMUP).
for (let i = 0; i < 1500; i++) step();

const be = ts.getBackend();
const strides = (v) => `${v.shape}/${v.strides}`;
const KEYS = {
  matmul: (a) => `matmul ${a[8]}x${a[9]}x${a[10]}${a[1].length > 1 ? ` batch ${a[1].length}` : ''} a strides (${a[2]},${a[3]}) b strides (${a[6]},${a[7]})`,
  binary: (a) => `binary ${a[0]} ${a[3].length} a [${strides(a[1])}] b [${strides(a[2])}]`,
  unary: (a) => `unary ${a[0]} ${a[2].length} [${strides(a[1])}]`,
  reduce: (a) => `reduce ${a[0]} outer ${a[2]} size ${a[3]} inner ${a[4]}`,
  softmax: (a) => `softmax ${a[1]}x${a[2]}`,
  softmaxBackward: (a) => `softmaxBackward ${a[2]}x${a[3]}`,
  layerNorm: (a) => `layerNorm ${a[1]}x${a[2]}`,
  layerNormBackward: (a) => `layerNormBackward`,
  copyToStrided: (a) => `copyToStrided [${strides(a[2])}]`,
  conv2d: () => 'conv2d',
  conv2dBackward: () => 'conv2dBackward',
  maxPool2d: () => 'maxPool2d',
  maxPool2dBackward: () => 'maxPool2dBackward',
};
const stats = new Map();
let depth = 0, order = 0;
for (const [name, key] of Object.entries(KEYS)) {
  const f = be[name];
  if (typeof f !== 'function') continue;
  be[name] = function (...args) {
    if (depth) return f.apply(this, args); // a kernel calling another: counted once, in the outer call
    depth++;
    const t = performance.now();
    try { return f.apply(this, args); } finally {
      depth--;
      const k = key(args);
      const s = stats.get(k) ?? { us: 0, calls: 0, first: order++ };
      s.us += (performance.now() - t) * 1000;
      s.calls++;
      stats.set(k, s);
    }
  };
}
for (let i = 0; i < 200; i++) step();
stats.clear();
order = 0;
const t0 = performance.now();
for (let i = 0; i < steps; i++) step();
const msPerStep = (performance.now() - t0) / steps;

let inCalls = 0;
const rows = [...stats].sort((a, b) => a[1].first - b[1].first);
console.log(`${workload}, ${threads} thread(s), ${steps} steps: ${msPerStep.toFixed(2)} ms per step`);
console.log('   µs/step  calls/step  op');
for (const [k, s] of rows) {
  inCalls += s.us / steps;
  console.log(`${(s.us / steps).toFixed(0).padStart(10)}  ${(s.calls / steps).toFixed(1).padStart(10)}  ${k}`);
}
console.log(`${(inCalls).toFixed(0).padStart(10)}              in these calls`);
console.log(`${(msPerStep * 1000 - inCalls).toFixed(0).padStart(10)}              outside them (autograd, activations moved out, GC)`);
process.exit(0);
