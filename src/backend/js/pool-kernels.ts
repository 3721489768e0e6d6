// JS kernels for max pooling with recorded argmax indices, and its backward (a scatter to them).
// Windows are given per output row/column as [start, end) ranges sampled every `dilation`, so
// strided, padded, ceil-mode and adaptive pooling share one kernel.

/**
 * For each plane p of `planes` (H×W, contiguous) and output (y, x): the max over rows
 * hStart[y], hStart[y]+dh, … < hEnd[y] and columns likewise. Writes the value and the flat index
 * iy·W + ix into the plane (PyTorch's return_indices convention). NaN wins, like PyTorch.
 */
export function maxPool2dKernel(
  x: ArrayLike<number>, planes: number, h: number, w: number,
  hStart: Int32Array, hEnd: Int32Array, wStart: Int32Array, wEnd: Int32Array, dh: number, dw: number,
  out: { [i: number]: number }, idx: Int32Array,
): void {
  const oh = hStart.length, ow = wStart.length;
  for (let p = 0; p < planes; p++) {
    const base = p * h * w;
    const obase = p * oh * ow;
    for (let y = 0; y < oh; y++) {
      const y0 = hStart[y]!, y1 = hEnd[y]!;
      for (let xo = 0; xo < ow; xo++) {
        const x0 = wStart[xo]!, x1 = wEnd[xo]!;
        let best = -Infinity;
        let bi = -1;
        scan: for (let iy = y0; iy < y1; iy += dh) {
          if (iy < 0) continue;
          const row = base + iy * w;
          for (let ix = x0; ix < x1; ix += dw) {
            if (ix < 0) continue;
            const v = x[row + ix]!;
            if (v > best || bi < 0) { best = v; bi = iy * w + ix; }
            if (v !== v) { best = v; bi = iy * w + ix; break scan; }
          }
        }
        out[obase + y * ow + xo] = best;
        idx[obase + y * ow + xo] = bi;
      }
    }
  }
}

/** dx (planes, inPlane) = 0, then dx[p, idx[p, i]] += g[p, i] for each of the outPlane outputs of plane p. */
export function maxPool2dBackwardKernel(g: ArrayLike<number>, idx: Int32Array, planes: number, inPlane: number, outPlane: number,
  dx: { [i: number]: number; fill(v: number, start?: number, end?: number): unknown }): void {
  dx.fill(0, 0, planes * inPlane);
  for (let p = 0; p < planes; p++) {
    const d = p * inPlane, o = p * outPlane;
    for (let i = 0; i < outPlane; i++) {
      const k = idx[o + i]!;
      if (k >= 0) dx[d + k] += g[o + i]!;
    }
  }
}
