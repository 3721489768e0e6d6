// test/io/npy.test.ts — .npy fixtures from NumPy (dtypes, byte orders, Fortran order, v1-v3), round trips, errors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeNpy, encodeNpy, NpyError, readNpyHeader } from '../../src/io/npy.js';
import { type RawDType, type RawTensor, toLittleEndianBytes } from '../../src/io/raw-tensor.js';

const DIR = join(process.cwd(), 'test', 'golden', 'io');
interface Case { dtype: RawDType; shape: number[]; descr: string; fortran_order: boolean; version: [number, number]; hex: string }
const CASES: Record<string, Case> = JSON.parse(readFileSync(join(DIR, 'npy_expected.json'), 'utf8'));
const load = (name: string) => new Uint8Array(readFileSync(join(DIR, 'npy', name)));
const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** A v1 .npy file with the given header text (padded like numpy) followed by `data`. */
function craft(header: string, data: Uint8Array = new Uint8Array(0), version = 1): Uint8Array {
  const prefix = version === 1 ? 10 : 12;
  let text = header;
  while ((prefix + text.length + 1) % 64) text += ' ';
  text += '\n';
  const out = new Uint8Array(prefix + text.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, text.length, true); else dv.setUint32(8, text.length, true);
  for (let k = 0; k < text.length; k++) out[prefix + k] = text.charCodeAt(k);
  out.set(data, prefix + text.length);
  return out;
}

function throwsNpy(fn: () => unknown, message: RegExp) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof NpyError, `expected NpyError, got ${e}`);
    assert.match(e.message, message);
    return true;
  });
}

describe('io/npy: NumPy fixtures', () => {
  assert.ok(Object.keys(CASES).length >= 20);
  for (const [name, c] of Object.entries(CASES)) {
    it(`decodes ${name} (${c.descr}, ${c.fortran_order ? 'F' : 'C'} order, v${c.version[0]}) to C order`, () => {
      const bytes = load(`${name}.npy`);
      const h = readNpyHeader(bytes);
      assert.deepEqual(h.version, c.version);
      assert.equal(h.descr, c.descr);
      assert.equal(h.fortranOrder, c.fortran_order);
      const t = decodeNpy(bytes);
      assert.equal(t.dtype, c.dtype);
      assert.deepEqual(t.shape, c.shape);
      assert.equal(hex(toLittleEndianBytes(t.data)), c.hex);
    });
    it(`re-encodes ${name} byte-identically to numpy.save of the little-endian C-order array`, () => {
      assert.equal(hex(encodeNpy(decodeNpy(load(`${name}.npy`)))), hex(load(`${name}.canon.npy`)));
    });
  }

  it('decoded values are right, not just bytes', () => {
    const f = decodeNpy(load('f8_fortran.npy'));
    assert.deepEqual(Array.from(f.data as Float64Array), Array.from({ length: 12 }, (_, k) => k / 7));
    const i = decodeNpy(load('i8.npy'));
    assert.deepEqual(Array.from(i.data as BigInt64Array), [-(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n, -5n]);
    const be = decodeNpy(load('i4_be.npy'));
    assert.deepEqual(Array.from(be.data as Int32Array), [-2, -1, 0, 1, 2].map((k) => k * 1000003));
    const b = decodeNpy(load('b1_fortran.npy'));
    assert.deepEqual(Array.from(b.data as Uint8Array), [1, 0, 0, 1, 1, 0]);
    const s = decodeNpy(load('scalar_f8.npy'));
    assert.deepEqual([s.shape, s.data[0]], [[], 2.718281828459045]);
  });

  it('decodes a Node Buffer carved from the shared pool', () => {
    const pooled = Buffer.concat([Buffer.from([7]), load('i8.npy')]).subarray(1);
    assert.equal(hex(toLittleEndianBytes(decodeNpy(pooled).data)), CASES.i8.hex);
  });

  it('writes format 2.0 and 3.0 like numpy.lib.format.write_array', () => {
    assert.equal(hex(encodeNpy(decodeNpy(load('v2_i4.npy')), { version: 2 })), hex(load('v2_i4.npy')));
    assert.equal(hex(encodeNpy(decodeNpy(load('v3_f4.npy')), { version: 3 })), hex(load('v3_f4.npy')));
  });
});

describe('io/npy: round trips', () => {
  const cases: RawTensor[] = [
    { dtype: 'F32', shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) },
    { dtype: 'F16', shape: [1], data: new Uint16Array([0x3c00]) },
    { dtype: 'U64', shape: [1, 1, 1], data: new BigUint64Array([2n ** 64n - 1n]) },
    { dtype: 'BOOL', shape: [0, 4], data: new Uint8Array(0) },
    { dtype: 'I16', shape: [], data: new Int16Array([-3]) },
    { dtype: 'U8', shape: [123456], data: new Uint8Array(123456).fill(7) },   // first axis of 6 digits
  ];
  for (const t of cases) {
    it(`${t.dtype} [${t.shape}]`, () => {
      const bytes = encodeNpy(t);
      assert.equal(readNpyHeader(bytes).dataOffset % 64, 0);
      assert.deepEqual(decodeNpy(bytes), t);
    });
  }
  it('switches to format 2.0 automatically when the header outgrows 65535 bytes', () => {
    const shape = [...new Array<number>(30000).fill(1), 2];                  // 30001-dim: header > 64 KiB
    const bytes = encodeNpy({ dtype: 'U8', shape, data: new Uint8Array([1, 2]) });
    assert.equal(bytes[6], 2);
    assert.deepEqual(decodeNpy(bytes).shape, shape);
    throwsNpy(() => encodeNpy({ dtype: 'U8', shape, data: new Uint8Array([1, 2]) }, { version: 1 }), /does not fit format 1.0/);
  });
});

describe('io/npy: errors', () => {
  const f4 = new Uint8Array(new Float32Array([1, 2]).buffer);
  const good = () => craft("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", f4);
  it('sanity: the crafted file decodes', () => assert.deepEqual(Array.from(decodeNpy(good()).data as Float32Array), [1, 2]));
  it('accepts Python 2 long literals and double quotes', () =>
    assert.deepEqual(decodeNpy(craft('{"descr": "<f4", "fortran_order": False, "shape": (2L,)}', f4)).shape, [2]));

  it('too short', () => throwsNpy(() => decodeNpy(new Uint8Array(4)), /input is 4 bytes, too short/));
  it('bad magic', () => throwsNpy(() => decodeNpy(new Uint8Array(64).fill(1)), /missing the "\\x93NUMPY" magic/));
  it('unsupported version', () => {
    const b = good(); b[6] = 4;
    throwsNpy(() => decodeNpy(b), /unsupported format version 4.0/);
  });
  it('header past end of file', () => throwsNpy(() => decodeNpy(good().subarray(0, 40)), /header length 118 runs past the end of the input \(40 bytes\)/));
  it('unparsable header', () => throwsNpy(() => decodeNpy(craft("{'descr': '<f4', 'shape': (2,) 'x'}")), /cannot parse header .*expected "," or "\}"/));
  it('header that is not a dict', () => throwsNpy(() => decodeNpy(craft('(1, 2)')), /is not a dict/));
  it('missing or extra keys', () => {
    throwsNpy(() => decodeNpy(craft("{'descr': '<f4', 'shape': (2,)}", f4)), /header keys are \["descr","shape"\]/);
    throwsNpy(() => decodeNpy(craft("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", f4)), /expected exactly descr, fortran_order and shape/);
  });
  it('structured dtype', () =>
    throwsNpy(() => decodeNpy(craft("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}", f4)), /structured dtype/));
  it('object dtype', () =>
    throwsNpy(() => decodeNpy(craft("{'descr': '|O', 'fortran_order': False, 'shape': (1,)}", f4)), /unsupported dtype '\|O' \(object arrays need pickle\)/));
  it('complex and other unsupported dtypes', () => {
    throwsNpy(() => decodeNpy(craft("{'descr': '<c8', 'fortran_order': False, 'shape': (1,)}", f4)), /unsupported dtype '<c8'/);
    throwsNpy(() => decodeNpy(craft("{'descr': '<U3', 'fortran_order': False, 'shape': (1,)}", f4)), /unsupported dtype '<U3'/);
  });
  it('bad fortran_order', () =>
    throwsNpy(() => decodeNpy(craft("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,)}", f4)), /fortran_order 0 is not True or False/));
  it('bad shape', () =>
    throwsNpy(() => decodeNpy(craft("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,)}", f4)), /shape \[-2\] is not a tuple of non-negative integers/));
  it('truncated data', () =>
    throwsNpy(() => decodeNpy(good().subarray(0, good().length - 1)), /needs 8 data bytes but the file has 7 \(truncated file\?\)/));
  it('trailing bytes', () => {
    const b = new Uint8Array(good().length + 2);
    b.set(good());
    throwsNpy(() => decodeNpy(b), /needs 8 data bytes but the file has 10 \(trailing bytes/);
  });
  it('invalid UTF-8 in a v3 header', () => {
    const b = craft("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", f4, 3);
    b[14] = 0xff;
    throwsNpy(() => decodeNpy(b), /v3 header is not valid UTF-8/);
  });
  it('encode: dtype NumPy lacks', () =>
    throwsNpy(() => encodeNpy({ dtype: 'BF16', shape: [1], data: new Uint16Array(1) }), /NumPy has no dtype for BF16/));
  it('encode: malformed tensor', () =>
    throwsNpy(() => encodeNpy({ dtype: 'F32', shape: [3], data: new Float32Array(2) }), /shape \[3\] \(3 elements\) but its data holds 2/));
});
