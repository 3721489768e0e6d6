// Float32 outputs in the backend's pinned memory (Backend.pinnedOutput: the wasm backend's shared
// memory, where kernels read and write them in place instead of copying them in and out):
// - gradients a backward pass makes (the engine recycles them as soon as it proves them dead);
// - activations: outputs made under grad mode, which the rest of the forward and the backward pass read
//   again. They stay pinned until the next backward pass (retainGraph false) ends, and then move to
//   ordinary arrays: their Storage's `data` is replaced by a copy and the pinned block is reused. Until
//   then, at most the backend's bound of pinned output bytes is alive; past it outputs are plain arrays.
// Values never change when a Storage moves; code must read `storage.data` afresh rather than keep it.
import { getBackend } from '../backend/index.js';
import { CHECK_UNINIT, addEmptyCacheHook, recycleFloat32, takeFloat32 } from '../tensor/buffer-pool.js';
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
 * Moves a pinned activation into an ordinary array (a copy; the Storage keeps its values) and hands its
 * pinned block back for reuse. A Storage whose data something else replaced meanwhile (an optimizer
 * pinning a parameter into a block of its own) just gives the block back.
 */
export function evictStorage(st: Storage): void {
  const view = resident.get(st);
  if (!view) return;
  resident.delete(st);
  if (st.data === view) {
    // Without a pooled array, a fresh one copied by its constructor: about 10% faster than allocating it
    // (zeroed) and then set() (96-107 vs 108-129 µs/MB out of a SharedArrayBuffer into fresh memory).
    const a = takeFloat32(view.length);
    if (a) a.set(view);
    st.data = a ?? new Float32Array(view);
  }
  recycleFloat32(view);
}

/** evictStorage for every pinned activation. */
export function evictResident(): void {
  for (const st of [...resident.keys()]) evictStorage(st);
}

addEmptyCacheHook(evictResident);

/** Float32 elements pinned as activations and not yet moved out; for tests. */
export function residentFloats(): number {
  let n = 0;
  for (const [st, view] of resident) if (st.data === view) n += view.length;
  return n;
}
