// The wasm backend's worker pool: results match the single-threaded GEMM, setNumThreads resizes the
// pool, and a process that used the pool exits promptly on its own (an idle pool never keeps it alive).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { getNumThreads, setNumThreads, threadsReady, rand, manualSeed, wasmBackend, withBackendName, linearOf, onThreads } from './threads-helpers.js';
import { MAP_ADAM, MAP_SGD, type WasmKernels } from '../../src/backend/wasm/kernels.js';
import { WasmThreadPool, guidedChunks, guidedStart } from '../../src/backend/wasm/pool.js';

type Exports = WasmKernels['exports'];
/** Runs fn with some of k's exports replaced (spies on the kernels this thread calls), then puts them back. */
function withExports<T>(k: WasmKernels, over: (ex: Exports) => Partial<Exports>, fn: () => T): T {
  const target = k as { exports: Exports }, ex = target.exports;
  target.exports = { ...ex, ...over(ex) };
  try {
    return fn();
  } finally {
    target.exports = ex;
  }
}

type Wasm = NonNullable<ReturnType<typeof wasmBackend>>;
/** Runs fn with a 2-thread pool, then restores the thread count; nothing to check where no worker can start. */
async function onTwoThreads(fn: (be: Wasm) => void): Promise<void> {
  await onThreads(2, () => fn(wasmBackend()!));
}

/** `one` on 1 thread, then `two` on a 2-thread pool, the thread count restored after; null where no worker can start. */
async function oneThenTwo<A, B>(one: () => A, two: () => B): Promise<[A, B] | null> {
  const prev = getNumThreads();
  try {
    setNumThreads(1);
    const a = one();
    let b: B | undefined;
    return (await onThreads(2, () => { b = two(); })) ? [a, b!] : null;
  } finally {
    setNumThreads(prev);
  }
}

/** A copy of a in the backend's shared memory, kept there while `owners` holds its owner. */
function pinnedCopy(be: Wasm, a: Float32Array, owners: object[]): Float32Array {
  const owner = {};
  owners.push(owner);
  const v = be.pin(a.slice(), owner);
  assert.ok(v, 'pin should succeed');
  return v;
}

describe('backend/wasm: worker pool', () => {
  it('large GEMMs split across 2 threads give the single-threaded result', async () => {
    const prev = getNumThreads();
    try {
      manualSeed(1);
      const a = rand([300, 200]), b = rand([200, 260]);
      const one = withBackendName('wasm', () => { setNumThreads(1); return a.matmul(b.T.contiguous().T).toFlatArray() as number[]; });
      setNumThreads(2);
      const ready = await threadsReady();
      const two = withBackendName('wasm', () => a.matmul(b).toFlatArray() as number[]);
      if (ready) assert.equal(getNumThreads(), 2);
      for (let i = 0; i < one.length; i++) assert.ok(Math.abs(one[i]! - two[i]!) <= 1e-4 * (1 + Math.abs(one[i]!)), `[${i}] ${one[i]} vs ${two[i]}`);
    } finally {
      setNumThreads(prev);
    }
  });

  it('the worker keeps taking part after batched jobs grew the shared memory (a dead worker once went unnoticed)', () => onTwoThreads((be) => {
    withBackendName('wasm', () => {
      manualSeed(2);
      const q = rand([8, 4, 64, 32]), k = rand([8, 4, 64, 32]);
      q.matmul(k.transpose(-2, -1)); // a batch of small GEMMs: whole matrices per thread
      rand([48, 16, 64, 64]).matmul(rand([48, 16, 64, 64])); // 25 MB of operands: the memory grows
      q.matmul(k.transpose(-2, -1));
    });
    const shared = be.threads.forWork(Infinity);
    assert.ok(shared, 'the pool should still be running');
    // Count the C entries this thread computes in a 512³ GEMM: fewer than all means the worker did some.
    let entries = 0;
    const spies = (ex: Exports): Partial<Exports> => ({
      sgemm: (...a) => { entries += a[2] * a[3]; ex.sgemm(...a); },
      sgemmPacked: (...a) => { entries += a[3] * a[4]; ex.sgemmPacked(...a); },
    });
    withExports(shared, spies, () => {
      const a = rand([512, 512]), b = rand([512, 512]);
      let here = 512 * 512;
      for (let attempt = 0; attempt < 5 && here >= 512 * 512; attempt++) { // a worker that wakes late may find nothing left
        entries = 0;
        withBackendName('wasm', () => a.matmul(b));
        here = entries;
      }
      assert.ok(here < 512 * 512, `this thread computed all ${here} entries of C: the worker took no part`);
    });
  }));

  it('GEMMs with a bias split by rows and by columns give the single-threaded result bit for bit', async () => {
    manualSeed(3);
    // linear(x, w, b): C = x·wᵀ + b; M ≥ N splits rows, M < N splits columns (the bias pointer moves with them)
    const cases = [[300, 200, 70], [60, 600, 300], [64, 784, 256], [40, 130, 500]].map(([M, K, N]) => [rand([M!, K!]), rand([N!, K!]), rand([N!])] as const);
    const run = () => cases.map(([x, w, b]) => withBackendName('wasm', () => x.matmul(w.T).add(b).toFlatArray() as number[]));
    const lin = () => cases.map(([x, w, b]) => withBackendName('wasm', () => linearOf(x, w, b).toFlatArray() as number[]));
    const got = await oneThenTwo(() => [lin(), run()] as const, lin);
    if (!got) return; // no worker threads on this engine
    const [[one, ref], two] = got;
    for (let c = 0; c < cases.length; c++) {
      assert.deepEqual(two[c], one[c], `case ${c}: 2 threads differ from 1`);
      for (let i = 0; i < ref[c]!.length; i++) {
        assert.ok(Math.abs(one[c]![i]! - ref[c]![i]!) <= 1e-4 * (1 + Math.abs(ref[c]![i]!)), `case ${c} [${i}] ${one[c]![i]} vs matmul+add ${ref[c]![i]}`);
      }
    }
  });

  it('split GEMMs read one packed copy of the shared operand, for every transpose, and give the single-threaded result bit for bit', async () => {
    manualSeed(5);
    // [M, K, N]: rows split (shared op(B)) with two K blocks and N off the 8-wide tile; columns split
    // (shared op(A)) with M off the 4-high tile; a square-ish case. Each with A and/or B transposed.
    const shapes = [[300, 300, 70], [50, 270, 333], [257, 64, 257]] as const;
    const cases = shapes.flatMap(([M, K, N]) => [0, 1, 2, 3].map((t) => {
      const a = t & 1 ? rand([K, M]).T : rand([M, K]), b = t & 2 ? rand([N, K]).T : rand([K, N]);
      return [a, b] as const;
    }));
    const run = () => cases.map(([a, b]) => withBackendName('wasm', () => a.matmul(b).toFlatArray() as number[]));
    let packs = 0;
    const spied = () => withExports(wasmBackend()!.threads.forWork(Infinity)!, (ex) => ({ packPanels: (...a) => { packs++; ex.packPanels(...a); } }), run);
    const got = await oneThenTwo(run, spied);
    if (!got) return; // no worker threads on this engine
    const [one, two] = got;
    assert.ok(packs > 0, 'the split GEMMs should pack their shared operand once');
    for (let c = 0; c < cases.length; c++) assert.deepEqual(two[c], one[c], `case ${c} (${shapes[c >> 2]}, transposes ${c & 3}): 2 threads differ from 1`);
    const [a, b] = cases[0]!;
    const ref = a.toFlatArray() as number[], bv = b.toFlatArray() as number[];
    for (const [i, j] of [[0, 0], [299, 69], [137, 41]] as const) {
      let v = 0;
      for (let k = 0; k < 300; k++) v += ref[i * 300 + k]! * bv[k * 70 + j]!;
      assert.ok(Math.abs(two[0]![i * 70 + j]! - v) <= 1e-4 * (1 + Math.abs(v)), `C[${i}, ${j}] ${two[0]![i * 70 + j]} vs ${v}`);
    }
  });

  it('guided chunks cover the range once, in whole units, shrinking towards the end', () => {
    for (const [count, unit, div] of [[512, 16, 4], [300, 16, 4], [16, 16, 4], [17, 16, 4], [1000, 16, 2], [7, 1, 4], [4096, 16, 8], [1, 16, 4]] as const) {
      const n = guidedChunks(count, unit, div);
      const at = Array.from({ length: n + 2 }, (_, j) => guidedStart(j, count, unit, div));
      assert.equal(at[0], 0);
      assert.equal(at[n], count, `${count}/${unit}/${div}: ${n} chunks end at ${at[n]}`);
      assert.equal(at[n + 1], count, 'past the last chunk');
      const sizes = at.slice(1, n + 1).map((hi, j) => hi - at[j]!);
      assert.equal(sizes[0], Math.min(count, Math.ceil(Math.ceil(count / unit) / div) * unit), `${count}/${unit}/${div}: first chunk`);
      sizes.forEach((sz, j) => {
        assert.ok(sz > 0, `${count}/${unit}/${div}: chunk ${j} is empty`);
        if (j < n - 1) assert.equal(sz % unit, 0, `${count}/${unit}/${div}: chunk ${j} of ${sz} items is not whole units`);
        if (j > 0) assert.ok(sz <= sizes[j - 1]!, `${count}/${unit}/${div}: chunk ${j} (${sz}) grew past chunk ${j - 1} (${sizes[j - 1]})`);
      });
    }
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((j) => guidedStart(j, 512, 16, 4)), [0, 128, 224, 304, 368, 416, 448, 464, 480, 496, 512]);
  });

  it('cheap kernels on arrays in shared memory split across the pool and give the single-threaded result bit for bit', () => onTwoThreads((be) => {
    manualSeed(4);
    const owners: object[] = [];
    // A pinned copy of a random array (shared memory, where kernels read and write in place).
    const pinned = (n: number): Float32Array => pinnedCopy(be, Float32Array.from(rand([n]).toFlatArray() as number[]), owners);
    const view = (data: Float32Array, shape: number[], strides: number[], offset = 0) => ({ data, shape, strides, offset });
    const rows = 301, cols = 130, n = rows * cols; // not a multiple of 4: the tail goes through one chunk
    const a = pinned(n), b = pinned(n), rowv = pinned(32768 + cols), colv = pinned(32768 + rows);
    const cases: [string, () => void][] = [];
    const out = pinned(n);
    const c = (name: string, f: (o: Float32Array) => void) => cases.push([name, () => f(out)]);
    c('mul', (o) => be.binary('mul', view(a, [n], [1]), view(b, [n], [1]), o));
    c('sub', (o) => be.binary('sub', view(a, [n], [1]), view(b, [n], [1]), o));
    c('a - 0.75', (o) => be.binary('sub', view(a, [n], [1]), view(b, [n], [0], 7), o));
    c('0.75 - a', (o) => be.binary('sub', view(b, [n], [0], 7), view(a, [n], [1]), o));
    c('rows / row vector', (o) => be.binary('div', view(a, [rows, cols], [cols, 1]), view(rowv, [rows, cols], [0, 1], 5), o));
    c('column vector - rows', (o) => be.binary('sub', view(colv, [rows, cols], [1, 0], 3), view(a, [rows, cols], [cols, 1]), o));
    c('strided copy', (o) => be.unary('identity', view(a, [7, 43, 130], [1, 7 * 130, 7]), o)); // a permuted view
    const mean = new Float32Array(rows), rstd = new Float32Array(rows);
    c('layer norm', (o) => {
      be.layerNorm(a, rows, cols, rowv.subarray(0, cols), rowv.subarray(cols, 2 * cols), 1e-5, o, mean, rstd);
      o.set(mean, 0); o.set(rstd, rows); // compared with the output
    });
    const exOf = () => be.threads.forWork(Infinity)!;
    const minElements = be.threads.minElements;
    const results = (split: boolean) => cases.map(([name, run]) => {
      let whole = 0, parts = 0;
      const count = (len: number) => { if (len >= n) whole++; else parts++; };
      withExports(exOf(), (ex) => ({
        binary: (op, x, y, o, len) => { count(len); ex.binary(op, x, y, o, len); },
        binaryScalar: (op, x, sc, f, o, len) => { count(len); ex.binaryScalar(op, x, sc, f, o, len); },
        binaryBcast: (op, x, y, o, r, cl, rv, sw) => { count(r * cl); ex.binaryBcast(op, x, y, o, r, cl, rv, sw); },
        gatherStrided4: (src, d0, d1, d2, d3, s0, s1, s2, s3, o) => { count(d0 * d1 * d2 * d3); ex.gatherStrided4(src, d0, d1, d2, d3, s0, s1, s2, s3, o); },
        layerNormRows: (x, r, cl, w, b, hw, hb, eps, o, m, rs) => { count(r * cl); ex.layerNormRows(x, r, cl, w, b, hw, hb, eps, o, m, rs); },
      }), () => {
        if (!split) be.threads.minElements = Infinity; // forElements refuses: one call on this thread
        try { run(); } finally { be.threads.minElements = minElements; }
      });
      assert.equal(split ? whole : parts, 0, `${name}: ${split ? 'ran unsplit' : 'split'}`);
      return [name, Array.from(out)] as const;
    });
    const one = results(false), two = results(true);
    one.forEach(([name, r], i) => assert.deepEqual(two[i]![1], r, name));
  }));

  it('fused SGD and Adam steps on pinned arrays split across the pool and give the single-threaded result bit for bit', () => onTwoThreads((be) => {
    manualSeed(5);
    const n = 70001; // not a multiple of 4
    const src = [0, 1, 2, 3].map(() => Float32Array.from(rand([n]).toFlatArray() as number[]));
    const owners: object[] = [];
    // Fresh pinned copies of the sources: [p, grad, buf or m, v].
    const fresh = () => src.map((a, i) => pinnedCopy(be, i === 3 ? a.map(Math.abs) : a, owners)); // v (Adam's second moment) ≥ 0
    const sgd = { lr: 0.1, momentum: 0.9, dampC: 0.9, weightDecay: 0.01, nesterov: true, maximize: false, firstStep: false };
    const steps: [string, (a: Float32Array[]) => void][] = [
      ['plain SGD', ([p, g]) => be.sgdStep(p!, g!, null, { ...sgd, momentum: 0, weightDecay: 0, nesterov: false })],
      ['SGD, Nesterov momentum and weight decay', ([p, g, b]) => be.sgdStep(p!, g!, b!, sgd)],
      ['SGD, first momentum step', ([p, g, b]) => be.sgdStep(p!, g!, b!, { ...sgd, nesterov: false, firstStep: true })],
      ['AdamW', ([p, g, m, v]) => be.adamStep(p!, g!, m!, v!, { beta1: 0.9, oneMinusBeta1: 0.1, beta2: 0.999, oneMinusBeta2: 0.001,
        eps: 1e-8, weightDecay: 0.01, decoupled: true, decay: 1 - 1e-5, maximize: false, stepSize: 1e-3 / (1 - 0.9 ** 3), bc2Sqrt: Math.sqrt(1 - 0.999 ** 3) })],
      ['Adam, maximize', ([p, g, m, v]) => be.adamStep(p!, g!, m!, v!, { beta1: 0.8, oneMinusBeta1: 0.2, beta2: 0.99, oneMinusBeta2: 0.01,
        eps: 1e-6, weightDecay: 0.1, decoupled: false, decay: 1, maximize: true, stepSize: 0.01, bc2Sqrt: 0.5 })],
    ];
    const minElements = be.threads.minElements;
    for (const [name, step] of steps) {
      const one = fresh();
      be.threads.minElements = Infinity; // no split
      try { step(one); } finally { be.threads.minElements = minElements; }
      // The step went to the pool as one job (its map), and this thread ran no whole-array call. Which
      // thread runs which part is up to scheduling: on a loaded machine the worker may take every part.
      const two = fresh();
      let whole = 0;
      const jobs: number[] = [];
      const map = WasmThreadPool.prototype.map;
      WasmThreadPool.prototype.map = function (this: WasmThreadPool, fn, ...rest) {
        jobs.push(fn);
        return map.call(this, fn, ...rest);
      };
      try {
        withExports(be.threads.forWork(Infinity)!, (ex) => ({
          sgdStep: (...a) => { if (a[3] >= n) whole++; ex.sgdStep(...a); },
          adamStep: (...a) => { if (a[4] >= n) whole++; ex.adamStep(...a); },
        }), () => step(two));
      } finally {
        WasmThreadPool.prototype.map = map;
      }
      assert.deepEqual(jobs, [name.includes('SGD') ? MAP_SGD : MAP_ADAM], `${name}: not one pool job`);
      assert.equal(whole, 0, `${name}: ran unsplit`);
      one.forEach((a, i) => assert.deepEqual(Array.from(two[i]!), Array.from(a), `${name}: array ${i}`));
    }
  }));

  it('rejects a non-positive thread count', () => {
    assert.throws(() => setNumThreads(0), /positive integer/);
  });

  it('a process that used the pool exits promptly', () => {
    const entry = fileURLToPath(new URL('../../src/index.js', import.meta.url));
    const script = `import * as t from ${JSON.stringify(entry)};
      t.setBackend('wasm'); t.setNumThreads(2);
      const ok = await t.threadsReady();
      const a = t.rand([256, 256]); a.matmul(a).sum().item();
      console.log(ok ? 'pool' : 'single');`;
    const t0 = Date.now();
    const out = execFileSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20000 });
    assert.equal(out.trim(), 'pool', 'the pool should start even with V8 flags and node -e options');
    assert.ok(Date.now() - t0 < 10000, `child took ${Date.now() - t0} ms`);
  });

  it('TSGRAD_NUM_THREADS sets the default', () => {
    const entry = fileURLToPath(new URL('../../src/index.js', import.meta.url));
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', `import * as t from ${JSON.stringify(entry)}; console.log(t.getNumThreads());`],
      { encoding: 'utf8', env: { ...process.env, TSGRAD_NUM_THREADS: '1' } });
    assert.equal(out.trim(), '1');
  });
});
