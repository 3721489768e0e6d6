// JS kernels for convolution lowering: im2col (image → columns) and col2im (columns → image, summing
// overlaps). Both work on contiguous (N, C, H, W) images and (N, C·kh·kw, oh·ow) column buffers.

/** Geometry of a 2-D sliding window; 1-D convolutions use H = kh = 1. */
export interface Conv2dGeom {
  n: number; c: number; h: number; w: number;
  kh: number; kw: number;
  sh: number; sw: number;
  /** Padding before the first row/column (padding after is implied by oh/ow). */
  ph: number; pw: number;
  dh: number; dw: number;
  oh: number; ow: number;
}

/** cols[n, (c·kh + i)·kw + j, y·ow + x] = img[n, c, y·sh − ph + i·dh, x·sw − pw + j·dw] (0 outside). */
export function im2colKernel(img: ArrayLike<number>, g: Conv2dGeom, cols: { [i: number]: number; length: number }): void {
  const { n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = g;
  const L = oh * ow;
  const rows = c * kh * kw;
  for (let b = 0; b < n; b++) {
    for (let ci = 0; ci < c; ci++) {
      const imgBase = (b * c + ci) * h * w;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const colBase = (b * rows + (ci * kh + i) * kw + j) * L;
          for (let y = 0; y < oh; y++) {
            const iy = y * sh - ph + i * dh;
            const rowOut = colBase + y * ow;
            if (iy < 0 || iy >= h) {
              for (let x = 0; x < ow; x++) cols[rowOut + x] = 0;
              continue;
            }
            const rowIn = imgBase + iy * w;
            let ix = -pw + j * dw;
            for (let x = 0; x < ow; x++, ix += sw) cols[rowOut + x] = ix >= 0 && ix < w ? img[rowIn + ix]! : 0;
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: img[n, c, iy, ix] += cols[...] for every window position covering it. img must start zeroed. */
export function col2imKernel(cols: ArrayLike<number>, g: Conv2dGeom, img: { [i: number]: number; length: number }): void {
  const { n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = g;
  const L = oh * ow;
  const rows = c * kh * kw;
  for (let b = 0; b < n; b++) {
    for (let ci = 0; ci < c; ci++) {
      const imgBase = (b * c + ci) * h * w;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const colBase = (b * rows + (ci * kh + i) * kw + j) * L;
          for (let y = 0; y < oh; y++) {
            const iy = y * sh - ph + i * dh;
            if (iy < 0 || iy >= h) continue;
            const rowIn = colBase + y * ow;
            const rowOut = imgBase + iy * w;
            let ix = -pw + j * dw;
            for (let x = 0; x < ow; x++, ix += sw) if (ix >= 0 && ix < w) img[rowOut + ix] += cols[rowIn + x]!;
          }
        }
      }
    }
  }
}
