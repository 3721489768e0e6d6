// Layer normalisation over the last axis of a contiguous (rows, cols) buffer, forward and backward,
// accumulating in float64 (the reference for the wasm kernel).
import type { TypedArray } from '../../tensor/dtype.js';

/** out = (x − μ)·rstd·w + b per row, rstd = 1/√(Var[x] + ε) (biased variance); saves μ and rstd per row. */
export function layerNorm(x: TypedArray, rows: number, cols: number, w: TypedArray | null, b: TypedArray | null, eps: number,
  out: TypedArray, mean: TypedArray, rstd: TypedArray): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let s = 0;
    for (let j = 0; j < cols; j++) s += x[o + j]!;
    const mu = s / cols;
    let v = 0;
    for (let j = 0; j < cols; j++) { const d = x[o + j]! - mu; v += d * d; }
    const rs = 1 / Math.sqrt(v / cols + eps);
    mean[r] = mu; rstd[r] = rs;
    for (let j = 0; j < cols; j++) {
      let y = (x[o + j]! - mu) * rs;
      if (w) y *= w[j]!;
      if (b) y += b[j]!;
      out[o + j] = y;
    }
  }
}

/**
 * x̂ = (x − μ)·rstd, ĝ = g·w:  dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) per row;  dw = Σ_rows g·x̂;  db = Σ_rows g.
 * dw and db (when given) are overwritten.
 */
export function layerNormBackward(g: TypedArray, x: TypedArray, mean: TypedArray, rstd: TypedArray, w: TypedArray | null,
  rows: number, cols: number, dx: TypedArray, dw: TypedArray | null, db: TypedArray | null): void {
  const accW = dw ? new Float64Array(cols) : null;
  const accB = db ? new Float64Array(cols) : null;
  for (let r = 0; r < rows; r++) {
    const o = r * cols, mu = mean[r]!, rs = rstd[r]!;
    let sg = 0, sgx = 0;
    for (let j = 0; j < cols; j++) {
      const gj = g[o + j]!, xh = (x[o + j]! - mu) * rs;
      const gy = w ? gj * w[j]! : gj;
      sg += gy; sgx += gy * xh;
      if (accW) accW[j]! += gj * xh;
      if (accB) accB[j]! += gj;
    }
    const a = sg / cols, c = sgx / cols;
    for (let j = 0; j < cols; j++) {
      const xh = (x[o + j]! - mu) * rs;
      const gy = w ? g[o + j]! * w[j]! : g[o + j]!;
      dx[o + j] = rs * (gy - a - xh * c);
    }
  }
  if (dw) for (let j = 0; j < cols; j++) dw[j] = accW![j]!;
  if (db) for (let j = 0; j < cols; j++) db[j] = accB![j]!;
}
