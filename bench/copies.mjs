// Bytes copied between JS arrays and SharedArrayBuffers (the wasm shared memory the kernels work in) per
// training step, counted by wrapping Float32Array.prototype.set over 10 steps after 10 warm-up steps:
//   node --experimental-wasm-relaxed-simd bench/copies.mjs <mlp|conv|transformer> [threads] [dist]
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const [workload = 'transformer', threads = '2', dist = 'dist'] = process.argv.slice(2);
const url = pathToFileURL(resolve(dist)).href;
const ts = await import(`${url}/src/index.js`);
const { BUILDERS } = await import(`${url}/bench/workloads.js`);
ts.setNumThreads(Number(threads));
await ts.threadsReady();
const step = BUILDERS[workload]();
for (let i = 0; i < 10; i++) step();
const set = Float32Array.prototype.set, F32 = globalThis.Float32Array;
const c = { in: 0, out: 0, within: 0, nIn: 0, nOut: 0 };
Float32Array.prototype.set = function (src, offset) {
  const dst = this.buffer instanceof SharedArrayBuffer, from = src?.buffer instanceof SharedArrayBuffer;
  if (dst && from) c.within += src.length * 4;
  else if (dst) { c.in += src.length * 4; c.nIn++; }
  else if (from) { c.out += src.length * 4; c.nOut++; }
  return set.call(this, src, offset);
};
// Copies made by the constructor (`new Float32Array(sharedView)`: activations moving out) count as out.
globalThis.Float32Array = new Proxy(F32, {
  construct(target, args, newTarget) {
    const src = args[0];
    if (ArrayBuffer.isView(src) && src.buffer instanceof SharedArrayBuffer) { c.out += src.byteLength; c.nOut++; }
    return Reflect.construct(target, args, newTarget === globalThis.Float32Array ? target : newTarget);
  },
});
for (let i = 0; i < 10; i++) step();
globalThis.Float32Array = F32;
Float32Array.prototype.set = set;
const mb = (b) => +(b / 10 / 1e6).toFixed(2);
console.log(JSON.stringify({ workload, threads: ts.getNumThreads(), mbIn: mb(c.in), copiesIn: c.nIn / 10, mbOut: mb(c.out), copiesOut: c.nOut / 10, mbWithin: mb(c.within) }));
process.exit(0);
