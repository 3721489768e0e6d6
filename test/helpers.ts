// Shared test helpers: run a suite on every backend, compare tensors with tolerances, read golden files.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Tensor, getBackend, getNumThreads, listBackends, setBackend, setNumThreads, threadsReady } from '../src/index.js';

/** Backends under test: TSGRAD_BACKENDS=js,wasm limits them; default is every registered backend. */
export function backendsUnderTest(): string[] {
  const env = process.env.TSGRAD_BACKENDS;
  return env ? env.split(',') : listBackends();
}

/**
 * Registers the suites `fn` defines once per backend, with that backend active both while they are
 * defined and while their tests run (node:test runs test bodies after registration, so a backend set
 * only around `fn` would be gone by then): a wrapping suite sets it in `before` and restores it in `after`.
 */
export function forEachBackend(fn: (backend: string) => void): void {
  for (const b of backendsUnderTest()) {
    describe(`backend ${b}`, () => {
      let prev = getBackend().name;
      before(() => { prev = getBackend().name; setBackend(b); });
      after(() => setBackend(prev));
      const outer = getBackend().name;
      setBackend(b);
      try { fn(b); } finally { setBackend(outer); }
    });
  }
}

/** Sets the backend for the duration of a test body. */
export function withBackend<T>(name: string, fn: () => T): T {
  const prev = getBackend().name;
  setBackend(name);
  try { return fn(); } finally { setBackend(prev); }
}

/**
 * Runs fn on a worker pool of n threads (once its workers are ready), then restores the thread count.
 * Where no worker can start, fn does not run; returns whether it ran.
 */
export async function onThreads(n: number, fn: () => void | Promise<void>): Promise<boolean> {
  const prev = getNumThreads();
  try {
    setNumThreads(n);
    if (!(await threadsReady())) return false;
    await fn();
    return true;
  } finally {
    setNumThreads(prev);
  }
}

type Nested = number | boolean | Nested[];

function flatten(v: Nested | Tensor): number[] {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return (v as Tensor).toFlatArray().map(Number);
  if (Array.isArray(v)) return v.flatMap((x) => flatten(x));
  return [Number(v)];
}

/** Asserts shape (when expected is a tensor or nested array) and values within atol + rtol·|expected|; NaNs must match. */
export function expectClose(actual: Tensor, expected: Nested | Tensor, { atol = 1e-5, rtol = 1e-4, msg = '' } = {}): void {
  const a = flatten(actual);
  const e = flatten(expected);
  if (typeof expected === 'object' && expected !== null && !Array.isArray(expected)) {
    assert.deepEqual(actual.shape, (expected as Tensor).shape, `${msg} shape`);
  } else if (Array.isArray(expected)) {
    const shape: number[] = [];
    let p: Nested = expected;
    while (Array.isArray(p)) { shape.push(p.length); p = p[0] as Nested; }
    assert.deepEqual(actual.shape, shape, `${msg} shape`);
  }
  assert.equal(a.length, e.length, `${msg} numel`);
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = e[i]!;
    if (Number.isNaN(y)) { assert.ok(Number.isNaN(x), `${msg} [${i}]: expected NaN, got ${x}`); continue; }
    if (!Number.isFinite(y)) { assert.equal(x, y, `${msg} [${i}]`); continue; }
    assert.ok(Math.abs(x - y) <= atol + rtol * Math.abs(y), `${msg} [${i}]: got ${x}, expected ${y} (|diff| ${Math.abs(x - y)})`);
  }
}

/** Reads a JSON fixture from test/golden (tests run from the repository root). */
export function golden<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(join(process.cwd(), 'test', 'golden', name), 'utf8')) as T;
}

const tempDirs: string[] = [];

/**
 * A fresh directory `tsgrad-<prefix>-XXXXXX` under the OS temp directory, removed with its contents when the
 * test process exits, so repeated `npm test` runs leave nothing behind.
 */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `tsgrad-${prefix}-`));
  if (tempDirs.push(dir) === 1) process.on('exit', () => { for (const d of tempDirs) rmSync(d, { recursive: true, force: true }); });
  return dir;
}
