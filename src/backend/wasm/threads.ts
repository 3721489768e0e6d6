// Multi-core kernels for the wasm backend (GEMMs, batches of small GEMMs, transcendental elementwise
// ops, softmax rows): a second, shared-memory instance of the kernels with a worker pool, created on
// the first kernel big enough to split. Browser-safe: Node's worker_threads is reached
// through process.getBuiltinModule (Node ≥ 20.16), so nothing here imports a Node built-in; browsers
// use Web Workers when the page is cross-origin isolated. Where no worker API exists (or without
// SharedArrayBuffer) everything stays single-threaded.
//
// Why a second instance: copies into shared memory run at about 60% of the speed of copies into
// ordinary memory (V8 copies SharedArrayBuffers with relaxed atomics), so cheap elementwise kernels keep
// the private instance and only kernels that split pay for the shared one.
import { loadWasmKernels, wasmFeatures, type WasmKernels } from './kernels.js';
import { spawnWebWorker } from './pool-web.js';
import { WasmThreadPool, type SpawnWorker, type WorkerInit } from './pool.js';

interface NodeProcess {
  env?: Record<string, string | undefined>;
  getBuiltinModule?: (id: string) => unknown;
}
const proc = (globalThis as { process?: NodeProcess }).process;

interface WorkerThreadsModule {
  Worker: new (url: URL, opts: { workerData: WorkerInit; execArgv: string[] }) => {
    unref(): void; terminate(): unknown; on(ev: 'error', fn: (e: unknown) => void): void;
  };
}

/** How this engine starts pool workers, its core count, and whether the calling thread may block. */
interface Spawner {
  /** Starts a worker; onError is called if it fails to start or throws (the pool then stops). */
  spawn: (init: WorkerInit, onError: (e: unknown) => void) => ReturnType<SpawnWorker>;
  cores: number;
  canBlock: boolean;
}

/** Node's worker_threads, or null (no Node, or too old for process.getBuiltinModule). */
function nodeSpawner(): Spawner | null {
  const get = proc?.getBuiltinModule;
  if (typeof get !== 'function') return null;
  try {
    const wt = get('node:worker_threads') as WorkerThreadsModule | undefined;
    const os = get('node:os') as { availableParallelism?: () => number; cpus(): unknown[] } | undefined;
    if (!wt?.Worker || !os) return null;
    const cores = os.availableParallelism?.() ?? os.cpus().length;
    const url = new URL('./pool-worker-node.js', import.meta.url);
    // No inherited options: workers refuse some (--input-type, V8 flags such as
    // --experimental-wasm-relaxed-simd, which are process-wide and so apply to them anyway).
    const execArgv: string[] = [];
    return {
      cores,
      canBlock: true,
      spawn: (init, onError) => {
        const w = new wt.Worker(url, { workerData: init, execArgv });
        w.unref(); // an idle pool never keeps the process alive
        w.on('error', onError);
        return w;
      },
    };
  } catch {
    return null;
  }
}

/**
 * Web Workers, or null where a page may not share memory with them: SharedArrayBuffer needs cross-origin
 * isolation (the page served with COOP `same-origin` and COEP `require-corp`). Spawning is asynchronous;
 * the pool runs GEMMs single-threaded until every worker is READY. The caller spins while joining,
 * since a page's main thread may not block in Atomics.wait.
 */
function webSpawner(): Spawner | null {
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  if (typeof Worker !== 'function' || typeof SharedArrayBuffer !== 'function' || g.crossOriginIsolated !== true) return null;
  return {
    cores: g.navigator?.hardwareConcurrency || 1,
    canBlock: false,
    spawn: (init, onError) => {
      const w = spawnWebWorker(init);
      w.addEventListener('error', onError);
      return w;
    },
  };
}

/**
 * M·N·K from which a GEMM (or a batch of small GEMMs, whole matrices per thread) through the backend,
 * operand copies included, is split across the pool. Measured on the 2-core dev VM with
 * bench/thresholds.ts (awake workers): 2 threads win 1.2x from ~96³ and 1.3-1.55x from 128³-256³; a
 * batch of 64×64×32 GEMMs wins 1.2x from 4 matrices (0.5M MAC). Under CPU contention from other
 * processes 2 threads win less; chunk claiming (pool.ts) keeps the loss bounded.
 */
export const DEFAULT_SPLIT_WORK = 128 * 128 * 64;

/**
 * Elements from which a transcendental elementwise kernel (exp, GELU and its gradient, softmax, ...)
 * is split across the pool, copies into the shared memory included (bench/thresholds.ts: 1.1-1.4x at
 * 16k elements, 1.5-1.7x from 64k; a loss below 8k). Cheap ops (add, mul, relu) are bound by the
 * copies in and out, which stay on the calling thread, so they never split.
 */
export const DEFAULT_SPLIT_ELEMENTS = 16384;

/**
 * Elements from which a cheap kernel (add, multiply, a strided copy, layer norm, an optimizer step) whose arrays all live in the
 * shared memory is split (nothing to copy in). bench/thresholds.ts, pinned operands warm in the caller's
 * cache, 2 threads: multiplies lose below it (0.70-0.90x at 8192, 0.85x at 16384) and win from it
 * (1.2-1.5x at 32768, up to 1.4-1.9x at 262144); strided copies and layer norm win from 16384. In a
 * training step it also spares the caller reading the worker's half of a GEMM output from the other core
 * (bench/RESULTS.md, stop 11).
 */
export const DEFAULT_SPLIT_IN_PLACE_ELEMENTS = 32768;

/** Threads setting and the lazily created shared kernels + pool. */
export class ThreadedGemm {
  private wanted: number;
  private pool: WasmThreadPool | null = null;
  private kernels: WasmKernels | null = null;
  private failed = false;
  private readonly spawner = nodeSpawner() ?? webSpawner();
  minWork = DEFAULT_SPLIT_WORK;
  minElements = DEFAULT_SPLIT_ELEMENTS;
  minInPlaceElements = DEFAULT_SPLIT_IN_PLACE_ELEMENTS;

  constructor() {
    const env = proc?.env?.TSGRAD_NUM_THREADS;
    const n = env ? Number(env) : NaN;
    this.wanted = Number.isInteger(n) && n >= 1 ? n : (this.spawner?.cores ?? 1);
  }

  /** Threads large kernels may use (including the calling one). */
  get numThreads(): number {
    return this.spawner && !this.failed ? this.wanted : 1;
  }

  set numThreads(n: number) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`setNumThreads: expected a positive integer, got ${n}`);
    if (n === this.wanted) return;
    this.close();
    this.wanted = n;
  }

  /** The shared kernels with a ready pool for this much work, or null (run single-threaded). */
  forWork(work: number): WasmKernels | null {
    if (work < this.minWork || this.wanted < 2 || !this.spawner || this.failed) return null;
    if (!this.pool) this.start();
    return this.pool?.isReady ? this.kernels : null;
  }

  /** The shared kernels with a ready pool for a transcendental elementwise kernel of n elements, or null. */
  forElements(n: number): WasmKernels | null {
    return n < this.minElements ? null : this.forWork(Infinity);
  }

  /** Whether a pool with workers is up and taking jobs. */
  get running(): boolean {
    return !!this.pool?.isReady && this.pool.threads > 1;
  }

  /** The current shared-memory instance, if one exists (never creates one). */
  get sharedKernels(): WasmKernels | null {
    return this.kernels;
  }

  /**
   * The shared-memory kernels pinned data (Backend.pin) lives in, created now if needed (the pool
   * still starts on the first large kernel), or null without shared memory. On one thread (or without
   * workers) it is an instance with no pool: measured on the MLP step (bench/pin-ab.mjs, 1 thread),
   * pinning there beats keeping parameters in plain arrays (step time 0.96-1.04x, median 0.98x, with SGD;
   * 0.86-0.94x with Adam), although copies into shared memory are slower than into the private instance's.
   */
  pinKernels(): WasmKernels | null {
    if (this.kernels) return this.kernels;
    if (this.failed || !wasmFeatures().shared) return null;
    const k = loadWasmKernels({ shared: true, workspaces: this.wanted });
    if (!k) return null;
    this.kernels = k;
    return k;
  }

  /** Starts the pool now and resolves when its workers are ready (false: single-threaded). */
  async ready(timeoutMs = 10000): Promise<boolean> {
    if (this.wanted < 2 || !this.spawner || this.failed) return false;
    if (!this.pool) this.start();
    return this.pool ? this.pool.ready(timeoutMs) : false;
  }

  private start(): void {
    // The instance pinKernels created (holding pinned data) already has `wanted` workspaces.
    const k = this.kernels ?? loadWasmKernels({ shared: true, workspaces: this.wanted });
    if (!k) { this.failed = true; return; }
    try {
      const spawn: SpawnWorker = (init) => this.spawner!.spawn(init, (e) => this.workerFailed(e));
      this.pool = new WasmThreadPool(k, spawn, { threads: this.wanted, canBlock: this.spawner!.canBlock, minGemmWork: this.minWork, spinMicros: 100 });
      this.kernels = k;
    } catch {
      this.failed = true;
    }
  }

  /**
   * A worker that failed to start or threw: the pool stops and kernels run single-threaded from now on
   * (a dead worker would otherwise leave every job to the calling thread while still counted as ready).
   */
  private workerFailed(e: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.close();
    console.warn(`tsgrad: a kernel worker failed (${e instanceof Error ? e.message : String(e)}); continuing single-threaded`);
  }

  /**
   * Stops the workers (a later large GEMM starts a new pool on a new instance). Data pinned in the old
   * instance's memory stays valid: kernels that find it there use that instance, others copy it.
   */
  close(): void {
    this.pool?.close();
    this.pool = null;
    this.kernels = null;
  }
}
