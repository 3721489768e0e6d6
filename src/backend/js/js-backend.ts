// The reference `js` backend: every kernel, always correct, with contiguous fast paths.
import type { TypedArray } from '../../tensor/dtype.js';
import type { AdamStepParams, Backend, Conv2dGeom, ConvGeom, ReduceOp, ScanOp, SgdStepParams, View } from '../backend.js';
import { col2imKernel, im2colKernel } from './conv-kernels.js';
import { layerNorm, layerNormBackward } from './norm-kernels.js';
import { maxPool2dKernel, maxPool2dBackwardKernel } from './pool-kernels.js';
import { adamStep, sgdStep } from './optim-kernels.js';
import { type BinaryOp, type UnaryOp, binaryRuns, unaryRuns } from './elementwise-kernels.js';

/** Merges adjacent dims that every operand can traverse as one (fewer, longer inner loops). */
export function coalesce(shape: readonly number[], stridesList: (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = stridesList.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && stridesList.every((st, k) => outStrides[k]![last] === st[d]! * size)) {
      outShape[last]! *= size;
      stridesList.forEach((st, k) => { outStrides[k]![last] = st[d]!; });
    } else {
      outShape.push(size);
      stridesList.forEach((st, k) => outStrides[k]!.push(st[d]!));
    }
  }
  if (outShape.length === 0) { outShape.push(1); outStrides.forEach((s) => s.push(1)); }
  return { shape: outShape, strides: outStrides };
}

/**
 * Walks the outer dims of a coalesced layout, calling row(outStart, offsets...) once per innermost row.
 * `offs` holds the running offsets of each operand.
 */
export function forEachRow(shape: number[], strides: number[][], base: number[], row: (o: number, offs: number[]) => void): void {
  const nd = shape.length;
  const inner = shape[nd - 1]!;
  let total = 1;
  for (const s of shape) total *= s;
  if (total === 0) return;
  const idx = new Array<number>(nd).fill(0);
  const offs = [...base];
  for (let o = 0; o < total; o += inner) {
    row(o, offs);
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      for (let k = 0; k < offs.length; k++) offs[k]! += strides[k]![d]!;
      if (idx[d]! < shape[d]!) break;
      for (let k = 0; k < offs.length; k++) offs[k]! -= strides[k]![d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}

/** out[r, j] += bias[j] for a contiguous (rows, n) out. */
export function addBiasRows(out: TypedArray, bias: TypedArray, rows: number, n: number): void {
  for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) out[r * n + j] += bias[j]!;
}

/** out (rows×cols, row-major) ← src[off + i·rs + j·cs], in 32×32 tiles. */
function copy2d(src: TypedArray, off: number, rs: number, cs: number, rows: number, cols: number, out: TypedArray): void {
  const T = 32;
  for (let i0 = 0; i0 < rows; i0 += T) {
    const i1 = Math.min(rows, i0 + T);
    for (let j0 = 0; j0 < cols; j0 += T) {
      const j1 = Math.min(cols, j0 + T);
      for (let j = j0; j < j1; j++) {
        let s = off + i0 * rs + j * cs;
        for (let i = i0; i < i1; i++, s += rs) out[i * cols + j] = src[s]!;
      }
    }
  }
}

/** A zeroed typed array of the same kind as `like`. */
const allocLike = (like: TypedArray, n: number): TypedArray => new (like.constructor as new (n: number) => TypedArray)(n);

/** Offsets 0, step, 2·step, … (count of them): the matrices of a batch laid out back to back. */
function strideOffsets(count: number, step: number): Float64Array {
  const offs = new Float64Array(count);
  for (let i = 0; i < count; i++) offs[i] = i * step;
  return offs;
}

export class JsBackend implements Backend {
  readonly name: string = 'js';

  copyToStrided(src: TypedArray, srcOffset: number, dst: View): void {
    const { shape, strides } = coalesce(dst.shape, [dst.strides]);
    const inner = shape[shape.length - 1]!, st = strides[0]![shape.length - 1]!, d = dst.data;
    forEachRow(shape, strides, [dst.offset], (o, [at]) => {
      const from = srcOffset + o;
      if (st === 1) d.set(src.subarray(from, from + inner) as never, at!);
      else for (let k = 0; k < inner; k++) d[at! + k * st] = src[from + k]!;
    });
  }

  unary(op: UnaryOp, x: View, out: TypedArray): void {
    const run = unaryRuns[op];
    const { shape, strides } = coalesce(x.shape, [x.strides]);
    const st = strides[0]!;
    if (op === 'identity' && x.data.constructor === out.constructor) {
      // Same-type copies: contiguous ones are one memcpy, 2-D transposed ones go tile by tile so both
      // sides stay in cache (gradients of x.T and weight.T views are cloned this way).
      if (shape.length === 1 && st[0] === 1) { out.set(x.data.subarray(x.offset, x.offset + shape[0]!) as never); return; }
      if (shape.length === 1 && st[0] === 0) { out.fill(x.data[x.offset]! as never); return; } // an expanded scalar
      if (shape.length === 2 && st[1] !== 1) { copy2d(x.data, x.offset, st[0]!, st[1]!, shape[0]!, shape[1]!, out); return; }
    }
    const inner = shape[shape.length - 1]!;
    const innerStride = st[st.length - 1]!;
    forEachRow(shape, strides, [x.offset], (o, offs) => run(out, o, x.data, offs[0]!, innerStride, inner));
  }

  binary(op: BinaryOp, a: View, b: View, out: TypedArray): void {
    const run = binaryRuns[op];
    const { shape, strides } = coalesce(a.shape, [a.strides, b.strides]);
    const nd = shape.length;
    const inner = shape[nd - 1]!;
    const as = strides[0]![nd - 1]!;
    const bs = strides[1]![nd - 1]!;
    forEachRow(shape, strides, [a.offset, b.offset], (o, offs) => run(out, o, a.data, offs[0]!, as, b.data, offs[1]!, bs, inner));
  }

  where(c: View, a: View, b: View, out: TypedArray): void {
    const { shape, strides } = coalesce(c.shape, [c.strides, a.strides, b.strides]);
    const nd = shape.length;
    const inner = shape[nd - 1]!;
    const [cs, as, bs] = strides.map((s) => s[nd - 1]!) as [number, number, number];
    const cd = c.data, ad = a.data, bd = b.data;
    forEachRow(shape, strides, [c.offset, a.offset, b.offset], (o, offs) => {
      const ci = offs[0]!, ai = offs[1]!, bi = offs[2]!;
      for (let i = 0; i < inner; i++) out[o + i] = cd[ci + i * cs] !== 0 ? ad[ai + i * as]! : bd[bi + i * bs]!;
    });
  }

  reduce(op: ReduceOp, x: TypedArray, outer: number, size: number, inner: number, out: TypedArray): void {
    const acc = new Float64Array(inner);
    for (let o = 0; o < outer; o++) {
      const base = o * size * inner;
      if (op === 'sum') {
        acc.fill(0);
        for (let r = 0; r < size; r++) { const s = base + r * inner; for (let i = 0; i < inner; i++) acc[i] += x[s + i]!; }
      } else if (op === 'prod') {
        acc.fill(1);
        for (let r = 0; r < size; r++) { const s = base + r * inner; for (let i = 0; i < inner; i++) acc[i] *= x[s + i]!; }
      } else if (op === 'max') {
        acc.fill(-Infinity);
        for (let r = 0; r < size; r++) {
          const s = base + r * inner;
          for (let i = 0; i < inner; i++) { const v = x[s + i]!; if (v > acc[i]! || v !== v) acc[i] = v; }
        }
        for (let i = 0; i < inner; i++) if (acc[i] !== acc[i]) continue; // NaN propagates (already stored)
      } else {
        acc.fill(Infinity);
        for (let r = 0; r < size; r++) {
          const s = base + r * inner;
          for (let i = 0; i < inner; i++) { const v = x[s + i]!; if (v < acc[i]! || v !== v) acc[i] = v; }
        }
      }
      // A NaN stays once seen: comparisons with NaN are false, so later values cannot displace it.
      out.set(acc as never, o * inner);
    }
  }

  argReduce(op: 'max' | 'min', x: TypedArray, outer: number, size: number, inner: number, outVals: TypedArray, outIdx: Int32Array): void {
    const isMax = op === 'max';
    for (let o = 0; o < outer; o++) {
      const base = o * size * inner;
      for (let i = 0; i < inner; i++) {
        let best = x[base + i]!;
        let bi = 0;
        if (best === best) {
          for (let r = 1; r < size; r++) {
            const v = x[base + r * inner + i]!;
            if (v !== v) { best = v; bi = r; break; }
            if (isMax ? v > best : v < best) { best = v; bi = r; }
          }
        }
        outVals[o * inner + i] = best;
        outIdx[o * inner + i] = bi;
      }
    }
  }

  scan(op: ScanOp, x: TypedArray, outer: number, size: number, inner: number, out: TypedArray): void {
    const acc = new Float64Array(inner);
    for (let o = 0; o < outer; o++) {
      acc.fill(op === 'cumsum' ? 0 : 1);
      const base = o * size * inner;
      for (let r = 0; r < size; r++) {
        const s = base + r * inner;
        if (op === 'cumsum') for (let i = 0; i < inner; i++) out[s + i] = acc[i] += x[s + i]!;
        else for (let i = 0; i < inner; i++) out[s + i] = acc[i] *= x[s + i]!;
      }
    }
  }

  softmax(x: TypedArray, outer: number, size: number, inner: number, out: TypedArray, log: boolean): void {
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * size * inner + i;
        let m = -Infinity;
        for (let r = 0; r < size; r++) { const v = x[base + r * inner]!; if (v > m || v !== v) m = v; }
        if (m === -Infinity || m === Infinity) m = m === Infinity ? m : 0; // all −inf: exp gives 0s, sum 0 → NaN like PyTorch
        let sum = 0;
        for (let r = 0; r < size; r++) sum += Math.exp(x[base + r * inner]! - m);
        if (log) {
          const lse = m + Math.log(sum);
          for (let r = 0; r < size; r++) out[base + r * inner] = x[base + r * inner]! - lse;
        } else {
          const inv = 1 / sum;
          for (let r = 0; r < size; r++) out[base + r * inner] = Math.exp(x[base + r * inner]! - m) * inv;
        }
      }
    }
  }

  softmaxBackward(g: TypedArray, y: TypedArray, outer: number, size: number, inner: number, out: TypedArray, log: boolean): void {
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * size * inner + i;
        let s = 0;
        for (let r = 0; r < size; r++) { const k = base + r * inner; s += log ? g[k]! : g[k]! * y[k]!; }
        for (let r = 0; r < size; r++) {
          const k = base + r * inner;
          out[k] = log ? g[k]! - Math.exp(y[k]!) * s : y[k]! * (g[k]! - s);
        }
      }
    }
  }

  layerNorm(x: TypedArray, rows: number, cols: number, w: TypedArray | null, b: TypedArray | null, eps: number,
    out: TypedArray, mean: TypedArray, rstd: TypedArray): void {
    layerNorm(x, rows, cols, w, b, eps, out, mean, rstd);
  }

  layerNormBackward(g: TypedArray, x: TypedArray, mean: TypedArray, rstd: TypedArray, w: TypedArray | null,
    rows: number, cols: number, dx: TypedArray, dw: TypedArray | null, db: TypedArray | null): void {
    layerNormBackward(g, x, mean, rstd, w, rows, cols, dx, dw, db);
  }

  sgdStep(p: Float32Array, grad: Float32Array, buf: Float32Array | null, o: SgdStepParams): void {
    sgdStep(p, grad, buf, o);
  }

  adamStep(p: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, o: AdamStepParams): void {
    adamStep(p, grad, m, v, o);
  }
  /** Plain arrays are all the JS kernels need: nothing to pin. */
  pin(_data: Float32Array, _owner: object): Float32Array | null {
    return null;
  }

  pinnedOutput(_n: number, _owner: object): Float32Array | null {
    return null;
  }

  isPinned(_data: TypedArray): boolean {
    return false;
  }


  matmul(
    a: TypedArray, aOffsets: ArrayLike<number>, ars: number, acs: number,
    b: TypedArray, bOffsets: ArrayLike<number>, brs: number, bcs: number,
    m: number, n: number, k: number, out: TypedArray, bias?: TypedArray | null,
  ): void {
    // B is packed once per batch into a float64 panel (monomorphic loads); rows of A are taken four
    // at a time so each loaded B element feeds four multiply-adds. Accumulation is in float64.
    const Bp = new Float64Array(k * n);
    const acc = new Float64Array(4 * n);
    for (let bt = 0; bt < aOffsets.length; bt++) {
      const aOff = aOffsets[bt]!;
      const bOff = bOffsets[bt]!;
      for (let p = 0; p < k; p++) {
        const src = bOff + p * brs;
        for (let j = 0; j < n; j++) Bp[p * n + j] = b[src + j * bcs]!;
      }
      const o = bt * m * n;
      for (let i0 = 0; i0 < m; i0 += 4) {
        const rows = Math.min(4, m - i0);
        acc.fill(0, 0, rows * n);
        const r0 = aOff + i0 * ars;
        if (rows === 4) {
          const r1 = r0 + ars, r2 = r1 + ars, r3 = r2 + ars;
          const n2 = 2 * n, n3 = 3 * n;
          for (let p = 0; p < k; p++) {
            const pa = p * acs;
            const a0 = a[r0 + pa]!, a1 = a[r1 + pa]!, a2 = a[r2 + pa]!, a3 = a[r3 + pa]!;
            const bRow = p * n;
            for (let j = 0; j < n; j++) {
              const bv = Bp[bRow + j]!;
              acc[j] += a0 * bv;
              acc[n + j] += a1 * bv;
              acc[n2 + j] += a2 * bv;
              acc[n3 + j] += a3 * bv;
            }
          }
        } else {
          for (let r = 0; r < rows; r++) {
            const ar = r0 + r * ars;
            const base = r * n;
            for (let p = 0; p < k; p++) {
              const av = a[ar + p * acs]!;
              const bRow = p * n;
              for (let j = 0; j < n; j++) acc[base + j] += av * Bp[bRow + j]!;
            }
          }
        }
        const oi = o + i0 * n;
        if (bias) for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) out[oi + r * n + j] = acc[r * n + j]! + bias[j]!;
        else for (let j = 0; j < rows * n; j++) out[oi + j] = acc[j]!;
      }
    }
  }

  /** The elements of a view in row-major order: the view's own buffer when it is contiguous, else a copy. */
  protected dense(v: View): TypedArray {
    let n = 1, contiguous = true;
    for (let d = v.shape.length - 1; d >= 0; d--) {
      if (v.shape[d] !== 1 && v.strides[d] !== n) contiguous = false;
      n *= v.shape[d]!;
    }
    if (contiguous) return v.data.subarray(v.offset, v.offset + n);
    const out = allocLike(v.data, n);
    this.unary('identity', v, out);
    return out;
  }

  im2col(x: TypedArray, g: Conv2dGeom, out: TypedArray): void {
    im2colKernel(x, g, out);
  }

  col2im(cols: TypedArray, g: Conv2dGeom, out: TypedArray): void {
    out.fill(0, 0, g.n * g.c * g.h * g.w);
    col2imKernel(cols, g, out);
  }

  // conv2d image by image: im2col into one image's columns, then one GEMM per group (a batch of
  // `groups` products whose outputs lie back to back, as the (oc, L) output rows do).
  conv2d(x: TypedArray, w: TypedArray, bias: TypedArray | null, g: ConvGeom, out: TypedArray): void {
    const { n, c, oc, groups } = g;
    const L = g.oh * g.ow, og = oc / groups, kg = (c / groups) * g.kh * g.kw, img = c * g.h * g.w;
    const one = { ...g, n: 1 };
    const cols = allocLike(x, c * g.kh * g.kw * L);
    const wOffs = strideOffsets(groups, og * kg), cOffs = strideOffsets(groups, kg * L);
    for (let b = 0; b < n; b++) {
      im2colKernel(x.subarray(b * img, (b + 1) * img), one, cols);
      const on = out.subarray(b * oc * L, (b + 1) * oc * L);
      this.matmul(w, wOffs, kg, 1, cols, cOffs, L, 1, og, L, kg, on);
      if (bias) for (let o = 0; o < oc; o++) { const v = bias[o]!; for (let l = o * L; l < (o + 1) * L; l++) on[l] += v; }
    }
  }

  // dW = Σ_images g·colsᵀ, dcols = Wᵀ·g then col2im, db = Σ g over images and positions (per group).
  conv2dBackward(gOut: View, x: TypedArray, w: TypedArray, g: ConvGeom, dx: TypedArray | null, dw: TypedArray | null, db: TypedArray | null): void {
    const { n, c, oc, groups } = g;
    const L = g.oh * g.ow, og = oc / groups, kg = (c / groups) * g.kh * g.kw, img = c * g.h * g.w;
    const gd = this.dense(gOut);
    const one = { ...g, n: 1 };
    const cols = allocLike(x, c * g.kh * g.kw * L);
    const dwImg = dw ? allocLike(dw, oc * kg) : null;
    const wOffs = strideOffsets(groups, og * kg), cOffs = strideOffsets(groups, kg * L), gOffs = strideOffsets(groups, og * L);
    dw?.fill(0, 0, oc * kg);
    db?.fill(0, 0, oc);
    for (let b = 0; b < n; b++) {
      const gn = gd.subarray(b * oc * L, (b + 1) * oc * L);
      if (db) for (let o = 0; o < oc; o++) { let s = 0; for (let l = o * L; l < (o + 1) * L; l++) s += gn[l]!; db[o] += s; }
      if (dw) {
        im2colKernel(x.subarray(b * img, (b + 1) * img), one, cols);
        this.matmul(gn, gOffs, L, 1, cols, cOffs, 1, L, og, kg, L, dwImg!);
        for (let i = 0; i < oc * kg; i++) dw[i] += dwImg![i]!;
      }
      if (dx) {
        this.matmul(w, wOffs, 1, kg, gn, gOffs, L, 1, kg, L, og, cols);
        const dxn = dx.subarray(b * img, (b + 1) * img);
        dxn.fill(0);
        col2imKernel(cols, one, dxn);
      }
    }
  }

  maxPool2d(x: TypedArray, planes: number, h: number, w: number, hStart: Int32Array, hEnd: Int32Array,
    wStart: Int32Array, wEnd: Int32Array, dh: number, dw: number, out: TypedArray, idx: Int32Array): void {
    maxPool2dKernel(x, planes, h, w, hStart, hEnd, wStart, wEnd, dh, dw, out, idx);
  }

  maxPool2dBackward(g: TypedArray, idx: Int32Array, planes: number, inPlane: number, outPlane: number, dx: TypedArray): void {
    maxPool2dBackwardKernel(g, idx, planes, inPlane, outPlane, dx);
  }
}
