// test/io/tensor-bridge.test.ts — Tensor ↔ RawTensor for every dtype, half-precision bit patterns, int64 range checks.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { arange, tensor, type DType, type Tensor } from '../../src/index.js';
import {
  TensorConversionError, bfloat16BitsToFloat, floatToBFloat16Bits, floatToHalfBits, halfBitsToFloat, rawToTensor, tensorToRaw,
} from '../../src/io/tensor-bridge.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';

const same = (a: Tensor, b: Tensor) => {
  assert.equal(a.dtype, b.dtype);
  assert.deepEqual(a.shape, b.shape);
  assert.ok(a.toFlatArray().every((v, i) => Object.is(v, b.toFlatArray()[i])), `${a.toFlatArray()} vs ${b.toFlatArray()}`);
};

describe('io/tensor-bridge', () => {
  const cases: [DType, string][] = [['float32', 'F32'], ['float64', 'F64'], ['int32', 'I32'], ['bool', 'BOOL'], ['float16', 'F16'], ['bfloat16', 'BF16']];
  for (const [dtype, raw] of cases) {
    it(`${dtype} ↔ ${raw}, contiguous and non-contiguous, through safetensors bytes`, () => {
      const base = dtype === 'bool' ? arange(12).reshape([3, 4]).remainder(3).eq(0) : arange(12).reshape([3, 4]).sub(5).div(dtype === 'int32' ? 1 : 3).to(dtype);
      for (const t of [base, base.t(), base.narrow(1, 1, 2), base.select(1, 3), base.flip(0)]) {
        const r = tensorToRaw(t);
        assert.equal(r.dtype, raw);
        const back = rawToTensor(decodeSafetensors(encodeSafetensors({ t: r })).tensors.t!);
        same(back, t.contiguous());
        assert.ok(back.isContiguous());
      }
    });
  }
  it('half bit patterns: specials, subnormals, rounding to nearest even', () => {
    const cases: [number, number][] = [[0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2.5, 0xc100], [65504, 0x7bff], [2 ** -24, 0x0001],
      [2 ** -14, 0x0400], [Infinity, 0x7c00], [-Infinity, 0xfc00], [1e6, 0x7c00], [0.1, 0x2e66], [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02]];
    for (const [v, bits] of cases) {
      assert.equal(floatToHalfBits(v), bits, `floatToHalfBits(${v})`);
      if (Math.abs(v) <= 65504 || !Number.isFinite(v)) assert.ok(Object.is(halfBitsToFloat(bits), v) || bits === 0x2e66 || bits === 0x3c00 || bits === 0x3c02, `halfBitsToFloat(${bits})`);
    }
    assert.equal(floatToHalfBits(NaN) & 0x7fff, 0x7e00);
    assert.ok(Number.isNaN(halfBitsToFloat(0x7e00)));
    for (let b = 0; b < 0x10000; b++) {                 // every finite half round-trips exactly
      const v = halfBitsToFloat(b);
      if (!Number.isNaN(v)) assert.equal(floatToHalfBits(v), b);
    }
  });
  it('bfloat16 bit patterns', () => {
    assert.equal(floatToBFloat16Bits(1), 0x3f80);
    assert.equal(floatToBFloat16Bits(-3.140625), 0xc049);
    assert.equal(floatToBFloat16Bits(Infinity), 0x7f80);
    assert.equal(bfloat16BitsToFloat(0x3dcd), 0.10009765625);
    for (let b = 0; b < 0x10000; b += 7) {
      const v = bfloat16BitsToFloat(b);
      if (!Number.isNaN(v)) assert.equal(floatToBFloat16Bits(v), b);
    }
  });
  it('I64 / U8 / I16 load as int32; values beyond int32 throw a clear error', () => {
    const ok = rawToTensor({ dtype: 'I64', shape: [2], data: new BigInt64Array([-(2n ** 31n), 2n ** 31n - 1n]) });
    assert.equal(ok.dtype, 'int32');
    assert.deepEqual(ok.tolist(), [-(2 ** 31), 2 ** 31 - 1]);
    assert.deepEqual(rawToTensor({ dtype: 'U8', shape: [2], data: new Uint8Array([0, 255]) }).tolist(), [0, 255]);
    assert.deepEqual(rawToTensor({ dtype: 'I16', shape: [1], data: new Int16Array([-5]) }).tolist(), [-5]);
    assert.throws(() => rawToTensor({ dtype: 'I64', shape: [3], data: new BigInt64Array([1n, 2n ** 31n, 3n]) }, 'tensor "ids"'),
      (e: unknown) => e instanceof TensorConversionError && /tensor "ids" \(I64, shape \[3\]\) holds 2147483648 at flat index 1, outside int32's range/.test(e.message));
    assert.throws(() => rawToTensor({ dtype: 'U32', shape: [1], data: new Uint32Array([2 ** 32 - 1]) }), TensorConversionError);
  });
  it('bool loads nonzero bytes as true', () => {
    assert.deepEqual(rawToTensor({ dtype: 'BOOL', shape: [3], data: new Uint8Array([0, 2, 1]) }).tolist(), [false, true, true]);
  });
  it('rejects a non-tensor', () => assert.throws(() => tensorToRaw([1, 2] as never), /not a Tensor/));
  it('0-d and empty tensors', () => {
    same(rawToTensor(tensorToRaw(tensor(3.5))), tensor(3.5));
    const e = rawToTensor(tensorToRaw(arange(0).reshape([0, 3]).float()));
    assert.deepEqual(e.shape, [0, 3]);
  });
});
