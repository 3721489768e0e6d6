// Backend selection: the active backend, and setBackend('js' | 'wasm') with fallback to js.
import { ArgumentError } from '../tensor/errors.js';
import type { Backend } from './backend.js';
import { JsBackend } from './js/js-backend.js';
import { initWasm, loadWasmKernels } from './wasm/kernels.js';
import { WasmBackend } from './wasm/wasm-backend.js';

export type { Backend, View } from './backend.js';
export const jsBackend = new JsBackend();

const registry = new Map<string, () => Backend | null>([['js', () => jsBackend]]);
let active: Backend = jsBackend;
let chosen = false; // setBackend was called (by the user or TSGRAD_BACKEND): ready() keeps that choice

let wasm: WasmBackend | null | undefined;
/** The wasm backend, instantiated on first use; null when the engine lacks WebAssembly SIMD. */
export function wasmBackend(): WasmBackend | null {
  if (wasm === undefined) {
    const k = loadWasmKernels();
    wasm = k ? new WasmBackend(k) : null;
  }
  return wasm;
}
registry.set('wasm', wasmBackend);

/** Makes a backend available to setBackend (the wasm backend registers itself when loaded). */
export function registerBackend(name: string, factory: () => Backend | null): void {
  registry.set(name, factory);
}

/** The backend kernels currently run on. */
export function getBackend(): Backend {
  return active;
}

/** Selects the kernel backend; throws if it is unknown or unavailable on this engine. */
export function setBackend(name: string): Backend {
  const factory = registry.get(name);
  if (!factory) throw new ArgumentError(`setBackend: unknown backend '${name}'; available: ${[...registry.keys()].join(', ')}`);
  const be = factory();
  if (!be) throw new ArgumentError(`setBackend: backend '${name}' is not available on this engine (WebAssembly SIMD missing?${name === 'wasm' ? ' In a browser, await ready() first' : ''})`);
  active = be;
  chosen = true;
  return be;
}

let wasmInit: Promise<void> | undefined;
/**
 * Resolves with the active backend once the wasm kernels have been loaded. Needed on browsers' main
 * threads, which may refuse to compile WebAssembly synchronously: there tsgrad starts on `js`, and
 * `ready()` compiles the kernels asynchronously and switches the default to `wasm` (unless setBackend
 * chose another). Elsewhere it resolves at once. Await it before setBackend('wasm') in a browser.
 * @example await tsgrad.ready(); console.log(tsgrad.getBackend().name); // 'wasm'
 */
export async function ready(): Promise<Backend> {
  wasmInit ??= (async () => {
    if (!wasmBackend()) {
      const k = await initWasm();
      if (k) wasm = new WasmBackend(k);
    }
    if (wasm && !chosen) active = wasm;
  })();
  await wasmInit;
  return active;
}

/**
 * Threads the wasm backend may use for large kernels (the calling thread included); 1 turns the
 * worker pool off. Default: TSGRAD_NUM_THREADS, else the core count. Workers start on the first
 * kernel big enough to split, and an idle pool never keeps the process alive.
 * @example setNumThreads(2)
 */
export function setNumThreads(n: number): void {
  const w = wasmBackend();
  if (w) w.threads.numThreads = n;
  else if (!Number.isInteger(n) || n < 1) throw new ArgumentError(`setNumThreads: expected a positive integer, got ${n}`);
}

/** Threads the wasm backend uses for large kernels (1 where workers or shared memory are unavailable). */
export function getNumThreads(): number {
  return wasmBackend()?.threads.numThreads ?? 1;
}

/** Starts the worker pool now and resolves true when it is ready (false: single-threaded). For benchmarks. */
export function threadsReady(): Promise<boolean> {
  return wasmBackend()?.threads.ready() ?? Promise.resolve(false);
}

export function listBackends(): string[] {
  return [...registry.keys()];
}

// Default: TSGRAD_BACKEND if set, else wasm where WebAssembly SIMD exists, else js.
{
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.TSGRAD_BACKEND;
  if (env) setBackend(env);
  else if (wasmBackend()) active = wasm!;
}
