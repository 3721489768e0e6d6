// The `wasm` backend: float32 kernels that pay for their operand copies run in WebAssembly SIMD
// (GEMM, elementwise, row reductions); everything else, and every other dtype, inherits `js`.
import { FreeLists, recycleFloat32, setForeignPool, takeFloat32 } from '../../tensor/buffer-pool.js';
import type { TypedArray } from '../../tensor/dtype.js';
import { numel } from '../../tensor/shape.js';
import type { AdamStepParams, Conv2dGeom, ConvGeom, ReduceOp, SgdStepParams, View } from '../backend.js';
import type { BinaryOp, UnaryOp } from '../js/elementwise-kernels.js';
import { JsBackend, addBiasRows, coalesce } from '../js/js-backend.js';
import { type BinaryOp as WBinary, type UnaryOp as WUnary, type WasmKernels, kernelsOwning } from './kernels.js';
import { ThreadedGemm } from './threads.js';

const BINARY: Partial<Record<BinaryOp, WBinary>> = {
  add: 'add', sub: 'sub', mul: 'mul', div: 'div', maximum: 'maximum', minimum: 'minimum',
  reluBackward: 'reluBackward', geluErfBackward: 'geluErfBackward', geluTanhBackward: 'geluTanhBackward',
};
const ACTIVATION_BACKWARD = new Set<BinaryOp>(['reluBackward', 'geluErfBackward', 'geluTanhBackward']);
/** Kernels costly enough per element that splitting them across the pool pays (see threads.ts). */
const SPLIT_BINARY = new Set<BinaryOp>(['geluErfBackward', 'geluTanhBackward']);
const SPLIT_UNARY = new Set<UnaryOp>(['exp', 'log', 'tanh', 'sigmoid', 'geluErf', 'geluTanh', 'erf']);
const UNARY: Partial<Record<UnaryOp, WUnary>> = {
  exp: 'exp', log: 'log', tanh: 'tanh', sigmoid: 'sigmoid', geluErf: 'gelu', geluTanh: 'geluTanh', relu: 'relu', neg: 'neg', sqrt: 'sqrt', abs: 'abs',
  erf: 'erf',
};

/**
 * Size thresholds (elements, or multiply-adds for GEMM) below which the JS loop beats the wasm kernel
 * plus its copies. Measured on the 2-core dev machine with bench/thresholds.ts (bench/RESULTS.md,
 * "Thresholds"): with copies, wasm add / exp / row sums already win 1.5-3x at 64 elements and 3-5x
 * at 256; 256 keeps the tiniest tensors (scalars, biases) on the JS path, which has no call overhead.
 */
export const WASM_THRESHOLDS = { elementwise: 256, gemm: 8192, reduce: 256, gather: 4096 };

const isF32 = (a: TypedArray): a is Float32Array => a instanceof Float32Array;

/** Whether a strided view (strides ≥ 0) of `shape` spans at most 4x `n` elements of its storage. */
function stridedSpanOk(shape: readonly number[], strides: readonly number[], n: number): boolean {
  let span = 1;
  for (let i = 0; i < shape.length; i++) {
    if (strides[i]! < 0) return false;
    span += (shape[i]! - 1) * strides[i]!;
  }
  return span <= 4 * n;
}

export class WasmBackend extends JsBackend {
  override readonly name = 'wasm';
  /** Large GEMMs split across a worker pool (see threads.ts); setNumThreads changes its size. */
  readonly threads = new ThreadedGemm();
  constructor(readonly kernels: WasmKernels) {
    super();
  }

  override binary(op: BinaryOp, a: View, b: View, out: TypedArray): void {
    const wop = BINARY[op];
    if (wop && isF32(a.data) && isF32(b.data) && isF32(out) && out.length >= WASM_THRESHOLDS.elementwise) {
      const { shape, strides } = coalesce(a.shape, [a.strides, b.strides]);
      const k = this.home(a.data, b.data, out);
      if (shape.length === 1) {
        const n = shape[0]!;
        const [as, bs] = [strides[0]![0]!, strides[1]![0]!];
        const av = a.data.subarray(a.offset, a.offset + n);
        if (as === 1 && bs === 1) {
          const split = SPLIT_BINARY.has(op) || this.inPlaceSplit(n, k, a.data, b.data, out) ? this.threads.forElements(n) : null;
          return (split ?? k).binary(wop, av, b.data.subarray(b.offset, b.offset + n), out, { split: !!split });
        }
        if (!ACTIVATION_BACKWARD.has(op)) { // vector-scalar kernels
          if (as === 1 && bs === 0) return k.binary(wop, av, b.data[b.offset]!, out, { split: this.inPlaceSplit(n, k, a.data, out) });
          if (as === 0 && bs === 1) {
            return k.binary(wop, b.data.subarray(b.offset, b.offset + n), a.data[a.offset]!, out, { scalarFirst: true, split: this.inPlaceSplit(n, k, b.data, out) });
          }
        }
      } else if (shape.length === 2 && !ACTIVATION_BACKWARD.has(op)) {
        // One contiguous (rows, cols) operand and one broadcast vector: bias adds, x − mean, x / sum.
        const [rows, cols] = shape as [number, number];
        const [a0, a1] = strides[0] as [number, number];
        const [b0, b1] = strides[1] as [number, number];
        const full = (x: View) => (x.data as Float32Array).subarray(x.offset, x.offset + rows * cols);
        const vec = (x: View, n: number) => (x.data as Float32Array).subarray(x.offset, x.offset + n);
        if (a0 === cols && a1 === 1) {
          const split = this.inPlaceSplit(rows * cols, k, a.data, b.data, out);
          if (b0 === 0 && b1 === 1) return k.binaryBcast(wop, full(a), vec(b, cols), out, rows, cols, { rowVec: true, split });
          if (b0 === 1 && b1 === 0) return k.binaryBcast(wop, full(a), vec(b, rows), out, rows, cols, { rowVec: false, split });
        }
        if (b0 === cols && b1 === 1) {
          const split = this.inPlaceSplit(rows * cols, k, a.data, b.data, out);
          if (a0 === 0 && a1 === 1) return k.binaryBcast(wop, full(b), vec(a, cols), out, rows, cols, { rowVec: true, swap: true, split });
          if (a0 === 1 && a1 === 0) return k.binaryBcast(wop, full(b), vec(a, rows), out, rows, cols, { rowVec: false, swap: true, split });
        }
      }
      // Any other layout of ≤ 4 coalesced dims (strided views, transposes, broadcasts): gathered inside
      // wasm memory when each operand's span is at most 4x the output (else the copy-in dominates).
      if (shape.length <= 4 && stridedSpanOk(shape, strides[0]!, out.length) && stridedSpanOk(shape, strides[1]!, out.length)) {
        return k.binaryStrided(wop, { data: a.data, offset: a.offset, strides: strides[0]! },
          { data: b.data, offset: b.offset, strides: strides[1]! }, shape, out);
      }
    }
    super.binary(op, a, b, out);
  }

  // Into a pinned float32 destination: one wasm call instead of a JS copy per row (copies between
  // SharedArrayBuffers are V8's slow ones).
  override copyToStrided(src: TypedArray, srcOffset: number, dst: View): void {
    const k = this.threads.sharedKernels;
    if (k && isF32(src) && isF32(dst.data) && kernelsOwning(dst.data) === k) {
      const { shape, strides } = coalesce(dst.shape, [dst.strides]);
      const n = numel(shape), st = strides[0]!;
      if (n >= WASM_THRESHOLDS.gather && shape.length <= 4 && st.every((s) => s >= 0)) {
        return k.scatterStrided(src.subarray(srcOffset, srcOffset + n), dst.data, dst.offset, shape, st);
      }
    }
    super.copyToStrided(src, srcOffset, dst);
  }

  override unary(op: UnaryOp, x: View, out: TypedArray): void {
    if (op === 'identity' && isF32(x.data) && isF32(out) && out.length >= WASM_THRESHOLDS.gather) {
      // Strided float32 copies (head split/merge, permutes, narrow views): gathered inside wasm memory
      // when the span the view covers is at most 4x its size (else the copy-in would dominate).
      const { shape, strides } = coalesce(x.shape, [x.strides]);
      const st = strides[0]!;
      if (shape.length <= 4 && !(shape.length === 1 && st[0]! <= 1) && st.every((s) => s >= 0)) {
        let span = 1;
        for (let i = 0; i < shape.length; i++) span += (shape[i]! - 1) * st[i]!;
        if (span <= 4 * out.length) {
          const k = this.home(x.data, out);
          return k.gatherStrided(x.data, x.offset, shape, st, out, { split: this.inPlaceSplit(out.length, k, x.data, out) });
        }
      }
    }
    const wop = UNARY[op];
    if (wop && isF32(x.data) && isF32(out) && out.length >= WASM_THRESHOLDS.elementwise) {
      const { shape, strides } = coalesce(x.shape, [x.strides]);
      if (shape.length === 1 && strides[0]![0] === 1) {
        const n = shape[0]!;
        const split = SPLIT_UNARY.has(op) ? this.threads.forElements(n) : null;
        return (split ?? this.home(x.data, out)).unary(wop, x.data.subarray(x.offset, x.offset + n), out, { split: !!split });
      }
    }
    super.unary(op, x, out);
  }

  override reduce(op: ReduceOp, x: TypedArray, outer: number, size: number, inner: number, out: TypedArray): void {
    if (op !== 'prod' && isF32(x) && isF32(out) && outer * size * inner >= WASM_THRESHOLDS.reduce) {
      const src = x.subarray(0, outer * size * inner), k = this.home(x, out);
      return inner === 1 ? k.reduceRows(op, src, outer, size, out) : k.reduceMid(op, src, outer, size, inner, out);
    }
    super.reduce(op, x, outer, size, inner, out);
  }

  override softmax(x: TypedArray, outer: number, size: number, inner: number, out: TypedArray, log: boolean): void {
    if (inner === 1 && isF32(x) && isF32(out) && outer * size >= WASM_THRESHOLDS.elementwise) {
      const split = this.threads.forElements(outer * size);
      return (split ?? this.home(x, out)).softmaxRows(x.subarray(0, outer * size), outer, size, out, { log, split: !!split });
    }
    super.softmax(x, outer, size, inner, out, log);
  }

  override softmaxBackward(g: TypedArray, y: TypedArray, outer: number, size: number, inner: number, out: TypedArray, log: boolean): void {
    if (inner === 1 && isF32(g) && isF32(y) && isF32(out) && outer * size >= WASM_THRESHOLDS.elementwise) {
      const split = this.threads.forElements(outer * size);
      return (split ?? this.home(g, y, out)).softmaxBackwardRows(g.subarray(0, outer * size), y.subarray(0, outer * size), outer, size, out, { log, split: !!split });
    }
    super.softmaxBackward(g, y, outer, size, inner, out, log);
  }

  override layerNorm(x: TypedArray, rows: number, cols: number, w: TypedArray | null, b: TypedArray | null, eps: number,
    out: TypedArray, mean: TypedArray, rstd: TypedArray): void {
    const f32 = isF32(x) && isF32(out) && isF32(mean) && isF32(rstd) && (!w || isF32(w)) && (!b || isF32(b));
    if (f32 && rows * cols >= WASM_THRESHOLDS.elementwise) {
      const k = this.home(x, out), split = this.inPlaceSplit(rows * cols, k, x, out);
      return k.layerNorm(x, rows, cols, w as Float32Array | null, b as Float32Array | null, eps, out, mean, rstd, { split });
    }
    super.layerNorm(x, rows, cols, w, b, eps, out, mean, rstd);
  }

  override layerNormBackward(g: TypedArray, x: TypedArray, mean: TypedArray, rstd: TypedArray, w: TypedArray | null,
    rows: number, cols: number, dx: TypedArray, dw: TypedArray | null, db: TypedArray | null): void {
    const f32 = isF32(g) && isF32(x) && isF32(mean) && isF32(rstd) && isF32(dx) && (!w || isF32(w)) && (!dw || isF32(dw)) && (!db || isF32(db));
    if (f32 && rows * cols >= WASM_THRESHOLDS.elementwise) {
      return this.home(g, x, dx).layerNormBackward(g, x, mean, rstd, w as Float32Array | null, rows, cols, dx,
        dw as Float32Array | null, db as Float32Array | null);
    }
    super.layerNormBackward(g, x, mean, rstd, w, rows, cols, dx, dw, db);
  }

  // Optimizer steps run on the instance whose memory holds a pinned p (in place), else the private one.
  // Split across the pool like the cheap kernels when every array is pinned there (see inPlaceSplit).
  override sgdStep(p: Float32Array, grad: Float32Array, buf: Float32Array | null, o: SgdStepParams): void {
    if (p.length >= WASM_THRESHOLDS.elementwise) {
      const k = kernelsOwning(p) ?? this.kernels;
      const split = o.momentum !== 0 ? this.inPlaceSplit(p.length, k, p, grad, buf!) : this.inPlaceSplit(p.length, k, p, grad);
      return k.sgdStepWith(p, grad, buf, o, { split });
    }
    super.sgdStep(p, grad, buf, o);
  }

  override adamStep(p: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, o: AdamStepParams): void {
    if (p.length >= WASM_THRESHOLDS.elementwise) {
      const k = kernelsOwning(p) ?? this.kernels;
      return k.adamStepWith(p, grad, m, v, o, { split: this.inPlaceSplit(p.length, k, p, grad, m, v) });
    }
    super.adamStep(p, grad, m, v, o);
  }

  /**
   * A view into the shared memory of the multi-threaded instance (threads.ts pinKernels), freed when
   * `owner` is collected; null without shared memory, below the elementwise threshold (such arrays
   * stay on the JS kernels, which gain nothing from it) or without FinalizationRegistry.
   */
  override pin(data: Float32Array, owner: object): Float32Array | null {
    if (data.length < WASM_THRESHOLDS.elementwise || !pinRegistry) return null;
    const k = this.threads.pinKernels();
    const view = k?.pin(data);
    if (!k || !view) return null;
    pinRegistry.register(owner, { kernels: k, ptr: view.byteOffset });
    return view;
  }

  override pinnedOutput(n: number, owner: object): Float32Array | null {
    if (n < WASM_THRESHOLDS.elementwise || !pinRegistry || pinnedOutputs.liveBytes + 4 * n > PINNED_OUTPUT_MAX_BYTES) return null;
    const k = this.threads.pinKernels();
    if (!k) return null;
    const view = pinnedOutputs.take(n, k) ?? k.pinBlank(n);
    if (!view) return null;
    pinRegistry.register(owner, { kernels: k, ptr: view.byteOffset, output: view.byteLength }, view);
    pinnedOutputs.liveBytes += view.byteLength;
    return view;
  }

  threadsRunning(): boolean {
    return this.threads.running;
  }

  override isPinned(data: TypedArray): boolean {
    return isF32(data) && kernelsOwning(data) !== null;
  }

  override matmul(
    a: TypedArray, aOffsets: ArrayLike<number>, ars: number, acs: number,
    b: TypedArray, bOffsets: ArrayLike<number>, brs: number, bcs: number,
    m: number, n: number, k: number, out: TypedArray, bias?: TypedArray | null,
  ): void {
    if (!isF32(a) || !isF32(b) || !isF32(out) || (bias && !isF32(bias)) || m * n * k < WASM_THRESHOLDS.gemm) {
      return super.matmul(a, aOffsets, ars, acs, b, bOffsets, brs, bcs, m, n, k, out, bias);
    }
    // An expanded scalar (both strides 0: the gradient of a sum) is one row of copies of it read with a
    // leading dimension of 0. Any other operand GEMM cannot read in place is packed first.
    const scalarA = ars === 0 && acs === 0, scalarB = brs === 0 && bcs === 0;
    const la = scalarA ? [false, 0] as const : gemmLayout(m, k, ars, acs) ?? [false, k];
    const lb = scalarB ? [false, 0] as const : gemmLayout(k, n, brs, bcs) ?? [false, n];
    // Staging buffers from the pool (they never leave this call).
    const packBuffer = (rows: number, cols: number, rs: number, cs: number, scalar: boolean): Float32Array | null =>
      scalar ? new Float32Array(cols) : gemmLayout(rows, cols, rs, cs) ? null : (takeFloat32(rows * cols) ?? new Float32Array(rows * cols));
    const packA = packBuffer(m, k, ars, acs, scalarA), packB = packBuffer(k, n, brs, bcs, scalarB);
    const batched = aOffsets.length > 1 && !packA && !packB;
    const kern = this.threads.forWork(m * n * k * (batched ? aOffsets.length : 1)) ?? this.pinnedOperandOwner(a, b, out, m * k, k * n, m * n) ?? this.kernels;
    if (batched) {
      // A batch (attention heads): operands copied into wasm memory once, C copied out once.
      kern.sgemmBatched(la[0], lb[0], m, n, k, a, aOffsets, la[1], b, bOffsets, lb[1], out, 0);
      if (bias) addBiasRows(out, bias, aOffsets.length * m, n);
      return;
    }
    let lastA = -1, lastB = -1;
    for (let bt = 0; bt < aOffsets.length; bt++) {
      let A = a, aOff = aOffsets[bt]!, B = b, bOff = bOffsets[bt]!;
      if (packA) { if (aOff !== lastA) packMatrix(a, aOff, ars, acs, scalarA ? 1 : m, k, packA); lastA = aOff; A = packA; aOff = 0; }
      if (packB) { if (bOff !== lastB) packMatrix(b, bOff, brs, bcs, scalarB ? 1 : k, n, packB); lastB = bOff; B = packB; bOff = 0; }
      kern.sgemm(la[0], lb[0], m, n, k, A, aOff, la[1], B, bOff, lb[1], out, bt * m * n, n, 1, 0, bias as Float32Array | null);
    }
    if (packA && !scalarA) recycleFloat32(packA);
    if (packB && !scalarB) recycleFloat32(packB);
  }

  /**
   * Whether a cheap kernel (add, mul, a strided gather, layer norm, an optimizer step: bound by memory traffic) on k splits
   * across the pool: only when every array is already in k's shared memory, so nothing is copied, and
   * from threads.minInPlaceElements. At 2 threads half of each GEMM's output sits in the worker's cache, and
   * the calling thread alone reads it back at about half speed (a 131072-element multiply in a transformer
   * step: 112 µs alone against 72 µs split, and 72 µs on one thread).
   */
  private inPlaceSplit(n: number, k: WasmKernels, ...arrs: TypedArray[]): boolean {
    if (n < this.threads.minInPlaceElements || k !== this.threads.sharedKernels || !this.threads.forElements(n)) return false;
    for (const a of arrs) if (!isF32(a) || kernelsOwning(a) !== k) return false;
    return true;
  }

  /**
   * The instance a kernel on these arrays runs in: the shared one when one of them is pinned there
   * (used in place, no copy), else the private one (copies into private memory are the faster ones).
   */
  private home(...arrs: TypedArray[]): WasmKernels {
    const k = this.threads.sharedKernels;
    if (k) for (const a of arrs) if (isF32(a) && kernelsOwning(a) === k) return k;
    return this.kernels;
  }

  /**
   * The current shared instance when GEMM operands pinned there (used in place) are at least as large as
   * the rest (copied, and copies into shared memory are slower than into the private instance's), else
   * null. Also on one thread, where that instance has no pool. aN, bN, cN: the operands' float counts.
   */
  private pinnedOperandOwner(a: Float32Array, b: Float32Array, out: Float32Array, aN: number, bN: number, cN: number): WasmKernels | null {
    const ka = kernelsOwning(a), kb = kernelsOwning(b), kc = kernelsOwning(out);
    if (!ka && !kb && !kc) return null;
    const k = this.threads.sharedKernels;
    const pinned = (ka === k ? aN : 0) + (kb === k ? bN : 0) + (kc === k ? cN : 0);
    return k && 2 * pinned >= aN + bN + cN ? k : null;
  }

  // ---- convolution and pooling: float32 in wasm above WASM_CONV_THRESHOLDS ----

  override im2col(x: TypedArray, g: Conv2dGeom, out: TypedArray): void {
    if (isF32(x) && isF32(out) && out.length >= WASM_CONV_THRESHOLDS.lowering) return this.kernels.im2col(x, g, out);
    super.im2col(x, g, out);
  }

  override col2im(cols: TypedArray, g: Conv2dGeom, out: TypedArray): void {
    if (isF32(cols) && isF32(out) && cols.length >= WASM_CONV_THRESHOLDS.lowering) return this.kernels.col2im(cols, g, out);
    super.col2im(cols, g, out);
  }

  override conv2d(x: TypedArray, w: TypedArray, bias: TypedArray | null, g: ConvGeom, out: TypedArray): void {
    if (isF32(x) && isF32(w) && isF32(out) && (!bias || isF32(bias)) && convWork(g) >= WASM_CONV_THRESHOLDS.conv) {
      return (this.threads.forWork(convWork(g)) ?? this.home(x, w, out)).conv2d(x, w, bias as Float32Array | null, g, out);
    }
    super.conv2d(x, w, bias, g, out);
  }

  override conv2dBackward(gOut: View, x: TypedArray, w: TypedArray, g: ConvGeom, dx: TypedArray | null, dw: TypedArray | null, db: TypedArray | null): void {
    const f32 = isF32(gOut.data) && isF32(x) && isF32(w) && (!dx || isF32(dx)) && (!dw || isF32(dw)) && (!db || isF32(db));
    if (f32 && convWork(g) >= WASM_CONV_THRESHOLDS.conv) {
      // A gradient expanded from a scalar (sum/mean) is filled in wasm memory rather than materialized.
      const scalar = gOut.strides.every((s) => s === 0);
      const gd = scalar ? gOut.data[gOut.offset]! : this.dense(gOut) as Float32Array;
      const k = this.threads.forWork(convWork(g)) ?? this.home(gOut.data, x, w, ...(dx ? [dx] : []));
      return k.conv2dBackward(gd, x, w, g, dx as Float32Array | null, dw as Float32Array | null, db as Float32Array | null);
    }
    super.conv2dBackward(gOut, x, w, g, dx, dw, db);
  }

  override maxPool2d(x: TypedArray, planes: number, h: number, w: number, hStart: Int32Array, hEnd: Int32Array,
    wStart: Int32Array, wEnd: Int32Array, dh: number, dw: number, out: TypedArray, idx: Int32Array): void {
    if (isF32(x) && isF32(out) && planes * h * w >= WASM_CONV_THRESHOLDS.pool) {
      return this.kernels.maxPool2d(x, planes, h, w, hStart, hEnd, wStart, wEnd, dh, dw, out, idx);
    }
    super.maxPool2d(x, planes, h, w, hStart, hEnd, wStart, wEnd, dh, dw, out, idx);
  }

  override maxPool2dBackward(g: TypedArray, idx: Int32Array, planes: number, inPlane: number, outPlane: number, dx: TypedArray): void {
    if (isF32(g) && isF32(dx) && planes * inPlane >= WASM_CONV_THRESHOLDS.pool) return this.kernels.maxPool2dBackward(g, idx, planes, inPlane, outPlane, dx);
    super.maxPool2dBackward(g, idx, planes, inPlane, outPlane, dx);
  }
}

/** Frees a pinned block once the Storage owning its view is collected (feature-detected: browser-safe). */
const pinRegistry = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry<{ kernels: WasmKernels; ptr: number; output?: number }>(({ kernels, ptr, output }) => {
    kernels.free(ptr);
    if (output) pinnedOutputs.liveBytes -= output;
  })
  : null;

/**
 * Bound on pinned output bytes alive at once. Gradients user code has read are freed only by garbage
 * collection, which never runs inside a synchronous training loop; past this bound outputs are plain arrays.
 */
const PINNED_OUTPUT_MAX_BYTES = 64 * 2 ** 20;
/** Bound on the bytes of dead pinned outputs kept for reuse; beyond it the least recently pooled blocks are freed. */
const PINNED_POOL_MAX_BYTES = 64 * 2 ** 20;

/** Frees a pinned block the pool lets go of. */
const freePinned = (v: Float32Array): void => { kernelsOwning(v)?.free(v.byteOffset); };

/**
 * Pinned output blocks autograd proved dead (via recycleFloat32), kept for the next output of the same
 * length: a pinned parameter's gradient is the same size every step.
 */
const pinnedOutputs = {
  free: new FreeLists(),
  /** Bytes of pinnedOutput views handed out and not yet returned or collected. */
  liveBytes: 0,
  take(n: number, k: WasmKernels): Float32Array | null {
    for (let v = this.free.pop(n); v; v = this.free.pop(n)) {
      if (kernelsOwning(v) === k) return v;
      kernelsOwning(v)?.free(v.byteOffset); // from an instance setNumThreads replaced
    }
    return null;
  },
};

// Pinned outputs proven dead come back here instead of the plain-array pool; other pinned views
// (parameters) are never pooled.
setForeignPool({
  recycle(a) {
    const k = kernelsOwning(a);
    if (!k) return false;
    if (pinRegistry?.unregister(a)) {
      pinnedOutputs.liveBytes -= a.byteLength;
      if (!pinnedOutputs.free.push(a, PINNED_POOL_MAX_BYTES, freePinned)) k.free(a.byteOffset);
    }
    return true;
  },
  bytes: () => pinnedOutputs.free.bytes,
  clear: () => pinnedOutputs.free.clear(freePinned),
});

/** Copies a rows×cols strided matrix into a contiguous row-major one. */
function packMatrix(src: Float32Array, off: number, rs: number, cs: number, rows: number, cols: number, dst: Float32Array): void {
  if (rs === 0 && cs === 0) { dst.fill(src[off]!); return; }
  for (let i = 0; i < rows; i++) {
    const s = off + i * rs, d = i * cols;
    if (cs === 1) dst.set(src.subarray(s, s + cols), d);
    else for (let j = 0; j < cols; j++) dst[d + j] = src[s + j * cs]!;
  }
}

/**
 * How GEMM can read a rows×cols matrix stored with strides (rs, cs): row-major with leading dim ld,
 * or transposed storage with leading dim ld; null when neither (e.g. an expanded operand), in
 * which case the JS kernel packs it.
 */
function gemmLayout(rows: number, cols: number, rs: number, cs: number): [boolean, number] | null {
  const r1 = rows === 1;
  const c1 = cols === 1;
  if ((cs === 1 || c1) && (rs >= cols || r1)) return [false, r1 ? cols : rs];
  if ((rs === 1 || r1) && (cs >= rows || c1)) return [true, c1 ? rows : cs];
  return null;
}

/**
 * Sizes from which the wasm convolution and pooling kernels (copies included) beat JS: column floats
 * for im2col/col2im, multiply-adds for conv2d, input floats for pooling. Measured on the 2-core dev
 * machine: fused conv2d forward/backward win from under 1e3 multiply-adds (JS runs a GEMM per image
 * and group), col2im from about 1e3 columns, the max-pool scatter from about 2e3 inputs.
 */
export const WASM_CONV_THRESHOLDS = { lowering: 1024, conv: 1024, pool: 2048 };

/** Multiply-adds of a convolution: n · oc · (c/groups)·kh·kw · oh·ow. */
const convWork = (g: ConvGeom): number => g.n * g.oc * (g.c / g.groups) * g.kh * g.kw * g.oh * g.ow;
