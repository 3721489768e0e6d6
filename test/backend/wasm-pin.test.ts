// Pinned blocks in a wasm instance's memory (src/backend/wasm/kernels.ts alloc/free/pin) and the kernels
// that use them in place: the allocator never hands out overlapping memory (scratch included), pinned
// views survive memory growth, and in-place results equal the copy path bit for bit.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadWasmKernels, kernelsOwning, type WasmKernels } from '../../src/backend/wasm/kernels.js';
import { jsBackend, wasmBackend } from '../../src/backend/index.js';

function rand(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = 2 * (s / 2 ** 32) - 1; }
  return out;
}
const shared = () => loadWasmKernels({ shared: true })!;
const priv = () => loadWasmKernels()!;

/** A pinned copy of data in k (asserting pinning worked). */
function pinned(k: WasmKernels, data: Float32Array): Float32Array {
  const v = k.pin(data);
  assert.ok(v, 'a shared instance pins');
  return v;
}

describe('backend/wasm: block allocator', () => {
  it('never hands out overlapping blocks, reuses freed ranges and grows memory', () => {
    const k = shared();
    const base = k.allocStats();
    const live = new Map<number, number>();
    let s = 7;
    const next = (m: number) => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s % m; };
    for (let step = 0; step < 2000; step++) {
      if (live.size && next(3) === 0) {
        const keys = [...live.keys()];
        const p = keys[next(keys.length)]!;
        k.free(p); live.delete(p);
      } else {
        const floats = next(5) === 0 ? 50000 + next(200000) : next(3000);
        const p = k.alloc(floats);
        assert.equal(p % 64, 0, 'blocks are 64-byte aligned');
        assert.ok(p >= k.heapStart && p + 4 * floats <= k.memory.buffer.byteLength, 'a block lies inside memory');
        for (const [q, n] of live) assert.ok(p + 4 * floats <= q || q + 4 * n <= p || floats === 0 || n === 0, `block ${p}+${floats} overlaps ${q}+${n}`);
        live.set(p, floats);
      }
    }
    for (const p of live.keys()) k.free(p);
    const end = k.allocStats();
    assert.equal(end.blocks, base.blocks);
    assert.equal(end.top, base.top, 'freeing every block coalesces back to the start');
    assert.equal(end.freeRanges, 0);
  });

  it('rejects freeing a pointer that is not a live block, and double frees', () => {
    const k = shared();
    const p = k.alloc(10);
    assert.throws(() => k.free(p + 64), /not an allocated block/);
    k.free(p);
    assert.throws(() => k.free(p), /not an allocated block/);
    assert.throws(() => k.alloc(-1), /float count/);
  });

  it('scratch is a block too: kernels that grow it never touch pinned data, which stays valid after memory.grow', () => {
    const k = shared();
    const small = rand(1000, 1), a = pinned(k, small);
    const before = k.memory.buffer.byteLength;
    // Ever larger kernel calls move and regrow the scratch block past the pinned one.
    for (const n of [1 << 10, 1 << 16, 1 << 20, 3 << 20]) {
      const x = rand(n, n), out = new Float32Array(n);
      k.unary('neg', x, out);
      assert.equal(out[n - 1], -x[n - 1]!);
      assert.deepEqual(a, small, `pinned data intact after a ${n}-float call`);
    }
    assert.ok(k.memory.buffer.byteLength > before, 'memory grew');
    assert.notEqual(a.buffer, k.memory.buffer, 'the view is over an older SharedArrayBuffer object');
    assert.equal(kernelsOwning(a), k, 'and still recognised as this memory');
    assert.equal(k.ptrOf(a), a.byteOffset);
    // A block allocated after growth is distinct from the pinned one and from the scratch.
    const b = pinned(k, rand(1000, 2));
    assert.ok(b.byteOffset >= a.byteOffset + 4000 || b.byteOffset + 4000 <= a.byteOffset);
  });

  it('a private instance does not pin (its buffer is detached when it grows)', () => {
    assert.equal(priv().pin(rand(10, 1)), null);
    assert.equal(kernelsOwning(rand(10, 1)), null);
  });
});

describe('backend/wasm: kernels use pinned operands in place', () => {
  const M = 37, N = 45, K = 29;
  /** sgemm through the copy path (private instance) as the reference. */
  function ref(tA: boolean, tB: boolean, A: Float32Array, B: Float32Array, C0: Float32Array, ldc: number, beta: number, bias: Float32Array | null): Float32Array {
    const C = C0.slice();
    priv().sgemm(tA, tB, M, N, K, A.slice(), 0, tA ? M : K, B.slice(), 0, tB ? K : N, C, 0, ldc, 1.5, beta, bias && bias.slice());
    return C;
  }

  it('sgemm with every combination of pinned A, B, C (and bias) equals the copy path bit for bit', () => {
    const k = shared();
    for (const [tA, tB] of [[false, false], [true, true], [false, true]] as const) {
      for (let mask = 0; mask < 16; mask++) {
        for (const [beta, ldc, useBias] of [[0, N, false], [0.5, N, false], [0, N + 3, false], [0, N, true]] as const) {
          const A = rand(M * K, 1), B = rand(K * N, 2), C0 = rand(M * ldc, 3), bias = useBias ? rand(N, 4) : null;
          const want = ref(tA, tB, A, B, C0, ldc, beta, bias);
          const a = mask & 1 ? pinned(k, A) : A.slice(), b = mask & 2 ? pinned(k, B) : B.slice();
          const c = mask & 4 ? pinned(k, C0) : C0.slice();
          const bb = bias && (mask & 8 ? pinned(k, bias) : bias.slice());
          k.sgemm(tA, tB, M, N, K, a, 0, tA ? M : K, b, 0, tB ? K : N, c, 0, ldc, 1.5, beta, bb);
          assert.deepEqual(c, want, `tA=${tA} tB=${tB} mask=${mask} beta=${beta} ldc=${ldc} bias=${useBias}`);
          assert.deepEqual(a, A, 'A unchanged');
          for (const v of [a, b, c, bb]) if (v && kernelsOwning(v)) k.free(v.byteOffset);
        }
      }
    }
    assert.equal(k.allocStats().blocks, 1, 'only the scratch block is left');
  });

  it('sgemm whose pinned C overlaps a pinned A falls back to copies (C = A·B into A itself)', () => {
    const k = shared();
    const n = 24, A = rand(n * n, 5), B = rand(n * n, 6);
    const want = new Float32Array(n * n);
    priv().sgemm(false, false, n, n, n, A, 0, n, B, 0, n, want, 0, n);
    const a = pinned(k, A);
    k.sgemm(false, false, n, n, n, a, 0, n, pinned(k, B), 0, n, a, 0, n);
    assert.deepEqual(a, want);
    // Partial overlap: C starts half-way into A's block.
    const big = pinned(k, new Float32Array(n * n + n * n / 2));
    big.set(A);
    const want2 = big.slice();
    priv().sgemm(false, false, n, n, n, want2.slice(0, n * n), 0, n, B, 0, n, want2, n * n / 2, n);
    k.sgemm(false, false, n, n, n, big, 0, n, B, 0, n, big, n * n / 2, n);
    assert.deepEqual(big, want2);
  });

  it('sgdStep and adamStep on pinned p, grad, momentum, m, v equal the copy path bit for bit', () => {
    const k = shared(), n = 1000;
    const sgd = { lr: 0.1, momentum: 0.9, dampC: 0.9, weightDecay: 0.01, nesterov: false, maximize: false, firstStep: false };
    const adam = { beta1: 0.9, oneMinusBeta1: 0.1, beta2: 0.999, oneMinusBeta2: 0.001, eps: 1e-8, weightDecay: 0.01, decoupled: true,
      decay: 0.999, maximize: false, stepSize: 0.01, bc2Sqrt: 0.1 };
    for (let mask = 0; mask < 16; mask++) {
      const P = rand(n, 1), G = rand(n, 2), Bf = rand(n, 3), V = rand(n, 4).map(Math.abs);
      const [p0, g0, b0] = [P.slice(), G.slice(), Bf.slice()];
      priv().sgdStepWith(p0, g0, b0, sgd);
      const pin = (bit: number, x: Float32Array) => (mask & bit ? pinned(k, x) : x.slice());
      const [p, g, b] = [pin(1, P), pin(2, G), pin(4, Bf)];
      k.sgdStepWith(p, g, b, sgd);
      assert.deepEqual([p, b], [p0, b0], `sgd mask ${mask}`);
      const [q0, h0, m0, v0] = [P.slice(), G.slice(), Bf.slice(), V.slice()];
      priv().adamStepWith(q0, h0, m0, v0, adam);
      const [q, h, m, v] = [pin(1, P), pin(2, G), pin(4, Bf), pin(8, V)];
      k.adamStepWith(q, h, m, v, adam);
      assert.deepEqual([q, m, v], [q0, m0, v0], `adam mask ${mask}`);
    }
  });

  it('sgdStep with partially overlapping pinned p and momentum buffer falls back to copies', () => {
    const k = shared(), n = 512;
    const o = { lr: 0.1, momentum: 0.9, dampC: 1, weightDecay: 0, nesterov: false, maximize: false, firstStep: false };
    const block = pinned(k, rand(n + 64, 9));
    const ref = block.slice(), gr = rand(n, 10);
    const rp = ref.subarray(0, n), rb = ref.subarray(64, 64 + n);
    priv().sgdStepWith(rp, gr, rb, o);      // copy path: p copied out first, then buf over it
    k.sgdStepWith(block.subarray(0, n), gr, block.subarray(64, 64 + n), o);
    assert.deepEqual(block, ref);
  });

  it('a view pinned in one instance is copied (correctly) by another', () => {
    const k1 = shared(), k2 = shared(), n = 300;
    const P = rand(n, 1), G = rand(n, 2);
    const o = { lr: 0.5, momentum: 0, dampC: 1, weightDecay: 0, nesterov: false, maximize: false, firstStep: false };
    const p = pinned(k1, P), want = P.slice();
    priv().sgdStepWith(want, G, null, o);
    k2.sgdStepWith(p, G, null, o);
    assert.deepEqual(p, want);
  });
});

describe('backend: pin', () => {
  it('js pins nothing; wasm pins float32 arrays from the elementwise threshold up (when shared memory exists)', () => {
    assert.equal(jsBackend.pin(rand(1000, 1), {}), null);
    const w = wasmBackend()!;
    assert.equal(w.pin(rand(10, 1), {}), null, 'tiny arrays stay on the JS kernels');
    const data = rand(1000, 1), v = w.pin(data, {});
    if (v) {
      assert.deepEqual(v, data);
      assert.ok(kernelsOwning(v));
    }
  });
});
