// Re-exports for threads.test.ts (keeps its imports on one line).
import { getBackend, setBackend } from '../../src/index.js';
export { getNumThreads, setNumThreads, threadsReady, rand, manualSeed } from '../../src/index.js';
export { wasmBackend } from '../../src/backend/index.js';
export { linear as linearOf } from '../../src/nn/functional.js';
export { onThreads } from '../helpers.js';
export function withBackendName<T>(name: string, fn: () => T): T {
  const prev = getBackend().name;
  setBackend(name);
  try { return fn(); } finally { setBackend(prev); }
}
