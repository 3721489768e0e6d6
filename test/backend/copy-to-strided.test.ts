// Backend.copyToStrided: a contiguous source written into a strided view (the backward of narrow/split,
// slice assignment). Both backends, plain and pinned destinations (the wasm backend writes a pinned
// float32 one with one kernel call), 0-5 dims, inner strides other than 1, size-1 and empty dims: the
// view's elements get the source in order, bit for bit, and nothing else in the storage changes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jsBackend, wasmBackend } from '../../src/backend/index.js';
import type { View } from '../../src/backend/backend.js';

interface Case { shape: number[]; strides: number[]; offset: number }
const CASES: Case[] = [
  { shape: [], strides: [], offset: 5 },
  { shape: [6, 5], strides: [12, 1], offset: 3 },
  { shape: [4, 3, 5], strides: [40, 1, 3], offset: 0 },
  { shape: [2, 3, 4, 5], strides: [200, 60, 15, 1], offset: 7 },
  { shape: [3, 1, 4], strides: [20, 99, 2], offset: 1 },
  { shape: [0, 4], strides: [4, 1], offset: 0 },
  { shape: [2, 2, 2, 2, 3], strides: [100, 40, 16, 6, 1], offset: 2 }, // 5 dims that do not coalesce
  { shape: [64, 128], strides: [384, 1], offset: 128 }, // one of q, k, v in a (64, 384) gradient
  { shape: [16, 16, 32], strides: [1200, 72, 2], offset: 5 }, // inner stride 2, large enough for wasm
];

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const span = (c: Case) => c.offset + (numel(c.shape) === 0 ? 0 : 1 + c.shape.reduce((s, d, i) => s + (d - 1) * c.strides[i]!, 0));

/** What dst must hold afterwards: `before` with the view's elements, in row-major order, taken from src. */
function expected(before: ArrayLike<number>, src: ArrayLike<number>, srcOffset: number, c: Case): number[] {
  const out = Array.from(before);
  const idx = c.shape.map(() => 0);
  for (let k = 0; k < numel(c.shape); k++) {
    out[c.offset + idx.reduce((s, v, i) => s + v * c.strides[i]!, 0)] = src[srcOffset + k]!;
    for (let d = c.shape.length - 1; d >= 0; d--) { if (++idx[d]! < c.shape[d]!) break; idx[d] = 0; }
  }
  return out;
}

function sentinel(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => -1000 - i);
}

describe('backend copyToStrided', () => {
  const wasm = wasmBackend();
  const shared = wasm?.threads.pinKernels() ?? null;
  const backends = [jsBackend, ...(wasm ? [wasm] : [])];

  for (const c of CASES) {
    it(`shape [${c.shape}], strides [${c.strides}], offset ${c.offset}`, () => {
      const n = numel(c.shape), len = span(c) + 3;
      const src = Float32Array.from({ length: n + 2 }, (_, i) => Math.sin(i + 1) * 10);
      for (const be of backends) {
        for (const pinned of shared ? [false, true] : [false]) {
          const data = pinned ? shared!.pinBlank(len)! : new Float32Array(len);
          data.set(sentinel(len));
          const dst: View = { data, shape: c.shape, strides: c.strides, offset: c.offset };
          be.copyToStrided(src, 2, dst);
          assert.deepEqual(Array.from(data), expected(sentinel(len), src, 2, c), `${be.name}, ${pinned ? 'pinned' : 'plain'} destination`);
        }
      }
    });
  }

  it('int32 storage (the JS loop on both backends)', () => {
    const c = CASES[2]!, len = span(c);
    const src = Int32Array.from({ length: numel(c.shape) }, (_, i) => i * 7 - 30);
    for (const be of backends) {
      const data = new Int32Array(len).fill(-1);
      be.copyToStrided(src, 0, { data, shape: c.shape, strides: c.strides, offset: c.offset });
      assert.deepEqual(Array.from(data), expected(new Int32Array(len).fill(-1), src, 0, c), be.name);
    }
  });

  it('the wasm backend writes a large pinned float32 view with one kernel call, a plain one without', (t) => {
    if (!wasm || !shared) return t.skip('no shared wasm memory on this engine');
    const c = CASES[7]!, len = span(c), src = new Float32Array(numel(c.shape)).fill(1.5);
    let calls = 0;
    const original = shared.scatterStrided;
    shared.scatterStrided = function (...args: Parameters<typeof original>) { calls++; return original.apply(this, args); };
    try {
      wasm.copyToStrided(src, 0, { data: shared.pinBlank(len)!, shape: c.shape, strides: c.strides, offset: c.offset });
      assert.equal(calls, 1);
      wasm.copyToStrided(src, 0, { data: new Float32Array(len), shape: c.shape, strides: c.strides, offset: c.offset });
      assert.equal(calls, 1);
    } finally {
      shared.scatterStrided = original;
    }
  });

  it('a pinned source overlapping the destination view is read before it is overwritten', (t) => {
    if (!shared) return t.skip('no shared wasm memory on this engine');
    const block = shared.pinBlank(400)!;
    block.set(Float32Array.from({ length: 400 }, (_, i) => i));
    const before = Array.from(block);
    // Source: elements 50..149 of the block; destination view: 10 rows of every other element from 100.
    const c: Case = { shape: [10, 10], strides: [25, 2], offset: 100 };
    shared.scatterStrided(block.subarray(50, 150), block, c.offset, c.shape, c.strides);
    assert.deepEqual(Array.from(block), expected(before, before, 50, c));
  });
});
