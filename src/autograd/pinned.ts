// Float32 outputs in the backend's pinned memory (Backend.pinnedOutput: the wasm backend's shared
// memory, where kernels read and write them in place instead of copying them in and out):
// - gradients a backward pass makes (the engine recycles them as soon as it proves them dead);
// - activations: outputs made under grad mode, which the rest of the forward and the backward pass read
//   again. They stay pinned until the next backward pass (retainGraph false) ends, and then move to
//   ordinary arrays: their Storage's `data` is replaced by a copy and the pinned block is reused. Until
//   then, at most the backend's bound of pinned output bytes is alive; past it outputs are plain arrays.
//   With a worker pool running, the copies wait for the pool's next GEMM or conv jobs and run beside them
//   (at most until the next backward pass ends).
// Values never change when a Storage moves; code must read `storage.data` afresh rather than keep it.
import { getBackend } from '../backend/index.js';
import { CHECK_UNINIT, addEmptyCacheHook, recycleFloat32, setBesideJobWork, takeFloat32 } from '../tensor/buffer-pool.js';
import { contiguousStrides, numel } from '../tensor/shape.js';
import { Storage, Tensor } from '../tensor/tensor.js';

const NO_DATA = new Float32Array(0);

/**
 * Float32 tensors from this many elements (128 KB) are pinned (activations, gradients of a backward pass,
 * leaves entering a graph). Below it the copies saved are cheaper than the bookkeeping and the move out
 * of an activation: with 16384 (the MLP benchmark's 64x256 hidden layer pinned) its 2-thread step ran
 * 0-8% slower, median 3.5% (6 in-process pairs); the transformer's tensors are all ≥ 65536.
 */
export const PIN_MIN = 32768;

/**
 * A float32 output in the backend's pinned memory, contents undefined (NaN under TSGRAD_CHECK_UNINIT);
 * null where there is none, or when the bound on pinned outputs is reached.
 */
export function pinnedUninitialized(shape: readonly number[]): Tensor | null {
  const st = new Storage(NO_DATA);
  const data = getBackend().pinnedOutput(numel(shape), st);
  if (!data) return null;
  st.data = data;
  if (CHECK_UNINIT) data.fill(NaN); // a kernel that skips an element shows as NaN
  return new Tensor(st, [...shape], contiguousStrides(shape), 0, 'float32');
}

/** Storages pinned already, so each is copied at most once (a refusal is retried: the backend may change). */
const pinnedStorages = new WeakSet<Storage>();

/**
 * Moves a float32 tensor's storage into memory the backend's kernels use in place (Backend.pin: the
 * wasm backend's shared memory), so fused optimizer steps and GEMMs skip their operand copies. Values
 * are unchanged, and every tensor sharing the Storage (views, detached copies) follows. Optimizers do
 * this to their parameters and state, and autograd to every leaf that requires grad when it first
 * enters a graph (see gradEdge); the memory is reclaimed by garbage collection with the Storage (a
 * FinalizationRegistry: like any GC, eventually, not at a known moment). Returns t.
 */
export function pinStorage<T extends Tensor>(t: T): T {
  const st = t.storage;
  if (t.dtype !== 'float32' || !(st.data instanceof Float32Array) || pinnedStorages.has(st)) return t;
  const view = getBackend().pin(st.data, st);
  if (view) { st.data = view; pinnedStorages.add(st); }
  return t;
}

/** Activations in pinned memory: each Storage with the pinned view it was given. */
const resident = new Map<Storage, Float32Array>();

/** pinnedUninitialized for an activation: moved to an ordinary array when the next backward pass ends. */
export function residentOutput(shape: readonly number[]): Tensor | null {
  const t = pinnedUninitialized(shape);
  if (t) resident.set(t.storage, t.storage.data as Float32Array);
  return t;
}

/** Whether st holds a pinned activation. */
export function isResident(st: Storage): boolean {
  return resident.has(st);
}

/**
 * Activations whose move out is deferred (evictStorage with a worker pool running), oldest first: the
 * calling thread copies them while the pool's workers start on the next GEMM or conv job (runBesideJob),
 * instead of while they wait. Until then they stay pinned and resident, values unchanged.
 */
const deferred: { st: Storage; bytes: number; pass: number }[] = [];
/** Backward passes ended (evictResident(true) calls): a move deferred in one pass waits for at most the next. */
let passes = 0;
const queued = new WeakSet<Storage>();
let deferredBytes = 0;
/** At most this many bytes wait to move (16 MB); past it the oldest move at once. */
const DEFERRED_MAX_BYTES = 16 * 2 ** 20;
/** Bytes moved beside one job: about 100 µs of copying, less than a split GEMM's half. */
const BESIDE_JOB_BYTES = 2 ** 20;

/**
 * Moves a pinned activation into an ordinary array (a copy; the Storage keeps its values) and hands its
 * pinned block back for reuse; with a worker pool running the move waits for the next pool job
 * (`defer`). A Storage whose data something else replaced meanwhile (an optimizer pinning a parameter
 * into a block of its own) just gives the block back.
 */
export function evictStorage(st: Storage, defer = poolRunning()): void {
  const view = resident.get(st);
  if (!view) return;
  if (defer) {
    if (queued.has(st)) return;
    queued.add(st);
    deferred.push({ st, bytes: view.byteLength, pass: passes });
    deferredBytes += view.byteLength;
    while (deferredBytes > DEFERRED_MAX_BYTES) moveOldestNow();
    return;
  }
  recycleFloat32(moveOut(st, view));
}

/** Gives st an ordinary array with the values of its pinned `view`; returns the view, now unused, to recycle. */
function moveOut(st: Storage, view: Float32Array): Float32Array {
  resident.delete(st);
  if (st.data === view) {
    // Without a pooled array, a fresh one copied by its constructor: about 10% faster than allocating it
    // (zeroed) and then set() (96-107 vs 108-129 µs/MB out of a SharedArrayBuffer into fresh memory).
    const a = takeFloat32(view.length);
    if (a) a.set(view);
    st.data = a ?? new Float32Array(view);
  }
  return view;
}

/** Moves the oldest deferred activation out now; returns its pinned view to recycle (null: moved already). */
function moveOldest(): Float32Array | null {
  const { st, bytes } = deferred.shift()!;
  queued.delete(st);
  deferredBytes -= bytes;
  const view = resident.get(st);
  return view ? moveOut(st, view) : null;
}

/** moveOldest, its block recycled at once. */
function moveOldestNow(): void {
  const view = moveOldest();
  if (view) recycleFloat32(view);
}

/**
 * The pool's beside-a-job work: moves deferred activations out, about BESIDE_JOB_BYTES of them. Their
 * blocks are recycled only once the job has ended (the returned callback), since the job may be reading
 * one of them (an activation the caller still uses) and a recycled block can be overwritten (NaN-filled
 * under TSGRAD_CHECK_UNINIT).
 */
function moveSome(): (() => void) | null {
  if (!deferred.length) return null;
  const views: Float32Array[] = [];
  let bytes = 0;
  while (deferred.length && bytes < BESIDE_JOB_BYTES) {
    bytes += deferred[0]!.bytes;
    const view = moveOldest();
    if (view) views.push(view);
  }
  return () => { for (const v of views) recycleFloat32(v); };
}
setBesideJobWork(moveSome);

/** Whether a worker pool will run moveSome: moves are deferred only then. */
function poolRunning(): boolean {
  return getBackend().threadsRunning?.() ?? false;
}

/**
 * evictStorage for every pinned activation: deferred when `defer` and a pool runs (the end of a backward
 * pass), else at once, together with any deferred before (emptyCache, or a pool closed since). Moves
 * still waiting from an earlier pass are made at once: no pool job came for them (a conv step has no GEMM
 * job), and blocks held back across steps push the next outputs into cold memory (a conv step ran 8%
 * slower with them waiting up to the 16 MB bound).
 */
export function evictResident(defer = false): void {
  const later = defer && poolRunning();
  while (deferred.length && (!later || deferred[0]!.pass < passes)) moveOldestNow();
  for (const st of [...resident.keys()]) evictStorage(st, later);
  if (later) passes++;
}

addEmptyCacheHook(() => evictResident());

/** Float32 elements pinned as activations and not yet moved out; for tests. */
export function residentFloats(): number {
  let n = 0;
  for (const [st, view] of resident) if (st.data === view) n += view.length;
  return n;
}
