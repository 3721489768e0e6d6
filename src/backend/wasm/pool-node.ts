// Node glue for the wasm worker pool: worker_threads workers, unref'd so an idle pool never keeps
// the process alive. Imports Node built-ins, so it is kept apart from the browser-safe modules.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { loadWasmKernels, type LoadOptions, type WasmKernels } from './kernels.js';
import { WasmThreadPool, type WorkerInit } from './pool.js';

export interface NodeKernelOptions extends LoadOptions {
  /** Total threads including the calling one; default os.availableParallelism(). */
  threads?: number;
  /** Minimum M·N·K to split a GEMM (see WasmThreadPool). */
  minGemmWork?: number;
}

/** Starts `init.index`'s worker. */
export function spawnNodeWorker(init: WorkerInit): Worker {
  const w = new Worker(new URL('./pool-worker-node.js', import.meta.url), { workerData: init });
  w.unref();
  return w;
}

/**
 * Loads shared-memory kernels with a worker pool of `threads` (default: core count) attached; with one
 * thread or no shared memory, plain single-threaded kernels. Await `pool.ready()` before timing.
 * @example const { kernels, pool } = loadNodeWasmKernels({ threads: 2 })!; await pool?.ready();
 */
export function loadNodeWasmKernels(opts: NodeKernelOptions = {}): { kernels: WasmKernels; pool: WasmThreadPool | null } | null {
  const threads = Math.max(1, opts.threads ?? availableParallelism());
  if (threads > 1) {
    const kernels = loadWasmKernels({ ...opts, shared: true, workspaces: threads });
    if (kernels) {
      const pool = new WasmThreadPool(kernels, spawnNodeWorker, { threads, canBlock: true, minGemmWork: opts.minGemmWork });
      return { kernels, pool };
    }
  }
  const kernels = loadWasmKernels({ ...opts, shared: false });
  return kernels ? { kernels, pool: null } : null;
}
