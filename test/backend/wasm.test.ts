// Tests of the WebAssembly SIMD kernels (src/backend/wasm): GEMM against a naive float64 reference,
// elementwise ops against Math.*, softmax/reductions and optimizer steps against JS references.
// Each build the engine supports is tested (relaxed needs Node ≥ 22 or --experimental-wasm-relaxed-simd).
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadWasmKernels, wasmFeatures, type UnaryOp, type WasmBuild, type WasmKernels } from '../../src/backend/wasm/kernels.js';
import { loadNodeWasmKernels, spawnNodeWorker } from '../../src/backend/wasm/pool-node.js';
import { WasmThreadPool } from '../../src/backend/wasm/pool.js';
import { jsBackend, wasmBackend } from '../../src/backend/index.js';
import { amax, amin, sum, tensor } from '../../src/index.js';
import { withBackend } from '../helpers.js';

// Deterministic inputs (a small LCG) so failures reproduce.
function rand(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + (hi - lo) * (s / 2 ** 32);
  }
  return out;
}

function refGemm(tA: boolean, tB: boolean, M: number, N: number, K: number, A: Float32Array, lda: number,
  B: Float32Array, ldb: number, C: Float64Array, ldc: number, alpha: number, beta: number): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let p = 0; p < K; p++) s += (tA ? A[p * lda + i] : A[i * lda + p]) * (tB ? B[j * ldb + p] : B[p * ldb + j]);
      C[i * ldc + j] = alpha * s + (beta === 0 ? 0 : beta * C[i * ldc + j]);
    }
  }
}

function checkGemm(k: WasmKernels, tA: boolean, tB: boolean, M: number, N: number, K: number,
  opts: { alpha?: number; beta?: number; pad?: number; seed?: number; bias?: boolean } = {}): void {
  const { alpha = 1, beta = 0, pad = 0, seed = 1 } = opts;
  const bias = opts.bias ? rand(N + 2, seed + 3) : null; // longer than N on purpose: only N are read
  const lda = (tA ? M : K) + pad, ldb = (tB ? K : N) + pad, ldc = N + pad;
  const aOff = 3, bOff = 5, cOff = 7; // non-zero offsets on purpose
  const A = rand(aOff + (tA ? K : M) * lda, seed), B = rand(bOff + (tB ? N : K) * ldb, seed + 1);
  const C = rand(cOff + M * ldc, seed + 2);
  if (beta === 0) C.fill(NaN, cOff); // beta = 0 must not read C
  if (pad > 0) for (let i = 0; i < M; i++) C.fill(42, cOff + i * ldc + N, cOff + (i + 1) * ldc); // gaps untouched
  const expect = new Float64Array(M * ldc);
  for (let i = 0; i < M * ldc; i++) expect[i] = C[cOff + i];
  refGemm(tA, tB, M, N, K, A.subarray(aOff), lda, B.subarray(bOff), ldb, expect, ldc, alpha, beta);
  if (bias) for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) expect[i * ldc + j]! += bias[j]!;
  k.sgemm(tA, tB, M, N, K, A, aOff, lda, B, bOff, ldb, C, cOff, ldc, alpha, beta, bias);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < ldc; j++) {
      const got = C[cOff + i * ldc + j], want = expect[i * ldc + j];
      const tol = 1e-5 * (1 + K) ** 0.5 * (Math.abs(alpha) + 1);
      if (!(Math.abs(got - want) <= tol)) {
        assert.fail(`sgemm tA=${tA} tB=${tB} M=${M} N=${N} K=${K} pad=${pad} bias=${!!bias}: C[${i},${j}] = ${got}, expected ${want}`);
      }
    }
  }
  assert.ok(C.subarray(0, cOff).every((v, i) => v === rand(cOff + M * ldc, seed + 2)[i]), 'sgemm wrote before cOff');
}

const features = wasmFeatures();
const builds: WasmBuild[] = features.relaxed ? ['simd', 'relaxed'] : ['simd'];

describe('backend/wasm: loading', () => {
  it('probes SIMD and loads a build (Node 20 has SIMD128)', () => {
    assert.equal(features.simd, true);
    const k = loadWasmKernels();
    assert.ok(k);
    assert.equal(k.build, features.relaxed ? 'relaxed' : 'simd');
  });
  it('refuses the relaxed build when the engine lacks relaxed SIMD', () => {
    if (features.relaxed) return;
    assert.equal(loadWasmKernels({ build: 'relaxed' }), null);
  });
});

for (const build of builds) {
  const k = loadWasmKernels({ build })!;

  describe(`backend/wasm [${build}]: sgemm`, () => {
    const sizes = [0, 1, 3, 17, 33, 65, 130];
    for (const shape of [0, 1]) {
      const tile = shape === 0 ? '4x8' : '2x16';
      it(`all transposes, odd sizes, ${tile} tiles`, () => {
        k.exports.setTileShape(shape);
        try {
          for (const tA of [false, true]) {
            for (const tB of [false, true]) {
              for (const M of sizes) for (const N of [1, 17, 130]) for (const K of [0, 1, 33, 65]) checkGemm(k, tA, tB, M, N, K);
              for (const N of sizes) checkGemm(k, tA, tB, 5, N, 9);
            }
          }
        } finally {
          k.exports.setTileShape(build === 'relaxed' ? 0 : 1);
        }
      });
    }
    it('alpha, beta, leading dims with gaps', () => {
      for (const tA of [false, true]) {
        for (const tB of [false, true]) {
          checkGemm(k, tA, tB, 37, 29, 300, { alpha: 0.5, beta: -1.25, pad: 3 });
          checkGemm(k, tA, tB, 70, 1030, 20, { alpha: 2, beta: 0, pad: 1 }); // N > NC block
          checkGemm(k, tA, tB, 9, 11, 0, { alpha: 1, beta: 0.5 }); // K = 0: C = beta·C
          checkGemm(k, tA, tB, 9, 11, 5, { alpha: 0, beta: 2 });
        }
      }
    });
    for (const shape of [0, 1]) {
      it(`a bias on every row (the micro-kernels add it to the first K block), ${shape === 0 ? '4x8' : '2x16'} tiles`, () => {
        k.exports.setTileShape(shape);
        try {
          for (const tA of [false, true]) {
            for (const tB of [false, true]) {
              // edge tiles in both directions, one and several KC blocks, N beyond one NC block, K = 0
              for (const [M, N, K] of [[1, 1, 1], [5, 7, 3], [37, 45, 29], [9, 33, 300], [131, 67, 600], [6, 1030, 20], [9, 11, 0]]) {
                checkGemm(k, tA, tB, M!, N!, K!, { bias: true, pad: M! % 2 });
              }
              checkGemm(k, tA, tB, 17, 19, 40, { bias: true, alpha: -0.5 }); // alpha scales the product only
              checkGemm(k, tA, tB, 9, 11, 5, { bias: true, alpha: 0 }); // no product: C = bias rows
            }
          }
        } finally {
          k.exports.setTileShape(build === 'relaxed' ? 0 : 1);
        }
      });
    }
    it('K beyond one KC block and M beyond one MC block', () => {
      checkGemm(k, false, false, 131, 67, 600, { beta: 1 });
      checkGemm(k, true, true, 131, 67, 600, { alpha: -1 });
    });
    it('rejects a too-short operand', () => {
      assert.throws(() => k.sgemm(false, false, 4, 4, 4, new Float32Array(15), 0, 4, new Float32Array(16), 0, 4,
        new Float32Array(16), 0, 4), /too short/);
    });
  });

  describe(`backend/wasm [${build}]: elementwise`, () => {
    const n = 50_003;
    const x = new Float32Array(n);
    const r = rand(n, 7, 0, 1), s = rand(n, 8, -1, 1);
    for (let i = 0; i < n; i++) x[i] = Math.sign(s[i]) * 10 ** (r[i] * 4 - 2) * 3; // magnitudes 3e-2 .. 3e2
    x.set([0, -0, 1, -1, 0.625, -0.625, 20, -20, 88.7, 89, -87, -103.5, -110, 1e-40, Infinity, -Infinity, NaN]);

    function expectUlp(op: UnaryOp, input: Float32Array, ref: (v: number) => number, rtol: number, atol = 0): void {
      const out = new Float32Array(input.length);
      k.unary(op, input, out);
      for (let i = 0; i < input.length; i++) {
        const want = Math.fround(ref(input[i])), got = out[i];
        if (Number.isNaN(want)) { assert.ok(Number.isNaN(got), `${op}(${input[i]}) = ${got}, expected NaN`); continue; }
        if (got === want) continue;
        const ok = Math.abs(got - want) <= atol + rtol * Math.abs(want);
        if (!ok) assert.fail(`${op}(${input[i]}) = ${got}, expected ${want}`);
      }
    }

    it('exp matches Math.exp within 1e-6 relative (incl. overflow, underflow, NaN)', () => {
      expectUlp('exp', x.map((v) => (Math.abs(v) > 120 ? v / 10 : v)), Math.exp, 1e-6, 1e-44);
    });
    it('log matches Math.log within 1e-6 relative (incl. 0, negatives, subnormals)', () => {
      const pos = x.map(Math.abs);
      pos.set([0, -1, -Infinity, Infinity, NaN, 1e-40, 1.4e-45, 1, 3.4e38]);
      expectUlp('log', pos, Math.log, 1e-6);
    });
    it('tanh matches Math.tanh within 1e-6 relative', () => { expectUlp('tanh', x, Math.tanh, 1e-6); });
    it('sigmoid matches 1/(1+e^-x)', () => { expectUlp('sigmoid', x, (v) => 1 / (1 + Math.exp(-v)), 2e-6, 1e-44); });
    it('gelu (erf and tanh forms) within 1e-6 absolute', () => {
      const small = x.map((v) => (Math.abs(v) > 12 ? v / 30 : v));
      // erf by its Taylor series (|t| < 3) or continued fraction for erfc, in float64.
      const erf = (z: number) => {
        const t = Math.abs(z);
        let e: number;
        if (t < 3) {
          let sum = 0, term = t;
          for (let j = 0; j < 100; j++) { sum += term / (2 * j + 1); term *= (-t * t) / (j + 1); }
          e = (2 / Math.sqrt(Math.PI)) * sum;
        } else {
          let f = 0;
          for (let j = 60; j >= 1; j--) f = j / 2 / (t + f);
          e = 1 - Math.exp(-t * t) / Math.sqrt(Math.PI) / (t + f);
        }
        return z < 0 ? -e : e;
      };
      expectUlp('gelu', small, (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)), 1e-6, 1e-6);
      expectUlp('geluTanh', small, (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))), 1e-6, 1e-6);
      // The erf-GELU gradient Φ(x) + x·φ(x), times an upstream gradient; ±Inf give NaN like PyTorch's (x·φ = ∞·0).
      const g = rand(small.length, 9, -2, 2), out = new Float32Array(small.length);
      k.binary('geluErfBackward', g, small, out);
      for (let i = 0; i < small.length; i++) {
        const v = small[i]!, gi = g[i]!;
        const want = Number.isFinite(v) ? Math.fround(gi * (0.5 * (1 + erf(v / Math.SQRT2)) + v * Math.exp(-v * v / 2) / Math.sqrt(2 * Math.PI))) : NaN;
        if (Number.isNaN(want)) { assert.ok(Number.isNaN(out[i]), `geluErfBackward(${v}) = ${out[i]}, expected NaN`); continue; }
        assert.ok(Math.abs(out[i]! - want) <= 1e-6 * (1 + Math.abs(want)), `geluErfBackward(${gi}, ${v}) = ${out[i]}, expected ${want}`);
      }
    });
    it('relu, neg, abs, sqrt exactly', () => {
      expectUlp('relu', x, (v) => (Number.isNaN(v) ? NaN : Math.max(v, 0)), 0);
      expectUlp('neg', x, (v) => -v, 0);
      expectUlp('abs', x, Math.abs, 0);
      expectUlp('sqrt', x, Math.sqrt, 0);
    });
    it('every length takes the same values through the two-vector loop, the one-vector loop and the tail', () => {
      // Elementwise results do not depend on where an element sits: a prefix of any length must give the
      // whole array's first elements bit for bit (lengths 0-21 cover 0-2 unrolled iterations, with and
      // without the one-vector remainder and a 1-3 element tail).
      const m = 21, xs = x.subarray(0, m), g = rand(m, 12, -2, 2);
      const same = (got: Float32Array, want: Float32Array, what: string) => {
        for (let i = 0; i < got.length; i++) assert.ok(Object.is(got[i], want[i]), `${what}: [${i}] = ${got[i]}, expected ${want[i]}`);
      };
      const unaryOps: UnaryOp[] = ['exp', 'log', 'tanh', 'sigmoid', 'gelu', 'geluTanh', 'relu', 'neg', 'sqrt', 'abs', 'erf'];
      const binaryOps = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'reluBackward', 'geluErfBackward', 'geluTanhBackward'] as const;
      for (const op of unaryOps) {
        const full = new Float32Array(m);
        k.unary(op, xs, full);
        for (let len = 0; len <= m; len++) {
          const out = new Float32Array(len);
          k.unary(op, xs.subarray(0, len), out);
          same(out, full.subarray(0, len), `${op} length ${len}`);
        }
      }
      for (const op of binaryOps) {
        const full = new Float32Array(m);
        k.binary(op, g, xs, full);
        for (let len = 0; len <= m; len++) {
          const out = new Float32Array(len);
          k.binary(op, g.subarray(0, len), xs.subarray(0, len), out);
          same(out, full.subarray(0, len), `${op} length ${len}`);
        }
      }
    });
    it('binary ops vector-vector and vector-scalar, odd lengths', () => {
      for (const len of [0, 1, 3, 4, 5, 1001]) {
        const a = rand(len, 3), b = rand(len, 4, 0.5, 2), out = new Float32Array(len);
        const ops = { add: (p: number, q: number) => p + q, sub: (p: number, q: number) => p - q,
          mul: (p: number, q: number) => p * q, div: (p: number, q: number) => p / q,
          maximum: Math.max, minimum: Math.min } as const;
        for (const [op, f] of Object.entries(ops) as [keyof typeof ops, (p: number, q: number) => number][]) {
          k.binary(op, a, b, out);
          for (let i = 0; i < len; i++) assert.equal(out[i], Math.fround(f(a[i], b[i])), `${op} vv`);
          k.binary(op, a, 0.75, out);
          for (let i = 0; i < len; i++) assert.equal(out[i], Math.fround(f(a[i], 0.75)), `${op} vs`);
          k.binary(op, a, 0.75, out, { scalarFirst: true });
          for (let i = 0; i < len; i++) assert.equal(out[i], Math.fround(f(0.75, a[i])), `${op} sv`);
        }
      }
    });
    it('softmax and logSoftmax over rows', () => {
      for (const [rows, cols] of [[1, 1], [3, 7], [5, 64], [2, 1003]]) {
        const v = rand(rows * cols, rows + cols, -20, 20);
        const sm = new Float32Array(rows * cols), lsm = new Float32Array(rows * cols);
        k.softmaxRows(v, rows, cols, sm);
        k.softmaxRows(v, rows, cols, lsm, { log: true });
        for (let r = 0; r < rows; r++) {
          const row = Array.from(v.subarray(r * cols, (r + 1) * cols));
          const m = Math.max(...row);
          const z = row.reduce((acc, t) => acc + Math.exp(t - m), 0);
          for (let c = 0; c < cols; c++) {
            const want = Math.exp(row[c] - m) / z;
            assert.ok(Math.abs(sm[r * cols + c] - want) <= 1e-6 + 1e-5 * want, `softmax[${r},${c}]`);
            const wantLog = row[c] - m - Math.log(z);
            assert.ok(Math.abs(lsm[r * cols + c] - wantLog) <= 1e-5 * (1 + Math.abs(wantLog)), `logSoftmax[${r},${c}]`);
          }
        }
      }
    });
    it('reduceRows: sum, max and min over rows', () => {
      for (const [rows, cols] of [[1, 1], [3, 7], [4, 1001]]) {
        const v = rand(rows * cols, cols, -3, 3);
        const sum = new Float32Array(rows), mx = new Float32Array(rows), mn = new Float32Array(rows);
        k.reduceRows('sum', v, rows, cols, sum);
        k.reduceRows('max', v, rows, cols, mx);
        k.reduceRows('min', v, rows, cols, mn);
        for (let r = 0; r < rows; r++) {
          const row = Array.from(v.subarray(r * cols, (r + 1) * cols));
          assert.ok(Math.abs(sum[r] - row.reduce((a, b) => a + b, 0)) <= 1e-5 * cols);
          assert.equal(mx[r], Math.max(...row));
          assert.equal(mn[r], Math.min(...row));
        }
      }
    });
    it('reduceMid: sum, max and min over a middle dim, odd inner sizes (vector body and tail)', () => {
      for (const [outer, size, inner] of [[1, 1, 5], [2, 3, 7], [3, 17, 4], [1, 64, 130]]) {
        const v = rand(outer * size * inner, 7 * inner + size, -3, 3);
        for (const op of ['sum', 'max', 'min'] as const) {
          const got = new Float32Array(outer * inner).fill(NaN);
          k.reduceMid(op, v, outer, size, inner, got);
          for (let o = 0; o < outer; o++) {
            for (let i = 0; i < inner; i++) {
              const col = Array.from({ length: size }, (_, r) => v[(o * size + r) * inner + i]!);
              const want = op === 'sum' ? col.reduce((a, b) => a + b, 0) : op === 'max' ? Math.max(...col) : Math.min(...col);
              const g = got[o * inner + i]!;
              assert.ok(op === 'sum' ? Math.abs(g - want) <= 1e-5 * size : g === want, `${op} [${outer},${size},${inner}] at (${o}, ${i}): ${g}, expected ${want}`);
            }
          }
        }
      }
    });
    it('max and min propagate NaN wherever it sits (row body or tail, any row of a column) and handle ±Inf', () => {
      const cols = 11; // two vectors and a 3-element tail
      for (const pos of [0, 5, 9, 10]) {
        const v = rand(cols, 90 + pos, -3, 3);
        v[pos] = NaN;
        const mx = new Float32Array(1), mn = new Float32Array(1), sm = new Float32Array(cols);
        k.reduceRows('max', v, 1, cols, mx);
        k.reduceRows('min', v, 1, cols, mn);
        k.softmaxRows(v, 1, cols, sm);
        assert.ok(Number.isNaN(mx[0]) && Number.isNaN(mn[0]), `max/min with NaN at ${pos}`);
        assert.ok(sm.every(Number.isNaN), `softmax with NaN at ${pos}`);
      }
      const v = rand(cols, 99, -3, 3);
      v[6] = Infinity;
      v[2] = -Infinity;
      const mx = new Float32Array(1), mn = new Float32Array(1);
      k.reduceRows('max', v, 1, cols, mx);
      k.reduceRows('min', v, 1, cols, mn);
      assert.equal(mx[0], Infinity);
      assert.equal(mn[0], -Infinity);
      v.fill(-Infinity);
      k.reduceRows('max', v, 1, cols, mx);
      assert.equal(mx[0], -Infinity);
      // Columns: NaN first, in the middle or last of a column, in the vector body (column 1) and the tail (column 9).
      const size = 5, inner = 11;
      for (const r of [0, 2, 4]) {
        const m = rand(size * inner, 120 + r, -3, 3);
        m[r * inner + 1] = NaN;
        m[r * inner + 9] = NaN;
        m[3 * inner + 4] = Infinity;
        m[1 * inner + 4] = -Infinity;
        for (const op of ['max', 'min'] as const) {
          const got = new Float32Array(inner);
          k.reduceMid(op, m, 1, size, inner, got);
          assert.ok(Number.isNaN(got[1]) && Number.isNaN(got[9]), `${op} over a column with NaN in row ${r}`);
          assert.equal(got[4], op === 'max' ? Infinity : -Infinity);
          assert.ok(got.every((g, i) => i === 1 || i === 9 || Number.isFinite(g) || i === 4), `${op}: only the NaN columns are NaN`);
        }
      }
    });
  });

  describe(`backend/wasm [${build}]: optimizer steps`, () => {
    it('Adam and AdamW match a float64 JS reference over 5 steps', () => {
      for (const decoupled of [false, true]) {
        const n = 1031;
        const p = rand(n, 11), m = new Float32Array(n), v = new Float32Array(n);
        const pr = Float64Array.from(p), mr = new Float64Array(n), vr = new Float64Array(n);
        const o = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, decoupled };
        for (let t = 1; t <= 5; t++) {
          const g = rand(n, 100 + t);
          k.adamStep(p, g, m, v, { ...o, step: t });
          for (let i = 0; i < n; i++) {
            let gi = g[i];
            if (decoupled) pr[i] *= 1 - o.lr * o.weightDecay; else gi += o.weightDecay * pr[i];
            mr[i] = o.beta1 * mr[i] + (1 - o.beta1) * gi;
            vr[i] = o.beta2 * vr[i] + (1 - o.beta2) * gi * gi;
            const denom = Math.sqrt(vr[i]) / Math.sqrt(1 - o.beta2 ** t) + o.eps;
            pr[i] -= (o.lr / (1 - o.beta1 ** t)) * (mr[i] / denom);
          }
        }
        for (let i = 0; i < n; i++) {
          assert.ok(Math.abs(p[i] - pr[i]) <= 1e-6 + 1e-5 * Math.abs(pr[i]), `adam decoupled=${decoupled} p[${i}] ${p[i]} vs ${pr[i]}`);
          assert.ok(Math.abs(m[i] - mr[i]) <= 1e-6 && Math.abs(v[i] - vr[i]) <= 1e-6);
        }
      }
    });
    it('SGD with momentum, dampening, Nesterov and weight decay matches a JS reference', () => {
      for (const nesterov of [false, true]) {
        const n = 37;
        const p = rand(n, 21), buf = new Float32Array(n);
        const pr = Float64Array.from(p), br = new Float64Array(n);
        const o = { lr: 0.1, momentum: 0.9, dampening: nesterov ? 0 : 0.1, weightDecay: 0.01, nesterov };
        for (let t = 1; t <= 4; t++) {
          const g = rand(n, 200 + t);
          k.sgdStep(p, g, buf, { ...o, firstStep: t === 1 });
          for (let i = 0; i < n; i++) {
            const gi = g[i] + o.weightDecay * pr[i];
            br[i] = t === 1 ? gi : o.momentum * br[i] + (1 - o.dampening) * gi;
            pr[i] -= o.lr * (nesterov ? gi + o.momentum * br[i] : br[i]);
          }
        }
        for (let i = 0; i < n; i++) assert.ok(Math.abs(p[i] - pr[i]) <= 1e-5, `sgd nesterov=${nesterov} p[${i}]`);
      }
    });
    it('plain SGD (with and without maximize / weight decay) is bit-identical to the js kernel, tail included', () => {
      for (const n of [1, 6, 1031]) {
        for (const [maximize, weightDecay] of [[false, 0], [true, 0], [false, 0.01]] as const) {
          const o = { lr: 0.05, momentum: 0, dampC: 1, weightDecay, nesterov: false, maximize, firstStep: false };
          const p = rand(n, 31), pj = p.slice(), g = rand(n, 32);
          k.sgdStepWith(p, g, null, o);
          jsBackend.sgdStep(pj, g, null, o);
          assert.deepEqual(p, pj, `n=${n} maximize=${maximize} weightDecay=${weightDecay}`);
        }
      }
    });
  });
}

describe('backend/wasm: worker pool (2 threads, shared memory)', () => {
  const loaded = loadNodeWasmKernels({ threads: 2, minGemmWork: 1 })!;
  after(() => loaded.pool?.close());
  it('splits GEMMs by rows and by columns with the same results', async () => {
    assert.ok(loaded.pool, 'shared memory available in Node');
    assert.equal(await loaded.pool.ready(), true);
    const k = loaded.kernels;
    for (const tA of [false, true]) {
      for (const tB of [false, true]) {
        checkGemm(k, tA, tB, 130, 33, 70, { alpha: 1.5, beta: 0.5, pad: 2 }); // split by rows
        checkGemm(k, tA, tB, 17, 301, 65, { beta: 0 }); // split by columns
        checkGemm(k, tA, tB, 1, 1, 1);
      }
    }
  });
});

describe('backend/wasm: strided gathers (.contiguous() of views)', () => {
  const k = loadWasmKernels()!;
  const gatherRef = (src: Float32Array, off: number, shape: number[], st: number[]): Float32Array => {
    const out: number[] = [];
    const walk = (d: number, o: number): void => {
      if (d === shape.length) { out.push(src[o]!); return; }
      for (let i = 0; i < shape[d]!; i++) walk(d + 1, o + i * st[d]!);
    };
    walk(0, off);
    return Float32Array.from(out);
  };
  it('matches an index-by-index walk for permutes, narrow views, transposes, broadcasts and size-1 dims', () => {
    const src = rand(8 * 64 * 384 + 8, 71);
    const cases: [number, number[], number[]][] = [
      [0, [8, 64, 4, 32], [8192, 32, 2048, 1]], // (B, H, T, hd) → (B, T, H, hd): head merge
      [5, [8, 4, 64, 32], [24576, 32, 384, 1]], // one third of a qkv buffer, heads split out
      [3, [512, 128], [1, 512]], // a transpose
      [0, [7, 1, 9], [0, 5, 1]], // broadcast along dim 0, a size-1 dim
      [2, [3, 5], [40, 3]], // strided rows and columns
      [0, [4], [0]], // an expanded scalar
      // contiguous rows of 4, 12, 20 and 40 floats (copied two vectors at a time, then one) and of 6 (memory.copy)
      [1, [5, 4], [9, 1]], [3, [5, 12], [20, 1]], [0, [3, 2, 20], [100, 24, 1]], [2, [6, 40], [41, 1]], [0, [7, 6], [8, 1]],
    ];
    for (const [off, shape, st] of cases) {
      const n = shape.reduce((a, b) => a * b, 1);
      const got = new Float32Array(n);
      k.gatherStrided(src, off, shape, st, got);
      assert.deepEqual(got, gatherRef(src, off, shape, st), `shape [${shape}] strides [${st}]`);
    }
  });
  it('scatters back what it gathered, for rows of whole vectors and not, leaving the rest of the span alone', () => {
    const shared = loadWasmKernels({ shared: true })!;
    for (const [off, shape, st] of [[1, [5, 4], [9, 1]], [3, [5, 12], [20, 1]], [0, [3, 2, 20], [100, 24, 1]], [2, [6, 40], [41, 1]], [0, [7, 6], [8, 1]]] as [number, number[], number[]][]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const dst = shared.pinBlank(400)!;
      dst.fill(-7);
      const src = rand(n, 74);
      shared.scatterStrided(src, dst, off, shape, st);
      const want = new Float32Array(400).fill(-7);
      let j = 0;
      const walk = (d: number, o: number): void => {
        if (d === shape.length) { want[o] = src[j++]!; return; }
        for (let i = 0; i < shape[d]!; i++) walk(d + 1, o + i * st[d]!);
      };
      walk(0, off);
      assert.deepEqual(Float32Array.from(dst), want, `scatter shape [${shape}] strides [${st}]`);
    }
  });
  it('rejects views it cannot gather', () => {
    const src = rand(16, 72), out = new Float32Array(16);
    assert.throws(() => k.gatherStrided(src, 0, [2, 2, 2, 2, 1], [8, 4, 2, 1, 1], out), /≤ 4 dims/);
    assert.throws(() => k.gatherStrided(src, 15, [2], [-1], out), /non-negative strides/);
    assert.throws(() => k.gatherStrided(src, 10, [4, 4], [4, 1], out), /outside/);
  });
  it('the wasm backend gives the js backend\'s bytes for .contiguous() of large views', () => {
    const x = rand(8 * 64 * 384, 73);
    const view = { data: x, shape: [8, 4, 64, 32], strides: [24576, 32, 384, 1], offset: 128 };
    const a = new Float32Array(65536), b = new Float32Array(65536);
    wasmBackend()!.unary('identity', view, a);
    jsBackend.unary('identity', view, b);
    assert.deepEqual(a, b);
  });
});

describe('backend/wasm: elementwise ops on strided views (gathered inside wasm memory)', () => {
  const be = wasmBackend()!;
  it('gives the js backend\'s bytes for narrowed, transposed, broadcast and size-1 layouts', () => {
    const big = rand(8 * 64 * 384 + 16, 81), g = rand(8 * 64 * 128, 82);
    type V = { data: Float32Array; shape: number[]; strides: number[]; offset: number };
    const cases: [string, V, V][] = [
      ['qkv third + contiguous', { data: big, shape: [8, 64, 128], strides: [24576, 384, 1], offset: 128 }, { data: g, shape: [8, 64, 128], strides: [8192, 128, 1], offset: 0 }],
      ['qkv third + transposed', { data: big, shape: [8, 64, 128], strides: [24576, 384, 1], offset: 256 }, { data: g, shape: [8, 64, 128], strides: [8192, 1, 64], offset: 0 }],
      ['transposed + broadcast row', { data: g, shape: [128, 512], strides: [1, 128], offset: 0 }, { data: big, shape: [128, 512], strides: [0, 1], offset: 7 }],
      ['4-d permute + size-1 dim', { data: g, shape: [8, 4, 1, 64, 32], strides: [8192, 32, 0, 128, 1], offset: 0 }, { data: big, shape: [8, 4, 1, 64, 32], strides: [24576, 32, 5, 384, 1], offset: 3 }],
      ['strided 1-d', { data: big, shape: [4096], strides: [3], offset: 1 }, { data: g, shape: [4096], strides: [2], offset: 0 }],
    ];
    for (const op of ['add', 'sub', 'mul', 'div', 'maximum', 'reluBackward', 'geluErfBackward'] as const) {
      for (const [name, a, b] of cases) {
        const n = a.shape.reduce((x, y) => x * y, 1);
        const got = new Float32Array(n).fill(NaN), want = new Float32Array(n);
        be.binary(op, a, b, got);
        jsBackend.binary(op, a, b, want);
        for (let i = 0; i < n; i++) {
          if (!(Math.abs(got[i]! - want[i]!) <= 1e-6 * (1 + Math.abs(want[i]!)))) assert.fail(`${op} ${name}: [${i}] = ${got[i]}, expected ${want[i]}`);
        }
      }
    }
  });
  it('rejects a view outside its storage', () => {
    const k = loadWasmKernels()!;
    const src = rand(100, 83), out = new Float32Array(64);
    assert.throws(() => k.binaryStrided('add', { data: src, offset: 50, strides: [8, 1] }, { data: src, offset: 0, strides: [8, 1] }, [8, 8], out), /outside/);
    assert.throws(() => k.binaryStrided('add', { data: src, offset: 0, strides: [8, 1] }, { data: src, offset: 0, strides: [8, 1] }, [8, 4], out), /32 elements, out has 64/);
  });
});

describe('backend/wasm: worker pool splits elementwise kernels and softmax rows', () => {
  const loaded = loadNodeWasmKernels({ threads: 2 })!;
  const single = loadWasmKernels()!;
  after(() => loaded.pool?.close());
  it('gives bit-identical results to one call, for odd lengths and row counts', async () => {
    assert.equal(await loaded.pool!.ready(), true);
    for (const n of [1, 7, 4099, 100003]) {
      const x = rand(n, 51, -4, 4), y = rand(n, 52, -4, 4);
      for (const op of ['exp', 'gelu', 'tanh'] as const) {
        const got = new Float32Array(n), want = new Float32Array(n);
        loaded.kernels.unary(op, x, got);
        single.unary(op, x, want);
        assert.deepEqual(got, want, `unary ${op} n=${n}`);
      }
      const got = new Float32Array(n), want = new Float32Array(n);
      loaded.kernels.binary('geluErfBackward', x, y, got);
      single.binary('geluErfBackward', x, y, want);
      assert.deepEqual(got, want, `geluErfBackward n=${n}`);
    }
    for (const [rows, cols] of [[1, 5], [13, 7], [2049, 64]] as const) {
      const x = rand(rows * cols, 53, -6, 6);
      for (const log of [false, true]) {
        const got = new Float32Array(rows * cols), want = new Float32Array(rows * cols);
        loaded.kernels.softmaxRows(x, rows, cols, got, { log });
        single.softmaxRows(x, rows, cols, want, { log });
        assert.deepEqual(got, want, `softmax log=${log} ${rows}x${cols}`);
        const g = rand(rows * cols, 54, -2, 2);
        loaded.kernels.softmaxBackwardRows(g, want, rows, cols, got, { log });
        const ref = new Float32Array(rows * cols);
        single.softmaxBackwardRows(g, want, rows, cols, ref, { log });
        assert.deepEqual(got, ref, `softmax backward log=${log} ${rows}x${cols}`);
        jsBackend.softmaxBackward(g, want, rows, cols, 1, ref, log);
        for (let i = 0; i < rows * cols; i++) assert.ok(Math.abs(got[i]! - ref[i]!) <= 1e-5 * (1 + Math.abs(ref[i]!)), `vs js at ${i}: ${got[i]} ${ref[i]}`);
      }
    }
  });
});

describe('backend/wasm: worker pool shares out a batch of small GEMMs whole', () => {
  // Each 24x20x9 GEMM is below minGemmWork, the batch is above it: whole matrices go to each thread.
  const loaded = loadNodeWasmKernels({ threads: 2, minGemmWork: 24 * 20 * 9 * 4 })!;
  const single = loadWasmKernels()!;
  after(() => loaded.pool?.close());
  it('matches the single-threaded batch, with transposes, a shared (broadcast) operand and an odd count', async () => {
    assert.equal(await loaded.pool!.ready(), true);
    const M = 24, N = 20, K = 9, nb = 7;
    for (const tA of [false, true]) {
      for (const tB of [false, true]) {
        const lda = tA ? M : K, ldb = tB ? K : N;
        const A = rand(nb * M * K + 3, 41), B = rand(K * N + 5, 42);
        const aOffs = Array.from({ length: nb }, (_, i) => 3 + i * M * K);
        const bOffs = Array.from({ length: nb }, () => 5); // one B for the whole batch
        const got = new Float32Array(nb * M * N), want = new Float32Array(nb * M * N);
        loaded.kernels.sgemmBatched(tA, tB, M, N, K, A, aOffs, lda, B, bOffs, ldb, got, 0);
        single.sgemmBatched(tA, tB, M, N, K, A, aOffs, lda, B, bOffs, ldb, want, 0);
        assert.deepEqual(got, want, `tA=${tA} tB=${tB}`);
      }
    }
  });
  it('keeps its workers alive when the memory grew after they started (pointer list read inside wasm)', async () => {
    const k = loadWasmKernels({ shared: true, workspaces: 2 })!;
    const errors: unknown[] = [];
    const pool = new WasmThreadPool(k, (init) => spawnNodeWorker(init).on('error', (e) => errors.push(e)),
      { threads: 2, canBlock: true, minGemmWork: 64 * 64 * 32 + 1 });
    try {
      assert.equal(await pool.ready(), true);
      const before = k.memory.buffer.byteLength;
      const M = 64, N = 64, K = 32, nb = 256; // 12 MB of operands: the memory grows past what the workers saw
      const A = rand(nb * M * K, 61), B = rand(nb * K * N, 62);
      const offs = (len: number) => Array.from({ length: nb }, (_, i) => i * len);
      const got = new Float32Array(nb * M * N), want = new Float32Array(nb * M * N);
      k.sgemmBatched(false, false, M, N, K, A, offs(M * K), K, B, offs(K * N), N, got, 0);
      single.sgemmBatched(false, false, M, N, K, A, offs(M * K), K, B, offs(K * N), N, want, 0);
      assert.ok(k.memory.buffer.byteLength > before, 'the batch should have grown the memory');
      assert.deepEqual(got, want);
      await new Promise((r) => setTimeout(r, 50)); // a worker's exception arrives as an event
      assert.deepEqual(errors, []);
    } finally {
      pool.close();
    }
  });
});

describe('backend/wasm: reductions over any dim (sum, amax, amin)', () => {
  it('give the js backend\'s values over leading, middle and last dims, NaN and ±Inf included, through the wasm kernels', () => {
    const be = wasmBackend()!;
    const v = rand(6 * 50 * 9, 131, -3, 3);
    v[2 * 450 + 7 * 9 + 4] = NaN;   // image 2, row 7, column 4
    v[5 * 450 + 49 * 9 + 8] = NaN;  // the last element
    v[1 * 450 + 3 * 9 + 0] = Infinity;
    v[4 * 450 + 0 * 9 + 2] = -Infinity;
    const x = tensor(Array.from(v)).reshape([6, 50, 9]);
    const calls: string[] = [];
    const k = be.kernels;
    const rows = k.reduceRows.bind(k), mid = k.reduceMid.bind(k);
    k.reduceRows = (op, ...rest) => { calls.push(`rows ${op}`); return rows(op, ...rest); };
    k.reduceMid = (op, ...rest) => { calls.push(`mid ${op}`); return mid(op, ...rest); };
    try {
      for (const dims of [0, 1, 2, [0, 2]] as const) {
        for (const [name, f] of [['sum', sum], ['amax', amax], ['amin', amin]] as const) {
          const want = withBackend('js', () => f(x, dims as number | number[]).toFlatArray() as number[]);
          const got = withBackend('wasm', () => f(x, dims as number | number[]).toFlatArray() as number[]);
          assert.equal(got.length, want.length);
          for (let i = 0; i < want.length; i++) {
            const ok = name === 'sum' ? Object.is(got[i], want[i]) || Math.abs(got[i]! - want[i]!) <= 1e-5 * 300 : Object.is(got[i], want[i]) || (got[i] === 0 && want[i] === 0);
            assert.ok(ok, `${name} over ${JSON.stringify(dims)} [${i}]: wasm ${got[i]}, js ${want[i]}`);
          }
        }
      }
    } finally {
      k.reduceRows = rows; k.reduceMid = mid;
    }
    // dims 1 and 0 reduce a middle/leading dim (reduceMid), dim 2 the last one (reduceRows); [0, 2] permutes first.
    for (const op of ['sum', 'max', 'min']) {
      assert.ok(calls.includes(`mid ${op}`) && calls.includes(`rows ${op}`), `${op} ran both wasm kernels: ${calls.join(', ')}`);
    }
  });
});
