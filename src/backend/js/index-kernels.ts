// JS kernels for index ops: gather, scatter(-add), index select/add. Indices are validated here,
// in the same pass that uses them, so nothing reads or writes out of bounds.
import type { TypedArray } from '../../tensor/dtype.js';
import { IndexError } from '../../tensor/errors.js';
import type { View } from '../backend.js';
import { coalesce, forEachRow } from './js-backend.js';

function bad(op: string, v: number, dim: number, size: number): never {
  throw new IndexError(`${op}: index ${v} is out of bounds for dimension ${dim} with size ${size}`);
}

/**
 * out[p] = x[p with coordinate `dim` replaced by index[p]] for every position p of index.
 * `x` is a view whose stride along dim is `dimStride` and whose own stride there is zeroed.
 */
export function gatherKernel(index: View, x: View, dim: number, dimSize: number, dimStride: number, out: TypedArray): void {
  const { shape, strides } = coalesce(index.shape, [index.strides, x.strides]);
  const nd = shape.length;
  const inner = shape[nd - 1]!;
  const is = strides[0]![nd - 1]!, xs = strides[1]![nd - 1]!;
  const id = index.data, xd = x.data;
  forEachRow(shape, strides, [index.offset, x.offset], (o, offs) => {
    const ii = offs[0]!, xi = offs[1]!;
    for (let i = 0; i < inner; i++) {
      const v = id[ii + i * is]!;
      if (v < 0 || v >= dimSize) bad('gather', v, dim, dimSize);
      out[o + i] = xd[xi + i * xs + v * dimStride]!;
    }
  });
}

/**
 * For every position p of index: out[p with coordinate dim = index[p]] (op)= src[p].
 * `out` is contiguous with its dim stride zeroed in `outView`; src is a view shaped like index.
 */
export function scatterKernel(
  mode: 'set' | 'add', index: View, src: View, outView: View, dim: number, dimSize: number, dimStride: number,
): void {
  const { shape, strides } = coalesce(index.shape, [index.strides, src.strides, outView.strides]);
  const nd = shape.length;
  const inner = shape[nd - 1]!;
  const is = strides[0]![nd - 1]!, ss = strides[1]![nd - 1]!, os = strides[2]![nd - 1]!;
  const id = index.data, sd = src.data, od = outView.data;
  forEachRow(shape, strides, [index.offset, src.offset, outView.offset], (_o, offs) => {
    const ii = offs[0]!, si = offs[1]!, oi = offs[2]!;
    for (let i = 0; i < inner; i++) {
      const v = id[ii + i * is]!;
      if (v < 0 || v >= dimSize) bad(mode === 'add' ? 'scatterAdd' : 'scatter', v, dim, dimSize);
      const at = oi + i * os + v * dimStride;
      if (mode === 'add') od[at] += sd[si + i * ss]!;
      else od[at] = sd[si + i * ss]!;
    }
  });
}

/** (outer, n, inner) → (outer, m, inner): out[o, j, :] = x[o, index[j], :]. */
export function indexSelectKernel(x: TypedArray, outer: number, n: number, inner: number, index: Int32Array | ArrayLike<number>, dim: number, out: TypedArray): void {
  const m = index.length;
  for (let j = 0; j < m; j++) { const v = index[j]!; if (v < 0 || v >= n) bad('indexSelect', v, dim, n); }
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const src = (o * n + index[j]!) * inner;
      const dst = (o * m + j) * inner;
      if (inner === 1) out[dst] = x[src]!;
      else out.set(x.subarray(src, src + inner) as never, dst);
    }
  }
}

/** out[o, index[j], :] += alpha · src[o, j, :] on contiguous buffers. */
export function indexAddKernel(out: TypedArray, outer: number, n: number, inner: number, index: ArrayLike<number>, src: TypedArray, alpha: number, dim: number): void {
  const m = index.length;
  for (let j = 0; j < m; j++) { const v = index[j]!; if (v < 0 || v >= n) bad('indexAdd', v, dim, n); }
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const dst = (o * n + index[j]!) * inner;
      const s = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[dst + i] += alpha * src[s + i]!;
    }
  }
}
