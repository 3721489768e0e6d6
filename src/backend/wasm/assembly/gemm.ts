// SGEMM C = alpha·op(A)·op(B) + beta·C on raw pointers: Goto-style packing, MC/KC/NC cache blocking,
// register-blocked micro-kernels (4x8 and 2x16). Row-major; op() = transpose when trans != 0.
// Kernels never allocate: the caller hands in a per-thread workspace of workspaceFloats() floats.

// Cache blocking. KC·NR·4 bytes of packed B (8 KiB) stay in L1 across a column of micro-tiles;
// MC·KC·4 bytes of packed A (64 KiB) stay in L2; KC·NC·4 bytes of packed B (1 MiB) in L2/L3.
const MC: i32 = 64;
const KC: i32 = 256;
const NC: i32 = 1024;
const TILE_FLOATS: i32 = 64; // scratch for a partial edge tile (MR·NR ≤ 64)

/** Micro-tile shape: 0 = 4x8 (relaxed build default, FMA), 1 = 2x16 (plain build default). */
let tileShape: i32 = ASC_FEATURE_RELAXED_SIMD ? 0 : 1; // measured: 2x16 is ~4% faster without FMA

export function setTileShape(shape: i32): void { tileShape = shape; }

// The micro-tile's rows (MR, the width of op(A)'s packed panels) and columns (NR, op(B)'s) for a shape.
// @ts-ignore: decorator
@inline function tileRows(shape: i32): i32 { return shape == 1 ? 2 : 4; }
// @ts-ignore: decorator
@inline function tileCols(shape: i32): i32 { return shape == 1 ? 16 : 8; }
export function getTileShape(): i32 { return tileShape; }

/** Floats of workspace one thread needs: packed A block + packed B block + edge tile. */
export function workspaceFloats(): i32 {
  return MC * KC + KC * (NC + 16) + TILE_FLOATS;
}

// a·b + c: a fused multiply-add in the relaxed build, mul+add in the plain one.
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

// C[0..4) of one row  ←  alpha·acc (+ the bias bv) + beta·C  (beta == 0: C is not read, like BLAS).
// hasBias is the same for every update4 of a tile: a branch that is always predicted.
// @ts-ignore: decorator
@inline function update4(c: usize, acc: v128, alpha: f32, beta: f32, hasBias: bool, bv: v128): void {
  let r = f32x4.mul(acc, f32x4.splat(alpha));
  if (hasBias) r = f32x4.add(r, bv);
  if (beta != 0) r = madd(v128.load(c), f32x4.splat(beta), r);
  v128.store(c, r);
}

// Edge tile: the accumulators were parked in `tile` (mrFull x nrFull, row-major); update the valid part
// (with bias[0..nr) added to every row when bias != 0: only the valid columns of the bias are read).
function updateEdge(tile: usize, nrFull: i32, c: usize, ldc: i32, mr: i32, nr: i32, alpha: f32, beta: f32, bias: usize): void {
  for (let i = 0; i < mr; i++) {
    const crow = c + (<usize>(i * ldc) << 2);
    const trow = tile + (<usize>(i * nrFull) << 2);
    for (let j = 0; j < nr; j++) {
      let v = alpha * load<f32>(trow + (<usize>j << 2));
      if (bias != 0) v += load<f32>(bias + (<usize>j << 2));
      const p = crow + (<usize>j << 2);
      store<f32>(p, beta == 0 ? v : v + beta * load<f32>(p));
    }
  }
}

// 4x8 micro-kernel: 8 accumulators + 2 B vectors + 1 A splat = 11 of 16 xmm registers.
// bias != 0: bias[0..nr) is added to every row of the tile (the first K block of a GEMM with a bias).
function kernel4x8(kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, mr: i32, nr: i32,
                   alpha: f32, beta: f32, tile: usize, bias: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    pa += 16; pb += 32;
  }
  if (mr == 4 && nr == 8) {
    const ld = <usize>ldc << 2;
    const hb = bias != 0;
    const bv0 = hb ? v128.load(bias) : f32x4.splat(0), bv1 = hb ? v128.load(bias, 16) : f32x4.splat(0);
    update4(c, c00, alpha, beta, hb, bv0); update4(c + 16, c01, alpha, beta, hb, bv1); c += ld;
    update4(c, c10, alpha, beta, hb, bv0); update4(c + 16, c11, alpha, beta, hb, bv1); c += ld;
    update4(c, c20, alpha, beta, hb, bv0); update4(c + 16, c21, alpha, beta, hb, bv1); c += ld;
    update4(c, c30, alpha, beta, hb, bv0); update4(c + 16, c31, alpha, beta, hb, bv1);
  } else {
    v128.store(tile, c00); v128.store(tile, c01, 16);
    v128.store(tile, c10, 32); v128.store(tile, c11, 48);
    v128.store(tile, c20, 64); v128.store(tile, c21, 80);
    v128.store(tile, c30, 96); v128.store(tile, c31, 112);
    updateEdge(tile, 8, c, ldc, mr, nr, alpha, beta, bias);
  }
}

// 2x16 micro-kernel: 8 accumulators + 4 B vectors + 1 A splat (+1 product temp without FMA).
function kernel2x16(kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, mr: i32, nr: i32,
                    alpha: f32, beta: f32, tile: usize, bias: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const b2 = v128.load(pb, 32);
    const b3 = v128.load(pb, 48);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01); c02 = madd(a, b2, c02); c03 = madd(a, b3, c03);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11); c12 = madd(a, b2, c12); c13 = madd(a, b3, c13);
    pa += 8; pb += 64;
  }
  if (mr == 2 && nr == 16) {
    const hb = bias != 0, z = f32x4.splat(0);
    const bv0 = hb ? v128.load(bias) : z, bv1 = hb ? v128.load(bias, 16) : z;
    const bv2 = hb ? v128.load(bias, 32) : z, bv3 = hb ? v128.load(bias, 48) : z;
    update4(c, c00, alpha, beta, hb, bv0); update4(c + 16, c01, alpha, beta, hb, bv1);
    update4(c + 32, c02, alpha, beta, hb, bv2); update4(c + 48, c03, alpha, beta, hb, bv3);
    c += <usize>ldc << 2;
    update4(c, c10, alpha, beta, hb, bv0); update4(c + 16, c11, alpha, beta, hb, bv1);
    update4(c + 32, c12, alpha, beta, hb, bv2); update4(c + 48, c13, alpha, beta, hb, bv3);
  } else {
    v128.store(tile, c00); v128.store(tile, c01, 16); v128.store(tile, c02, 32); v128.store(tile, c03, 48);
    v128.store(tile, c10, 64); v128.store(tile, c11, 80); v128.store(tile, c12, 96); v128.store(tile, c13, 112);
    updateEdge(tile, 16, c, ldc, mr, nr, alpha, beta, bias);
  }
}

// Pack an mc x kc block of op(A) starting at (i0, p0) into MR-row micro-panels: for each panel and k,
// MR consecutive floats op(A)[i..i+MR, k]. Rows past mc are zero so edge tiles need no special kernel.
// Rows r0..r3 (four consecutive floats each) transposed: column i goes to dst + i·stride bytes.
// @ts-ignore: decorator
@inline function transpose4Store(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, stride: usize): void {
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t2 = i32x4.shuffle(r2, r3, 0, 4, 1, 5), t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(dst + stride, i32x4.shuffle(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 2 * stride, i32x4.shuffle(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * stride, i32x4.shuffle(t1, t3, 2, 3, 6, 7));
}

function packA(a: usize, lda: i32, transA: i32, i0: i32, p0: i32, mc: i32, kc: i32, mr: i32, dst: usize): void {
  for (let ib = 0; ib < mc; ib += mr) {
    const rows = min(mr, mc - ib);
    if (transA != 0) {
      // op(A)[i, k] = A[k, i]: the MR values of one k are contiguous.
      let src = a + (<usize>((p0) * lda + i0 + ib) << 2);
      const step = <usize>lda << 2;
      if (rows == 4) {
        for (let k = 0; k < kc; k++) { v128.store(dst, v128.load(src)); dst += 16; src += step; }
      } else {
        for (let k = 0; k < kc; k++) {
          for (let r = 0; r < mr; r++) store<f32>(dst + (<usize>r << 2), r < rows ? load<f32>(src + (<usize>r << 2)) : 0);
          dst += <usize>mr << 2; src += step;
        }
      }
    } else {
      // op(A)[i, k] = A[i, k]: walk MR rows side by side.
      const src = a + (<usize>((i0 + ib) * lda + p0) << 2);
      const ld = <usize>lda << 2;
      if (rows == 4 && mr == 4) {
        const s1 = src + ld, s2 = src + 2 * ld, s3 = src + 3 * ld;
        // 4x4 blocks: four vector loads along k, transposed in registers, four vector stores.
        const k4 = kc & ~3;
        for (let k = 0; k < k4; k += 4) {
          const o = <usize>k << 2;
          transpose4Store(v128.load(src + o), v128.load(s1 + o), v128.load(s2 + o), v128.load(s3 + o), dst, 16);
          dst += 64;
        }
        for (let k = k4; k < kc; k++) {
          const o = <usize>k << 2;
          store<f32>(dst, load<f32>(src + o));
          store<f32>(dst, load<f32>(s1 + o), 4);
          store<f32>(dst, load<f32>(s2 + o), 8);
          store<f32>(dst, load<f32>(s3 + o), 12);
          dst += 16;
        }
      } else {
        for (let k = 0; k < kc; k++) {
          const o = <usize>k << 2;
          for (let r = 0; r < mr; r++) store<f32>(dst + (<usize>r << 2), r < rows ? load<f32>(src + <usize>r * ld + o) : 0);
          dst += <usize>mr << 2;
        }
      }
    }
  }
}

// Pack a kc x nc block of op(B) starting at (p0, j0) into NR-column micro-panels: for each panel and k,
// NR consecutive floats op(B)[k, j..j+NR]. Columns past nc are zero.
function packB(b: usize, ldb: i32, transB: i32, p0: i32, j0: i32, kc: i32, nc: i32, nr: i32, dst: usize): void {
  for (let jb = 0; jb < nc; jb += nr) {
    const cols = min(nr, nc - jb);
    if (transB == 0) {
      // op(B)[k, j] = B[k, j]: rows are contiguous.
      let src = b + (<usize>(p0 * ldb + j0 + jb) << 2);
      const step = <usize>ldb << 2;
      if (cols == nr) {
        for (let k = 0; k < kc; k++) {
          for (let q = 0; q < nr; q += 4) v128.store(dst + (<usize>q << 2), v128.load(src + (<usize>q << 2)));
          dst += <usize>nr << 2; src += step;
        }
      } else {
        for (let k = 0; k < kc; k++) {
          for (let q = 0; q < nr; q++) store<f32>(dst + (<usize>q << 2), q < cols ? load<f32>(src + (<usize>q << 2)) : 0);
          dst += <usize>nr << 2; src += step;
        }
      }
    } else {
      // op(B)[k, j] = B[j, k]: gather NR rows of B side by side.
      const src = b + (<usize>((j0 + jb) * ldb + p0) << 2);
      const ld = <usize>ldb << 2;
      let k0 = 0;
      if (cols == nr) {
        // Full panels: 4x4 blocks (four rows of B, four k) transposed in registers.
        const k4 = kc & ~3;
        const row = <usize>nr << 2;
        for (; k0 < k4; k0 += 4) {
          const o = <usize>k0 << 2;
          for (let q = 0; q < nr; q += 4) {
            const sq = src + <usize>q * ld + o;
            transpose4Store(v128.load(sq), v128.load(sq + ld), v128.load(sq + 2 * ld), v128.load(sq + 3 * ld), dst + (<usize>q << 2), row);
          }
          dst += row << 2;
        }
      }
      for (let k = k0; k < kc; k++) {
        const o = <usize>k << 2;
        for (let q = 0; q < nr; q++) store<f32>(dst + (<usize>q << 2), q < cols ? load<f32>(src + <usize>q * ld + o) : 0);
        dst += <usize>nr << 2;
      }
    }
  }
}

// C ← beta·C for an m x n block (K == 0 or alpha == 0); beta == 0 writes zeros without reading C.
function scaleC(c: usize, ldc: i32, m: i32, n: i32, beta: f32): void {
  for (let i = 0; i < m; i++) {
    const row = c + (<usize>(i * ldc) << 2);
    for (let j = 0; j < n; j++) {
      const p = row + (<usize>j << 2);
      store<f32>(p, beta == 0 ? 0 : beta * load<f32>(p));
    }
  }
}

/**
 * C = alpha·op(A)·op(B) + beta·C (+ bias on every row). op(A) is M x K, op(B) is K x N, C is M x N; all
 * row-major with leading dimensions lda/ldb/ldc (in floats). `work` points at workspaceFloats() floats,
 * 16-byte aligned. bias: 0 for none, else a pointer to N floats, added in the micro-kernels' first K
 * block, so C is written once instead of filled with the bias rows and read back.
 */
export function sgemm(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32,
                      a: usize, lda: i32, b: usize, ldb: i32, beta: f32, c: usize, ldc: i32, work: usize, bias: usize): void {
  gemm(tileShape, transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc, work, bias, 0, 0);
}

/**
 * sgemm with one operand packed beforehand by packPanels (with the same `shape`): all of op(B) when
 * packedIsB (b and ldb are then unused), else all of op(A) (a and lda unused). The worker pool packs the
 * operand that every chunk of a split GEMM reads once, across its threads, instead of once per chunk: a
 * row block of C reads all of op(B), a column block all of op(A).
 */
export function sgemmPacked(shape: i32, transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32,
                            a: usize, lda: i32, b: usize, ldb: i32, beta: f32, c: usize, ldc: i32, work: usize, bias: usize,
                            packed: usize, packedIsB: i32): void {
  gemm(shape, transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc, work, bias, packed, packedIsB);
}

/**
 * Packs micro-panels lo..hi−1 of a whole operand for sgemmPacked: op(B) (K x len, NR-column panels) when
 * isB, else op(A) (len x K, MR-row panels), for every K block. Panel p of the K block starting at pc
 * (kc rows) sits at dst + (pc·pad + p·R·kc)·4 bytes, R the panel width and pad = len rounded up to R, so
 * the panels of one K block are contiguous, in the order gemm's inner loops read them.
 */
export function packPanels(shape: i32, isB: i32, trans: i32, src: usize, ld: i32, K: i32, len: i32, dst: usize, lo: i32, hi: i32): void {
  const r = isB ? tileCols(shape) : tileRows(shape);
  const pad = (len + r - 1) / r * r;
  const i0 = lo * r, i1 = min(len, hi * r);
  if (i1 <= i0) return;
  for (let pc = 0; pc < K; pc += KC) {
    const kc = min(KC, K - pc);
    const d = dst + (<usize>(pc * pad + i0 * kc) << 2);
    if (isB) packB(src, ld, trans, pc, i0, kc, i1 - i0, r, d);
    else packA(src, ld, trans, i0, pc, i1 - i0, kc, r, d);
  }
}

// The GEMM loops. packed != 0: op(B) (packedIsB) or op(A) is already in packPanels' layout there (a
// block of the memory, so never at offset 0).
function gemm(shape: i32, transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32,
              a: usize, lda: i32, b: usize, ldb: i32, beta: f32, c: usize, ldc: i32, work: usize, bias: usize,
              packed: usize, packedIsB: i32): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || alpha == 0) {
    scaleC(c, ldc, M, N, beta);
    if (bias != 0) addRows(c, ldc, M, N, bias);
    return;
  }
  const mr = tileRows(shape);
  const nr = tileCols(shape);
  const preA = packed != 0 && packedIsB == 0, preB = packed != 0 && packedIsB != 0;
  const mpad = (M + mr - 1) / mr * mr, npad = (N + nr - 1) / nr * nr;
  const tile = work + (<usize>(MC * KC + KC * (NC + 16)) << 2);
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
      const betaEff: f32 = pc == 0 ? beta : 1;
      const biasK: usize = pc == 0 ? bias : 0;
      let pB = work + (<usize>(MC * KC) << 2);
      if (preB) pB = packed + (<usize>(pc * npad + jc * kc) << 2);
      else packB(b, ldb, transB, pc, jc, kc, nc, nr, pB);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = min(MC, M - ic);
        let pA = work;
        if (preA) pA = packed + (<usize>(pc * mpad + ic * kc) << 2);
        else packA(a, lda, transA, ic, pc, mc, kc, mr, pA);
        for (let jr = 0; jr < nc; jr += nr) {
          const nrr = min(nr, nc - jr);
          const pbj = pB + (<usize>(jr * kc) << 2);
          for (let ir = 0; ir < mc; ir += mr) {
            const mrr = min(mr, mc - ir);
            const cp = c + (<usize>((ic + ir) * ldc + jc + jr) << 2);
            const pai = pA + (<usize>(ir * kc) << 2);
            const bj: usize = biasK != 0 ? biasK + (<usize>(jc + jr) << 2) : 0;
            if (shape == 1) kernel2x16(kc, pai, pbj, cp, ldc, mrr, nrr, alpha, betaEff, tile, bj);
            else kernel4x8(kc, pai, pbj, cp, ldc, mrr, nrr, alpha, betaEff, tile, bj);
          }
        }
      }
    }
  }
}

// C[i, j] += row[j] for the m rows of C (leading dimension ldc): a bias when there is no product.
function addRows(c: usize, ldc: i32, m: i32, n: i32, row: usize): void {
  for (let i = 0; i < m; i++) {
    const crow = c + (<usize>i * <usize>ldc << 2);
    for (let j = 0; j < n; j++) {
      const p = crow + (<usize>j << 2);
      store<f32>(p, load<f32>(p) + load<f32>(row + (<usize>j << 2)));
    }
  }
}

/**
 * Matrices lo..hi−1 of a batch of equal-shape GEMMs (alpha 1, beta 0): matrix i reads A and B at the
 * byte pointers stored at ptrs + 8i (a, then b, as i32) and writes a contiguous M×N C at c + i·M·N·4.
 * The pointer list lives in wasm memory, so pool workers never view memory through a JS buffer that a
 * grow on another thread may have outdated.
 */
export function sgemmBatch(transA: i32, transB: i32, M: i32, N: i32, K: i32, lda: i32, ldb: i32,
                           ptrs: usize, lo: i32, hi: i32, c: usize, work: usize): void {
  const mn4 = <usize>M * <usize>N << 2;
  for (let i = lo; i < hi; i++) {
    const p = ptrs + (<usize>i << 3);
    gemm(tileShape, transA, transB, M, N, K, 1, <usize>load<i32>(p), lda, <usize>load<i32>(p, 4), ldb, 0, c + <usize>i * mn4, N, work, 0, 0, 0);
  }
}

/**
 * Micro-kernel alone on L1-resident packed panels (kc·(MR+NR) floats at `work`), `reps` times into
 * the tile at `c` (ldc = NR). Measures the peak the blocking can approach: 2·MR·NR·kc·reps flops.
 */
export function kernelBench(kc: i32, reps: i32, work: usize, c: usize): void {
  const shape = tileShape;
  const mr = tileRows(shape);
  const nr = tileCols(shape);
  const pb = work + (<usize>(kc * mr) << 2);
  const tile = pb + (<usize>(kc * nr) << 2);
  for (let r = 0; r < reps; r++) {
    if (shape == 1) kernel2x16(kc, work, pb, c, nr, mr, nr, 1, 1, tile, 0);
    else kernel4x8(kc, work, pb, c, nr, mr, nr, 1, 1, tile, 0);
  }
}
