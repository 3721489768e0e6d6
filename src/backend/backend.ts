// The Backend interface: kernels on raw strided buffers. `js` implements all of it; faster backends
// override what they accelerate and inherit the rest (a missing kernel falls back to js).
import type { TypedArray } from '../tensor/dtype.js';
import type { Conv2dGeom } from './js/conv-kernels.js';
import type { BinaryOp, UnaryOp } from './js/elementwise-kernels.js';

export type { BinaryOp, Conv2dGeom, UnaryOp };

/** A strided window onto a typed array: element (i₀, i₁, …) lives at offset + Σ iₖ·strides[k]. */
export interface View {
  readonly data: TypedArray;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/** Coefficients of one fused SGD step (see Backend.sgdStep); computed by the caller in float64. */
export interface SgdStepParams {
  lr: number; momentum: number; /** 1 − dampening */ dampC: number; weightDecay: number;
  nesterov: boolean; maximize: boolean;
  /** First step with momentum: the buffer is set to the gradient instead of being decayed. */
  firstStep: boolean;
}

/** Coefficients of one fused Adam/AdamW step (see Backend.adamStep); computed by the caller in float64. */
export interface AdamStepParams {
  beta1: number; oneMinusBeta1: number; beta2: number; oneMinusBeta2: number; eps: number;
  weightDecay: number; /** AdamW: decoupled decay p ← p·decay with decay = 1 − lr·λ; Adam: g ← g + λp */ decoupled: boolean;
  decay: number; maximize: boolean;
  /** lr/(1 − β₁ᵗ) */ stepSize: number; /** √(1 − β₂ᵗ) */ bc2Sqrt: number;
}

/** A convolution's geometry: the sliding window plus output channels and groups (weight (oc, c/groups, kh, kw)). */
export interface ConvGeom extends Conv2dGeom {
  oc: number;
  groups: number;
}

export type ReduceOp = 'sum' | 'prod' | 'max' | 'min';
export type ScanOp = 'cumsum' | 'cumprod';

/**
 * Reductions and scans take a contiguous buffer viewed as (outer, size, inner) and work along the
 * middle axis; the op layer permutes/copies into that form. Elementwise kernels take views already
 * broadcast to the output shape (stride 0 on broadcast dims) and write a contiguous output.
 */
export interface Backend {
  readonly name: string;
  /** out[i] = f(x[i]) (also used for strided→contiguous copies and dtype casts with op 'identity'). */
  unary(op: UnaryOp, x: View, out: TypedArray): void;
  /**
   * The strided view dst ← src[srcOffset …] read contiguously (same dtype): contiguous→strided copies, the
   * inverse of unary 'identity' (the backward of narrow/split, slice assignment). Elements of dst's
   * storage outside the view are untouched.
   */
  copyToStrided(src: TypedArray, srcOffset: number, dst: View): void;
  binary(op: BinaryOp, a: View, b: View, out: TypedArray): void;
  where(cond: View, a: View, b: View, out: TypedArray): void;
  reduce(op: ReduceOp, x: TypedArray, outer: number, size: number, inner: number, out: TypedArray): void;
  /** Values and (first) indices of max/min along the middle axis; NaN wins, like PyTorch. */
  argReduce(op: 'max' | 'min', x: TypedArray, outer: number, size: number, inner: number, outVals: TypedArray, outIdx: Int32Array): void;
  scan(op: ScanOp, x: TypedArray, outer: number, size: number, inner: number, out: TypedArray): void;
  /** softmax (or log-softmax) along the middle axis of a contiguous (outer, size, inner) buffer, max-shifted. */
  softmax(x: TypedArray, outer: number, size: number, inner: number, out: TypedArray, log: boolean): void;
  /**
   * Gradient of softmax (or log-softmax) along the middle axis from the output y and its gradient g
   * (contiguous, (outer, size, inner)): softmax dx = y ⊙ (g − Σ g⊙y), log-softmax dx = g − eʸ·Σ g.
   */
  softmaxBackward(g: TypedArray, y: TypedArray, outer: number, size: number, inner: number, out: TypedArray, log: boolean): void;
  /**
   * Batched C[b] = A[b]·B[b] (+ bias): A[b] is M×K at aOffsets[b] with row/col strides (ars, acs); B[b]
   * is K×N likewise; out is contiguous (batch, M, N). A bias (contiguous, length N) is added to every
   * row (addmm, linear); GEMM kernels add it as they write C instead of a separate broadcast add.
   */
  matmul(
    a: TypedArray, aOffsets: ArrayLike<number>, ars: number, acs: number,
    b: TypedArray, bOffsets: ArrayLike<number>, brs: number, bcs: number,
    m: number, n: number, k: number, out: TypedArray, bias?: TypedArray | null,
  ): void;
  /**
   * Layer norm over the last axis of a contiguous (rows, cols) x: out = (x − μ)/√(Var + ε)·w + b
   * (w, b of length cols, or null); writes each row's μ and rstd = 1/√(Var + ε) for the backward.
   */
  layerNorm(x: TypedArray, rows: number, cols: number, w: TypedArray | null, b: TypedArray | null, eps: number,
    out: TypedArray, mean: TypedArray, rstd: TypedArray): void;
  /** Gradients of layerNorm from the output gradient g: dx (rows, cols), and dw, db (cols) when given. */
  layerNormBackward(g: TypedArray, x: TypedArray, mean: TypedArray, rstd: TypedArray, w: TypedArray | null,
    rows: number, cols: number, dx: TypedArray, dw: TypedArray | null, db: TypedArray | null): void;
  /** One SGD(-momentum) update in place on contiguous float32 p (and buf, the momentum buffer). */
  sgdStep(p: Float32Array, grad: Float32Array, buf: Float32Array | null, o: SgdStepParams): void;
  /** One Adam/AdamW (no amsgrad) update in place on contiguous float32 p, m, v. */
  adamStep(p: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, o: AdamStepParams): void;
  /**
   * A copy of `data` in memory this backend's kernels use in place, without copies in or out (wasm:
   * a view into the shared memory of its multi-threaded instance), or null where that is unavailable
   * or does not pay (js; wasm without SharedArrayBuffer, or for small arrays). For long-lived data such
   * as parameters and optimizer state. The block is freed once `owner` is garbage-collected, so owner
   * must be the object (a tensor's Storage) that keeps the view and every subarray of it reachable.
   */
  pin(data: Float32Array, owner: object): Float32Array | null;
  /**
   * Like `pin` for an output about to be written in full (a pinned parameter's gradient): n floats of
   * pinned memory, contents undefined, or null. Freed with `owner`, or handed back to the backend's
   * pool early through recycleFloat32 (src/tensor/buffer-pool.ts) when autograd proves it dead.
   */
  pinnedOutput(n: number, owner: object): Float32Array | null;
  /** Whether `data` is pinned memory of this backend (a view `pin` or `pinnedOutput` returned, or part of one). */
  isPinned(data: TypedArray): boolean;
  /**
   * Whether a worker pool is running, so work registered with setBesideJobWork (src/tensor/buffer-pool.ts)
   * will run beside its jobs. Absent: no pool.
   */
  threadsRunning?(): boolean;
  /** Contiguous images (n, c, h, w) → columns (n, c·kh·kw, oh·ow), zeros where a window hangs over the border. */
  im2col(x: TypedArray, g: Conv2dGeom, out: TypedArray): void;
  /** The adjoint of im2col: columns summed back into images (n, c, h, w); out is overwritten. */
  col2im(cols: TypedArray, g: Conv2dGeom, out: TypedArray): void;
  /** out (n, oc, oh, ow) = w (oc, c/groups, kh, kw) ⋆ x (n, c, h, w) (cross-correlation), + bias (oc) when given. */
  conv2d(x: TypedArray, w: TypedArray, bias: TypedArray | null, g: ConvGeom, out: TypedArray): void;
  /**
   * conv2d's gradients from the output gradient gOut (any layout of (n, oc, oh, ow), e.g. expanded from
   * a sum): dx, dw, db where given, overwritten.
   */
  conv2dBackward(gOut: View, x: TypedArray, w: TypedArray, g: ConvGeom, dx: TypedArray | null, dw: TypedArray | null, db: TypedArray | null): void;
  /**
   * Max pooling of `planes` contiguous h×w planes over windows [hStart[y], hEnd[y]) × [wStart[x], wEnd[x])
   * sampled every dh/dw: values and flat argmax indices iy·w + ix per plane (NaN wins, like PyTorch).
   */
  maxPool2d(x: TypedArray, planes: number, h: number, w: number, hStart: Int32Array, hEnd: Int32Array,
    wStart: Int32Array, wEnd: Int32Array, dh: number, dw: number, out: TypedArray, idx: Int32Array): void;
  /** dx (planes, inPlane) = 0, then dx[p, idx[p, i]] += g[p, i] over the outPlane outputs of each plane. */
  maxPool2dBackward(g: TypedArray, idx: Int32Array, planes: number, inPlane: number, outPlane: number, dx: TypedArray): void;
}
