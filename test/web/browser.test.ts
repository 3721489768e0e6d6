// The playground (web/) in real headless Chromium: the wasm backend is active, tensors and gradients
// are right, large matmuls split across Web Workers in the cross-origin isolated page (and stay on the
// page's thread without isolation), the iris MLP learns, nothing logs an error. Needs Debian's /usr/bin/chromium (never
// downloads a browser): skipped without it, except under CI, where its absence fails the test.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { PlaygroundResults } from '../../web/main.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url)); // dist/test/web/ → the repository
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const haveChromium = existsSync(CHROMIUM);
const skip = !haveChromium && !process.env.CI
  ? `${CHROMIUM} not found: install Debian's chromium (apt-get install chromium) to run the browser test`
  : false;

/** Opens the playground (`query`: e.g. '?threads=2') in a fresh page and waits until it has finished;
 *  collects console errors. */
async function openPlayground(ctx: BrowserContext, url: string, { query = '', initScript = '' } = {}) {
  const page: Page = await ctx.newPage();
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console.error: ${m.text()} (${m.location().url})`); });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  if (initScript) await page.addInitScript(initScript);
  await page.goto(`${url}web/${query}`);
  await page.waitForFunction(() => (globalThis as { playground?: { done: boolean } }).playground?.done === true, null, { timeout: 15000 });
  const results = await page.evaluate(() => (globalThis as unknown as { playground: PlaygroundResults }).playground);
  return { page, errors, results };
}

/** L = Σ tanh(X·Xᵀ) and ∂L/∂X = 2·(1 − tanh²(X·Xᵀ))·X in float64, X = linspace(−1, 1, 4096) as 64×64. */
function largeReference(): { loss: number; grad: Float64Array } {
  const n = 64;
  const x = Float64Array.from({ length: n * n }, (_, i) => -1 + (2 * i) / (n * n - 1));
  const g = new Float64Array(n * n);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += x[i * n + k]! * x[j * n + k]!;
      const t = Math.tanh(s);
      loss += t;
      g[i * n + j] = 1 - t * t;
    }
  }
  const grad = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const gik = g[i * n + k]!;
      for (let j = 0; j < n; j++) grad[i * n + j] += 2 * gik * x[k * n + j]!;
    }
  }
  return { loss, grad };
}

describe('web playground in headless Chromium', { skip }, () => {
  let server: Server | undefined;
  let url = '';
  let plainServer: Server | undefined; // no COOP/COEP headers: not cross-origin isolated
  let plainUrl = '';
  let ctx: BrowserContext | undefined;
  let profile = '';

  before(async () => {
    if (!haveChromium) return; // under CI: the first test fails with the reason
    const { buildWeb } = await import(pathToFileURL(join(ROOT, 'web', 'build.mjs')).href) as { buildWeb(): Promise<{ errors: unknown[] }> };
    const { serve } = await import(pathToFileURL(join(ROOT, 'web', 'serve.mjs')).href) as
      { serve(o: { port: number; isolate?: boolean }): Promise<{ server: Server; url: string }> };
    assert.equal((await buildWeb()).errors.length, 0);
    ({ server, url } = await serve({ port: 0 }));
    ({ server: plainServer, url: plainUrl } = await serve({ port: 0, isolate: false }));
    profile = mkdtempSync(join(tmpdir(), 'tsgrad-chromium-'));
    ctx = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 15000 });
  });

  after(async () => {
    await ctx?.close();
    for (const s of [server, plainServer]) {
      s?.closeAllConnections();
      s?.close();
    }
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  let run: Awaited<ReturnType<typeof openPlayground>> | undefined;

  it('loads with the wasm backend and no console errors', async () => {
    assert.ok(haveChromium, `${CHROMIUM} is missing; CI must install it (apt-get install chromium)`);
    run = await openPlayground(ctx!, url, { query: '?threads=2' });
    const r = run.results;
    assert.equal(r.error, null);
    assert.deepEqual(run.errors, []);
    assert.equal(r.backend, 'wasm');
    assert.ok(r.wasmBuild === 'relaxed' || r.wasmBuild === 'simd', `wasm build ${r.wasmBuild}`);
    assert.equal(r.crossOriginIsolated, true, 'served with COOP/COEP, so SharedArrayBuffer is available');
    assert.equal(await run.page.locator('#backend').textContent(), 'wasm');
  });

  it('computes tensors and gradients that match the expected values', () => {
    assert.ok(run, 'the page did not load');
    const { small, large } = run.results;
    assert.equal(small.y, 30);
    assert.deepEqual(small.grad, [[2, 4], [6, 8]]);
    const ref = largeReference();
    assert.ok(Math.abs(large.loss - ref.loss) <= 1e-4 * Math.abs(ref.loss) + 1e-4, `L = ${large.loss}, expected ${ref.loss}`);
    assert.equal(large.grad.length, ref.grad.length);
    const scale = Math.max(...ref.grad.map(Math.abs));
    const worst = Math.max(...large.grad.map((v, i) => Math.abs(v - ref.grad[i]!)));
    assert.ok(worst <= 1e-4 * scale, `max |∂L/∂X − expected| = ${worst} (scale ${scale})`);
  });

  it('runs large kernels in WebAssembly, not the js fallback', async () => {
    assert.ok(run, 'the page did not load');
    const calls = await run.page.evaluate(() => {
      type Fn = (...a: unknown[]) => unknown;
      const tg = (globalThis as unknown as { tsgrad: typeof import('../../src/index.js') }).tsgrad;
      // The private instance, and the shared one where pinned outputs (activations) are used in place.
      const be = tg.getBackend() as unknown as { kernels: Record<string, Fn>; threads: { pinKernels(): Record<string, Fn> | null } };
      const instances = [be.kernels, be.threads.pinKernels()].filter((k): k is Record<string, Fn> => !!k);
      const count: Record<string, number> = { sgemm: 0, unary: 0 };
      const origs = instances.map((k) => ({ sgemm: k.sgemm!, unary: k.unary! }));
      instances.forEach((k, i) => {
        for (const name of ['sgemm', 'unary'] as const) k[name] = function (this: unknown, ...a: unknown[]) { count[name]!++; return origs[i]![name].apply(this, a); };
      });
      try {
        tg.randn([64, 64]).matmul(tg.randn([64, 64])).tanh(); // above the wasm thresholds, below the split ones
      } finally {
        instances.forEach((k, i) => Object.assign(k, origs[i]));
      }
      return count;
    });
    assert.ok(calls.sgemm! >= 1 && calls.unary! >= 1, `wasm kernel calls: ${JSON.stringify(calls)}`);
  });

  it('splits a 512×512 matmul across 2 threads (a Web Worker) and matches the single-threaded result', async () => {
    assert.ok(run, 'the page did not load');
    const t = run.results.threads;
    assert.ok(t, 'the multi-core demo did not run');
    assert.equal(t.numThreads, 2, 'setNumThreads(2) from ?threads=2');
    assert.equal(t.poolReady, true, 'threadsReady() resolves true once the worker is up');
    const workers = run.page.workers().map((w) => new URL(w.url()).pathname);
    assert.deepEqual(workers, ['/web/dist/pool-worker-web.js'], 'one pool worker, from its own bundle');
    assert.ok(t.maxAbs > 10 && t.maxAbsDiff <= 1e-5 * t.maxAbs, `max |pooled − single| = ${t.maxAbsDiff} (scale ${t.maxAbs})`);
    // The worker takes part: the page's thread computes only some of C's entries. Counted by wrapping the
    // sgemm export of the pool's shared-memory kernels (ThreadedGemm's private field). A worker may miss
    // one GEMM on a busy machine (the page's thread claims every chunk first), so up to 20 tries.
    const here = await run.page.evaluate(() => {
      const tg = (globalThis as unknown as { tsgrad: typeof import('../../src/index.js') }).tsgrad;
      type Kernels = { exports: { sgemm(...a: number[]): void } };
      const shared = (tg.getBackend() as unknown as { threads: { kernels: Kernels | null } }).threads.kernels;
      if (!shared) return -1;
      const ex = shared.exports;
      let entries = 0;
      shared.exports = { ...ex, sgemm: (...a: number[]) => { entries += a[2]! * a[3]!; ex.sgemm(...a); } }; // M·N of each part
      try {
        const a = tg.randn([512, 512]), b = tg.randn([512, 512]);
        for (let i = 0; i < 20; i++) {
          entries = 0;
          a.matmul(b);
          if (entries < 512 * 512) break;
        }
        return entries;
      } finally {
        shared.exports = ex;
      }
    });
    assert.ok(here >= 0 && here < 512 * 512, `the page's thread computed ${here} of ${512 * 512} entries of C`);
    console.log(`# 512³ matmul in Chromium: 1 thread ${t.singleMillis.toFixed(1)} ms, 2 threads ${t.pooledMillis.toFixed(1)} ms; page thread computed ${here} of ${512 * 512} entries`);
  });

  it('trains the iris MLP: loss falls, test accuracy ≥ 0.9', async () => {
    assert.ok(run, 'the page did not load');
    const { losses, accuracy } = run.results;
    assert.ok(losses.length >= 50 && losses.every(Number.isFinite));
    assert.ok(losses.at(-1)! < 0.5 * losses[0]!, `loss ${losses[0]} → ${losses.at(-1)}`);
    assert.ok(accuracy !== null && accuracy >= 0.9, `accuracy ${accuracy}`);
    assert.match((await run.page.locator('#accuracy').textContent()) ?? '', /%/);
    await run.page.close();
  });

  it('starts on js when the main thread refuses synchronous compilation, and ready() switches to wasm', async () => {
    assert.ok(haveChromium, `${CHROMIUM} is missing`);
    // What Chromium does for modules over its main-thread limit: the WebAssembly.Module constructor throws.
    const refuseSync = `WebAssembly.Module = function () {
      throw new RangeError('WebAssembly.Module(): Buffer size exceeds the limit for synchronous compilation on the main thread');
    };`;
    const { page, errors, results } = await openPlayground(ctx!, url, { initScript: refuseSync });
    assert.equal(results.error, null);
    assert.deepEqual(errors, []);
    assert.equal(results.backendBeforeReady, 'js');
    assert.equal(results.backend, 'wasm');
    assert.ok(results.accuracy !== null && results.accuracy >= 0.9, `accuracy ${results.accuracy}`);
    await page.close();
  });

  it('without cross-origin isolation stays single-threaded, silently and correctly', async () => {
    assert.ok(haveChromium, `${CHROMIUM} is missing`);
    const { page, errors, results } = await openPlayground(ctx!, plainUrl, { query: '?threads=2' });
    assert.equal(results.error, null);
    assert.deepEqual(errors, []);
    assert.equal(results.crossOriginIsolated, false);
    assert.equal(results.backend, 'wasm');
    const t = results.threads!;
    assert.equal(t.numThreads, 1);
    assert.equal(t.poolReady, false);
    assert.deepEqual(page.workers(), []);
    assert.equal(t.maxAbsDiff, 0);
    assert.ok(results.accuracy !== null && results.accuracy >= 0.9, `accuracy ${results.accuracy}`);
    await page.close();
  });
});
