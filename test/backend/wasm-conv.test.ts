// Tests of the wasm convolution and pooling kernels (src/backend/wasm/assembly/conv.ts) against the js
// backend's: im2col, col2im, fused conv2d forward and backward, max pooling and its scatter, on odd
// geometries (stride, padding, dilation, groups, non-square, size-1 dims, batch 1 and 0), every build.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ConvGeom, View } from '../../src/backend/backend.js';
import { jsBackend } from '../../src/backend/index.js';
import { loadWasmKernels, wasmFeatures, type WasmBuild } from '../../src/backend/wasm/kernels.js';
import { loadNodeWasmKernels } from '../../src/backend/wasm/pool-node.js';

function rand(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = 2 * (s / 2 ** 32) - 1;
  }
  return out;
}

function expectNear(got: ArrayLike<number>, want: ArrayLike<number>, what: string, tol = 1e-5): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const a = got[i]!, b = want[i]!;
    if (Number.isNaN(b)) { assert.ok(Number.isNaN(a), `${what}[${i}]: expected NaN, got ${a}`); continue; }
    assert.ok(Math.abs(a - b) <= tol * (1 + Math.abs(b)), `${what}[${i}]: wasm ${a}, js ${b}`);
  }
}

const outLen = (n: number, k: number, s: number, p: number, d: number) => Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;

/** A geometry from (n, c, h, w, oc, groups, kernel, stride, padding, dilation), output size derived. */
function geom(n: number, c: number, h: number, w: number, oc: number, groups: number,
  [kh, kw]: number[], [sh, sw]: number[], [ph, pw]: number[], [dh, dw]: number[]): ConvGeom {
  return { n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh: outLen(h, kh, sh, ph, dh), ow: outLen(w, kw, sw, pw, dw), oc, groups };
}

const CASES: [string, ConvGeom][] = [
  ['3x3, the benchmark shape scaled down', geom(4, 1, 12, 12, 16, 1, [3, 3], [1, 1], [0, 0], [1, 1])],
  ['stride 2, padding 1, non-square', geom(3, 3, 9, 7, 5, 1, [3, 2], [2, 2], [1, 1], [1, 1])],
  ['dilation 2, asymmetric stride and padding', geom(2, 2, 11, 10, 3, 1, [3, 3], [1, 3], [2, 0], [2, 2])],
  ['groups 2, padding beyond the kernel reach', geom(2, 4, 6, 5, 6, 2, [2, 3], [1, 2], [2, 3], [1, 1])],
  ['depthwise (groups = channels)', geom(2, 3, 7, 7, 3, 3, [3, 3], [1, 1], [1, 1], [1, 1])],
  ['1x1 pointwise (columns are the image)', geom(3, 5, 4, 6, 7, 1, [1, 1], [1, 1], [0, 0], [1, 1])],
  ['1x1 with stride 2', geom(2, 3, 5, 5, 4, 1, [1, 1], [2, 2], [0, 0], [1, 1])],
  ['size-1 dims: batch 1, height 1 (conv1d)', geom(1, 2, 1, 13, 3, 1, [1, 4], [1, 3], [0, 2], [1, 1])],
  ['kernel as large as the padded input', geom(1, 1, 2, 3, 2, 1, [4, 5], [1, 1], [1, 1], [1, 1])],
  ['empty batch', geom(0, 2, 5, 5, 3, 1, [3, 3], [1, 1], [1, 1], [1, 1])],
];

const features = wasmFeatures();
const builds: WasmBuild[] = features.relaxed ? ['simd', 'relaxed'] : ['simd'];

for (const build of builds) {
  const k = loadWasmKernels({ build })!;
  describe(`backend/wasm [${build}]: convolution`, () => {
    for (const [name, g] of CASES) {
      const L = g.oh * g.ow;
      const xn = g.n * g.c * g.h * g.w, wn = g.oc * (g.c / g.groups) * g.kh * g.kw, on = g.n * g.oc * L, cn = g.n * g.c * g.kh * g.kw * L;
      const x = rand(xn, 1), w = rand(wn, 2), b = rand(g.oc, 3), gOut = rand(on, 4);
      it(`im2col and col2im: ${name}`, () => {
        const cw = new Float32Array(cn), cj = new Float32Array(cn);
        k.im2col(x, g, cw); jsBackend.im2col(x, g, cj);
        expectNear(cw, cj, 'im2col', 0);
        const cols = rand(cn, 5);
        const iw = new Float32Array(xn).fill(7), ij = new Float32Array(xn);
        k.col2im(cols, g, iw); jsBackend.col2im(cols, g, ij);
        expectNear(iw, ij, 'col2im');
      });
      it(`conv2d forward, with and without bias: ${name}`, () => {
        for (const bias of [b, null]) {
          const ow = new Float32Array(on).fill(NaN), oj = new Float32Array(on);
          k.conv2d(x, w, bias, g, ow); jsBackend.conv2d(x, w, bias, g, oj);
          expectNear(ow, oj, `conv2d${bias ? '' : ' (no bias)'}`);
        }
      });
      it(`conv2d backward, all and single gradients, dense and scalar gOut: ${name}`, () => {
        const dense: View = { data: gOut, shape: [g.n, g.oc, g.oh, g.ow], strides: [g.oc * L, L, g.ow, 1], offset: 0 };
        const ref = { dx: new Float32Array(xn), dw: new Float32Array(wn), db: new Float32Array(g.oc) };
        jsBackend.conv2dBackward(dense, x, w, g, ref.dx, ref.dw, ref.db);
        const got = { dx: new Float32Array(xn).fill(NaN), dw: new Float32Array(wn).fill(NaN), db: new Float32Array(g.oc).fill(NaN) };
        k.conv2dBackward(gOut, x, w, g, got.dx, got.dw, got.db);
        expectNear(got.dx, ref.dx, 'dx'); expectNear(got.dw, ref.dw, 'dw'); expectNear(got.db, ref.db, 'db');
        const dwOnly = new Float32Array(wn);
        k.conv2dBackward(gOut, x, w, g, null, dwOnly, null);
        expectNear(dwOnly, ref.dw, 'dw alone');
        // A gradient expanded from a scalar: stride-0 view in js, a fill in wasm memory.
        const scalar: View = { data: new Float32Array([0.5]), shape: [g.n, g.oc, g.oh, g.ow], strides: [0, 0, 0, 0], offset: 0 };
        jsBackend.conv2dBackward(scalar, x, w, g, ref.dx, ref.dw, null);
        k.conv2dBackward(0.5, x, w, g, got.dx, got.dw, null);
        expectNear(got.dx, ref.dx, 'dx (scalar gOut)'); expectNear(got.dw, ref.dw, 'dw (scalar gOut)');
      });
    }
    it('rejects buffers shorter than the geometry', () => {
      const g = CASES[0]![1];
      assert.throws(() => k.conv2d(new Float32Array(3), new Float32Array(144), null, g, new Float32Array(1e5)), /conv2d: buffers too short/);
      assert.throws(() => k.im2col(new Float32Array(3), g, new Float32Array(1e5)), /im2col: buffers too short/);
    });
  });

  describe(`backend/wasm [${build}]: max pooling`, () => {
    const ranges = (count: number, k: number, s: number, p: number, d: number, n: number): [Int32Array, Int32Array] => {
      const st = new Int32Array(count), en = new Int32Array(count);
      for (let i = 0; i < count; i++) { st[i] = i * s - p; en[i] = Math.min(st[i]! + d * (k - 1) + 1, n); }
      return [st, en];
    };
    const cases: [string, number, number, number, number[], number[], number[], number[]][] = [
      ['2x2 stride 2', 6, 8, 8, [2, 2], [2, 2], [0, 0], [1, 1]],
      ['3x3 stride 1 overlapping, padding 1', 3, 7, 5, [3, 3], [1, 1], [1, 1], [1, 1]],
      ['dilation 2, stride (1, 2), padding (2, 1)', 2, 9, 8, [3, 2], [1, 2], [2, 1], [2, 2]],
      ['height 1 (maxPool1d)', 4, 1, 11, [1, 3], [1, 2], [0, 1], [1, 1]],
    ];
    for (const [name, planes, h, w, [kh, kw], [sh, sw], [ph, pw], [dh, dw]] of cases) {
      it(`values, indices and the gradient scatter: ${name}`, () => {
        const oh = outLen(h, kh!, sh!, ph!, dh!), ow = outLen(w, kw!, sw!, pw!, dw!);
        const [hs, he] = ranges(oh, kh!, sh!, ph!, dh!, h), [ws, we] = ranges(ow, kw!, sw!, pw!, dw!, w);
        const x = rand(planes * h * w, 6);
        x[5] = NaN; x[planes * h * w - 2] = NaN; // NaN wins, like PyTorch
        const vw = new Float32Array(planes * oh * ow), vj = new Float32Array(vw.length);
        const iw = new Int32Array(vw.length), ij = new Int32Array(vw.length);
        k.maxPool2d(x, planes, h, w, hs, he, ws, we, dh!, dw!, vw, iw);
        jsBackend.maxPool2d(x, planes, h, w, hs, he, ws, we, dh!, dw!, vj, ij);
        expectNear(vw, vj, 'values', 0);
        assert.deepEqual(iw, ij);
        const g = rand(vw.length, 7);
        const dw2 = new Float32Array(x.length).fill(NaN), dj = new Float32Array(x.length);
        k.maxPool2dBackward(g, iw, planes, h * w, oh * ow, dw2);
        jsBackend.maxPool2dBackward(g, ij, planes, h * w, oh * ow, dj);
        expectNear(dw2, dj, 'dx');
      });
    }
  });
}

describe('backend/wasm: conv2d split by images across the worker pool', () => {
  const loaded = loadNodeWasmKernels({ threads: 2 })!;
  const single = loadWasmKernels()!;
  after(() => loaded.pool?.close());
  it('forward and dx equal one thread bit for bit; dw, db (per-thread partial sums) within rounding', async () => {
    assert.equal(await loaded.pool!.ready(), true);
    for (const [name, g] of CASES) {
      const L = g.oh * g.ow;
      const xn = g.n * g.c * g.h * g.w, wn = g.oc * (g.c / g.groups) * g.kh * g.kw, on = g.n * g.oc * L;
      const x = rand(xn, 11), w = rand(wn, 12), b = rand(g.oc, 13), gOut = rand(on, 14);
      const got = new Float32Array(on), want = new Float32Array(on);
      loaded.kernels.conv2d(x, w, b, g, got);
      single.conv2d(x, w, b, g, want);
      assert.deepEqual(got, want, `forward: ${name}`);
      for (const grad of [gOut, 0.5] as const) { // a dense gradient and one expanded from a scalar
        const [dx1, dw1, db1] = [new Float32Array(xn), new Float32Array(wn), new Float32Array(g.oc)];
        const [dx2, dw2, db2] = [new Float32Array(xn), new Float32Array(wn), new Float32Array(g.oc)];
        loaded.kernels.conv2dBackward(grad, x, w, g, dx1, dw1, db1);
        single.conv2dBackward(grad, x, w, g, dx2, dw2, db2);
        assert.deepEqual(dx1, dx2, `dx: ${name}`);
        expectNear(dw1, dw2, `dw: ${name}`);
        expectNear(db1, db2, `db: ${name}`);
      }
      const dwOnly = new Float32Array(wn), dwRef = new Float32Array(wn);
      loaded.kernels.conv2dBackward(gOut, x, w, g, null, dwOnly, null);
      single.conv2dBackward(gOut, x, w, g, null, dwRef, null);
      expectNear(dwOnly, dwRef, `dw alone: ${name}`);
    }
  });
});
