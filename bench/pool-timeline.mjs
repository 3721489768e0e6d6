// What the worker pool's threads do during training steps: a copy of the build with an event log
// added to the pool (dist/src/backend/wasm/pool.js patched in a temporary directory; the build itself is
// not touched), then one workload run for some steps. Each thread appends (time, event) pairs to a ring
// in the shared memory: the caller's prewake/publish and chunks, the worker's sleeps, wake-ups, jobs
// and chunks. Prints how many jobs ran without the worker (and the caller's time from each such job to
// the next), how often the worker slept after its spin window, and how long after being notified it
// woke, also split by how long it had slept by then (a vCPU idle for milliseconds can take that long to
// be scheduled again).
//   npm run build && node --experimental-wasm-relaxed-simd bench/pool-timeline.mjs <mlp|transformer|conv> [steps] [dist]
import { pathToFileURL } from 'node:url';
import { patchedDist } from './patched-dist.mjs';

const [workload = 'mlp', stepsArg = '40', distArg = 'dist'] = process.argv.slice(2);
const steps = Number(stepsArg);

// The patch: `ev(i32, code)` appends to a ring whose byte offset the caller stores in control slot 60.
const patches = [];
const patch = (from, to) => patches.push(['src/backend/wasm/pool.js', from, to]);
patch('function claimChunks(', `function ev(i32, code) {
    const base = i32[60];
    if (!base) return;
    const idx = Atomics.add(i32, 61, 1) & 65535;
    const f = new Float64Array(globalThis.__timelineMemory.buffer, base + idx * 16, 2);
    f[0] = performance.timeOrigin + performance.now(); f[1] = code;
}
function claimChunks(`);
patch('        run(lo, Math.min(count, lo + (div ? guidedTake(count - lo, chunk, div) : chunk)));', `        ev(i32, globalThis.__timelineMain ? 13 : 3);
        run(lo, Math.min(count, lo + (div ? guidedTake(count - lo, chunk, div) : chunk)));
        ev(i32, globalThis.__timelineMain ? 14 : 4);`);
patch('            Atomics.wait(i32, GEN, g);', `            ev(i32, 5);
            Atomics.wait(i32, GEN, g);
            ev(i32, 1);`);
patch('        runChunks(kind, ex,', `        ev(i32, 2);
        runChunks(kind, ex,`);
patch('    const instance = new WebAssembly.Instance(init.module', `    globalThis.__timelineMemory = init.memory;
    const instance = new WebAssembly.Instance(init.module`);
patch('    publish(first, end) {', `    publish(first, end) {
        globalThis.__timelineMain = true;
        ev(this.i32, 11);`);
patch('    prewake() {', `    prewake() {
        ev(this.i32, 10);`);
const dist = patchedDist(distArg, patches, 'pool-timeline');

const url = pathToFileURL(dist).href;
const ts = await import(`${url}/src/index.js`);
const { BUILDERS } = await import(`${url}/bench/workloads.js`);
ts.setNumThreads(2);
if (!(await ts.threadsReady())) throw new Error('pool-timeline: no worker pool on this engine');
const step = BUILDERS[workload]();
for (let i = 0; i < 100; i++) step();
const k = ts.getBackend().threads.sharedKernels;
globalThis.__timelineMemory = k.memory;
const ring = k.pinBlank(65536 * 4);
const ctrl = new Int32Array(k.memory.buffer, k.ctrl, 64);
ctrl[61] = 0;
ctrl[60] = ring.byteOffset;
const t0 = performance.now();
for (let i = 0; i < steps; i++) step();
const ms = (performance.now() - t0) / steps;
ctrl[60] = 0;
if (ctrl[61] > 65536) console.error(`pool-timeline: ${ctrl[61]} events overflowed the ring; fewer steps give a complete log`);
const n = Math.min(ctrl[61], 65536);
const f = new Float64Array(k.memory.buffer, ring.byteOffset, 2 * n);
const evs = [];
for (let i = 0; i < n; i++) evs.push([f[2 * i], f[2 * i + 1]]);
evs.sort((a, b) => a[0] - b[0]);

let jobs = 0, withoutWorker = 0, workerInJob = true, sleeps = 0, sleepAt = -1, notifiedAt = -1;
let publishedAt = -1, workerAsleep = false, soloMs = 0, soloAsleep = 0;
const wakeAfterNotify = [];
/** Wake-up latencies (µs) by how long the worker had slept when it was first notified (ms). */
const wakeBySleep = { 'under 0.5': [], '0.5-2': [], 'over 2': [] };
const endJob = (t) => {
  if (!jobs || workerInJob) return;
  withoutWorker++;
  soloMs += t - publishedAt; // the caller's chunks and whatever it did until the next job
  if (workerAsleep) soloAsleep++;
};
for (const [t, code] of evs) {
  if (code === 11) { endJob(t); jobs++; workerInJob = false; publishedAt = t; workerAsleep = sleepAt >= 0; }
  if (code === 3) workerInJob = true; // a chunk of its own (a late worker may see the job and find nothing left)
  if (code === 5) { sleepAt = t; notifiedAt = -1; }
  if ((code === 10 || code === 11) && sleepAt >= 0 && notifiedAt < 0) notifiedAt = t;
  if (code === 1 && sleepAt >= 0) {
    sleeps++;
    if (notifiedAt >= 0) {
      const us = (t - notifiedAt) * 1000, slept = notifiedAt - sleepAt;
      wakeAfterNotify.push(us);
      wakeBySleep[slept < 0.5 ? 'under 0.5' : slept < 2 ? '0.5-2' : 'over 2'].push(us);
    }
    sleepAt = -1;
  }
}
endJob(evs.length ? evs[evs.length - 1][0] : 0);
const q = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s.length ? +s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(0) : null; };
console.log(JSON.stringify({
  workload, steps, msPerStepWithLog: +ms.toFixed(3), jobs, jobsWithoutWorker: withoutWorker, workerSleeps: sleeps,
  wakeAfterNotifyUs: { median: q(wakeAfterNotify, 0.5), p90: q(wakeAfterNotify, 0.9), max: q(wakeAfterNotify, 1) },
  wakeUsBySleepMs: Object.fromEntries(Object.entries(wakeBySleep).map(([k, v]) => [k, { n: v.length, median: q(v, 0.5), p75: q(v, 0.75), p90: q(v, 0.9) }])),
  // From each job the worker had no chunk of to the next job's publish: time the caller spent alone.
  jobsWithoutWorkerMsPerStep: +(soloMs / steps).toFixed(3), jobsWithoutWorkerWhileAsleep: soloAsleep,
}));
process.exit(0);
