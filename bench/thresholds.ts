// Measures the size thresholds of the wasm backend: from which size a kernel split across the worker pool
// beats one thread (GEMM, a batch of small GEMMs, transcendental elementwise ops, softmax rows), and from
// which size the wasm elementwise kernel with its copies beats the JS loop. Through the backend, copies
// included, as ops see it. Prints median ms and speedups; --write replaces the "Thresholds" section of
// bench/RESULTS.md. The defaults these figures justify live in src/backend/wasm/threads.ts
// (DEFAULT_SPLIT_WORK, DEFAULT_SPLIT_ELEMENTS) and wasm-backend.ts (WASM_THRESHOLDS).
//
//   npm run build && node --experimental-wasm-relaxed-simd dist/bench/thresholds.js [--write]
import { cpus, loadavg } from 'node:os';
import { jsBackend, wasmBackend } from '../src/backend/index.js';
import { DEFAULT_SPLIT_IN_PLACE_ELEMENTS } from '../src/backend/wasm/threads.js';
import type { View } from '../src/backend/backend.js';
import { setNumThreads, threadsReady } from '../src/index.js';
import { writeSection } from './results-file.js';

const maybe = wasmBackend();
if (!maybe) throw new Error('thresholds: this engine has no WebAssembly SIMD');
const be = maybe;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/** Median ms per call: 7 rounds of enough calls to fill ~20 ms each, after a warm-up. */
function time(fn: () => void): number {
  for (let i = 0; i < 20; i++) fn();
  const t0 = performance.now();
  let reps = 0;
  while (performance.now() - t0 < 10) { fn(); reps++; }
  const per = Math.max(1, Math.ceil((20 * reps) / Math.max(1e-3, performance.now() - t0)));
  const rounds: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t = performance.now();
    for (let i = 0; i < per; i++) fn();
    rounds.push((performance.now() - t) / per);
  }
  return median(rounds);
}

const rand = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 3);
const view = (data: Float32Array, shape: number[]): View => {
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  return { data, shape, strides, offset: 0 };
};

interface Case { group: string; size: string; run: () => void }


function splitCases(): Case[] {
  const cases: Case[] = [];
  for (const n of [64, 96, 128, 192, 256]) {
    const a = rand(n * n), b = rand(n * n), out = new Float32Array(n * n);
    cases.push({ group: 'GEMM n×n×n', size: `n=${n} (${n ** 3} MAC)`, run: () => be.matmul(a, [0], n, 1, b, [0], n, 1, n, n, n, out) });
  }
  for (const nb of [2, 4, 8, 16, 32]) {
    const M = 64, N = 64, K = 32;
    const a = rand(nb * M * K), b = rand(nb * K * N), out = new Float32Array(nb * M * N);
    const ao = Array.from({ length: nb }, (_, i) => i * M * K), bo = Array.from({ length: nb }, (_, i) => i * K * N);
    cases.push({ group: 'batch of 64×64×32 GEMMs', size: `${nb} (${nb * M * N * K} MAC)`, run: () => be.matmul(a, ao, K, 1, b, bo, N, 1, M, N, K, out) });
  }
  for (const n of [4, 32]) { // the benchmark's conv2d, 1x28x28 images → 16 filters 3x3
    const g = { n, c: 1, h: 28, w: 28, kh: 3, kw: 3, sh: 1, sw: 1, ph: 0, pw: 0, dh: 1, dw: 1, oh: 26, ow: 26, oc: 16, groups: 1 };
    const x = rand(n * 784), w = rand(144), b = rand(16), out = new Float32Array(n * 16 * 676), gOut = rand(n * 16 * 676);
    const dx = new Float32Array(n * 784), dw = new Float32Array(144), db = new Float32Array(16);
    cases.push({ group: 'conv2d forward (images)', size: String(n), run: () => be.conv2d(x, w, b, g, out) });
    cases.push({ group: 'conv2d backward (images)', size: String(n), run: () => be.conv2dBackward(view(gOut, [n, 16, 26, 26]), x, w, g, dx, dw, db) });
  }
  for (const n of [4096, 8192, 16384, 65536, 262144]) {
    const x = rand(n), y = rand(n), out = new Float32Array(n);
    cases.push({ group: 'GELU (erf)', size: String(n), run: () => be.unary('geluErf', view(x, [n]), out) });
    cases.push({ group: 'GELU backward', size: String(n), run: () => be.binary('geluErfBackward', view(x, [n]), view(y, [n]), out) });
    cases.push({ group: 'exp', size: String(n), run: () => be.unary('exp', view(x, [n]), out) });
    cases.push({ group: 'softmax rows of 64', size: String(n), run: () => be.softmax(x, n / 64, 64, 1, out, false) });
    cases.push({ group: 'add (not split: copy-bound)', size: String(n), run: () => be.binary('add', view(x, [n]), view(y, [n]), out) });
  }
  return cases;
}

/** The wasm kernels called directly (below the backend's threshold too) against the JS loops. */
function copyCases(): { group: string; n: number; wasm: () => void; js: () => void }[] {
  const cases = [];
  const k = be.kernels;
  for (const n of [64, 256, 1024, 4096, 16384]) {
    const x = rand(n), y = rand(n), out = new Float32Array(n);
    cases.push({ group: 'add', n, wasm: () => k.binary('add', x, y, out), js: () => jsBackend.binary('add', view(x, [n]), view(y, [n]), out) });
    cases.push({ group: 'exp', n, wasm: () => k.unary('exp', x, out), js: () => jsBackend.unary('exp', view(x, [n]), out) });
    cases.push({ group: 'sum rows of 64', n, wasm: () => k.reduceRows('sum', x, n / 64, 64, out), js: () => jsBackend.reduce('sum', x, n / 64, 64, 1, out) });
  }
  return cases;
}

async function main(): Promise<void> {
  const load = loadavg()[0]!.toFixed(2);
  const L: string[] = ['## Thresholds (bench/thresholds.ts)', ''];
  L.push(`- Machine: ${cpus()[0]?.model ?? '?'}, ${cpus().length} cores; Node ${process.versions.node}; 1-minute load average at start ${load}`);
  L.push('- Command: `npm run build && node --experimental-wasm-relaxed-simd dist/bench/thresholds.js --write`');
  L.push('- Through the wasm backend (copies into and out of wasm memory included). Median ms per call.', '');

  // 1 thread, then 2 threads with every kernel split (the pool reads its GEMM threshold when it starts).
  const splits = splitCases();
  setNumThreads(1);
  const one = splits.map((c) => time(c.run));
  setNumThreads(2);
  be.threads.minWork = 1;
  be.threads.minElements = 1;
  if (!(await threadsReady())) throw new Error('thresholds: the worker pool did not start');
  const two = splits.map((c, i) => (c.group.startsWith('batch') ? NaN : time(c.run)) || one[i]!);
  // Batches: each matrix below the GEMM threshold, the batch above it, so whole matrices go to each thread.
  setNumThreads(1);
  setNumThreads(2);
  be.threads.minWork = 64 * 64 * 32 + 1;
  if (!(await threadsReady())) throw new Error('thresholds: the worker pool did not start');
  splits.forEach((c, i) => { if (c.group.startsWith('batch')) two[i] = time(c.run); });
  L.push('### Splitting across the worker pool: 1 vs 2 threads', '');
  L.push('| kernel | size | 1 thread ms | 2 threads ms | speedup |', '| --- | --- | ---: | ---: | ---: |');
  splits.forEach((c, i) => L.push(`| ${c.group} | ${c.size} | ${one[i]!.toFixed(4)} | ${two[i]!.toFixed(4)} | ${(one[i]! / two[i]!).toFixed(2)}x |`));

  // Cheap kernels on arrays already in shared memory (pinned): unsplit vs split, both with the pool running.
  L.push('', '### Cheap kernels on arrays in shared memory: calling thread alone vs split', '');
  L.push('In isolation (operands warm in the calling thread\'s cache). In a training step, half of each GEMM output', 
    'sits in the worker\'s cache, which splitting also helps (bench/RESULTS.md, stop 11). The backend splits from',
    `${DEFAULT_SPLIT_IN_PLACE_ELEMENTS} elements.`, '');
  L.push('| kernel | elements | alone ms | split ms | speedup |', '| --- | --- | ---: | ---: | ---: |');
  for (const n of [8192, 16384, 32768, 65536, 131072, 262144]) {
    const owners: object[] = []; // pinned memory lives as long as its owner
    const pin = (a: Float32Array) => {
      const o = {};
      owners.push(o);
      const v = be.pin(a, o);
      if (!v) throw new Error('thresholds: could not pin an operand into shared memory');
      return v;
    };
    const x = pin(rand(n)), y = pin(rand(n)), out = pin(new Float32Array(n));
    const rows = n / 128;
    const lnStats = new Float32Array(2 * rows);
    const kernels: [string, () => void][] = [
      ['multiply', () => be.binary('mul', view(x, [n]), view(y, [n]), out)],
      ['multiply by a scalar', () => be.binary('mul', view(x, [n]), { data: y, shape: [n], strides: [0], offset: 0 }, out)],
      ['strided copy (transpose of 128-wide rows)', () => be.unary('identity', { data: x, shape: [128, rows], strides: [1, 128], offset: 0 }, out)],
      ['layer norm, rows of 128', () => be.layerNorm(x, rows, 128, null, null, 1e-5, out, lnStats, lnStats.subarray(rows))],
    ];
    for (const [name, run] of kernels) {
      be.threads.minInPlaceElements = Infinity;
      const alone = time(run);
      be.threads.minInPlaceElements = 1;
      const split = time(run);
      L.push(`| ${name} | ${n} | ${alone.toFixed(4)} | ${split.toFixed(4)} | ${(alone / split).toFixed(2)}x |`);
    }
  }

  be.threads.minInPlaceElements = DEFAULT_SPLIT_IN_PLACE_ELEMENTS;

  setNumThreads(1);
  const copies = copyCases();
  L.push('', '### wasm kernel + copies vs the JS loop (1 thread)', '');
  L.push('| kernel | elements | js ms | wasm ms | speedup |', '| --- | --- | ---: | ---: | ---: |');
  for (const c of copies) {
    const w = time(c.wasm), jsMs = time(c.js);
    L.push(`| ${c.group} | ${c.n} | ${jsMs.toFixed(4)} | ${w.toFixed(4)} | ${(jsMs / w).toFixed(2)}x |`);
  }
  const md = L.join('\n') + '\n';
  console.log(md);
  if (process.argv.includes('--write')) writeSection('Thresholds', md);
  process.exit(0);
}

await main();
