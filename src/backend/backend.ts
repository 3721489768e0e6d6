// The Backend interface: kernels on raw strided buffers. `js` implements all of it; faster backends
// override what they accelerate and inherit the rest (a missing kernel falls back to js).
import type { TypedArray } from '../tensor/dtype.js';
import type { BinaryOp, UnaryOp } from './js/elementwise-kernels.js';

export type { BinaryOp, UnaryOp };

/** A strided window onto a typed array: element (i₀, i₁, …) lives at offset + Σ iₖ·strides[k]. */
export interface View {
  readonly data: TypedArray;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
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
  binary(op: BinaryOp, a: View, b: View, out: TypedArray): void;
  where(cond: View, a: View, b: View, out: TypedArray): void;
  reduce(op: ReduceOp, x: TypedArray, outer: number, size: number, inner: number, out: TypedArray): void;
  /** Values and (first) indices of max/min along the middle axis; NaN wins, like PyTorch. */
  argReduce(op: 'max' | 'min', x: TypedArray, outer: number, size: number, inner: number, outVals: TypedArray, outIdx: Int32Array): void;
  scan(op: ScanOp, x: TypedArray, outer: number, size: number, inner: number, out: TypedArray): void;
  /** softmax (or log-softmax) along the middle axis of a contiguous (outer, size, inner) buffer, max-shifted. */
  softmax(x: TypedArray, outer: number, size: number, inner: number, out: TypedArray, log: boolean): void;
  /**
   * Batched C[b] = A[b]·B[b]: A[b] is M×K at aOffsets[b] with row/col strides (ars, acs); B[b] is K×N
   * likewise; out is contiguous (batch, M, N).
   */
  matmul(
    a: TypedArray, aOffsets: ArrayLike<number>, ars: number, acs: number,
    b: TypedArray, bOffsets: ArrayLike<number>, brs: number, bcs: number,
    m: number, n: number, k: number, out: TypedArray,
  ): void;
}
