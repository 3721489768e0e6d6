// Convolution lowering and pooling on raw pointers: im2col/col2im, a fused conv2d forward (im2col of
// one image into a small column buffer, one GEMM per group with the bias preloaded into C) and its
// backward (dW accumulated image by image as dot products along rows, dX through col2im), max pooling
// with argmax.
// The window geometry is an i32 block laid out as below (kernels.ts writes it); nothing allocates.
import { sgemm } from './gemm';

// Geometry block: i32 fields at these indices.
const G_N = 0, G_C = 1, G_H = 2, G_W = 3, G_KH = 4, G_KW = 5, G_SH = 6, G_SW = 7, G_PH = 8, G_PW = 9,
  G_DH = 10, G_DW = 11, G_OH = 12, G_OW = 13, G_OC = 14, G_GROUPS = 15;

// @ts-ignore: decorator
@inline function geo(g: usize, field: i32): i32 { return load<i32>(g + (<usize>field << 2)); }

// @ts-ignore: decorator
@inline function f4(n: i32): usize { return <usize>n << 2; }

// The output columns x whose input column x0 + x·s lies in [0, n): from validLo (x0 < 0 allowed) to
// validHi (exclusive, clipped to count).
// @ts-ignore: decorator
@inline function validLo(x0: i32, s: i32): i32 { return x0 >= 0 ? 0 : (-x0 + s - 1) / s; }
// @ts-ignore: decorator
@inline function validHi(x0: i32, s: i32, n: i32, count: i32): i32 { return x0 >= n ? 0 : min(count, (n - x0 + s - 1) / s); }

/** cols (C·kh·kw, oh·ow) of one (C, H, W) image at x. */
function im2colImage(g: usize, x: usize, cols: usize): void {
  const c = geo(g, G_C), h = geo(g, G_H), w = geo(g, G_W), kh = geo(g, G_KH), kw = geo(g, G_KW);
  const sh = geo(g, G_SH), sw = geo(g, G_SW), ph = geo(g, G_PH), pw = geo(g, G_PW), dh = geo(g, G_DH), dw = geo(g, G_DW);
  const oh = geo(g, G_OH), ow = geo(g, G_OW);
  let dst = cols;
  for (let ci = 0; ci < c; ci++) {
    const plane = x + f4(ci * h * w);
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const ix0 = j * dw - pw;
        const lo = min(validLo(ix0, sw), ow);
        const hi = max(lo, validHi(ix0, sw, w, ow));
        for (let y = 0; y < oh; y++, dst += f4(ow)) {
          const iy = y * sh - ph + i * dh;
          if (iy < 0 || iy >= h) { memory.fill(dst, 0, f4(ow)); continue; }
          const src = plane + f4(iy * w + ix0);
          if (lo > 0) memory.fill(dst, 0, f4(lo));
          if (sw == 1) memory.copy(dst + f4(lo), src + f4(lo), f4(hi - lo));
          else for (let xo = lo; xo < hi; xo++) store<f32>(dst + f4(xo), load<f32>(src + f4(xo * sw)));
          if (hi < ow) memory.fill(dst + f4(hi), 0, f4(ow - hi));
        }
      }
    }
  }
}

/** img (C, H, W) = Σ of the columns over the windows covering each pixel (img overwritten). */
function col2imImage(g: usize, cols: usize, img: usize): void {
  const c = geo(g, G_C), h = geo(g, G_H), w = geo(g, G_W), kh = geo(g, G_KH), kw = geo(g, G_KW);
  const sh = geo(g, G_SH), sw = geo(g, G_SW), ph = geo(g, G_PH), pw = geo(g, G_PW), dh = geo(g, G_DH), dw = geo(g, G_DW);
  const oh = geo(g, G_OH), ow = geo(g, G_OW);
  memory.fill(img, 0, f4(c * h * w));
  let src = cols;
  for (let ci = 0; ci < c; ci++) {
    const plane = img + f4(ci * h * w);
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const ix0 = j * dw - pw;
        const lo = min(validLo(ix0, sw), ow);
        const hi = max(lo, validHi(ix0, sw, w, ow));
        for (let y = 0; y < oh; y++, src += f4(ow)) {
          const iy = y * sh - ph + i * dh;
          if (iy < 0 || iy >= h) continue;
          const dst = plane + f4(iy * w + ix0);
          let xo = lo;
          if (sw == 1) {
            for (; xo + 4 <= hi; xo += 4) {
              const p = dst + f4(xo);
              v128.store(p, f32x4.add(v128.load(p), v128.load(src + f4(xo))));
            }
          }
          for (; xo < hi; xo++) {
            const p = dst + f4(xo * sw);
            store<f32>(p, load<f32>(p) + load<f32>(src + f4(xo)));
          }
        }
      }
    }
  }
}

/** im2col of a batch: x (N, C, H, W) → cols (N, C·kh·kw, oh·ow). */
export function im2col(g: usize, x: usize, cols: usize): void {
  const n = geo(g, G_N);
  const imgFloats = geo(g, G_C) * geo(g, G_H) * geo(g, G_W);
  const colFloats = geo(g, G_C) * geo(g, G_KH) * geo(g, G_KW) * geo(g, G_OH) * geo(g, G_OW);
  for (let b = 0; b < n; b++) im2colImage(g, x + f4(b * imgFloats), cols + f4(b * colFloats));
}

/** col2im of a batch: cols (N, C·kh·kw, oh·ow) → img (N, C, H, W), overwritten. */
export function col2im(g: usize, cols: usize, img: usize): void {
  const n = geo(g, G_N);
  const imgFloats = geo(g, G_C) * geo(g, G_H) * geo(g, G_W);
  const colFloats = geo(g, G_C) * geo(g, G_KH) * geo(g, G_KW) * geo(g, G_OH) * geo(g, G_OW);
  for (let b = 0; b < n; b++) col2imImage(g, cols + f4(b * colFloats), img + f4(b * imgFloats));
}

/** A 1x1, stride-1, unpadded kernel: the image already is its column matrix. */
function isPointwise(g: usize): bool {
  return geo(g, G_KH) == 1 && geo(g, G_KW) == 1 && geo(g, G_SH) == 1 && geo(g, G_SW) == 1 && geo(g, G_PH) == 0 && geo(g, G_PW) == 0 &&
    geo(g, G_OH) == geo(g, G_H) && geo(g, G_OW) == geo(g, G_W);
}

/**
 * out (N, OC, oh, ow) = w (OC, C/groups, kh, kw) ⋆ x (N, C, H, W) (+ b (OC) when hasBias), for images
 * lo..hi−1 (the pool gives each thread a range). `cols` holds C·kh·kw·oh·ow floats (one image's
 * columns), `work` is a GEMM workspace: both per thread.
 */
export function conv2dForward(g: usize, x: usize, w: usize, b: usize, hasBias: i32, out: usize, cols: usize, work: usize,
                              lo: i32, hi: i32): void {
  const oc = geo(g, G_OC), groups = geo(g, G_GROUPS);
  const L = geo(g, G_OH) * geo(g, G_OW);
  const imgFloats = geo(g, G_C) * geo(g, G_H) * geo(g, G_W);
  const og = oc / groups;
  const kg = (geo(g, G_C) / groups) * geo(g, G_KH) * geo(g, G_KW);
  const direct = isPointwise(g);
  for (let bi = lo; bi < hi; bi++) {
    const xn = x + f4(bi * imgFloats);
    const on = out + f4(bi * oc * L);
    const cn = direct ? xn : cols;
    if (!direct) im2colImage(g, xn, cols);
    if (hasBias) {
      for (let o = 0; o < oc; o++) {
        const row = on + f4(o * L);
        const v = load<f32>(b + f4(o));
        const bv = f32x4.splat(v);
        let l = 0;
        for (; l + 4 <= L; l += 4) v128.store(row + f4(l), bv);
        for (; l < L; l++) store<f32>(row + f4(l), v);
      }
    }
    for (let gi = 0; gi < groups; gi++) {
      sgemm(0, 0, og, L, kg, 1, w + f4(gi * og * kg), kg, cn + f4(gi * kg * L), L, hasBias ? 1 : 0, on + f4(gi * og * L), L, work, 0);
    }
  }
}

/**
 * Gradients of conv2dForward from gOut (N, OC, oh, ow) over images lo..hi−1: dx (N, C, H, W) of those
 * images overwritten; dw (OC, C/groups, kh, kw) and db (OC) accumulated into (zeroed by the caller; per
 * thread when the pool splits the batch). Each only when its flag is set. `cols` holds one image's columns.
 */
export function conv2dBackward(g: usize, gOut: usize, x: usize, w: usize, dx: usize, dw: usize, db: usize,
                               hasDx: i32, hasDw: i32, hasDb: i32, cols: usize, work: usize, lo: i32, hi: i32): void {
  const oc = geo(g, G_OC), groups = geo(g, G_GROUPS);
  const L = geo(g, G_OH) * geo(g, G_OW);
  const imgFloats = geo(g, G_C) * geo(g, G_H) * geo(g, G_W);
  const og = oc / groups;
  const kg = (geo(g, G_C) / groups) * geo(g, G_KH) * geo(g, G_KW);
  const direct = isPointwise(g);
  // dw and db accumulate images lo..hi−1 into what they hold (the caller zeroes them).
  for (let bi = lo; bi < hi; bi++) {
    const gn = gOut + f4(bi * oc * L);
    const xn = x + f4(bi * imgFloats);
    const dxn = dx + f4(bi * imgFloats);
    if (hasDb) {
      for (let o = 0; o < oc; o++) store<f32>(db + f4(o), load<f32>(db + f4(o)) + rowSum(gn + f4(o * L), L));
    }
    if (hasDw) {
      const cn = direct ? xn : cols;
      if (!direct) im2colImage(g, xn, cols);
      for (let gi = 0; gi < groups; gi++) {
        dotRowsAcc(og, kg, L, gn + f4(gi * og * L), cn + f4(gi * kg * L), dw + f4(gi * og * kg));
      }
    }
    if (hasDx) {
      const cn = direct ? dxn : cols;
      for (let gi = 0; gi < groups; gi++) {
        sgemm(1, 0, kg, L, og, 1, w + f4(gi * og * kg), kg, gn + f4(gi * og * L), L, 0, cn + f4(gi * kg * L), L, work, 0);
      }
      if (!direct) col2imImage(g, cols, dxn);
    }
  }
}

// a·b + c: a fused multiply-add in the relaxed build, mul+add in the plain one.
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/**
 * c (m×n) += a (m×k) · bᵀ (b n×k), all row-major and dense: dot products along long rows (the weight
 * gradient's g·colsᵀ, k = oh·ow). Blocks of 4 rows of a × 2 rows of b keep 8 accumulators in registers;
 * unlike the packed GEMM, small n (c/groups·kh·kw, e.g. 9) wastes no tile width.
 */
function dotRowsAcc(m: i32, n: i32, k: i32, a: usize, b: usize, c: usize): void {
  const k4 = k & ~3;
  const ld = f4(k);
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const a0 = a + <usize>i * ld, a1 = a0 + ld, a2 = a1 + ld, a3 = a2 + ld;
    let j = 0;
    for (; j + 2 <= n; j += 2) {
      const b0 = b + <usize>j * ld, b1 = b0 + ld;
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
      for (let p: usize = 0; p < f4(k4); p += 16) {
        const u = v128.load(b0 + p), v = v128.load(b1 + p);
        let x = v128.load(a0 + p); s00 = madd(x, u, s00); s01 = madd(x, v, s01);
        x = v128.load(a1 + p); s10 = madd(x, u, s10); s11 = madd(x, v, s11);
        x = v128.load(a2 + p); s20 = madd(x, u, s20); s21 = madd(x, v, s21);
        x = v128.load(a3 + p); s30 = madd(x, u, s30); s31 = madd(x, v, s31);
      }
      const r0 = c + f4(i * n + j), r1 = r0 + f4(n), r2 = r1 + f4(n), r3 = r2 + f4(n);
      store<f32>(r0, load<f32>(r0) + hsum(s00) + dotTail(a0, b0, k4, k)); store<f32>(r0, load<f32>(r0, 4) + hsum(s01) + dotTail(a0, b1, k4, k), 4);
      store<f32>(r1, load<f32>(r1) + hsum(s10) + dotTail(a1, b0, k4, k)); store<f32>(r1, load<f32>(r1, 4) + hsum(s11) + dotTail(a1, b1, k4, k), 4);
      store<f32>(r2, load<f32>(r2) + hsum(s20) + dotTail(a2, b0, k4, k)); store<f32>(r2, load<f32>(r2, 4) + hsum(s21) + dotTail(a2, b1, k4, k), 4);
      store<f32>(r3, load<f32>(r3) + hsum(s30) + dotTail(a3, b0, k4, k)); store<f32>(r3, load<f32>(r3, 4) + hsum(s31) + dotTail(a3, b1, k4, k), 4);
    }
    for (; j < n; j++) for (let r = 0; r < 4; r++) dotAcc(a0 + <usize>r * ld, b + <usize>j * ld, k, c + f4((i + r) * n + j));
  }
  for (; i < m; i++) for (let j = 0; j < n; j++) dotAcc(a + <usize>i * ld, b + <usize>j * ld, k, c + f4(i * n + j));
}

// Σ a[p]·b[p] for p in [from, to): the tail of a row past its last whole vector.
// @ts-ignore: decorator
@inline function dotTail(a: usize, b: usize, from: i32, to: i32): f32 {
  let s: f32 = 0;
  for (let p = from; p < to; p++) s += load<f32>(a + f4(p)) * load<f32>(b + f4(p));
  return s;
}

// *c += Σ a[p]·b[p] over p < k.
function dotAcc(a: usize, b: usize, k: i32, c: usize): void {
  const k4 = k & ~3;
  let s = f32x4.splat(0);
  for (let p = 0; p < k4; p += 4) s = madd(v128.load(a + f4(p)), v128.load(b + f4(p)), s);
  store<f32>(c, load<f32>(c) + hsum(s) + dotTail(a, b, k4, k));
}

function rowSum(p: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) acc = f32x4.add(acc, v128.load(p + f4(i)));
  let s = hsum(acc);
  for (; i < n; i++) s += load<f32>(p + f4(i));
  return s;
}

/** The first of start, start + step, start + 2·step, … that is ≥ 0 (padding rows/columns are skipped). */
// @ts-ignore: decorator
@inline function firstInside(start: i32, step: i32): i32 { return start >= 0 ? start : start + ((-start + step - 1) / step) * step; }

/**
 * Max pooling of `planes` contiguous h×w planes over windows given per output row/column as
 * [start, end) ranges (i32 arrays) sampled every dh/dw: the max and its flat index iy·w + ix in the
 * plane. NaN wins (the first one seen), like PyTorch; an empty window gives −∞ and index −1.
 */
export function maxPool2d(x: usize, planes: i32, h: i32, w: i32, hStart: usize, hEnd: usize, oh: i32,
                          wStart: usize, wEnd: usize, ow: i32, dh: i32, dw: i32, out: usize, idx: usize): void {
  for (let p = 0; p < planes; p++) {
    const base = x + f4(p * h * w);
    let o = f4(p * oh * ow);
    for (let y = 0; y < oh; y++) {
      const y0 = firstInside(load<i32>(hStart + f4(y)), dh), y1 = load<i32>(hEnd + f4(y));
      for (let xo = 0; xo < ow; xo++, o += 4) {
        const x0 = firstInside(load<i32>(wStart + f4(xo)), dw), x1 = load<i32>(wEnd + f4(xo));
        let best: f32 = -Infinity;
        let bi: i32 = -1;
        for (let iy = y0; iy < y1; iy += dh) {
          const row = base + f4(iy * w);
          for (let ix = x0; ix < x1; ix += dw) {
            const v = load<f32>(row + f4(ix));
            if (v > best || bi < 0) { best = v; bi = iy * w + ix; }
            if (v != v) { best = v; bi = iy * w + ix; iy = y1; break; }
          }
        }
        store<f32>(out + o, best);
        store<i32>(idx + o, bi);
      }
    }
  }
}

/** dx (planes, inPlane) = 0, then dx[p, idx[p, i]] += g[p, i] for each of the outPlane outputs per plane. */
export function maxPool2dBackward(g: usize, idx: usize, planes: i32, inPlane: i32, outPlane: i32, dx: usize): void {
  memory.fill(dx, 0, f4(planes * inPlane));
  for (let p = 0; p < planes; p++) {
    const dp = dx + f4(p * inPlane);
    const o = f4(p * outPlane);
    for (let i = 0; i < outPlane; i++) {
      const k = load<i32>(idx + o + f4(i));
      if (k >= 0) { const q = dp + f4(k); store<f32>(q, load<f32>(q) + load<f32>(g + o + f4(i))); }
    }
  }
}
