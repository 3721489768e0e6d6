// SGEMM benchmark: tsgrad's wasm kernels (1 and 2 threads, relaxed and plain SIMD) against PyTorch CPU
// (OpenBLAS), tfjs-backend-wasm and tfjs-backend-cpu, side by side in one run; medians and ratios.
//
//   npm run build && node dist/bench/sgemm.js [--sizes 128,256,512,1024] [--budget 0.4] [--write]
//
// Each implementation runs in its own child process, one after another (the machine has few cores):
// tsgrad with --experimental-wasm-relaxed-simd on Node < 22, PyTorch via /usr/bin/python3 with
// OPENBLAS_NUM_THREADS/OMP_NUM_THREADS = threads. --write replaces the "SGEMM" section of bench/RESULTS.md.
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeSection } from './results-file.js';
import { dirname, join } from 'node:path';

type Case = 'NN' | 'NT';
interface Row { n: number; case: Case; ms: number }
interface RunnerOutput { impl: string; threads: number; results: Row[]; info?: Record<string, unknown> }

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const args = process.argv.slice(2);
const opt = (name: string, def: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : def; };
const sizes = opt('sizes', '128,256,512,1024').split(',').map(Number);
const budget = Number(opt('budget', '0.4')); // seconds of timed repeats per case (at least 3 repeats)
const cases: Case[] = ['NN', 'NT'];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function medianMs(fn: () => unknown): Promise<number> {
  await fn(); await fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 3 || (performance.now() - start < budget * 1000 && times.length < 50)) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

function randomArray(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; a[i] = s / 2 ** 32; }
  return a;
}

// ---- runners (child processes) ------------------------------------------------------------------

async function runTsgrad(build: 'relaxed' | 'simd', threads: number, copies: boolean): Promise<RunnerOutput> {
  const { loadNodeWasmKernels } = await import('../src/backend/wasm/pool-node.js');
  const loaded = loadNodeWasmKernels({ build, threads, minGemmWork: 1 });
  if (!loaded) throw new Error(`tsgrad ${build} build unavailable`);
  const { kernels: k, pool } = loaded;
  if (pool && !(await pool.ready())) throw new Error('worker pool did not start');
  const results: Row[] = [];
  for (const n of sizes) {
    const A = randomArray(n * n, 1), B = randomArray(n * n, 2), C = new Float32Array(n * n);
    for (const c of cases) {
      const tB = c === 'NT';
      let ms: number;
      if (copies) {
        ms = await medianMs(() => k.sgemm(false, tB, n, n, n, A, 0, n, B, 0, n, C, 0, n));
      } else {
        const pa = k.scratchBase, pb = pa + 4 * n * n, pc = pb + 4 * n * n;
        const f32 = k.ensure(pc + 4 * n * n);
        f32.set(A, pa >> 2); f32.set(B, pb >> 2);
        ms = await medianMs(() => k.sgemmPtr(0, tB ? 1 : 0, n, n, n, 1, pa, n, pb, n, 0, pc, n));
      }
      results.push({ n, case: c, ms });
    }
  }
  // Single-thread micro-kernel on L1-resident packed panels (kc = 256: 12 KiB of A+B panels).
  const kc = 256, reps = 20000;
  const work = k.workspaces[0], tile = k.scratchBase;
  k.ensure(tile + 4096);
  k.exports.kernelBench(kc, 200, work, tile);
  const times: number[] = [];
  for (let r = 0; r < 7; r++) { const t = performance.now(); k.exports.kernelBench(kc, reps, work, tile); times.push(performance.now() - t); }
  const tileFloats = 32; // 4x8 or 2x16
  const l1PeakGflops = (2 * tileFloats * kc * reps) / median(times) / 1e6;
  const used = k.threads;
  pool?.close();
  return {
    impl: `tsgrad-${build}${copies ? '' : ' (in wasm memory)'}`, threads: used, results,
    info: { l1PeakGflops, tile: k.exports.getTileShape() === 0 ? '4x8' : '2x16' },
  };
}

async function runTfjs(backend: 'wasm' | 'cpu'): Promise<RunnerOutput> {
  const tf = await import('@tensorflow/tfjs-core');
  const info: Record<string, unknown> = {};
  if (backend === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
  } else {
    await import('@tensorflow/tfjs-backend-cpu');
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs ${backend} backend failed to initialise`);
  await tf.ready();
  if (backend === 'wasm') {
    info.simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    info.multithread = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  }
  const results: Row[] = [];
  for (const n of sizes) {
    const a = tf.tensor2d(randomArray(n * n, 1), [n, n]), b = tf.tensor2d(randomArray(n * n, 2), [n, n]);
    for (const c of cases) {
      const ms = await medianMs(() => {
        const out = tf.matMul(a, b, false, c === 'NT');
        out.dataSync(); // forces the computation and copies the result out, like our copy-out
        out.dispose();
      });
      results.push({ n, case: c, ms });
    }
    a.dispose(); b.dispose();
  }
  return { impl: `tfjs-${backend}`, threads: 1, results, info };
}

// ---- orchestration ------------------------------------------------------------------------------

const nodeMajor = Number(process.versions.node.split('.')[0]);
const relaxedFlag = nodeMajor < 22 ? ['--experimental-wasm-relaxed-simd'] : [];

function child(runner: string, threads: number, flags: string[] = []): RunnerOutput | null {
  const cmd = [...flags, fileURLToPath(import.meta.url), '--runner', runner, '--threads', String(threads),
    '--sizes', sizes.join(','), '--budget', String(budget)];
  try {
    const out = execFileSync(process.execPath, cmd, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(out.trim().split('\n').pop()!) as RunnerOutput;
  } catch (e) {
    console.error(`runner ${runner} x${threads} failed: ${(e as Error).message.split('\n').slice(0, 3).join(' ')}`);
    return null;
  }
}

function torch(threads: number): RunnerOutput | null {
  const py = '/usr/bin/python3';
  if (!existsSync(py)) return null;
  try {
    const t = String(threads);
    const out = execFileSync(py, [join(root, 'bench/peers/torch_sgemm.py'), '--threads', t, '--sizes', sizes.join(','),
      '--budget', String(budget)], { encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: t, OMP_NUM_THREADS: t } });
    return JSON.parse(out.trim().split('\n').pop()!) as RunnerOutput;
  } catch (e) {
    console.error(`pytorch x${threads} failed: ${(e as Error).message.split('\n')[0]}`);
    return null;
  }
}

function pkgVersion(name: string): string {
  try { return JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version; } catch { return '?'; }
}

const gflops = (n: number, ms: number) => (2 * n ** 3) / ms / 1e6;

function report(runs: RunnerOutput[]): string {
  const lines: string[] = [];
  const cpu = cpus()[0]?.model ?? '?';
  const torchRun = runs.find((r) => r.impl === 'pytorch');
  const tfw = runs.find((r) => r.impl === 'tfjs-wasm');
  lines.push('## SGEMM', '');
  lines.push(`C = A·B (NN) and C = A·Bᵀ (NT), float32, square N. Median ms over repeats (≥3, up to ${budget}s per case), GFLOPS = 2N³/t.`);
  lines.push('tsgrad rows include copying A and B into wasm memory and C out (the typed-array API), except "(in wasm memory)".');
  lines.push('tfjs rows include `dataSync()` (result copied out).', '');
  lines.push(`- Machine: ${cpu}, ${availableParallelism()} cores; Node ${process.versions.node} (relaxed SIMD via ${relaxedFlag.join(' ') || 'default'})`);
  lines.push(`- Versions: assemblyscript ${pkgVersion('assemblyscript')}, @tensorflow/tfjs-core ${pkgVersion('@tensorflow/tfjs-core')}, tfjs-backend-wasm ${pkgVersion('@tensorflow/tfjs-backend-wasm')}, tfjs-backend-cpu ${pkgVersion('@tensorflow/tfjs-backend-cpu')}`);
  if (torchRun) lines.push(`- PyTorch ${String(torchRun.info?.torch)} (Debian python3-torch), BLAS loaded: ${(torchRun.info?.blas as string[] ?? []).map((p) => p.split('/').slice(-2).join('/')).join(', ')}; threads via OPENBLAS_NUM_THREADS/OMP_NUM_THREADS`);
  if (tfw) lines.push(`- tfjs-wasm: SIMD ${String(tfw.info?.simd)}, multithread ${String(tfw.info?.multithread)} (its threaded build needs browser Workers; in Node it runs 1 thread)`);
  lines.push(`- Command: \`npm run build && node dist/bench/sgemm.js --sizes ${sizes.join(',')} --budget ${budget} --write\``, '');
  for (const c of cases) {
    lines.push(`### ${c === 'NN' ? 'A·B' : 'A·Bᵀ (transposed operand)'}: GFLOPS (ms)`, '');
    lines.push(`| implementation | threads | ${sizes.map((n) => `N=${n}`).join(' | ')} |`);
    lines.push(`| --- | ---: | ${sizes.map(() => '---:').join(' | ')} |`);
    for (const r of runs) {
      const cells = sizes.map((n) => {
        const row = r.results.find((x) => x.n === n && x.case === c);
        return row ? `${gflops(n, row.ms).toFixed(1)} (${row.ms < 10 ? row.ms.toFixed(3) : row.ms.toFixed(1)})` : '-';
      });
      lines.push(`| ${r.impl} | ${r.threads} | ${cells.join(' | ')} |`);
    }
    lines.push('');
  }
  // Ratios: tsgrad (relaxed, with copies) over each peer at the same thread count; tfjs peers are 1-thread.
  const ours = (t: number) => runs.find((r) => r.impl === 'tsgrad-relaxed' && r.threads === t);
  const ms = (r: RunnerOutput | undefined, n: number, c: Case) => r?.results.find((x) => x.n === n && x.case === c)?.ms;
  lines.push('### Speed ratios, A·B: peer time ÷ tsgrad-relaxed time (>1 means tsgrad is faster)', '');
  lines.push(`| tsgrad threads vs peer | ${sizes.map((n) => `N=${n}`).join(' | ')} |`);
  lines.push(`| --- | ${sizes.map(() => '---:').join(' | ')} |`);
  for (const t of [1, 2]) {
    for (const peer of runs.filter((r) => !r.impl.startsWith('tsgrad'))) {
      if (peer.impl === 'pytorch' && peer.threads !== t) continue;
      const cells = sizes.map((n) => { const a = ms(ours(t), n, 'NN'), b = ms(peer, n, 'NN'); return a && b ? `${(b / a).toFixed(2)}x` : '-'; });
      lines.push(`| ${t} vs ${peer.impl} (${peer.threads}T) | ${cells.join(' | ')} |`);
    }
  }
  lines.push('');
  const one = ours(1), two = ours(2);
  const peak = Number(one?.info?.l1PeakGflops ?? NaN);
  lines.push(`Single-thread micro-kernel on L1-resident packed panels: relaxed ${peak.toFixed(1)} GFLOPS (${String(one?.info?.tile)} tile), ` +
    `plain SIMD ${Number(runs.find((r) => r.impl === 'tsgrad-simd')?.info?.l1PeakGflops ?? NaN).toFixed(1)} GFLOPS (${String(runs.find((r) => r.impl === 'tsgrad-simd')?.info?.tile)} tile).`);
  if (sizes.includes(512) && two && tfw) {
    const g2 = gflops(512, ms(two, 512, 'NN')!), gw = gflops(512, ms(tfw, 512, 'NN')!);
    lines.push(`Issue targets at N=512, 2 threads: ${g2.toFixed(1)} GFLOPS = ${(g2 / gw).toFixed(2)}x tfjs-wasm (target ≥ 1.3x), ` +
      `${((100 * g2) / (2 * peak)).toFixed(0)}% of 2 × single-thread L1 peak (target ≥ 70%).`);
  }
  lines.push('', 'Notes:',
    '- The machine is a 2-vCPU VM with noisy neighbours: 2-thread figures vary up to ~1.5x between runs; single-thread ones ~10%.',
    '- Splitting threshold (WasmThreadPool.minGemmWork, default 128³): with awake workers 2 threads already win from N≈64;',
    '  a sleeping worker costs 15-70 µs to wake, which a 1-thread 128³ GEMM (≈90 µs) just covers. Idle workers poll 500 µs, then sleep.',
    '- Copies into shared (threaded) memory run at ~15 GB/s versus ~36 GB/s into ordinary memory (V8 copies SharedArrayBuffers',
    '  with relaxed atomics), so small threaded GEMMs lose more to copies than single-threaded ones. Open issue: with copies,',
    '  2 threads only pay from N≈512 (at N=256 the threaded copy path costs ~0.3 ms more than the bytes explain).',
    '- tfjs-wasm A·Bᵀ is slow because its kernel does not pack a transposed B; tfjs-cpu is plain JS.', '');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const runner = opt('runner', '');
  if (runner) {
    const threads = Number(opt('threads', '1'));
    let out: RunnerOutput;
    if (runner === 'tsgrad-relaxed') out = await runTsgrad('relaxed', threads, true);
    else if (runner === 'tsgrad-relaxed-nocopy') out = await runTsgrad('relaxed', threads, false);
    else if (runner === 'tsgrad-simd') out = await runTsgrad('simd', threads, true);
    else if (runner === 'tfjs-wasm') out = await runTfjs('wasm');
    else if (runner === 'tfjs-cpu') out = await runTfjs('cpu');
    else throw new Error(`unknown runner ${runner}`);
    console.log(JSON.stringify(out));
    process.exit(0); // tfjs keeps handles open
  }
  const runs: RunnerOutput[] = [];
  const add = (r: RunnerOutput | null) => { if (r) { runs.push(r); console.error(`done: ${r.impl} x${r.threads}`); } };
  add(child('tsgrad-relaxed', 1, relaxedFlag));
  add(child('tsgrad-relaxed', 2, relaxedFlag));
  add(child('tsgrad-relaxed-nocopy', 1, relaxedFlag));
  add(child('tsgrad-relaxed-nocopy', 2, relaxedFlag));
  add(child('tsgrad-simd', 1));
  add(child('tsgrad-simd', 2));
  add(torch(1));
  add(torch(2));
  add(child('tfjs-wasm', 1));
  add(child('tfjs-cpu', 1));
  const md = report(runs);
  console.log(md);
  if (args.includes('--write')) writeSection('SGEMM', md);
}

await main();
