// Browser glue for the wasm worker pool: module Web Workers. Needs cross-origin isolation
// (SharedArrayBuffer); the page's main thread cannot block, so the caller spins while joining.
import { initWasm, type LoadOptions, type WasmKernels } from './kernels.js';
import { WasmThreadPool, type WorkerInit } from './pool.js';

/** Starts one pool worker as a module Web Worker. */
export function spawnWebWorker(init: WorkerInit): Worker {
  const w = new Worker(new URL('./pool-worker-web.js', import.meta.url), { type: 'module' });
  w.postMessage(init);
  return w;
}

/** Loads shared-memory kernels with `threads` (default navigator.hardwareConcurrency) threads, or
 *  single-threaded kernels when the page is not cross-origin isolated. */
export async function initWebWasmKernels(opts: LoadOptions & { threads?: number; minGemmWork?: number } = {}):
  Promise<{ kernels: WasmKernels; pool: WasmThreadPool | null } | null> {
  const threads = Math.max(1, opts.threads ?? (globalThis.navigator?.hardwareConcurrency || 1));
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  if (threads > 1 && isolated) {
    const kernels = await initWasm({ ...opts, shared: true, workspaces: threads });
    if (kernels) {
      const pool = new WasmThreadPool(kernels, spawnWebWorker, { threads, canBlock: false, minGemmWork: opts.minGemmWork });
      return { kernels, pool };
    }
  }
  const kernels = await initWasm({ ...opts, shared: false });
  return kernels ? { kernels, pool: null } : null;
}
