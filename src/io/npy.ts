// src/io/npy.ts — NumPy .npy (format versions 1.0, 2.0, 3.0) decode/encode on plain byte arrays.
//
// Layout (numpy.lib.format): magic "\x93NUMPY", major and minor version bytes, header length
// (u16 LE in v1, u32 LE in v2/v3), then a Python dict literal
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } padded with spaces and ended by
// "\n" so the data starts on a 64-byte boundary, then the raw elements. v3 only changes the
// header's text encoding from latin-1 to UTF-8.

import { TsgradError } from '../tensor/errors.js';
import {
  type RawData, type RawDType, type RawTensor, itemSize, numel, rawTensorProblem,
  readElements, toLittleEndianBytes,
} from './raw-tensor.js';

/** Thrown for malformed .npy input, unsupported dtypes or bad arguments. */
export class NpyError extends TsgradError {}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];   // \x93 N U M P Y

/** NumPy's kind+size codes and the RawDType each maps to. */
const FROM_NUMPY: Record<string, RawDType> = {
  f2: 'F16', f4: 'F32', f8: 'F64',
  i1: 'I8', i2: 'I16', i4: 'I32', i8: 'I64',
  u1: 'U8', u2: 'U16', u4: 'U32', u8: 'U64',
  b1: 'BOOL', '?': 'BOOL',
};
const TO_NUMPY: Partial<Record<RawDType, string>> = {
  F16: '<f2', F32: '<f4', F64: '<f8',
  I8: '|i1', I16: '<i2', I32: '<i4', I64: '<i8',
  U8: '|u1', U16: '<u2', U32: '<u4', U64: '<u8',
  BOOL: '|b1',
};

// ---- a reader for the Python literal subset numpy writes: dicts, tuples, lists, str, int, bools

type PyValue = string | number | boolean | null | PyValue[] | PyDict;
interface PyDict { kind: 'dict'; entries: [PyValue, PyValue][] }

function parsePythonLiteral(src: string): PyValue {
  let i = 0;
  const fail = (what: string): never => {
    throw new NpyError(`decodeNpy: cannot parse header ${JSON.stringify(src.trim())}: ${what} at character ${i}`);
  };
  const skip = () => { while (i < src.length && /\s/.test(src[i])) i++; };
  const sequence = (close: string): PyValue[] => {
    const items: PyValue[] = [];
    for (;;) {
      skip();
      if (src[i] === close) { i++; return items; }
      items.push(value());
      skip();
      if (src[i] === ',') i++;
      else if (src[i] !== close) fail(`expected "," or "${close}"`);
    }
  };
  const value = (): PyValue => {
    skip();
    const c = src[i];
    if (c === '{') {
      i++;
      const entries: [PyValue, PyValue][] = [];
      for (;;) {
        skip();
        if (src[i] === '}') { i++; return { kind: 'dict', entries }; }
        const k = value();
        skip();
        if (src[i] !== ':') fail('expected ":"');
        i++;
        entries.push([k, value()]);
        skip();
        if (src[i] === ',') i++;
        else if (src[i] !== '}') fail('expected "," or "}"');
      }
    }
    if (c === '(') { i++; return sequence(')'); }
    if (c === '[') { i++; return sequence(']'); }
    if (c === "'" || c === '"') {
      i++;
      let s = '';
      while (i < src.length && src[i] !== c) {
        if (src[i] === '\\' && i + 1 < src.length) { i++; s += ({ n: '\n', t: '\t', r: '\r', '0': '\0' } as Record<string, string>)[src[i]] ?? src[i]; }
        else s += src[i];
        i++;
      }
      if (i >= src.length) fail('unterminated string');
      i++;
      return s;
    }
    const m = /^(-?\d+)L?|^(True|False|None)\b/.exec(src.slice(i));
    if (!m) return fail('unexpected input');
    i += m[0].length;
    if (m[1] !== undefined) return Number(m[1]);
    return m[2] === 'True' ? true : m[2] === 'False' ? false : null;
  };
  const v = value();
  skip();
  if (i !== src.length) fail('unexpected trailing input');
  return v;
}

export interface NpyHeader {
  version: [number, number];
  /** The descr string as written, e.g. '<f4' or '>i8'. */
  descr: string;
  dtype: RawDType;
  littleEndian: boolean;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset at which the array data starts. */
  dataOffset: number;
}

/** Parses and validates the header of a .npy file without touching the data. */
export function readNpyHeader(bytes: Uint8Array): NpyHeader {
  const fail = (msg: string): never => { throw new NpyError(`decodeNpy: ${msg}`); };
  if (!(bytes instanceof Uint8Array)) fail('expected a Uint8Array');
  if (bytes.length < 10 || !MAGIC.every((b, k) => bytes[k] === b)) {
    fail(bytes.length < 10 ? `input is ${bytes.length} bytes, too short for a .npy header (truncated file?)`
      : 'missing the "\\x93NUMPY" magic string (not a .npy file)');
  }
  const major = bytes[6], minor = bytes[7];
  if (major < 1 || major > 3 || minor !== 0) fail(`unsupported format version ${major}.${minor}; expected 1.0, 2.0 or 3.0`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number, start: number;
  if (major === 1) { headerLength = dv.getUint16(8, true); start = 10; }
  else {
    if (bytes.length < 12) fail(`input is ${bytes.length} bytes, too short for a v${major} header (truncated file?)`);
    headerLength = dv.getUint32(8, true); start = 12;
  }
  if (start + headerLength > bytes.length) {
    fail(`header length ${headerLength} runs past the end of the input (${bytes.length} bytes); truncated file?`);
  }
  const raw = bytes.subarray(start, start + headerLength);
  let text: string;
  if (major === 3) {
    try { text = new TextDecoder('utf-8', { fatal: true }).decode(raw); }
    catch { return fail('v3 header is not valid UTF-8'); }
  } else {
    text = Array.from(raw, (b) => String.fromCharCode(b)).join('');   // true latin-1
  }

  const dict = parsePythonLiteral(text);
  if (dict === null || typeof dict !== 'object' || Array.isArray(dict)) return fail(`header ${JSON.stringify(text.trim())} is not a dict`);
  const fields = new Map<PyValue, PyValue>(dict.entries);
  const keys = [...fields.keys()].sort();
  if (keys.join() !== 'descr,fortran_order,shape') {
    fail(`header keys are ${JSON.stringify(keys)}; expected exactly descr, fortran_order and shape`);
  }
  const descr = fields.get('descr');
  if (typeof descr !== 'string') {
    return fail(`descr ${JSON.stringify(descr)} is a structured dtype; only plain numeric and bool arrays are supported`);
  }
  const m = /^([<>|=]?)([a-zA-Z?]\d*)$/.exec(descr);
  const dtype = m ? FROM_NUMPY[m[2]] : undefined;
  if (!m || dtype === undefined) {
    return fail(`unsupported dtype '${descr}'${descr.includes('O') ? ' (object arrays need pickle)' : ''}; supported: ` +
      `f2, f4, f8, i1, i2, i4, i8, u1, u2, u4, u8, b1 in either byte order`);
  }
  const fortranOrder = fields.get('fortran_order');
  if (typeof fortranOrder !== 'boolean') fail(`fortran_order ${JSON.stringify(fortranOrder)} is not True or False`);
  const shape = fields.get('shape');
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    return fail(`shape ${JSON.stringify(shape)} is not a tuple of non-negative integers`);
  }
  // '=' means the writer's native order; numpy itself never writes it, and every writer we know is little-endian.
  return {
    version: [major, minor], descr, dtype, littleEndian: m[1] !== '>', fortranOrder: fortranOrder as boolean,
    shape: shape as number[], dataOffset: start + headerLength,
  };
}

/** Reorders column-major elements of `shape` into row-major order. */
function fortranToC(src: RawData, shape: number[]): RawData {
  const out = new (src.constructor as new (n: number) => RawData)(src.length);
  const nd = shape.length;
  const fStride: number[] = [];
  for (let k = 0, s = 1; k < nd; s *= shape[k], k++) fStride.push(s);
  const idx = new Array<number>(nd).fill(0);
  let f = 0;                                   // F-order offset of the current C-order index
  for (let c = 0; c < src.length; c++) {
    (out as unknown as unknown[])[c] = (src as unknown as unknown[])[f];
    for (let k = nd - 1; k >= 0; k--) {        // odometer increment in C order
      if (++idx[k] < shape[k]) { f += fStride[k]; break; }
      f -= (shape[k] - 1) * fStride[k];
      idx[k] = 0;
    }
  }
  return out;
}

/**
 * Decodes a .npy file into a C-order RawTensor in the platform's byte order, whatever the file's
 * byte order and memory order.
 * @example const { dtype, shape, data } = decodeNpy(new Uint8Array(await (await fetch('a.npy')).arrayBuffer()))
 */
export function decodeNpy(bytes: Uint8Array): RawTensor {
  const h = readNpyHeader(bytes);
  const count = numel(h.shape);
  const need = count * itemSize(h.dtype);
  const have = bytes.length - h.dataOffset;
  if (have !== need) {
    throw new NpyError(`decodeNpy: shape (${h.shape.join(', ')}) of '${h.descr}' needs ${need} data bytes but the file has ` +
      `${have}${have < need ? ' (truncated file?)' : ' (trailing bytes after the array)'}`);
  }
  let data = readElements(bytes, h.dataOffset, count, h.dtype, h.littleEndian);
  if (h.fortranOrder && h.shape.length > 1) data = fortranToC(data, h.shape);
  return { dtype: h.dtype, shape: h.shape, data };
}

export interface EncodeNpyOptions {
  /** Format version; by default 1.0, or 2.0 when the header does not fit v1's 65535 bytes. */
  version?: 1 | 2 | 3;
}

/**
 * Encodes a RawTensor as a little-endian C-order .npy file, byte-identical to `numpy.save` of the
 * same array (NumPy >= 1.24 header layout, with its spare room for growing the first axis).
 * @example encodeNpy({ dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) })
 */
export function encodeNpy(t: RawTensor, options: EncodeNpyOptions = {}): Uint8Array {
  const problem = rawTensorProblem('tensor', t);
  if (problem) throw new NpyError(`encodeNpy: ${problem}`);
  const descr = TO_NUMPY[t.dtype];
  if (descr === undefined) throw new NpyError(`encodeNpy: NumPy has no dtype for ${t.dtype}`);
  const shapeRepr = t.shape.length === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeRepr}, }`;
  // NumPy leaves room for the first axis to grow to 21 digits so files can be appended to in place.
  if (t.shape.length > 0) dict += ' '.repeat(Math.max(0, 21 - String(t.shape[0]).length));

  const pad = (prefix: number) => {
    const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
    return dict + ' '.repeat(total - prefix - dict.length - 1) + '\n';
  };
  let version = options.version ?? 1;
  let header = pad(version === 1 ? 10 : 12);
  if (options.version === undefined && header.length > 0xffff) { version = 2; header = pad(12); }
  if (version === 1 && header.length > 0xffff) {
    throw new NpyError(`encodeNpy: header of ${header.length} bytes does not fit format 1.0; use version 2`);
  }
  const headerBytes = new TextEncoder().encode(header);   // ASCII, so the same in latin-1 and UTF-8
  const prefix = version === 1 ? 10 : 12;
  const out = new Uint8Array(prefix + headerBytes.length + t.data.byteLength);
  out.set(MAGIC, 0);
  out[6] = version; out[7] = 0;
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, headerBytes.length, true); else dv.setUint32(8, headerBytes.length, true);
  out.set(headerBytes, prefix);
  out.set(toLittleEndianBytes(t.data), prefix + headerBytes.length);
  return out;
}
