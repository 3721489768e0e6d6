// Loads the WebAssembly SIMD kernels and wraps them in typed-array functions. Browser-safe: no Node
// built-ins; the binaries are embedded as base64 (generated/binaries.ts, built by tools/build-wasm.mjs).
//
// Copies: each call copies its operands from the caller's Float32Arrays into a reusable scratch region
// of the module's memory, runs the kernel there and copies the results back (about 30 GB/s; see
// DESIGN.md "Memory and compute"). Inputs are copied in, outputs copied out; an output that is not also
// an input is copied in only when the kernel reads it (sgemm with beta != 0, or a C with gaps, ldc > N).
// The scratch region grows the memory when a call needs more and is reused afterwards.
//
// Pinned blocks: long-lived float32 data (parameters, optimizer state) can live in a shared-memory
// instance's memory (`pin`), where kernels use it in place: an operand whose buffer is one of this
// memory's SharedArrayBuffers is not copied in, and an output there written whole is written in place.
// Blocks and the scratch region are all blocks of one first-fit allocator, so they never overlap.
import type { AdamStepParams, Conv2dGeom, ConvGeom, SgdStepParams } from '../backend.js';
import * as bin from './generated/binaries.js';

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum' | 'reluBackward' | 'geluErfBackward' | 'geluTanhBackward';
export type UnaryOp = 'exp' | 'log' | 'tanh' | 'sigmoid' | 'gelu' | 'geluTanh' | 'relu' | 'neg' | 'sqrt' | 'abs' | 'erf';
export type WasmBuild = 'relaxed' | 'simd';
/** Reductions over one dim the kernels have (reduceRows, reduceMid). */
export type RowReduceOp = 'sum' | 'max' | 'min';
/** Their op codes (assembly/elementwise.ts R_SUM, R_MAX, R_MIN; the kernels treat any other code as min). */
const REDUCE_CODES: Record<RowReduceOp, number> = { sum: 0, max: 1, min: 2 };

const BINARY_CODES: Record<BinaryOp, number> = {
  add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, reluBackward: 6, geluErfBackward: 7, geluTanhBackward: 8,
};
const UNARY_CODES: Record<UnaryOp, number> = {
  exp: 0, log: 1, tanh: 2, sigmoid: 3, gelu: 4, geluTanh: 5, relu: 6, neg: 7, sqrt: 8, abs: 9, erf: 10,
};

/** The raw exports of the kernel module (pointers are byte offsets into `memory`). */
export interface KernelExports {
  sgemm(transA: number, transB: number, M: number, N: number, K: number, alpha: number, a: number, lda: number,
    b: number, ldb: number, beta: number, c: number, ldc: number, work: number, bias: number): void;
  sgemmPacked(shape: number, transA: number, transB: number, M: number, N: number, K: number, alpha: number, a: number, lda: number,
    b: number, ldb: number, beta: number, c: number, ldc: number, work: number, bias: number, packed: number, packedIsB: number): void;
  packPanels(shape: number, isB: number, trans: number, src: number, ld: number, K: number, len: number, dst: number, lo: number, hi: number): void;
  sgemmBatch(transA: number, transB: number, M: number, N: number, K: number, lda: number, ldb: number,
    ptrs: number, lo: number, hi: number, c: number, work: number): void;
  kernelBench(kc: number, reps: number, work: number, c: number): void;
  workspaceFloats(): number;
  setTileShape(shape: number): void;
  getTileShape(): number;
  binary(op: number, a: number, b: number, out: number, n: number): void;
  binaryScalar(op: number, a: number, s: number, scalarFirst: number, out: number, n: number): void;
  binaryBcast(op: number, a: number, b: number, out: number, rows: number, cols: number, rowVec: number, swap: number): void;
  unary(op: number, x: number, out: number, n: number): void;
  reduceRows(x: number, rows: number, cols: number, out: number, op: number): void;
  reduceMid(x: number, outer: number, size: number, inner: number, out: number, op: number): void;
  softmaxRows(x: number, rows: number, cols: number, out: number, log: number): void;
  softmaxBackwardRows(g: number, y: number, rows: number, cols: number, out: number, log: number): void;
  sgdStep(p: number, g: number, buf: number, n: number, lr: number, momentum: number, dampC: number,
    weightDecay: number, nesterov: number, maximize: number, firstStep: number): void;
  adamStep(p: number, g: number, m: number, v: number, n: number, beta1: number, b1c: number, beta2: number, b2c: number,
    eps: number, weightDecay: number, decay: number, decoupled: number, maximize: number, stepSize: number, bc2Sqrt: number): void;
  layerNormRows(x: number, rows: number, cols: number, w: number, b: number, hasW: number, hasB: number, eps: number,
    out: number, mean: number, rstd: number): void;
  layerNormBackwardRows(g: number, x: number, mean: number, rstd: number, w: number, hasW: number, rows: number, cols: number,
    dx: number, dw: number, db: number, hasDw: number, hasDb: number): void;
  gatherStrided4(src: number, d0: number, d1: number, d2: number, d3: number, s0: number, s1: number, s2: number, s3: number, out: number): void;
  scatterStrided4(src: number, d0: number, d1: number, d2: number, d3: number, s0: number, s1: number, s2: number, s3: number, dst: number): void;
  heapBase(): number;
  isRelaxed(): number;
  // Convolution and pooling (assembly/conv.ts); `geom` points at the i32 block writeGeom lays out.
  im2col(geom: number, x: number, cols: number): void;
  col2im(geom: number, cols: number, img: number): void;
  conv2dForward(geom: number, x: number, w: number, b: number, hasBias: number, out: number, cols: number, work: number,
    lo: number, hi: number): void;
  conv2dBackward(geom: number, gOut: number, x: number, w: number, dx: number, dw: number, db: number,
    hasDx: number, hasDw: number, hasDb: number, cols: number, work: number, lo: number, hi: number): void;
  maxPool2d(x: number, planes: number, h: number, w: number, hStart: number, hEnd: number, oh: number,
    wStart: number, wEnd: number, ow: number, dh: number, dw: number, out: number, idx: number): void;
  maxPool2dBackward(g: number, idx: number, planes: number, inPlane: number, outPlane: number, dx: number): void;
}

export interface SgdOptions {
  lr: number; momentum?: number; dampening?: number; weightDecay?: number;
  nesterov?: boolean; maximize?: boolean;
  /** true on the first step with momentum: the buffer is set to the gradient instead of being decayed. */
  firstStep?: boolean;
}

export interface AdamOptions {
  lr: number; beta1?: number; beta2?: number; eps?: number; weightDecay?: number;
  /** true = AdamW (decoupled weight decay), false = Adam (L2 added to the gradient). */
  decoupled?: boolean; maximize?: boolean;
  /** step count t ≥ 1, after incrementing (for the bias corrections 1 − βᵗ). */
  step: number;
}

/** Splits kernels (GEMMs, batches, elementwise maps, convolutions) across threads; implemented by pool.ts. */
export interface KernelSplitter {
  readonly threads: number;
  /** Minimum M·N·K for which splitting pays (measured; see pool.ts). */
  readonly minGemmWork: number;
  /** bias: byte offset of N floats added to every row of C, or 0 for none. */
  sgemm(transA: number, transB: number, M: number, N: number, K: number, alpha: number, a: number, lda: number,
    b: number, ldb: number, beta: number, c: number, ldc: number, bias: number): void;
  /** nb GEMMs of one shape, whole matrices per thread (pointer list: see WasmThreadPool.sgemmBatch). */
  sgemmBatch(transA: number, transB: number, M: number, N: number, K: number, lda: number, ldb: number,
    ptrs: number, nb: number, c: number): void;
  /** Wakes sleeping workers ahead of a job (see WasmThreadPool.prewake). */
  prewake(): void;
  /** conv2d forward or backward split by image ranges, with per-thread buffers (see WasmThreadPool.conv). */
  conv(job: ConvJob): void;
  /** A row-independent kernel (unary, binary, softmax rows, ...) split by ranges (see WasmThreadPool.map). */
  map(fn: number, op: number, x: number, y: number, out: number, n: number, cols?: number, extra?: readonly number[]): void;
}

/**
 * A conv2d forward (fwd = 1: b, hasBias in flags, out) or backward (fwd = 0: gOut in b's place, flags =
 * hasDx | hasDw << 1 | hasDb << 2, dx in out's place) over n images. Thread t uses the column buffer at
 * cols + t·colsStride and accumulates dw, db at dw + t·dwStride, db + t·dbStride (bytes).
 */
export interface ConvJob {
  fwd: number; geom: number; x: number; w: number; b: number; flags: number; out: number;
  dw: number; db: number; cols: number; colsStride: number; dwStride: number; dbStride: number; n: number;
}

/**
 * Row-independent kernels KernelSplitter.map can split: elementwise unary/binary, softmax rows and their
 * gradient, vector-scalar binary ops (op | scalarFirst << 8, the scalar's float32 bits as y), broadcast
 * binary ops over rows (op | rowVec << 8 | swap << 9), strided gathers over one dim (op = the dim),
 * layer-norm rows and the fused SGD and Adam steps. (Splitting the strided scatter of a gradient into a window measured slower: 31 vs 26 µs
 * per 65536 elements in the transformer step.)
 */
export const MAP_UNARY = 0, MAP_BINARY = 1, MAP_SOFTMAX = 2, MAP_SOFTMAX_BACKWARD = 3, MAP_BINARY_SCALAR = 4, MAP_BCAST = 5, MAP_GATHER = 6,
  MAP_LAYER_NORM = 7, MAP_SGD = 8, MAP_ADAM = 9;

const bitsF32 = new Float32Array(1), bitsI32 = new Int32Array(bitsF32.buffer);
/** A float32's bit pattern as an int32 (to pass a scalar through the pool's int32 arguments). */
export function f32Bits(x: number): number { bitsF32[0] = x; return bitsI32[0]!; }
/** The float32 whose bit pattern is `bits`. */
export function bitsToF32(bits: number): number { bitsI32[0] = bits; return bitsF32[0]!; }

// ---- feature probes -----------------------------------------------------------------------------

// (module (func (result v128) (v128.const i32x4 0 0 0 0)))
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11]);
// (module (func (result v128) (f32x4.relaxed_madd (v128.const ..) (v128.const ..) (v128.const ..))))
const RELAXED_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 61, 1, 59, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  253, 133, 2, 11]);

/** What this engine supports: SIMD128, relaxed SIMD, shared memory (threads). */
export function wasmFeatures(): { simd: boolean; relaxed: boolean; shared: boolean } {
  if (typeof WebAssembly !== 'object') return { simd: false, relaxed: false, shared: false };
  const simd = WebAssembly.validate(SIMD_PROBE);
  const relaxed = simd && WebAssembly.validate(RELAXED_PROBE);
  let shared = false;
  try {
    shared = typeof SharedArrayBuffer === 'function' &&
      new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch { shared = false; }
  return { simd, relaxed, shared };
}

function decodeBase64(s: string): Uint8Array {
  const raw = atob(s);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

export interface LoadOptions {
  /** Force a build ('simd' to compare against relaxed); default: the best the engine validates. */
  build?: WasmBuild;
  /** Use shared memory (needed by the worker pool). Default false. */
  shared?: boolean;
  /** GEMM workspaces to reserve: one per thread that may run a GEMM part. Default 1. */
  workspaces?: number;
}

function pickBuild(opts: LoadOptions): { build: WasmBuild; bytes: Uint8Array } | null {
  const f = wasmFeatures();
  if (!f.simd) return null;
  if (opts.shared && !f.shared) return null;
  const build: WasmBuild = opts.build ?? (f.relaxed ? 'relaxed' : 'simd');
  if (build === 'relaxed' && !f.relaxed) return null;
  const b64 = build === 'relaxed' ? (opts.shared ? bin.relaxedShared : bin.relaxed)
    : (opts.shared ? bin.simdShared : bin.simd);
  return { build, bytes: decodeBase64(b64) };
}

/**
 * Loads the kernels synchronously (fine in Node and in workers; browsers' main threads may refuse
 * synchronous compilation of large modules, so use `initWasm` there). Returns null when the engine
 * has no WebAssembly SIMD.
 * @example const k = loadWasmKernels(); k?.sgemm(false, false, 2, 2, 2, a, 0, 2, b, 0, 2, c, 0, 2);
 */
export function loadWasmKernels(opts: LoadOptions = {}): WasmKernels | null {
  const pick = pickBuild(opts);
  if (!pick) return null;
  try {
    return new WasmKernels(new WebAssembly.Module(pick.bytes as BufferSource), pick.build, opts);
  } catch {
    return null;
  }
}

/** Asynchronous variant of `loadWasmKernels` for browsers' main threads. */
export async function initWasm(opts: LoadOptions = {}): Promise<WasmKernels | null> {
  const pick = pickBuild(opts);
  if (!pick) return null;
  try {
    return new WasmKernels(await WebAssembly.compile(pick.bytes as BufferSource), pick.build, opts);
  } catch {
    return null;
  }
}

const align = (x: number, a: number) => Math.ceil(x / a) * a;
const PAGE = 65536;

/**
 * Every SharedArrayBuffer object a shared instance's `memory.buffer` has returned, with its instance
 * (after memory.grow, `memory.buffer` is a new object aliasing the same memory; old views stay valid).
 */
const OWNERS = new WeakMap<ArrayBufferLike, WasmKernels>();

/** The shared-memory instance whose memory holds `a` (a pinned block or a view of one), or null. */
export function kernelsOwning(a: Float32Array): WasmKernels | null {
  return OWNERS.get(a.buffer) ?? null;
}

/** Typed-array-level wrappers around one instance of the kernel module. */
export class WasmKernels {
  readonly exports: KernelExports;
  readonly memory: WebAssembly.Memory;
  readonly shared: boolean;
  /** Byte offset of a 256-byte control block (used by the worker pool). */
  readonly ctrl: number;
  /** Byte offsets of the GEMM workspaces, one per thread. */
  readonly workspaces: number[];
  /** Start of the memory the block allocator manages (scratch and pinned blocks). */
  readonly heapStart: number;
  /** Start of the allocator's region; benchmarks that lay out raw memory themselves (after `ensure`) start here. */
  get scratchBase(): number { return this.heapStart; }
  private f32: Float32Array;
  private splitter: KernelSplitter | null = null;
  /** Live blocks (byte offset → bytes), the scratch block included. */
  private readonly blocks = new Map<number, number>();
  /** Free ranges [start, end) below `top`, sorted and coalesced. */
  private freeList: { start: number; end: number }[] = [];
  /** End of the highest block: memory from here on is unused. */
  private top: number;
  private scratch = -1;
  private scratchBytes = 0;
  /** Bytes in live blocks, the scratch block included. */
  private liveBytes = 0;

  constructor(readonly module: WebAssembly.Module, readonly build: WasmBuild, opts: LoadOptions = {}) {
    this.shared = !!opts.shared;
    this.memory = new WebAssembly.Memory({ initial: 1, maximum: bin.WASM_MAX_PAGES, shared: this.shared });
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory } });
    this.exports = instance.exports as unknown as KernelExports;
    this.ctrl = align(this.exports.heapBase(), 64);
    const wsBytes = align(this.exports.workspaceFloats() * 4, 64);
    this.workspaces = [];
    let p = this.ctrl + 256;
    for (let i = 0; i < Math.max(1, opts.workspaces ?? 1); i++, p += wsBytes) this.workspaces.push(p);
    this.heapStart = this.top = p;
    this.f32 = new Float32Array(this.memory.buffer);
    if (this.shared) OWNERS.set(this.f32.buffer, this);
    this.ensure(p);
  }

  /** Wakes the pool's sleeping workers, if a pool is attached, before operands are copied in. */
  private prewake(): void {
    if (this.splitter && this.splitter.threads > 1) this.splitter.prewake();
  }

  /** Attach a thread pool (pool.ts) that large GEMMs are split across. */
  setSplitter(s: KernelSplitter | null): void { this.splitter = s; }
  get threads(): number { return this.splitter?.threads ?? 1; }

  /** Make sure memory holds `bytes` bytes; returns the (possibly new) Float32Array view of it. */
  ensure(bytes: number): Float32Array {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / PAGE));
    const buf = this.memory.buffer;
    if (this.f32.buffer !== buf || this.f32.byteLength !== buf.byteLength) {
      this.f32 = new Float32Array(buf);
      if (this.shared) OWNERS.set(buf, this);
    }
    return this.f32;
  }

  /**
   * A block of `floats` floats (64-byte aligned) that no other block or the scratch region overlaps,
   * until `free(ptr)`; grows the memory when no free range fits. Returns its byte offset.
   */
  alloc(floats: number): number {
    if (!(Number.isInteger(floats) && floats >= 0)) throw new RangeError(`alloc: expected a float count ≥ 0, got ${floats}`);
    const bytes = Math.max(64, align(floats * 4, 64));
    let ptr = -1;
    for (let i = 0; i < this.freeList.length; i++) {
      const r = this.freeList[i]!;
      if (r.end - r.start < bytes) continue;
      ptr = r.start;
      r.start += bytes;
      if (r.start === r.end) this.freeList.splice(i, 1);
      break;
    }
    if (ptr < 0) {
      ptr = this.top;
      this.ensure(ptr + bytes);
      this.top = ptr + bytes;
    }
    this.blocks.set(ptr, bytes);
    this.liveBytes += bytes;
    return ptr;
  }

  /** Returns a block from `alloc` to the allocator. Throws on a pointer that is not a live block. */
  free(ptr: number): void {
    const bytes = this.blocks.get(ptr);
    if (bytes === undefined) throw new RangeError(`free: ${ptr} is not an allocated block`);
    this.blocks.delete(ptr);
    this.liveBytes -= bytes;
    const fl = this.freeList;
    let start = ptr, end = ptr + bytes;
    let i = 0;
    while (i < fl.length && fl[i]!.start < start) i++;
    // Coalesce with the neighbours on either side.
    if (i > 0 && fl[i - 1]!.end === start) { start = fl[i - 1]!.start; fl.splice(--i, 1); }
    if (i < fl.length && fl[i]!.start === end) { end = fl[i]!.end; fl.splice(i, 1); }
    if (end === this.top) this.top = start;
    else fl.splice(i, 0, { start, end });
  }

  /** Bytes in live blocks (scratch included) and the allocator's high-water mark; for tests. */
  allocStats(): { blocks: number; liveBytes: number; top: number; freeRanges: number } {
    return { blocks: this.blocks.size, liveBytes: this.liveBytes, top: this.top, freeRanges: this.freeList.length };
  }

  /**
   * A copy of `data` in a block of this shared memory, as a Float32Array view that kernels of this
   * instance use in place; null for a private-memory instance (its buffer is detached when it grows),
   * or when pinned blocks would take more than half the memory's maximum (the rest is left to scratch).
   * The caller frees the block (`free(view.byteOffset)`) once nothing can reach the view any more.
   */
  pin(data: Float32Array): Float32Array | null {
    const view = this.pinBlank(data.length);
    view?.set(data);
    return view;
  }

  /** `pin` without the copy: a view of n floats in a fresh block, contents undefined. */
  pinBlank(n: number): Float32Array | null {
    if (!this.shared) return null;
    if (this.liveBytes - this.scratchBytes + 4 * n > (bin.WASM_MAX_PAGES * PAGE) / 2) return null;
    let ptr: number;
    try { ptr = this.alloc(n); } catch { return null; } // memory.grow refused by the engine
    this.ensure(0);
    return new Float32Array(this.f32.buffer, ptr, n);
  }

  /** Byte offset of `a` when it lives in this instance's memory (used in place), else -1 (copied). */
  ptrOf(a: Float32Array): number {
    return OWNERS.get(a.buffer) === this ? a.byteOffset : -1;
  }

  /**
   * Lays out regions of the given float counts in the scratch block; returns their byte offsets. The
   * scratch block moves (is freed and allocated again, larger) when a call needs more than it holds.
   */
  private reserve(...floats: number[]): number[] {
    let total = 0;
    for (const n of floats) total += align(n * 4, 64);
    if (total > this.scratchBytes || this.scratch < 0) { // (a scratch block even for no bytes: pointers stay valid)
      if (this.scratch >= 0) this.free(this.scratch);
      // Grow by at least a quarter so slowly rising sizes do not move the block on every call.
      const bytes = Math.max(PAGE, align(Math.max(total, this.scratchBytes * 1.25), PAGE));
      this.scratch = this.alloc(bytes / 4);
      this.scratchBytes = bytes;
    }
    const ptrs: number[] = [];
    let p = this.scratch;
    for (const n of floats) { ptrs.push(p); p += align(n * 4, 64); }
    return ptrs;
  }

  /**
   * C = alpha·op(A)·op(B) + beta·C (row-major; op = transpose when trans is true). op(A) is M x K,
   * op(B) is K x N; lda/ldb/ldc are the row strides of the stored A, B, C. beta = 0 ignores C's
   * contents (NaN in C does not propagate), like BLAS. A bias (length N, with beta = 0) gives
   * C = alpha·op(A)·op(B) + bias on every row, added by the micro-kernels as they write C.
   * Copies: the spans of A and B the GEMM reads in, C in (only if beta != 0 or ldc > N) and out.
   */
  sgemm(transA: boolean, transB: boolean, M: number, N: number, K: number,
    A: Float32Array, aOff: number, lda: number, B: Float32Array, bOff: number, ldb: number,
    C: Float32Array, cOff: number, ldc: number, alpha = 1, beta = 0, bias: Float32Array | null = null): void {
    if (M <= 0 || N <= 0) return;
    const aRows = transA ? K : M, aCols = transA ? M : K;
    const bRows = transB ? N : K, bCols = transB ? K : N;
    const aLen = aRows > 0 && aCols > 0 ? (aRows - 1) * lda + aCols : 0;
    const bLen = bRows > 0 && bCols > 0 ? (bRows - 1) * ldb + bCols : 0;
    const cLen = (M - 1) * ldc + N;
    // A leading dimension of 0 (every row the same) reads one row: an expanded operand.
    if ((aCols > lda && lda !== 0) || (bCols > ldb && ldb !== 0) || N > ldc) {
      throw new RangeError(`sgemm: leading dimension smaller than the row length (lda=${lda}, ldb=${ldb}, ldc=${ldc})`);
    }
    if (aOff + aLen > A.length || bOff + bLen > B.length || cOff + cLen > C.length) {
      throw new RangeError(`sgemm: operand too short for M=${M} N=${N} K=${K}`);
    }
    if (bias && (bias.length < N || beta !== 0)) throw new RangeError(`sgemm: a bias needs beta = 0 and N = ${N} elements, got beta ${beta}, ${bias.length} elements`);
    this.prewake();
    // Operands in this memory (pinned) are used in place; C too unless it overlaps A or B in place.
    let ia = aLen ? this.ptrOf(A) : -1, ib = bLen ? this.ptrOf(B) : -1, ic = this.ptrOf(C);
    const ibias = bias ? this.ptrOf(bias) : -1;
    if (ia >= 0) ia += 4 * aOff;
    if (ib >= 0) ib += 4 * bOff;
    if (ic >= 0) {
      ic += 4 * cOff;
      if (overlaps(ic, cLen, ia, aLen) || overlaps(ic, cLen, ib, bLen) || overlaps(ic, cLen, ibias, bias ? N : 0)) ic = -1;
    }
    const [pa, pb, pc, pbias] = this.reserve(ia < 0 ? aLen : 0, ib < 0 ? bLen : 0, ic < 0 ? cLen : 0, bias && ibias < 0 ? N : 0);
    const f32 = this.f32;
    if (aLen && ia < 0) f32.set(A.subarray(aOff, aOff + aLen), pa >> 2);
    if (bLen && ib < 0) f32.set(B.subarray(bOff, bOff + bLen), pb >> 2);
    if (ic < 0 && (beta !== 0 || ldc !== N)) f32.set(C.subarray(cOff, cOff + cLen), pc >> 2);
    const c = ic < 0 ? pc! : ic;
    if (bias && ibias < 0) f32.set(bias.subarray(0, N), pbias! >> 2);
    this.sgemmPtr(transA ? 1 : 0, transB ? 1 : 0, M, N, K, alpha, ia < 0 ? pa! : ia, lda, ib < 0 ? pb! : ib, ldb, beta, c, ldc,
      !bias ? 0 : ibias < 0 ? pbias! : ibias);
    if (ic < 0) C.set(this.f32.subarray(pc >> 2, (pc >> 2) + cLen), cOff);
  }

  /**
   * A batch of GEMMs C[i] = op(A at aOffs[i])·op(B at bOffs[i]) (alpha 1, beta 0) into a contiguous C
   * (nb × M × N from cOff). Each operand is copied in once: the span all its matrices cover when that
   * is compact (views such as heads split out of one qkv buffer), else matrix by matrix (repeats shared);
   * the kernel runs per matrix inside wasm memory and C is copied out once.
   */
  sgemmBatched(transA: boolean, transB: boolean, M: number, N: number, K: number,
    A: Float32Array, aOffs: ArrayLike<number>, lda: number, B: Float32Array, bOffs: ArrayLike<number>, ldb: number,
    C: Float32Array, cOff: number): void {
    const nb = aOffs.length;
    if (M <= 0 || N <= 0 || nb === 0) return;
    const aRows = transA ? K : M, aCols = transA ? M : K;
    const bRows = transB ? N : K, bCols = transB ? K : N;
    const aLen = aRows > 0 && aCols > 0 ? (aRows - 1) * lda + aCols : 0;
    const bLen = bRows > 0 && bCols > 0 ? (bRows - 1) * ldb + bCols : 0;
    if (aCols > lda || bCols > ldb) throw new RangeError(`sgemm: leading dimension smaller than the row length (lda=${lda}, ldb=${ldb})`);
    if (cOff + nb * M * N > C.length) throw new RangeError(`sgemmBatched: output too short for ${nb}x${M}x${N}`);
    const la = batchLayout(aOffs, aLen, A.length), lb = batchLayout(bOffs, bLen, B.length);
    this.prewake();
    // Operands pinned in this memory are used in place, C too unless it overlaps one of them.
    const ia = this.ptrOf(A), ib = this.ptrOf(B), cLen = nb * M * N;
    let ic = this.ptrOf(C);
    if (ic >= 0) {
      ic += 4 * cOff;
      if ((ia >= 0 && overlaps(ic, cLen, ia + 4 * la.min, la.span ? la.floats : A.length - la.min)) ||
        (ib >= 0 && overlaps(ic, cLen, ib + 4 * lb.min, lb.span ? lb.floats : B.length - lb.min))) ic = -1;
    }
    const [pa, pb, pc0, pp] = this.reserve(ia < 0 ? la.floats : 0, ib < 0 ? lb.floats : 0, ic < 0 ? cLen : 0, 2 * nb);
    const pc = ic < 0 ? pc0! : ic;
    const f32 = this.f32;
    const ptrA = ia >= 0 ? batchPointers(ia, aOffs) : copyBatch(f32, pa!, A, aOffs, aLen, la);
    const ptrB = ib >= 0 ? batchPointers(ib, bOffs) : copyBatch(f32, pb!, B, bOffs, bLen, lb);
    const tA = transA ? 1 : 0, tB = transB ? 1 : 0, mn4 = M * N * 4;
    const s = this.splitter;
    if (s && s.threads > 1 && nb > 1 && nb * M * N * K >= s.minGemmWork && M * N * K < s.minGemmWork) {
      // Matrices too small to split one by one: whole matrices go to each thread.
      const list = new Int32Array(this.memory.buffer, pp, 2 * nb);
      for (let i = 0; i < nb; i++) { list[2 * i] = ptrA[i]!; list[2 * i + 1] = ptrB[i]!; }
      s.sgemmBatch(tA, tB, M, N, K, lda, ldb, pp, nb, pc);
    } else {
      for (let i = 0; i < nb; i++) this.sgemmPtr(tA, tB, M, N, K, 1, ptrA[i]!, lda, ptrB[i]!, ldb, 0, pc + i * mn4, N);
    }
    if (ic < 0) C.set(this.f32.subarray(pc >> 2, (pc >> 2) + cLen), cOff);
  }

  /**
   * sgemm on operands already in wasm memory (byte offsets); splits across the pool when large. bias: byte
   * offset of N floats added to every row of C, or 0 for none.
   */
  sgemmPtr(transA: number, transB: number, M: number, N: number, K: number, alpha: number, a: number, lda: number,
    b: number, ldb: number, beta: number, c: number, ldc: number, bias = 0): void {
    const s = this.splitter;
    if (s && s.threads > 1 && M * N * K >= s.minGemmWork) {
      s.sgemm(transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc, bias);
    } else {
      this.exports.sgemm(transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc, this.workspaces[0], bias);
    }
  }

  /** out = a op b elementwise (same length), or a op s / s op a for a scalar b. Copies a (and b) in, out out. */
  binary(op: BinaryOp, a: Float32Array, b: Float32Array | number, out: Float32Array,
    opts: { scalarFirst?: boolean; split?: boolean } = {}): void {
    const n = a.length;
    if (out.length !== n || (typeof b !== 'number' && b.length !== n)) {
      throw new RangeError(`binary ${op}: lengths differ (${n}, ${typeof b === 'number' ? 'scalar' : b.length}, out ${out.length})`);
    }
    const code = BINARY_CODES[op];
    if (typeof b === 'number') {
      const split = this.splits(opts.split);
      if (split) this.prewake();
      const st = this.stage([a], [out]), [pa, po] = st.p;
      if (split) this.splitter!.map(MAP_BINARY_SCALAR, code | (opts.scalarFirst ? 256 : 0), pa!, f32Bits(b), po!, n);
      else this.exports.binaryScalar(code, pa!, b, opts.scalarFirst ? 1 : 0, po!, n);
      this.finish(st);
    } else {
      const split = this.splits(opts.split);
      if (split) this.prewake();
      const st = this.stage([a, b], [out]), [pa, pb, po] = st.p;
      if (split) this.splitter!.map(MAP_BINARY, code, pa!, pb!, po!, n);
      else this.exports.binary(code, pa!, pb!, po!, n);
      this.finish(st);
    }
  }

  /** Whether a kernel that can split does: a pool is attached and the caller did not say no. */
  private splits(wanted: boolean | undefined): boolean {
    return wanted !== false && !!this.splitter && this.splitter.threads > 1;
  }

  /**
   * Byte pointers for one kernel call: inputs, then outputs, then `extra` scratch regions (float counts).
   * Inputs pinned in this memory are read in place, the others copied into scratch. Outputs pinned here
   * are written in place unless they overlap an input read in place (the very same block is fine when
   * `aliasOk`: kernels that read each element, or each row, before writing it); the others are written to
   * scratch and `finish` copies them out. Operands are exact-length views; null or empty: none.
   */
  private stage(ins: readonly (Float32Array | null)[], outs: readonly (Float32Array | null)[], extra: readonly number[] = [], aliasOk = true): Staged {
    const all = [...ins, ...outs];
    const place = all.map((a) => (a && a.length ? this.ptrOf(a) : -1));
    for (let j = ins.length; j < all.length; j++) {
      const o = all[j]!;
      for (let i = 0; place[j]! >= 0 && i < ins.length; i++) {
        const a = ins[i], p = place[i]!;
        if (a && overlaps(place[j]!, o.length, p, a.length) && !(aliasOk && p === place[j] && a.length === o.length)) place[j] = -1;
      }
    }
    const p = this.reserve(...all.map((a, i) => (place[i]! < 0 && a ? a.length : 0)), ...extra);
    const f = this.f32, copies: [Float32Array, number][] = [];
    for (let i = 0; i < all.length; i++) {
      const a = all[i];
      if (place[i]! >= 0) p[i] = place[i]!;
      else if (a && a.length) {
        if (i < ins.length) f.set(a, p[i]! >> 2);
        else copies.push([a, p[i]!]);
      }
    }
    return { p, copies };
  }

  /** Copies out the outputs `stage` placed in scratch. */
  private finish(st: Staged): void {
    for (const [o, p] of st.copies) o.set(this.f32.subarray(p >> 2, (p >> 2) + o.length));
  }

  /**
   * out = a op b for two strided views of one (≤ 4-dim) shape, strides ≥ 0 (0 = broadcast): each
   * operand's span is copied in and, unless it is already row-major, gathered into a contiguous run
   * inside wasm memory; then the vector kernel runs and out (contiguous) is copied out.
   */
  binaryStrided(op: BinaryOp, a: StridedF32, b: StridedF32, shape: readonly number[], out: Float32Array): void {
    const n = out.length;
    const la = stridedLayout(a, shape, n, 'binaryStrided a'), lb = stridedLayout(b, shape, n, 'binaryStrided b');
    if (n === 0) return;
    const st = this.stage([a.data.subarray(a.offset, a.offset + la.span), b.data.subarray(b.offset, b.offset + lb.span)], [out],
      [la.rowMajor ? 0 : n, lb.rowMajor ? 0 : n], false);
    const [pa, pb, po, ga, gb] = st.p;
    const xa = la.rowMajor ? pa! : this.gather4(pa!, la, ga!), xb = lb.rowMajor ? pb! : this.gather4(pb!, lb, gb!);
    this.exports.binary(BINARY_CODES[op], xa, xb, po!, n);
    this.finish(st);
  }

  private gather4(src: number, l: StridedLayout, dst: number): number {
    const [d, st] = [l.dims, l.strides];
    this.exports.gatherStrided4(src, d[0]!, d[1]!, d[2]!, d[3]!, st[0]!, st[1]!, st[2]!, st[3]!, dst);
    return dst;
  }

  /**
   * out[r, c] = a[r, c] op b[c] (b of length cols: rowVec) or a[r, c] op b[r] (b of length rows) for a
   * contiguous (rows, cols) a; { swap: true } computes b op a. Copies a and b in, out out.
   */
  binaryBcast(op: BinaryOp, a: Float32Array, b: Float32Array, out: Float32Array, rows: number, cols: number,
    opts: { rowVec: boolean; swap?: boolean; split?: boolean }): void {
    const n = rows * cols;
    const nb = opts.rowVec ? cols : rows;
    if (a.length !== n || out.length !== n || b.length !== nb) throw new RangeError(`binaryBcast ${op}: lengths do not match ${rows}x${cols}`);
    const split = this.splits(opts.split) && rows > 1;
    if (split) this.prewake();
    const st = this.stage([a, b], [out]), [pa, pb, po] = st.p;
    if (split) this.splitter!.map(MAP_BCAST, BINARY_CODES[op] | (opts.rowVec ? 256 : 0) | (opts.swap ? 512 : 0), pa!, pb!, po!, rows, cols);
    else this.exports.binaryBcast(BINARY_CODES[op], pa!, pb!, po!, rows, cols, opts.rowVec ? 1 : 0, opts.swap ? 1 : 0);
    this.finish(st);
  }

  /**
   * out (contiguous) ← the strided view (offset, shape of ≤ 4 dims, strides ≥ 0) of src. Copies in the
   * span the view covers (the caller keeps it within a few times the view's size), gathers inside wasm
   * memory, copies out.
   */
  gatherStrided(src: Float32Array, offset: number, shape: readonly number[], strides: readonly number[], out: Float32Array,
    opts: { split?: boolean } = {}): void {
    const n = shape.reduce((a, b) => a * b, 1);
    const l = stridedLayout({ data: src, offset, strides }, shape, n, 'gatherStrided');
    if (n === 0) return;
    if (out.length < n) throw new RangeError(`gatherStrided: view of shape [${shape}] does not fit its ${out.length}-element output`);
    const o = out.subarray(0, n);
    const [d, t] = [l.dims, l.strides];
    const j = d.findIndex((size) => size > 1); // split over the outermost dim of more than one index
    const split = this.splits(opts.split) && j >= 0 && j < 3;
    if (split) this.prewake();
    const st = this.stage([src.subarray(offset, offset + l.span)], [o], [], false), [ps, po] = st.p;
    if (split) this.splitter!.map(MAP_GATHER, j, ps!, 0, po!, d[j]!, n / d[j]!, [...d, ...t]);
    else this.gather4(ps!, l, po!);
    this.finish(st);
  }

  /**
   * The strided view (offset, shape of ≤ 4 dims, strides ≥ 0) of dst ← the contiguous src: the inverse of
   * gatherStrided. dst must live in this memory (it is written in place; the elements of its span outside
   * the view are untouched). src is read in place when it lives here too and does not overlap that span,
   * else copied in.
   */
  scatterStrided(src: Float32Array, dst: Float32Array, offset: number, shape: readonly number[], strides: readonly number[]): void {
    const n = shape.reduce((a, b) => a * b, 1);
    const l = stridedLayout({ data: dst, offset, strides }, shape, n, 'scatterStrided');
    if (n === 0) return;
    if (src.length < n) throw new RangeError(`scatterStrided: a view of shape [${shape}] needs ${n} source elements, got ${src.length}`);
    const id = this.ptrOf(dst);
    if (id < 0) throw new RangeError('scatterStrided: the destination must live in this instance\'s memory');
    const d = id + 4 * offset;
    let ps = this.ptrOf(src);
    if (ps >= 0 && overlaps(ps, n, d, l.span)) ps = -1;
    if (ps < 0) {
      [ps] = this.reserve(n) as [number];
      this.f32.set(src.subarray(0, n), ps >> 2);
    }
    const [dims, st] = [l.dims, l.strides];
    this.exports.scatterStrided4(ps, dims[0]!, dims[1]!, dims[2]!, dims[3]!, st[0]!, st[1]!, st[2]!, st[3]!, d);
  }

  /** out = f(x) elementwise. Copies x in, out out. */
  unary(op: UnaryOp, x: Float32Array, out: Float32Array, opts: { split?: boolean } = {}): void {
    const n = x.length;
    if (out.length !== n) throw new RangeError(`unary ${op}: out has ${out.length} elements, expected ${n}`);
    const split = this.splits(opts.split);
    if (split) this.prewake();
    const st = this.stage([x], [out]), [px, po] = st.p;
    if (split) this.splitter!.map(MAP_UNARY, UNARY_CODES[op], px!, 0, po!, n);
    else this.exports.unary(UNARY_CODES[op], px!, po!, n);
    this.finish(st);
  }

  /** softmax (or logSoftmax with { log: true }) over the last dim of a contiguous (rows, cols) buffer. */
  softmaxRows(x: Float32Array, rows: number, cols: number, out: Float32Array, opts: { log?: boolean; split?: boolean } = {}): void {
    const n = rows * cols;
    if (x.length < n || out.length < n) throw new RangeError(`softmaxRows: buffers shorter than ${rows}x${cols}`);
    const split = this.splits(opts.split);
    if (split) this.prewake();
    const st = this.stage([x.subarray(0, n)], [out.subarray(0, n)]), [px, po] = st.p;
    if (split) this.splitter!.map(MAP_SOFTMAX, opts.log ? 1 : 0, px!, 0, po!, rows, cols);
    else this.exports.softmaxRows(px!, rows, cols, po!, opts.log ? 1 : 0);
    this.finish(st);
  }

  /** Gradient of softmaxRows from its output y and output gradient g (contiguous (rows, cols)); { log } for logSoftmax. */
  softmaxBackwardRows(g: Float32Array, y: Float32Array, rows: number, cols: number, out: Float32Array,
    opts: { log?: boolean; split?: boolean } = {}): void {
    const n = rows * cols;
    if (g.length < n || y.length < n || out.length < n) throw new RangeError(`softmaxBackwardRows: buffers shorter than ${rows}x${cols}`);
    const split = this.splits(opts.split);
    if (split) this.prewake();
    const st = this.stage([g.subarray(0, n), y.subarray(0, n)], [out.subarray(0, n)]), [pg, py, po] = st.p;
    const log = opts.log ? 1 : 0;
    if (split) this.splitter!.map(MAP_SOFTMAX_BACKWARD, log, pg!, py!, po!, rows, cols);
    else this.exports.softmaxBackwardRows(pg!, py!, rows, cols, po!, log);
    this.finish(st);
  }

  /**
   * out[r] = Σ_c / max_c / min_c x[r, c] for a contiguous (rows, cols) buffer. max and min give NaN for
   * a row holding one (torch.amax/amin), and -Inf / +Inf for cols = 0.
   */
  reduceRows(op: RowReduceOp, x: Float32Array, rows: number, cols: number, out: Float32Array): void {
    const n = rows * cols;
    if (x.length < n || out.length < rows) throw new RangeError(`reduceRows ${op}: buffers too short for ${rows}x${cols}`);
    const st = this.stage([x.subarray(0, n)], [out.subarray(0, rows)], [], false), [px, po] = st.p;
    this.exports.reduceRows(px!, rows, cols, po!, REDUCE_CODES[op]);
    this.finish(st);
  }

  /** out[o, i] = Σ_r / max_r / min_r x[o, r, i] for a contiguous (outer, size, inner) buffer (NaN as in reduceRows). */
  reduceMid(op: RowReduceOp, x: Float32Array, outer: number, size: number, inner: number, out: Float32Array): void {
    const n = outer * size * inner;
    if (x.length < n || out.length < outer * inner) throw new RangeError(`reduceMid ${op}: buffers too short for ${outer}x${size}x${inner}`);
    const st = this.stage([x.subarray(0, n)], [out.subarray(0, outer * inner)], [], false), [px, po] = st.p;
    this.exports.reduceMid(px!, outer, size, inner, po!, REDUCE_CODES[op]);
    this.finish(st);
  }

  /** One fused SGD(-momentum) step in place on p (and buf). Copies p, grad, buf in; p, buf out. */
  sgdStep(p: Float32Array, grad: Float32Array, buf: Float32Array | null, o: SgdOptions): void {
    this.sgdStepWith(p, grad, buf, {
      lr: o.lr, momentum: o.momentum ?? 0, dampC: 1 - (o.dampening ?? 0), weightDecay: o.weightDecay ?? 0,
      nesterov: !!o.nesterov, maximize: !!o.maximize, firstStep: !!o.firstStep,
    });
  }

  /** sgdStep with precomputed coefficients (the Backend.sgdStep form). */
  sgdStepWith(p: Float32Array, grad: Float32Array, buf: Float32Array | null, o: SgdStepParams, opts: { split?: boolean } = {}): void {
    const n = p.length;
    const momentum = o.momentum;
    if (grad.length !== n || (momentum !== 0 && (!buf || buf.length !== n))) {
      throw new RangeError(`sgdStep: param has ${n} elements; grad/momentum buffer lengths differ`);
    }
    // Pinned operands in place (the kernel reads and writes each element once, so p or buf may even
    // be grad itself); any partial overlap between them falls back to copies.
    const [ip, ig, ib] = this.inPlace([p, grad, momentum !== 0 ? buf : null], n);
    const [pp, pg, pb] = this.reserve(ip < 0 ? n : 0, ig < 0 ? n : 0, momentum !== 0 && ib < 0 ? n : 0);
    const f = this.f32;
    if (ip < 0) f.set(p, pp! >> 2);
    if (ig < 0) f.set(grad, pg! >> 2);
    if (momentum !== 0 && !o.firstStep && ib < 0) f.set(buf!, pb! >> 2);
    const P = ip < 0 ? pp! : ip, B = ib < 0 ? pb! : ib, G = ig < 0 ? pg! : ig;
    if (this.splits(opts.split)) {
      this.prewake();
      this.splitter!.map(MAP_SGD, (o.nesterov ? 1 : 0) | (o.maximize ? 2 : 0) | (o.firstStep ? 4 : 0), P, G, B, n, 1,
        [f32Bits(o.lr), f32Bits(momentum), f32Bits(o.dampC), f32Bits(o.weightDecay)]);
    } else {
      this.exports.sgdStep(P, G, B, n, o.lr, momentum, o.dampC, o.weightDecay, o.nesterov ? 1 : 0, o.maximize ? 1 : 0, o.firstStep ? 1 : 0);
    }
    if (ip < 0) p.set(f.subarray(P >> 2, (P >> 2) + n));
    if (momentum !== 0 && ib < 0) buf!.set(f.subarray(B >> 2, (B >> 2) + n));
  }

  /** One fused Adam/AdamW step in place on p, m, v. Copies p, grad, m, v in; p, m, v out. */
  adamStep(p: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, o: AdamOptions): void {
    const beta1 = o.beta1 ?? 0.9, beta2 = o.beta2 ?? 0.999, wd = o.weightDecay ?? 0;
    this.adamStepWith(p, grad, m, v, {
      beta1, oneMinusBeta1: 1 - beta1, beta2, oneMinusBeta2: 1 - beta2, eps: o.eps ?? 1e-8, weightDecay: wd,
      decoupled: !!o.decoupled, decay: 1 - o.lr * wd, maximize: !!o.maximize,
      stepSize: o.lr / (1 - beta1 ** o.step), bc2Sqrt: Math.sqrt(1 - beta2 ** o.step),
    });
  }

  /** adamStep with precomputed coefficients (the Backend.adamStep form). */
  adamStepWith(p: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, o: AdamStepParams, opts: { split?: boolean } = {}): void {
    const n = p.length;
    if (grad.length !== n || m.length !== n || v.length !== n) throw new RangeError(`adamStep: param has ${n} elements; grad/m/v lengths differ`);
    const ins = this.inPlace([p, grad, m, v], n);
    const ptrs = this.reserve(...ins.map((q) => (q < 0 ? n : 0)));
    const f = this.f32;
    const arrs = [p, grad, m, v];
    const at = ins.map((q, i) => (q < 0 ? ptrs[i]! : q));
    for (let i = 0; i < 4; i++) if (ins[i]! < 0) f.set(arrs[i]!, at[i]! >> 2);
    if (this.splits(opts.split)) {
      this.prewake();
      const c = [o.beta1, o.oneMinusBeta1, o.beta2, o.oneMinusBeta2, o.eps, o.weightDecay, o.decay, o.stepSize, o.bc2Sqrt].map(f32Bits);
      this.splitter!.map(MAP_ADAM, (o.decoupled ? 1 : 0) | (o.maximize ? 2 : 0), at[0]!, at[1]!, at[2]!, n, 1, [at[3]!, ...c]);
    } else {
      this.exports.adamStep(at[0]!, at[1]!, at[2]!, at[3]!, n, o.beta1, o.oneMinusBeta1, o.beta2, o.oneMinusBeta2, o.eps, o.weightDecay,
        o.decay, o.decoupled ? 1 : 0, o.maximize ? 1 : 0, o.stepSize, o.bc2Sqrt);
    }
    for (const i of [0, 2, 3]) if (ins[i]! < 0) arrs[i]!.set(f.subarray(at[i]! >> 2, (at[i]! >> 2) + n));
  }

  /**
   * Byte offsets for operands of n floats used in place by an elementwise kernel that reads and
   * writes each element once: -1 for one to copy (not in this memory, null, or partially overlapping
   * another one in place; the same block exactly is fine). The first partial overlap falls back to copies.
   */
  private inPlace(arrs: (Float32Array | null)[], n: number): number[] {
    const ptrs = arrs.map((a) => (a ? this.ptrOf(a) : -1));
    for (let i = 0; i < ptrs.length; i++) {
      for (let j = 0; j < i; j++) {
        if (ptrs[i]! >= 0 && ptrs[j]! >= 0 && ptrs[i] !== ptrs[j] && overlaps(ptrs[i]!, n, ptrs[j]!, n)) ptrs[i] = -1;
      }
    }
    return ptrs;
  }

  /** Layer norm over the rows of a contiguous (rows, cols) x (Backend.layerNorm). Copies x, w, b in; out, mean, rstd out. */
  layerNorm(x: Float32Array, rows: number, cols: number, w: Float32Array | null, b: Float32Array | null, eps: number,
    out: Float32Array, mean: Float32Array, rstd: Float32Array, opts: { split?: boolean } = {}): void {
    const n = rows * cols;
    const split = this.splits(opts.split) && rows > 1;
    if (split) this.prewake();
    // An output over a pinned input goes through scratch (aliasOk false): nothing relies on the kernel's
    // own in-place cases.
    const st = this.stage([x.subarray(0, n), w && w.subarray(0, cols), b && b.subarray(0, cols)],
      [out.subarray(0, n), mean.subarray(0, rows), rstd.subarray(0, rows)], [], false);
    const [px, pw, pb, po, pm, pr] = st.p;
    if (split) this.splitter!.map(MAP_LAYER_NORM, (w ? 1 : 0) | (b ? 2 : 0), px!, f32Bits(eps), po!, rows, cols, [pw!, pb!, pm!, pr!]);
    else this.exports.layerNormRows(px!, rows, cols, pw!, pb!, w ? 1 : 0, b ? 1 : 0, eps, po!, pm!, pr!);
    this.finish(st);
  }

  /** Layer-norm gradients (Backend.layerNormBackward). Copies g, x, mean, rstd, w in; dx, dw, db out. */
  layerNormBackward(g: Float32Array, x: Float32Array, mean: Float32Array, rstd: Float32Array, w: Float32Array | null,
    rows: number, cols: number, dx: Float32Array, dw: Float32Array | null, db: Float32Array | null): void {
    const n = rows * cols;
    // As in layerNorm, an output over a pinned input goes through scratch.
    const st = this.stage([g.subarray(0, n), x.subarray(0, n), mean.subarray(0, rows), rstd.subarray(0, rows), w && w.subarray(0, cols)],
      [dx.subarray(0, n), dw && dw.subarray(0, cols), db && db.subarray(0, cols)], [], false);
    const [pg, px, pm, pr, pw, pdx, pdw, pdb] = st.p;
    this.exports.layerNormBackwardRows(pg!, px!, pm!, pr!, pw!, w ? 1 : 0, rows, cols, pdx!, pdw!, pdb!, dw ? 1 : 0, db ? 1 : 0);
    this.finish(st);
  }

  // ---- convolution and pooling (assembly/conv.ts) -----------------------------------------------

  /** Writes a convolution geometry as the i32 block the conv kernels read (field order of assembly/conv.ts). */
  /** Threads a conv2d over this batch uses: the pool's when one is attached and there are ≥ 2 images. */
  private convThreads(g: ConvGeom): number {
    return this.splitter && this.splitter.threads > 1 && g.n > 1 ? this.splitter.threads : 1;
  }

  private writeGeom(p: number, g: Conv2dGeom, oc = 0, groups = 1): void {
    new Int32Array(this.memory.buffer, p, GEOM_INTS).set([g.n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.oh, g.ow, oc, groups]);
  }

  /** Images (n, c, h, w) → columns (n, c·kh·kw, oh·ow) (Backend.im2col). Copies x in, cols out. */
  im2col(x: Float32Array, g: Conv2dGeom, cols: Float32Array): void {
    const xn = g.n * g.c * g.h * g.w, cn = g.n * g.c * g.kh * g.kw * g.oh * g.ow;
    if (x.length < xn || cols.length < cn) throw new RangeError(`im2col: buffers too short for ${xn} → ${cn} floats`);
    const [pg, px, pc] = this.reserve(GEOM_INTS, xn, cn);
    this.writeGeom(pg, g);
    this.f32.set(x.subarray(0, xn), px >> 2);
    this.exports.im2col(pg, px, pc);
    cols.set(this.f32.subarray(pc >> 2, (pc >> 2) + cn));
  }

  /** Columns (n, c·kh·kw, oh·ow) summed back into images (n, c, h, w) (Backend.col2im). Copies cols in, img out. */
  col2im(cols: Float32Array, g: Conv2dGeom, img: Float32Array): void {
    const xn = g.n * g.c * g.h * g.w, cn = g.n * g.c * g.kh * g.kw * g.oh * g.ow;
    if (img.length < xn || cols.length < cn) throw new RangeError(`col2im: buffers too short for ${cn} → ${xn} floats`);
    const [pg, pc, px] = this.reserve(GEOM_INTS, cn, xn);
    this.writeGeom(pg, g);
    this.f32.set(cols.subarray(0, cn), pc >> 2);
    this.exports.col2im(pg, pc, px);
    img.set(this.f32.subarray(px >> 2, (px >> 2) + xn));
  }

  /**
   * out (n, oc, oh, ow) = w ⋆ x + bias (Backend.conv2d): im2col of one image at a time into a small
   * column buffer and one GEMM per group, all inside wasm memory. Copies x, w, bias in, out out.
   */
  conv2d(x: Float32Array, w: Float32Array, bias: Float32Array | null, g: ConvGeom, out: Float32Array): void {
    const s = convSizes(g);
    if (x.length < s.x || w.length < s.w || out.length < s.out || (bias && bias.length < g.oc)) throw new RangeError('conv2d: buffers too short for the geometry');
    const T = this.convThreads(g);
    this.prewake();
    const st = this.stage([x.subarray(0, s.x), w.subarray(0, s.w), bias && bias.subarray(0, g.oc)], [out.subarray(0, s.out)],
      [GEOM_INTS, s.cols * T], false);
    const [px, pw, pb, po, pg, pc] = st.p as [number, number, number, number, number, number];
    this.writeGeom(pg, g, g.oc, g.groups);
    if (T > 1) {
      this.splitter!.conv({ fwd: 1, geom: pg, x: px, w: pw, b: pb, flags: bias ? 1 : 0, out: po, dw: 0, db: 0,
        cols: pc, colsStride: 4 * s.cols, dwStride: 0, dbStride: 0, n: g.n });
    } else this.exports.conv2dForward(pg, px, pw, pb, bias ? 1 : 0, po, pc, this.workspaces[0]!, 0, g.n);
    this.finish(st);
  }

  /**
   * conv2d's gradients (Backend.conv2dBackward): dx, dw, db where given. gOut is the contiguous output
   * gradient, or a number when every element of it has that value (a gradient expanded from a sum,
   * filled in place of a copy). Copies gOut, x, w in; dx, dw, db out.
   */
  conv2dBackward(gOut: Float32Array | number, x: Float32Array, w: Float32Array, g: ConvGeom,
    dx: Float32Array | null, dw: Float32Array | null, db: Float32Array | null): void {
    const s = convSizes(g);
    if (x.length < s.x || w.length < s.w || (typeof gOut !== 'number' && gOut.length < s.out)) throw new RangeError('conv2dBackward: buffers too short for the geometry');
    // Split by images: each thread accumulates its own dw, db, summed into the first copy at the end.
    const T = this.convThreads(g);
    this.prewake();
    // x, w, a gOut array and dx in place when pinned here; dw and db go through per-thread scratch sums.
    const scalar = typeof gOut === 'number';
    const st = this.stage([scalar ? null : gOut.subarray(0, s.out), x.subarray(0, s.x), w.subarray(0, s.w)], [dx && dx.subarray(0, s.x)],
      [GEOM_INTS, scalar ? s.out : 0, dw ? s.w * T : 0, db ? g.oc * T : 0, s.cols * T], false);
    const [pgArr, px, pw, pdx, pg, pgScalar, pdw, pdb, pc] = st.p as [number, number, number, number, number, number, number, number, number];
    const pgo = scalar ? pgScalar : pgArr;
    this.writeGeom(pg, g, g.oc, g.groups);
    const f = this.f32;
    if (scalar) f.fill(gOut, pgo >> 2, (pgo >> 2) + s.out);
    if (dw) f.fill(0, pdw >> 2, (pdw >> 2) + s.w * T);
    if (db) f.fill(0, pdb >> 2, (pdb >> 2) + g.oc * T);
    if (T > 1) {
      this.splitter!.conv({ fwd: 0, geom: pg, x: px, w: pw, b: pgo, flags: (dx ? 1 : 0) | (dw ? 2 : 0) | (db ? 4 : 0), out: pdx,
        dw: pdw, db: pdb, cols: pc, colsStride: 4 * s.cols, dwStride: 4 * s.w, dbStride: 4 * g.oc, n: g.n });
      for (let t = 1; t < T; t++) {
        if (dw) this.exports.binary(BINARY_CODES.add, pdw, pdw + t * 4 * s.w, pdw, s.w);
        if (db) this.exports.binary(BINARY_CODES.add, pdb, pdb + t * 4 * g.oc, pdb, g.oc);
      }
    } else {
      this.exports.conv2dBackward(pg, pgo, px, pw, pdx, pdw, pdb, dx ? 1 : 0, dw ? 1 : 0, db ? 1 : 0, pc, this.workspaces[0]!, 0, g.n);
    }
    this.finish(st);
    if (dw) dw.set(f.subarray(pdw >> 2, (pdw >> 2) + s.w));
    if (db) db.set(f.subarray(pdb >> 2, (pdb >> 2) + g.oc));
  }

  /** Max pooling with argmax over window ranges (Backend.maxPool2d). Copies x and the ranges in, out and idx out. */
  maxPool2d(x: Float32Array, planes: number, h: number, w: number, hStart: Int32Array, hEnd: Int32Array,
    wStart: Int32Array, wEnd: Int32Array, dh: number, dw: number, out: Float32Array, idx: Int32Array): void {
    const oh = hStart.length, ow = wStart.length, xn = planes * h * w, on = planes * oh * ow;
    if (x.length < xn || out.length < on || idx.length < on || hEnd.length !== oh || wEnd.length !== ow) throw new RangeError(`maxPool2d: buffers do not match ${planes} planes of ${h}x${w} → ${oh}x${ow}`);
    const [px, phs, phe, pws, pwe, po, pi] = this.reserve(xn, oh, oh, ow, ow, on, on);
    this.f32.set(x.subarray(0, xn), px >> 2);
    const i32 = new Int32Array(this.memory.buffer);
    i32.set(hStart, phs >> 2); i32.set(hEnd, phe >> 2); i32.set(wStart, pws >> 2); i32.set(wEnd, pwe >> 2);
    this.exports.maxPool2d(px, planes, h, w, phs, phe, oh, pws, pwe, ow, dh, dw, po, pi);
    out.set(this.f32.subarray(po >> 2, (po >> 2) + on));
    idx.set(i32.subarray(pi >> 2, (pi >> 2) + on));
  }

  /** Scatter of the pooled gradient to the argmax positions (Backend.maxPool2dBackward). Copies g, idx in, dx out. */
  maxPool2dBackward(g: Float32Array, idx: Int32Array, planes: number, inPlane: number, outPlane: number, dx: Float32Array): void {
    const on = planes * outPlane, xn = planes * inPlane;
    if (g.length < on || idx.length < on || dx.length < xn) throw new RangeError(`maxPool2dBackward: buffers too short for ${planes} planes of ${outPlane} → ${inPlane}`);
    const [pg, pi, pd] = this.reserve(on, on, xn);
    this.f32.set(g.subarray(0, on), pg >> 2);
    new Int32Array(this.memory.buffer).set(idx.subarray(0, on), pi >> 2);
    this.exports.maxPool2dBackward(pg, pi, planes, inPlane, outPlane, pd);
    dx.set(this.f32.subarray(pd >> 2, (pd >> 2) + xn));
  }
}

/** A strided float32 view: data[offset + Σ index·stride]. */
export interface StridedF32 { data: Float32Array; offset: number; strides: readonly number[] }

interface StridedLayout { dims: number[]; strides: number[]; span: number; rowMajor: boolean }

/** A view's shape and strides padded to 4 dims, the span of storage it covers, and whether it is row-major. */
function stridedLayout(v: StridedF32, shape: readonly number[], n: number, what: string): StridedLayout {
  const nd = shape.length;
  if (nd > 4 || v.strides.length !== nd || v.strides.some((st) => st < 0)) {
    throw new RangeError(`${what}: expected ≤ 4 dims and non-negative strides, got shape [${shape}], strides [${v.strides}]`);
  }
  const dims = [1, 1, 1, 1], strides = [0, 0, 0, 0];
  let count = 1, span = 1, rowMajor = true, expect = 1;
  for (let i = nd - 1; i >= 0; i--) {
    const size = shape[i]!, st = v.strides[i]!;
    dims[4 - nd + i] = size; strides[4 - nd + i] = st;
    count *= size;
    span += (size - 1) * st;
    if (size !== 1 && st !== expect) rowMajor = false;
    expect *= size;
  }
  if (count !== n) throw new RangeError(`${what}: shape [${shape}] has ${count} elements, out has ${n}`);
  if (count === 0) span = 0;
  if (v.offset + span > v.data.length) throw new RangeError(`${what}: view of shape [${shape}] outside its ${v.data.length}-element source`);
  return { dims, strides, span, rowMajor };
}

/** A kernel call's operand pointers (see WasmKernels.stage) and the outputs to copy out of scratch. */
interface Staged { p: number[]; copies: [Float32Array, number][] }

/** Whether byte ranges [p, p + 4·n) and [q, q + 4·m) overlap (a negative pointer: not in memory). */
function overlaps(p: number, n: number, q: number, m: number): boolean {
  return p >= 0 && q >= 0 && n > 0 && m > 0 && p < q + 4 * m && q < p + 4 * n;
}

interface BatchLayout { span: boolean; min: number; floats: number }

/** Whether a batch of matrices (len floats each at offs) is copied as one span, and how many floats it takes. */
function batchLayout(offs: ArrayLike<number>, len: number, have: number): BatchLayout {
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < offs.length; i++) { const o = offs[i]!; if (o < min) min = o; if (o > max) max = o; }
  if (min < 0 || max + len > have) throw new RangeError('sgemm: operand too short for the batch');
  const span = max + len - min;
  // A span up to twice the matrices' own size is cheaper to copy whole than matrix by matrix.
  if (span <= 2 * offs.length * len) return { span: true, min, floats: span };
  return { span: false, min, floats: offs.length * len };
}

/** Byte pointers of a batch's matrices in place in wasm memory (base: the byte offset of element 0). */
function batchPointers(base: number, offs: ArrayLike<number>): Float64Array {
  const ptr = new Float64Array(offs.length);
  for (let i = 0; i < offs.length; i++) ptr[i] = base + 4 * offs[i]!;
  return ptr;
}

/** Copies a batch's matrices into wasm memory at byte offset p; returns each matrix's byte pointer. */
function copyBatch(f32: Float32Array, p: number, src: Float32Array, offs: ArrayLike<number>, len: number, l: BatchLayout): Int32Array | Float64Array {
  const ptr = new Float64Array(offs.length);
  if (l.span) {
    if (l.floats) f32.set(src.subarray(l.min, l.min + l.floats), p >> 2);
    for (let i = 0; i < offs.length; i++) ptr[i] = p + 4 * (offs[i]! - l.min);
    return ptr;
  }
  let q = p, last = NaN, lastPtr = p;
  for (let i = 0; i < offs.length; i++) {
    const o = offs[i]!;
    if (o !== last) {
      f32.set(src.subarray(o, o + len), q >> 2);
      lastPtr = q; q += 4 * len; last = o;
    }
    ptr[i] = lastPtr;
  }
  return ptr;
}

/** Length of the geometry block the conv kernels read (assembly/conv.ts). */
const GEOM_INTS = 16;

/** Float counts of a convolution's operands: x, w, out, and one image's columns. */
function convSizes(g: ConvGeom): { x: number; w: number; out: number; cols: number } {
  const L = g.oh * g.ow;
  return { x: g.n * g.c * g.h * g.w, w: g.oc * (g.c / g.groups) * g.kh * g.kw, out: g.n * g.oc * L, cols: g.c * g.kh * g.kw * L };
}
