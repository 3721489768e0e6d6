// Float32 buffers the autograd engine has proven dead (gradients it made and handed on to nobody), kept
// for reuse by later op outputs of the same length. A fresh 1 MB Float32Array costs 100-250 µs here
// (page faults, zeroing, GC pressure) against about 20 µs to refill a warm one, and a training step
// allocates the same sizes every time. Browser-safe; holds at most POOL_MAX_BYTES.

const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
/**
 * TSGRAD_CHECK_UNINIT=1 (a test mode): every float32 buffer is pooled whatever its size and filled
 * with NaN when recycled (a buffer recycled while still referenced turns results into NaN), and
 * uninitialized op outputs start as NaN (src/ops/define.ts).
 */
export const CHECK_UNINIT = proc?.env?.TSGRAD_CHECK_UNINIT === '1';

/** Buffers smaller than this are cheap to allocate and are not pooled. */
const POOL_MIN_ELEMENTS = CHECK_UNINIT ? 1 : 16384;
/** Upper bound on the bytes the pool keeps; the least recently pooled buffers beyond it are left to the garbage collector. */
const POOL_MAX_BYTES = 64 * 2 ** 20;

/** Float32 buffers by exact length, last in first out (this pool, and the wasm backend's pinned one). */
export class FreeLists {
  private readonly lists = new Map<number, Float32Array[]>();
  /** Every buffer held, least recently pushed first (a Set iterates in insertion order). */
  private readonly order = new Set<Float32Array>();
  /** Bytes of the buffers held. */
  bytes = 0;
  /**
   * Holds `a` for reuse. Past `maxBytes` the least recently pushed buffers go first (each handed to
   * `drop`) until `a` fits, so lengths a workload no longer uses age out instead of keeping the pool full
   * and turning away the ones it does (a few 4 MB GEMM outputs once filled it for a whole training run
   * after them). A buffer larger than the bound itself is not held: false.
   */
  push(a: Float32Array, maxBytes = Infinity, drop?: (old: Float32Array) => void): boolean {
    if (a.byteLength > maxBytes) return false;
    while (this.bytes + a.byteLength > maxBytes) {
      const old = this.order.values().next().value as Float32Array;
      const list = this.lists.get(old.length)!;
      list.splice(list.indexOf(old), 1);
      this.forget(old);
      drop?.(old);
    }
    let list = this.lists.get(a.length);
    if (!list) this.lists.set(a.length, (list = []));
    list.push(a);
    this.order.add(a);
    this.bytes += a.byteLength;
    return true;
  }
  pop(n: number): Float32Array | null {
    const a = this.lists.get(n)?.pop() ?? null;
    if (a) this.forget(a);
    return a;
  }
  /** Empties the lists, handing each buffer to `drop` first. */
  clear(drop?: (a: Float32Array) => void): void {
    if (drop) for (const list of this.lists.values()) list.forEach(drop);
    this.lists.clear();
    this.order.clear();
    this.bytes = 0;
  }
  private forget(a: Float32Array): void {
    this.order.delete(a);
    this.bytes -= a.byteLength;
  }
}

const free = new FreeLists();

/** A pooled buffer of exactly n elements (contents arbitrary), or null. */
export function takeFloat32(n: number): Float32Array | null {
  return free.pop(n);
}

/** takeFloat32 for a tensor of `dtype`: only float32 buffers of at least POOL_MIN_ELEMENTS are pooled. */
export function takeFor(dtype: string, n: number): Float32Array | null {
  return dtype === 'float32' && n >= POOL_MIN_ELEMENTS ? takeFloat32(n) : null;
}

/**
 * Hands a buffer nobody references any more to the pool. Only for buffers whose every holder is known
 * (see the autograd engine); a buffer still reachable elsewhere would be overwritten under its holder.
 */
export function recycleFloat32(a: Float32Array): void {
  if (CHECK_UNINIT) a.fill(NaN);
  if (foreign?.recycle(a)) return;
  if (a.length < POOL_MIN_ELEMENTS || a.byteOffset !== 0 || a.byteLength !== a.buffer.byteLength) return;
  free.push(a, POOL_MAX_BYTES); // what it drops, or a refused a, is left to the garbage collector
}

/** A backend's pool of buffers in its own memory (the wasm backend's pinned outputs). */
export interface ForeignPool {
  /** Takes `a` back when it lives in the backend's memory (true), else leaves it to this pool (false). */
  recycle(a: Float32Array): boolean;
  /** Bytes the backend's pool holds. */
  bytes(): number;
  /** Releases everything the backend's pool holds. */
  clear(): void;
}

let foreign: ForeignPool | null = null;

/** Lets a backend take back the buffers in its own memory: recycleFloat32 offers each to it first. */
export function setForeignPool(p: ForeignPool): void {
  foreign = p;
}

/** Work for the calling thread beside a pool job; returns what to do once the job has ended, if anything. */
export type BesideJobWork = () => (() => void) | null;
let besideJob: BesideJobWork | null = null;
/**
 * Registers work the calling thread may do while a worker pool's threads start on a job (autograd moves
 * activations out of pinned memory there, see src/autograd/pinned.ts); the thread joins the job's
 * chunks after it, so the work runs beside the workers instead of before or after them.
 */
export function setBesideJobWork(fn: BesideJobWork | null): void {
  besideJob = fn;
}
/** Runs the registered beside-a-job work; a worker pool calls it after handing out a GEMM or conv job, and the result after the job. */
export function runBesideJob(): (() => void) | null {
  return besideJob ? besideJob() : null;
}
const onEmptyCache: (() => void)[] = [];

/** Registers work emptyCache does first (autograd moves pinned activations out, freeing their blocks). */
export function addEmptyCacheHook(fn: () => void): void {
  onEmptyCache.push(fn);
}

/**
 * Drops every pooled buffer, the backend's pinned ones included, after moving pinned activations to
 * ordinary arrays (PyTorch's torch.cuda.empty_cache, for the CPU pools).
 */
export function emptyCache(): void {
  for (const fn of onEmptyCache) fn();
  free.clear();
  foreign?.clear();
}

/** Bytes currently held by the pools (this one and the backend's). */
export function pooledBufferBytes(): number {
  return free.bytes + (foreign?.bytes() ?? 0);
}
