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
/** Upper bound on the bytes the pool keeps; buffers beyond it are left to the garbage collector. */
const POOL_MAX_BYTES = 64 * 2 ** 20;

/** Float32 buffers by exact length, last in first out (this pool, and the wasm backend's pinned one). */
export class FreeLists {
  private readonly lists = new Map<number, Float32Array[]>();
  push(a: Float32Array): void {
    let list = this.lists.get(a.length);
    if (!list) this.lists.set(a.length, (list = []));
    list.push(a);
  }
  pop(n: number): Float32Array | null {
    return this.lists.get(n)?.pop() ?? null;
  }
  clear(): void {
    this.lists.clear();
  }
}

const free = new FreeLists();
let pooledBytes = 0;

/** A pooled buffer of exactly n elements (contents arbitrary), or null. */
export function takeFloat32(n: number): Float32Array | null {
  const a = free.pop(n);
  if (a) pooledBytes -= a.byteLength;
  return a;
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
  if (foreignRecycler?.(a)) return;
  if (a.length < POOL_MIN_ELEMENTS || a.byteOffset !== 0 || a.byteLength !== a.buffer.byteLength) return;
  if (pooledBytes + a.byteLength > POOL_MAX_BYTES) return;
  free.push(a);
  pooledBytes += a.byteLength;
}

let foreignRecycler: ((a: Float32Array) => boolean) | null = null;

/**
 * Lets a backend take back buffers that live in its own memory (the wasm backend's pinned outputs):
 * recycleFloat32 offers each buffer to `fn` first, and pools it here only when fn returns false.
 */
export function setForeignRecycler(fn: (a: Float32Array) => boolean): void {
  foreignRecycler = fn;
}

/** Drops every pooled buffer (PyTorch's torch.cuda.empty_cache, for the CPU pool). */
export function emptyCache(): void {
  free.clear();
  pooledBytes = 0;
}

/** Bytes currently held by the pool. */
export function pooledBufferBytes(): number {
  return pooledBytes;
}
