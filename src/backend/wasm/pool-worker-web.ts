// Entry point of a browser pool worker (spawned by pool-web.ts; bundled as its own entry, see web/build.mjs):
// the first message is its WorkerInit.
import { workerLoop, type WorkerInit } from './pool.js';

self.onmessage = (e: MessageEvent<WorkerInit>) => workerLoop(e.data);
