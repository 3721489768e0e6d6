// Browser glue for the wasm worker pool: module Web Workers (threads.ts decides when to use them).
// Bundlers: `new URL('./pool-worker-web.js', import.meta.url)` must resolve next to the bundle that
// contains this file, so bundle pool-worker-web.ts as its own entry there (web/build.mjs does).
import type { WorkerInit } from './pool.js';

/** Starts one pool worker as a module Web Worker; it joins the pool once it has the first message. */
export function spawnWebWorker(init: WorkerInit): Worker {
  const w = new Worker(new URL('./pool-worker-web.js', import.meta.url), { type: 'module', name: `tsgrad-pool-${init.index}` });
  w.postMessage(init);
  return w;
}
