// Kernels with operands pinned in the shared memory (src/backend/wasm/kernels.ts `stage`): each input
// pinned there is read in place, each output pinned there written in place unless it overlaps an input
// read in place. Every combination of pinned and plain operands, in-place aliasing (out = input) and
// partial overlaps must give the copy path's result bit for bit.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadWasmKernels, kernelsOwning, type WasmKernels } from '../../src/backend/wasm/kernels.js';
import { jsBackend, wasmBackend } from '../../src/backend/index.js';

function rand(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = 4 * (s / 2 ** 32) - 2; }
  return out;
}

const shared = loadWasmKernels({ shared: true })!;
const priv = loadWasmKernels()!;

/** A kernel call on (inputs, outputs), run on instance k. */
type Call = (k: WasmKernels, ins: Float32Array[], outs: Float32Array[]) => void;
interface Case { name: string; ins: number[]; outs: number[]; call: Call }

const R = 7, C = 33; // rows, cols (odd: partial vectors at row ends)
/** 2 images of 2 channels 6x6, 3 filters 3x3, padding 1. */
const CONV = { n: 2, c: 2, h: 6, w: 6, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, oh: 6, ow: 6, oc: 3, groups: 1 };
const CASES: Case[] = [
  { name: 'binary mul', ins: [R * C, R * C], outs: [R * C], call: (k, [a, b], [o]) => k.binary('mul', a!, b!, o!) },
  { name: 'binary geluErfBackward', ins: [R * C, R * C], outs: [R * C], call: (k, [a, b], [o]) => k.binary('geluErfBackward', a!, b!, o!) },
  { name: 'binary scalar', ins: [R * C], outs: [R * C], call: (k, [a], [o]) => k.binary('sub', a!, 0.5, o!, { scalarFirst: true }) },
  { name: 'binaryBcast', ins: [R * C, C], outs: [R * C], call: (k, [a, b], [o]) => k.binaryBcast('div', a!, b!, o!, R, C, { rowVec: true }) },
  { name: 'binaryStrided', ins: [R * C, R * C], outs: [R * C], call: (k, [a, b], [o]) =>
    k.binaryStrided('add', { data: a!, offset: 0, strides: [1, R] }, { data: b!, offset: 0, strides: [C, 1] }, [R, C], o!) },
  { name: 'gatherStrided', ins: [R * C], outs: [R * C], call: (k, [a], [o]) => k.gatherStrided(a!, 0, [C, R], [1, C], o!) },
  { name: 'unary gelu', ins: [R * C], outs: [R * C], call: (k, [a], [o]) => k.unary('gelu', a!, o!) },
  { name: 'softmaxRows', ins: [R * C], outs: [R * C], call: (k, [a], [o]) => k.softmaxRows(a!, R, C, o!, { log: true }) },
  { name: 'softmaxBackwardRows', ins: [R * C, R * C], outs: [R * C], call: (k, [g, y], [o]) => k.softmaxBackwardRows(g!, y!, R, C, o!) },
  { name: 'reduceRows sum', ins: [R * C], outs: [R], call: (k, [a], [o]) => k.reduceRows('sum', a!, R, C, o!) },
  { name: 'reduceRows max', ins: [R * C], outs: [R], call: (k, [a], [o]) => k.reduceRows('max', a!, R, C, o!) },
  { name: 'reduceRows min', ins: [R * C], outs: [R], call: (k, [a], [o]) => k.reduceRows('min', a!, R, C, o!) },
  { name: 'reduceMid sum', ins: [R * C], outs: [C], call: (k, [a], [o]) => k.reduceMid('sum', a!, 1, R, C, o!) },
  { name: 'reduceMid max', ins: [R * C], outs: [C], call: (k, [a], [o]) => k.reduceMid('max', a!, 1, R, C, o!) },
  { name: 'reduceMid min', ins: [R * C], outs: [C], call: (k, [a], [o]) => k.reduceMid('min', a!, 1, R, C, o!) },
  { name: 'layerNorm', ins: [R * C, C, C], outs: [R * C, R, R], call: (k, [x, w, b], [o, m, r]) => k.layerNorm(x!, R, C, w!, b!, 1e-5, o!, m!, r!) },
  { name: 'layerNormBackward', ins: [R * C, R * C, R, R, C], outs: [R * C, C, C],
    call: (k, [g, x, m, r, w], [dx, dw, db]) => k.layerNormBackward(g!, x!, m!, r!.map(Math.abs), w!, R, C, dx!, dw!, db!) },
  { name: 'conv2d', ins: [CONV.n * CONV.c * 36, CONV.oc * CONV.c * 9, CONV.oc], outs: [CONV.n * CONV.oc * 36],
    call: (k, [x, w, b], [o]) => k.conv2d(x!, w!, b!, CONV, o!) },
  { name: 'conv2dBackward', ins: [CONV.n * CONV.oc * 36, CONV.n * CONV.c * 36, CONV.oc * CONV.c * 9], outs: [CONV.n * CONV.c * 36, CONV.oc * CONV.c * 9, CONV.oc],
    call: (k, [g, x, w], [dx, dw, db]) => k.conv2dBackward(g!, x!, w!, CONV, dx!, dw!, db!) },
];

/** The case's operands: plain arrays, or views of blocks pinned in `shared` for the bits set in mask. */
function operands(c: Case, mask: number, seed: number): { ins: Float32Array[]; outs: Float32Array[]; blocks: Float32Array[] } {
  const blocks: Float32Array[] = [];
  const make = (n: number, bit: number, s: number) => {
    const data = rand(n, s);
    if (!(mask & (1 << bit))) return data;
    const v = shared.pin(data)!;
    blocks.push(v);
    return v;
  };
  const ins = c.ins.map((n, i) => make(n, i, seed + i));
  const outs = c.outs.map((n, j) => make(n, c.ins.length + j, seed + 100 + j));
  return { ins, outs, blocks };
}

describe('backend/wasm: kernels on pinned operands', () => {
  for (const c of CASES) {
    it(`${c.name}: every combination of pinned inputs and outputs equals the copy path`, () => {
      const { ins: I, outs: O } = operands(c, 0, 1);
      const want = O.map((o) => o.slice());
      c.call(priv, I.map((a) => a.slice()), want);
      for (let mask = 0; mask < 1 << (c.ins.length + c.outs.length); mask++) {
        const { ins, outs, blocks } = operands(c, mask, 1);
        const before = ins.map((a) => a.slice());
        c.call(shared, ins, outs);
        outs.forEach((o, j) => assert.deepEqual(Array.from(o), Array.from(want[j]!), `${c.name} mask ${mask} output ${j}`));
        ins.forEach((a, i) => assert.deepEqual(a, before[i], `${c.name} mask ${mask}: input ${i} unchanged`));
        for (const b of blocks) shared.free(b.byteOffset);
      }
    });
  }

  it('an output that is its pinned input (in place) or overlaps it partly gives the copy path result', () => {
    const n = R * C;
    for (const shift of [0, 5, -5]) {
      // One pinned block holds x at [8, 8 + n) and the output at [8 + shift, 8 + shift + n).
      const base = rand(n + 16, 3);
      const ref = base.slice();
      const x0 = ref.slice(8, 8 + n), o0 = new Float32Array(n);
      priv.unary('tanh', x0, o0);
      ref.set(o0, 8 + shift);
      const block = shared.pin(base)!;
      shared.unary('tanh', block.subarray(8, 8 + n), block.subarray(8 + shift, 8 + shift + n));
      assert.deepEqual(Array.from(block), Array.from(ref), `tanh with the output shifted by ${shift}`);
      // softmax rows in place, and layer norm with its output on its input
      const s = shared.pin(rand(n, 4))!, sRef = s.slice();
      priv.softmaxRows(sRef.slice(), R, C, sRef);
      shared.softmaxRows(s, R, C, s);
      assert.deepEqual(Array.from(s), Array.from(sRef));
      shared.free(block.byteOffset); shared.free(s.byteOffset);
    }
  });

  it('sgemmBatched with pinned A, B and C (heads split out of one buffer) equals the copy path', () => {
    const nb = 6, M = 9, K = 5, ld = 3 * K; // three operands interleaved like q, k, v in one qkv buffer
    const qkv = rand(nb * M * ld, 5);
    const offs = Array.from({ length: nb }, (_, i) => i * M * ld);
    // C = Q · Vᵀ per batch: Q at column 0, V at column 2K (B transposed: N = M rows of V here)
    const run = (k: WasmKernels, src: Float32Array, out: Float32Array) =>
      k.sgemmBatched(false, true, M, M, K, src, offs, ld, src, offs.map((o) => o + 2 * K), ld, out, 4);
    const wantM = new Float32Array(nb * M * M + 4);
    run(priv, qkv.slice(), wantM);
    for (let mask = 0; mask < 4; mask++) {
      const src = mask & 1 ? shared.pin(qkv)! : qkv.slice();
      const out = mask & 2 ? shared.pin(new Float32Array(nb * M * M + 4))! : new Float32Array(nb * M * M + 4);
      run(shared, src, out);
      assert.deepEqual(Array.from(out), Array.from(wantM), `mask ${mask}`);
      for (const v of [src, out]) if (kernelsOwning(v)) shared.free(v.byteOffset);
    }
    // C written over its own pinned A, from the second matrix on (the first result would overwrite operands
    // of later ones): falls back to copies, so the result lands after every operand is read.
    const block = shared.pin(qkv)!;
    const ref = qkv.slice();
    const c0 = new Float32Array(nb * M * M);
    priv.sgemmBatched(false, true, M, M, K, ref, offs, ld, ref, offs, ld, c0, 0);
    ref.set(c0, offs[1]!);
    shared.sgemmBatched(false, true, M, M, K, block, offs, ld, block, offs, ld, block, offs[1]!);
    assert.deepEqual(Array.from(block), Array.from(ref));
    shared.free(block.byteOffset);
  });
});

describe('backend/wasm: GEMM with an expanded scalar operand (leading dimension 0)', () => {
  it('matmul of an all-strides-0 operand equals the js backend, for A and for B, batched too', () => {
    const w = wasmBackend()!;
    const m = 40, n = 36, k = 48;
    const s = new Float32Array([0.75, -1.5]);
    const X = rand(k * n, 6), Y = rand(m * k, 7);
    type MM = (a: Float32Array, ao: number[], ars: number, acs: number, b: Float32Array, bo: number[], brs: number, bcs: number) => void;
    const cases: [string, (mm: MM) => void, number][] = [
      ['A expanded', (mm) => mm(s, [0], 0, 0, X, [0], n, 1), 1],
      ['B expanded', (mm) => mm(Y, [0], k, 1, s, [1], 0, 0), 1],
      ['both, batched with two scalars', (mm) => mm(s, [0, 1], 0, 0, s, [1, 0], 0, 0), 2],
    ];
    for (const [name, call, nb] of cases) {
      const want = new Float32Array(nb * m * n), got = new Float32Array(nb * m * n);
      call((a, ao, ars, acs, b, bo, brs, bcs) => jsBackend.matmul(a, ao, ars, acs, b, bo, brs, bcs, m, n, k, want));
      call((a, ao, ars, acs, b, bo, brs, bcs) => w.matmul(a, ao, ars, acs, b, bo, brs, bcs, m, n, k, got));
      const scale = Math.max(...want.map(Math.abs));
      const worst = Math.max(...got.map((v, i) => Math.abs(v - want[i]!)));
      assert.ok(worst <= 1e-5 * scale, `${name}: max error ${worst} (scale ${scale})`);
    }
  });

  it('sgemm rejects a nonzero leading dimension shorter than a row, and accepts 0', () => {
    const a = rand(4, 1), b = rand(16, 2), c = new Float32Array(16);
    assert.throws(() => priv.sgemm(false, false, 4, 4, 4, a, 0, 2, b, 0, 4, c, 0, 4), /leading dimension/);
    priv.sgemm(false, false, 4, 4, 4, a, 0, 0, b, 0, 4, c, 0, 4);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) {
      let want = 0;
      for (let p = 0; p < 4; p++) want += a[p]! * b[p * 4 + j]!;
      assert.ok(Math.abs(c[i * 4 + j]! - want) < 1e-5);
    }
  });
});
