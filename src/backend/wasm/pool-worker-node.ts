// Entry point of a Node worker_threads pool worker (spawned by pool-node.ts).
import { workerData } from 'node:worker_threads';
import { workerLoop, type WorkerInit } from './pool.js';

workerLoop(workerData as WorkerInit);
