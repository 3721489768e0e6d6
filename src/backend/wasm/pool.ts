// Worker pool that splits large kernels across threads sharing one WebAssembly.Memory: GEMMs (row or
// column blocks of C), batches of small GEMMs (whole matrices), row-independent elementwise/softmax
// kernels (element or row ranges) and conv2d (image ranges). Browser-safe: spawning workers is left to
// a glue file (pool-node.ts for worker_threads, pool-web.ts for Web Workers).
//
// Protocol: a 256-byte control block in the shared memory. GEN is a seqlock: the caller makes it odd,
// writes the job, makes it even and notifies. A job is cut into chunks with
// global, ever-increasing numbers [FIRST, END); every thread, the caller included, claims chunks with a
// compare-and-swap on NEXT that never passes END, runs them with its own workspace and bumps DONE;
// the caller returns when DONE reaches END. Claiming instead of fixed parts matters on a shared
// machine: a descheduled worker (another process on its core) costs at most the chunk it holds, not
// half the job, and a worker that wakes late finds nothing left to claim (its stale END stops it).
// Workers poll GEN for spinMicros after a job (dispatch ≈ 1 µs when busy), then sleep in Atomics.wait;
// callers prewake() them before copying operands in, so the wake-up overlaps the copies.
// Until every worker has instantiated the module (READY), calls run single-threaded instead of waiting.
// After publishing a GEMM or conv job the caller first does any work registered with setBesideJobWork
// (src/tensor/buffer-pool.ts: autograd's deferred copies), then claims chunks: the workers start meanwhile.
import { runBesideJob } from '../../tensor/buffer-pool.js';
import { MAP_ADAM, MAP_BCAST, MAP_BINARY, MAP_BINARY_SCALAR, MAP_GATHER, MAP_LAYER_NORM, MAP_SGD, MAP_SOFTMAX, MAP_UNARY, bitsToF32, type ConvJob, type KernelSplitter, type KernelExports, type WasmKernels } from './kernels.js';

const GEN = 0, READY = 2, KIND = 3, NEXT = 4, DONE = 5, FIRST = 6, END = 7, ARGS = 8;
/**
 * Chunks per thread: more balances better on a busy machine, fewer cost less per chunk. For a GEMM too
 * large to pack its shared operand once (MAX_SHARED_PACK), each chunk packs the whole other operand: in
 * wasm memory on 2 threads, 4 → 2 chunks per thread took the speedup over 1 thread from 1.4-1.8x to
 * 1.75-2.0x (64·256·784, 256·784·64, 512·128·512, 512·512·128).
 */
const CHUNKS_PER_THREAD = 2;
const JOB_EXIT = 0, JOB_SGEMM = 1, JOB_SGEMM_BATCH = 2, JOB_MAP = 3, JOB_CONV = 4, JOB_PACK = 5;
/**
 * A split GEMM's shared operand (all of op(B) for row blocks of C, all of op(A) for column blocks) is
 * packed once, by all threads, into a buffer the chunks then read, up to this many floats (16 MB);
 * past it each chunk packs its own copy.
 */
const MAX_SHARED_PACK = 1 << 22;
/**
 * A GEMM whose shared operand is packed once is cut into guided chunks (guidedStart): each takes
 * 1 ÷ (GUIDED_DIV · threads) of the rows or columns left, so the chunks shrink towards the end, where a
 * thread that runs out of chunks waits for the other's last one. Without repacking, more chunks cost
 * little. In the 2-thread transformer step (bench/step-ab.mjs, 30 blocks), even chunks went from 2 to 4
 * per thread (B ÷ A 0.943 / 0.976; 8 per thread 0.997 / 0.984), then to guided ones: 0.992, 0.984,
 * 0.983, 0.987, 0.984 against 4 even ones; a divisor of 1 · threads measured 1.011 / 0.988 and
 * 4 · threads 1.026 / 0.998 against 2 · threads.
 */
const GUIDED_DIV = 2;
/** Parts are whole multiples of this many rows/columns (a multiple of every micro-tile side). */
const SPLIT_ALIGN = 16;

/** What a worker needs to join the pool (sent as workerData / the first message). */
export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** byte offset of the control block */
  ctrl: number;
  /** this worker's part index (1..threads-1; the calling thread is part 0) */
  index: number;
  parts: number;
  /** byte offset of this worker's GEMM workspace */
  work: number;
  /** microseconds a worker keeps polling for the next job before it sleeps in Atomics.wait */
  spinMicros: number;
}

export interface PoolWorker { terminate(): unknown }
export type SpawnWorker = (init: WorkerInit) => PoolWorker;

export interface PoolOptions {
  /** Total threads including the calling one; default: what the glue reports (core count). */
  threads: number;
  /** Whether the calling thread may block in Atomics.wait (Node: yes; browser main thread: no). */
  canBlock: boolean;
  /** Minimum M·N·K to split; default measured on a 2-core x86-64 (see bench/RESULTS.md). */
  minGemmWork?: number;
  /** How long idle workers poll before sleeping (default 500 µs): waking a sleeping worker costs
   *  15-70 µs, polling costs a core, so back-to-back kernels (a training step) find them awake. */
  spinMicros?: number;
}

/**
 * The chunk-claiming loop every job kind shares: takes chunk numbers [first, end) one at a time with a
 * compare-and-swap on NEXT (a stale worker sees next < first or ≥ end and stops), runs item range
 * [lo, hi) of `count` items for each, and bumps DONE, waking the caller after the last one. Chunks are
 * `chunk` items each, or with `div` guided ones in units of `chunk` items (guidedStart).
 */
function claimChunks(i32: Int32Array, first: number, end: number, chunk: number, count: number, run: (lo: number, hi: number) => void,
  div = 0): void {
  for (;;) {
    const next = Atomics.load(i32, NEXT);
    if (next >= end || next < first) return;
    if (Atomics.compareExchange(i32, NEXT, next, next + 1) !== next) continue;
    const lo = div ? guidedStart(next - first, count, chunk, div) : (next - first) * chunk;
    run(lo, Math.min(count, lo + (div ? guidedTake(count - lo, chunk, div) : chunk)));
    if (Atomics.add(i32, DONE, 1) + 1 === end) Atomics.notify(i32, DONE);
  }
}

/** Items a guided chunk takes when `left` of them are left: ⌈units left ÷ div⌉ units of `unit` items. */
const guidedTake = (left: number, unit: number, div: number): number => Math.ceil(Math.ceil(left / unit) / div) * unit;

/**
 * Where guided chunk j of `count` items starts (`count` for j past the last): each chunk takes
 * guidedTake of the items left, so the chunks shrink towards the end and the threads finish together.
 */
export function guidedStart(j: number, count: number, unit: number, div: number): number {
  let lo = 0;
  for (let i = 0; i < j && lo < count; i++) lo += guidedTake(count - lo, unit, div);
  return Math.min(lo, count);
}

/** How many chunks guidedStart cuts `count` items into. */
export function guidedChunks(count: number, unit: number, div: number): number {
  let j = 0;
  for (let lo = 0; lo < count; j++) lo += guidedTake(count - lo, unit, div);
  return j;
}

/** Claims chunks of the job in the control block and runs them until none is left below `end`. */
function runChunks(kind: number, ex: KernelExports, i32: Int32Array, f32: Float32Array, first: number, end: number, work: number, index: number): void {
  if (kind === JOB_SGEMM_BATCH) runBatchChunks(ex, i32, first, end, work);
  else if (kind === JOB_MAP) runMapChunks(ex, i32, first, end);
  else if (kind === JOB_CONV) runConvChunks(ex, i32, first, end, work, index);
  else if (kind === JOB_PACK) runPackChunks(ex, i32, first, end);
  else runSgemmChunks(ex, i32, f32, first, end, work);
}

/** Runs chunks (image ranges) of a JOB_CONV as thread `index`, with that thread's buffers. */
function runConvChunks(ex: KernelExports, i32: Int32Array, first: number, end: number, work: number, index: number): void {
  const fwd = i32[ARGS]!, g = i32[ARGS + 1]!, x = i32[ARGS + 2]!, w = i32[ARGS + 3]!, b = i32[ARGS + 4]!, flags = i32[ARGS + 5]!;
  const out = i32[ARGS + 6]!, dw = i32[ARGS + 7]! + index * i32[ARGS + 11]!, db = i32[ARGS + 8]! + index * i32[ARGS + 12]!;
  const cols = i32[ARGS + 9]! + index * i32[ARGS + 10]!, n = i32[ARGS + 13]!, chunk = i32[ARGS + 14]!;
  claimChunks(i32, first, end, chunk, n, (lo, hi) => {
    if (fwd) ex.conv2dForward(g, x, w, b, flags, out, cols, work, lo, hi);
    else ex.conv2dBackward(g, b, x, w, out, dw, db, flags & 1, (flags >> 1) & 1, (flags >> 2) & 1, cols, work, lo, hi);
  });
}

/**
 * One range of a JOB_MAP: elements lo..lo+len (unary, binary, vector-scalar) or rows lo..lo+len of `cols`
 * output elements (softmax and its gradient, broadcast binary, gather, layer norm); extra arguments at
 * ARGS + 8 (see WasmThreadPool.map).
 */
function mapRange(ex: KernelExports, i32: Int32Array, fn: number, op: number, x: number, y: number, out: number, lo: number, len: number, cols: number): void {
  if (fn === MAP_UNARY) ex.unary(op, x + 4 * lo, out + 4 * lo, len);
  else if (fn === MAP_BINARY) ex.binary(op, x + 4 * lo, y + 4 * lo, out + 4 * lo, len);
  else if (fn === MAP_BINARY_SCALAR) ex.binaryScalar(op & 255, x + 4 * lo, bitsToF32(y), op >> 8, out + 4 * lo, len);
  else if (fn === MAP_BCAST) {
    const rowVec = (op >> 8) & 1;
    ex.binaryBcast(op & 255, x + 4 * lo * cols, rowVec ? y : y + 4 * lo, out + 4 * lo * cols, len, cols, rowVec, (op >> 9) & 1);
  } else if (fn === MAP_GATHER) {
    // indices lo..lo+len of dim `op` (the dims before it have one index); dims and strides at ARGS + 8
    const e = ARGS + 8, d = (k: number) => (k === op ? len : i32[e + k]!);
    ex.gatherStrided4(x + 4 * lo * i32[e + 4 + op]!, d(0), d(1), d(2), d(3), i32[e + 4]!, i32[e + 5]!, i32[e + 6]!, i32[e + 7]!, out + 4 * lo * cols);
  } else if (fn === MAP_LAYER_NORM) {
    // op = hasW | hasB << 1, y = eps's bits; w, b, mean, rstd at ARGS + 8
    const e = ARGS + 8;
    ex.layerNormRows(x + 4 * lo * cols, len, cols, i32[e]!, i32[e + 1]!, op & 1, (op >> 1) & 1, bitsToF32(y), out + 4 * lo * cols,
      i32[e + 2]! + 4 * lo, i32[e + 3]! + 4 * lo);
  } else if (fn === MAP_SGD) {
    // x = p, y = grad, out = the momentum buffer; op = nesterov | maximize << 1 | firstStep << 2; lr, momentum, dampC, weightDecay bits at ARGS + 8
    const e = ARGS + 8, f = (k: number) => bitsToF32(i32[e + k]!);
    ex.sgdStep(x + 4 * lo, y + 4 * lo, out + 4 * lo, len, f(0), f(1), f(2), f(3), op & 1, (op >> 1) & 1, (op >> 2) & 1);
  } else if (fn === MAP_ADAM) {
    // x = p, y = grad, out = m; op = decoupled | maximize << 1; v, then the coefficients' bits at ARGS + 8
    const e = ARGS + 8, f = (k: number) => bitsToF32(i32[e + k]!);
    ex.adamStep(x + 4 * lo, y + 4 * lo, out + 4 * lo, i32[e]! + 4 * lo, len, f(1), f(2), f(3), f(4), f(5), f(6), f(7), op & 1, (op >> 1) & 1, f(8), f(9));
  } else if (fn === MAP_SOFTMAX) ex.softmaxRows(x + 4 * lo * cols, len, cols, out + 4 * lo * cols, op);
  else ex.softmaxBackwardRows(x + 4 * lo * cols, y + 4 * lo * cols, len, cols, out + 4 * lo * cols, op);
}

/** Runs chunks of a JOB_MAP. */
function runMapChunks(ex: KernelExports, i32: Int32Array, first: number, end: number): void {
  const fn = i32[ARGS]!, op = i32[ARGS + 1]!, x = i32[ARGS + 2]!, y = i32[ARGS + 3]!, out = i32[ARGS + 4]!;
  const n = i32[ARGS + 5]!, cols = i32[ARGS + 6]!, chunk = i32[ARGS + 7]!;
  claimChunks(i32, first, end, chunk, n, (lo, hi) => mapRange(ex, i32, fn, op, x, y, out, lo, hi - lo, cols));
}

/**
 * A batch of equal-shape GEMMs (alpha 1, beta 0): matrix i reads A and B at the byte pointers in the
 * int32 list at PTRS (a₀, b₀, a₁, b₁, …) and writes C at c + i·M·N·4. A chunk is a run of whole matrices.
 */
function runBatchChunks(ex: KernelExports, i32: Int32Array, first: number, end: number, work: number): void {
  const tA = i32[ARGS]!, tB = i32[ARGS + 1]!, M = i32[ARGS + 2]!, N = i32[ARGS + 3]!, K = i32[ARGS + 4]!;
  const lda = i32[ARGS + 5]!, ldb = i32[ARGS + 6]!, c = i32[ARGS + 7]!, nb = i32[ARGS + 8]!, chunk = i32[ARGS + 9]!;
  const ptrs = i32[ARGS + 10]!;
  claimChunks(i32, first, end, chunk, nb, (lo, hi) => ex.sgemmBatch(tA, tB, M, N, K, lda, ldb, ptrs, lo, hi, c, work));
}

/** Runs chunks (micro-panel ranges) of a JOB_PACK: a GEMM operand packed for the chunks of the next job. */
function runPackChunks(ex: KernelExports, i32: Int32Array, first: number, end: number): void {
  const shape = i32[ARGS]!, isB = i32[ARGS + 1]!, trans = i32[ARGS + 2]!, src = i32[ARGS + 3]!, ld = i32[ARGS + 4]!;
  const K = i32[ARGS + 5]!, len = i32[ARGS + 6]!, dst = i32[ARGS + 7]!, chunk = i32[ARGS + 8]!, panels = i32[ARGS + 9]!;
  claimChunks(i32, first, end, chunk, panels, (lo, hi) => ex.packPanels(shape, isB, trans, src, ld, K, len, dst, lo, hi));
}

/**
 * Runs chunks (row or column blocks of C) of a JOB_SGEMM. With a packed operand (ARGS + 15, from the
 * JOB_PACK before it, in tile shape ARGS + 16), the chunks read it instead of each packing its own.
 */
function runSgemmChunks(ex: KernelExports, i32: Int32Array, f32: Float32Array, first: number, end: number, work: number): void {
  const tA = i32[ARGS]!, tB = i32[ARGS + 1]!, M = i32[ARGS + 2]!, N = i32[ARGS + 3]!, K = i32[ARGS + 4]!;
  const alpha = f32[ARGS + 5]!, a = i32[ARGS + 6]!, lda = i32[ARGS + 7]!, b = i32[ARGS + 8]!, ldb = i32[ARGS + 9]!;
  const beta = f32[ARGS + 10]!, c = i32[ARGS + 11]!, ldc = i32[ARGS + 12]!, chunk = i32[ARGS + 13]!, bias = i32[ARGS + 14]!;
  const packed = i32[ARGS + 15]!, shape = i32[ARGS + 16]!, div = i32[ARGS + 17]!;
  const byRows = M >= N;
  claimChunks(i32, first, end, chunk, byRows ? M : N, (lo, hi) => {
    const aLo = a + 4 * (tA ? lo : lo * lda), bLo = b + 4 * (tB ? lo * ldb : lo), biasLo = bias && bias + 4 * lo;
    if (packed) {
      if (byRows) ex.sgemmPacked(shape, tA, tB, hi - lo, N, K, alpha, aLo, lda, 0, ldb, beta, c + 4 * lo * ldc, ldc, work, bias, packed, 1);
      else ex.sgemmPacked(shape, tA, tB, M, hi - lo, K, alpha, 0, lda, bLo, ldb, beta, c + 4 * lo, ldc, work, biasLo, packed, 0);
    } else if (byRows) ex.sgemm(tA, tB, hi - lo, N, K, alpha, aLo, lda, b, ldb, beta, c + 4 * lo * ldc, ldc, work, bias);
    else ex.sgemm(tA, tB, M, hi - lo, K, alpha, a, lda, bLo, ldb, beta, c + 4 * lo, ldc, work, biasLo);
  }, div);
}

/** Body of a pool worker: instantiate the module on the shared memory, then serve jobs until told to exit. */
export function workerLoop(init: WorkerInit): void {
  const instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory } });
  const ex = instance.exports as unknown as KernelExports;
  const i32 = new Int32Array(init.memory.buffer, init.ctrl, 64);
  const f32 = new Float32Array(init.memory.buffer, init.ctrl, 64);
  let seen = Atomics.load(i32, GEN);
  Atomics.add(i32, READY, 1);
  Atomics.notify(i32, READY);
  for (;;) {
    let g = Atomics.load(i32, GEN);
    const deadline = performance.now() + init.spinMicros / 1000;
    while ((g === seen || g & 1) && performance.now() < deadline) {
      for (let s = 0; (g === seen || g & 1) && s < 1000; s++) g = Atomics.load(i32, GEN);
    }
    if (g === seen || g & 1) {
      // Sleep until a job or a prewake() (a notify without a new job): either way spin again first.
      Atomics.wait(i32, GEN, g);
      continue;
    }
    seen = g;
    // Seqlock read: the job is consistent if GEN has not moved while reading it.
    const kind = i32[KIND], first = i32[FIRST]!, end = i32[END]!;
    if (Atomics.load(i32, GEN) !== g) continue;
    if (kind === JOB_EXIT) return;
    runChunks(kind!, ex, i32, f32, first, end, init.work, init.index);
  }
}

/** A pool of `threads − 1` workers plus the calling thread, attached to one shared-memory WasmKernels. */
export class WasmThreadPool implements KernelSplitter {
  readonly threads: number;
  minGemmWork: number;
  private readonly i32: Int32Array;
  private readonly f32: Float32Array;
  private readonly workers: PoolWorker[] = [];
  private readonly canBlock: boolean;
  private closed = false;
  /** The shared packed operand's buffer (packShared): byte offset and size in floats; grows, never shrinks. */
  private packPtr = 0;
  private packFloats = 0;

  constructor(private readonly kernels: WasmKernels, spawn: SpawnWorker, opts: PoolOptions) {
    if (!kernels.shared) throw new Error('WasmThreadPool: the kernels must be loaded with { shared: true }');
    this.threads = Math.max(1, Math.min(opts.threads, kernels.workspaces.length));
    this.minGemmWork = opts.minGemmWork ?? 128 * 128 * 128;
    this.canBlock = opts.canBlock;
    this.i32 = new Int32Array(kernels.memory.buffer, kernels.ctrl, 64);
    this.f32 = new Float32Array(kernels.memory.buffer, kernels.ctrl, 64);
    this.i32.fill(0);
    for (let index = 1; index < this.threads; index++) {
      this.workers.push(spawn({
        module: kernels.module, memory: kernels.memory, ctrl: kernels.ctrl, index, parts: this.threads,
        work: kernels.workspaces[index], spinMicros: opts.spinMicros ?? 500,
      }));
    }
    kernels.setSplitter(this);
  }

  /** true once every worker has started and can take work. */
  get isReady(): boolean { return !this.closed && Atomics.load(this.i32, READY) === this.threads - 1; }

  /** Resolves when every worker is ready (or after `timeoutMs`, to false). */
  async ready(timeoutMs = 10000): Promise<boolean> {
    const t0 = Date.now();
    while (!this.isReady) {
      if (Date.now() - t0 > timeoutMs) return false;
      await new Promise((r) => setTimeout(r, 2));
    }
    return true;
  }

  sgemm(transA: number, transB: number, M: number, N: number, K: number, alpha: number, a: number, lda: number,
    b: number, ldb: number, beta: number, c: number, ldc: number, bias: number): void {
    const ex = this.kernels.exports;
    if (!this.isReady) {
      ex.sgemm(transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc, this.kernels.workspaces[0]!, bias);
      return;
    }
    const i32 = this.i32, f32 = this.f32;
    const byRows = M >= N, dim = byRows ? M : N, len = byRows ? N : M;
    // The shared operand: op(B) (NR-column panels) for row blocks of C, op(A) (MR-row panels) for column blocks.
    const shape = this.kernels.exports.getTileShape();
    const width = byRows ? (shape === 1 ? 16 : 8) : (shape === 1 ? 2 : 4);
    const panels = Math.ceil(len / width);
    const shareable = K > 0 && alpha !== 0 && K * panels * width <= MAX_SHARED_PACK;
    const div = shareable ? GUIDED_DIV * this.threads : 0; // guided chunks, else CHUNKS_PER_THREAD even ones
    const chunk = div ? SPLIT_ALIGN : Math.max(SPLIT_ALIGN, Math.ceil(dim / (this.threads * CHUNKS_PER_THREAD) / SPLIT_ALIGN) * SPLIT_ALIGN);
    const chunks = div ? guidedChunks(dim, chunk, div) : Math.ceil(dim / chunk);
    const packed = shareable && chunks > 1
      ? this.packShared(shape, byRows ? 1 : 0, byRows ? transB : transA, byRows ? b : a, byRows ? ldb : lda, K, len, panels, width) : 0;
    const { first, end } = this.begin(JOB_SGEMM, chunks);
    i32[ARGS] = transA; i32[ARGS + 1] = transB; i32[ARGS + 2] = M; i32[ARGS + 3] = N; i32[ARGS + 4] = K;
    f32[ARGS + 5] = alpha; i32[ARGS + 6] = a; i32[ARGS + 7] = lda; i32[ARGS + 8] = b; i32[ARGS + 9] = ldb;
    f32[ARGS + 10] = beta; i32[ARGS + 11] = c; i32[ARGS + 12] = ldc; i32[ARGS + 13] = chunk; i32[ARGS + 14] = bias;
    i32[ARGS + 15] = packed; i32[ARGS + 16] = shape; i32[ARGS + 17] = div;
    this.runBeside(first, end, () => runSgemmChunks(ex, i32, f32, first, end, this.kernels.workspaces[0]!));
  }

  /**
   * Publishes the job written into the control block, does the beside-a-job work (setBesideJobWork) while
   * the workers start on it, runs the caller's own chunks (`mine`), waits for the job to end, then
   * finishes the beside-a-job work.
   */
  private runBeside(first: number, end: number, mine: () => void): void {
    this.publish(first, end);
    const after = runBesideJob();
    mine();
    this.join(end);
    after?.();
  }

  /**
   * Packs the operand every chunk of a split GEMM reads (op(X), X at byte offset `src` with leading
   * dimension ld, `len` × K or K × `len`, in `panels` panels of `width`) into the pool's pack buffer, as a
   * job of its own across the threads; returns the buffer's byte offset, or 0 when memory for it cannot be
   * had (each chunk then packs its own).
   */
  private packShared(shape: number, isB: number, trans: number, src: number, ld: number, K: number, len: number,
    panels: number, width: number): number {
    const floats = K * panels * width;
    if (floats > this.packFloats) {
      if (this.packPtr) this.kernels.free(this.packPtr);
      this.packPtr = this.packFloats = 0;
      try { this.packPtr = this.kernels.alloc(floats); } catch { return 0; } // memory.grow refused by the engine
      this.packFloats = floats;
    }
    const i32 = this.i32;
    const chunk = this.evenChunk(panels);
    const { first, end } = this.begin(JOB_PACK, Math.ceil(panels / chunk));
    i32[ARGS] = shape; i32[ARGS + 1] = isB; i32[ARGS + 2] = trans; i32[ARGS + 3] = src;
    i32[ARGS + 4] = ld; i32[ARGS + 5] = K; i32[ARGS + 6] = len; i32[ARGS + 7] = this.packPtr;
    i32[ARGS + 8] = chunk; i32[ARGS + 9] = panels;
    this.publish(first, end);
    runPackChunks(this.kernels.exports, i32, first, end);
    this.join(end);
    return this.packPtr;
  }

  /**
   * nb GEMMs of one shape (alpha 1, beta 0), whole matrices shared out across the pool: matrix i reads
   * A and B at the byte pointers ptrs[2i], ptrs[2i + 1] of the int32 list at byte offset `ptrs` (in the
   * shared memory) and writes a contiguous M×N C at c + i·M·N·4.
   */
  sgemmBatch(transA: number, transB: number, M: number, N: number, K: number, lda: number, ldb: number,
    ptrs: number, nb: number, c: number): void {
    const ex = this.kernels.exports;
    if (!this.isReady) {
      ex.sgemmBatch(transA, transB, M, N, K, lda, ldb, ptrs, 0, nb, c, this.kernels.workspaces[0]!);
      return;
    }
    const i32 = this.i32;
    const chunk = this.evenChunk(nb);
    const { first, end } = this.begin(JOB_SGEMM_BATCH, Math.ceil(nb / chunk));
    i32[ARGS] = transA; i32[ARGS + 1] = transB; i32[ARGS + 2] = M; i32[ARGS + 3] = N; i32[ARGS + 4] = K;
    i32[ARGS + 5] = lda; i32[ARGS + 6] = ldb; i32[ARGS + 7] = c; i32[ARGS + 8] = nb; i32[ARGS + 9] = chunk; i32[ARGS + 10] = ptrs;
    this.runBeside(first, end, () => runBatchChunks(ex, i32, first, end, this.kernels.workspaces[0]!));
  }

  /**
   * A row-independent kernel split across the pool. fn is one of:
   * - MAP_UNARY: op, x → out over n elements;
   * - MAP_BINARY: op, x, y → out over n elements;
   * - MAP_BINARY_SCALAR: op | scalarFirst << 8, x and the scalar's float32 bits in y → out over n elements;
   * - MAP_SOFTMAX: op = log flag, x → out over n rows of `cols`;
   * - MAP_SOFTMAX_BACKWARD: op = log flag, g = x and y → out over n rows;
   * - MAP_BCAST: op | rowVec << 8 | swap << 9, x and the vector y → out over n rows of `cols`;
   * - MAP_GATHER: the strided view at x → out over the n indices of its dim `op` (the dims before it of
   *   size 1), `cols` elements each; extra = its 4 dims and 4 strides;
   * - MAP_LAYER_NORM: op = hasW | hasB << 1, eps's float32 bits in y, x → out over n rows of `cols`;
   *   extra = w, b, mean, rstd;
   * - MAP_SGD: op = nesterov | maximize << 1 | firstStep << 2, p = x, grad = y, momentum buffer = out, over n
   *   elements; extra = the float32 bits of lr, momentum, dampC, weightDecay;
   * - MAP_ADAM: op = decoupled | maximize << 1, p = x, grad = y, m = out, over n elements; extra = v, then
   *   the float32 bits of beta1, 1 − beta1, beta2, 1 − beta2, eps, weightDecay, decay, stepSize, bc2Sqrt.
   * Pointers are byte offsets in the shared memory; chunks are whole multiples of 4 elements or whole
   * rows, so the result is bit-identical to one call.
   */
  map(fn: number, op: number, x: number, y: number, out: number, n: number, cols = 1, extra: readonly number[] = []): void {
    const ex = this.kernels.exports;
    const i32 = this.i32;
    if (!this.isReady) {
      i32.set(extra, ARGS + 8); // the job block is free: no job is running
      mapRange(ex, i32, fn, op, x, y, out, 0, n, cols);
      return;
    }
    const per = this.evenChunk(n);
    const byRows = fn !== MAP_UNARY && fn !== MAP_BINARY && fn !== MAP_BINARY_SCALAR && fn !== MAP_SGD && fn !== MAP_ADAM;
    const chunk = byRows ? per : Math.max(4, Math.ceil(per / 4) * 4);
    const { first, end } = this.begin(JOB_MAP, Math.ceil(n / chunk));
    i32[ARGS] = fn; i32[ARGS + 1] = op; i32[ARGS + 2] = x; i32[ARGS + 3] = y; i32[ARGS + 4] = out;
    i32[ARGS + 5] = n; i32[ARGS + 6] = cols; i32[ARGS + 7] = chunk;
    i32.set(extra, ARGS + 8);
    this.publish(first, end);
    runMapChunks(ex, i32, first, end);
    this.join(end);
  }

  /**
   * A conv2d forward or backward split by image ranges (see ConvJob): whole images per chunk, thread t
   * with its own column buffer and dw/db accumulators; the caller sums those afterwards.
   */
  conv(job: ConvJob): void {
    const ex = this.kernels.exports, work = this.kernels.workspaces[0]!;
    if (!this.isReady) {
      if (job.fwd) ex.conv2dForward(job.geom, job.x, job.w, job.b, job.flags, job.out, job.cols, work, 0, job.n);
      else ex.conv2dBackward(job.geom, job.b, job.x, job.w, job.out, job.dw, job.db, job.flags & 1, (job.flags >> 1) & 1, (job.flags >> 2) & 1, job.cols, work, 0, job.n);
      return;
    }
    const i32 = this.i32;
    const chunk = this.evenChunk(job.n);
    const { first, end } = this.begin(JOB_CONV, Math.ceil(job.n / chunk));
    i32[ARGS] = job.fwd; i32[ARGS + 1] = job.geom; i32[ARGS + 2] = job.x; i32[ARGS + 3] = job.w; i32[ARGS + 4] = job.b;
    i32[ARGS + 5] = job.flags; i32[ARGS + 6] = job.out; i32[ARGS + 7] = job.dw; i32[ARGS + 8] = job.db; i32[ARGS + 9] = job.cols;
    i32[ARGS + 10] = job.colsStride; i32[ARGS + 11] = job.dwStride; i32[ARGS + 12] = job.dbStride; i32[ARGS + 13] = job.n;
    i32[ARGS + 14] = chunk;
    this.runBeside(first, end, () => runConvChunks(ex, i32, first, end, work, 0));
  }

  /**
   * Wakes sleeping workers without giving them a job: called before a caller's operand copies, so a
   * worker's wake-up (tens of µs on a VM) overlaps them instead of delaying the job. Workers spin for
   * spinMicros again, then sleep. Costs nothing when no worker sleeps.
   */
  prewake(): void {
    if (this.isReady) Atomics.notify(this.i32, GEN);
  }

  /** Items per chunk when `n` items are cut into CHUNKS_PER_THREAD even chunks per thread (at least 1). */
  private evenChunk(n: number): number {
    return Math.max(1, Math.ceil(n / (this.threads * CHUNKS_PER_THREAD)));
  }

  /** Opens a job of `chunks` chunks (GEN odd: writing); the caller writes ARGS, then publish(). */
  private begin(kind: number, chunks: number): { first: number; end: number } {
    const i32 = this.i32;
    const prevEnd = Atomics.load(i32, END);
    const first = prevEnd > 2 ** 30 ? 0 : prevEnd; // wrap long before int32 overflow; stale workers see next < first
    Atomics.add(i32, GEN, 1); // odd: writing
    i32[KIND] = kind;
    return { first, end: first + chunks };
  }

  private publish(first: number, end: number): void {
    const i32 = this.i32;
    Atomics.store(i32, FIRST, first);
    Atomics.store(i32, END, end);
    Atomics.store(i32, NEXT, first);
    Atomics.store(i32, DONE, first);
    Atomics.add(i32, GEN, 1); // even: published
    Atomics.notify(i32, GEN);
  }

  private join(end: number): void {
    const i32 = this.i32;
    let v = Atomics.load(i32, DONE);
    for (let s = 0; v !== end && s < 100000; s++) v = Atomics.load(i32, DONE);
    while (v !== end) {
      if (this.canBlock) Atomics.wait(i32, DONE, v, 100);
      v = Atomics.load(i32, DONE);
    }
  }

  /** Stops the workers; the kernels go back to single-threaded. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.kernels.setSplitter(null);
    if (this.packPtr) this.kernels.free(this.packPtr);
    this.packPtr = this.packFloats = 0;
    Atomics.add(this.i32, GEN, 1);
    this.i32[KIND] = JOB_EXIT;
    Atomics.add(this.i32, GEN, 1);
    Atomics.notify(this.i32, GEN);
    for (const w of this.workers) w.terminate();
  }
}
