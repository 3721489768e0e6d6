// src/io/safetensors.ts — safetensors encode/decode on plain byte arrays (no Node imports, browser-safe).
//
// Layout (https://huggingface.co/docs/safetensors): an 8-byte little-endian u64 N, then N bytes of
// UTF-8 JSON {"__metadata__": {str: str}, name: {"dtype", "shape", "data_offsets": [begin, end]}},
// then the byte buffer the offsets index, little-endian, C order. The encoder reproduces the
// reference Rust/Python writer byte for byte: tensors sorted by dtype in descending order of the
// reference's `Dtype` enum (which runs in increasing alignment), ties broken by name; compact JSON
// with "__metadata__" first and each entry's keys in the order dtype, shape, data_offsets; header
// padded with spaces to a multiple of 8. The one liberty: the reference writes metadata keys in
// Rust HashMap order, which is random (safetensors issue #584); we sort them so output is stable.

import { TsgradError } from '../tensor/errors.js';
import {
  type RawDType, type RawTensor, RAW_DTYPES, isRawDType, isValidShape, itemSize, numel,
  rawTensorProblem, readElements, toLittleEndianBytes,
} from './raw-tensor.js';

export type { RawDType, RawTensor } from './raw-tensor.js';

/** Thrown for malformed safetensors input or arguments. */
export class SafetensorsError extends TsgradError {}

/** The reference's enum order (increasing alignment); the writer sorts by it, descending. */
const DTYPE_RANK: Record<RawDType, number> = {
  BOOL: 0, U8: 1, I8: 2, I16: 5, U16: 6, F16: 7, BF16: 8,
  I32: 9, U32: 10, F32: 11, F64: 12, I64: 13, U64: 14,
};

/** The reference refuses headers above 100 MB; so do we, before allocating anything. */
export const MAX_HEADER_SIZE = 100_000_000;

const METADATA_KEY = '__metadata__';

/** Orders strings by Unicode code point, which equals UTF-8 byte order (Rust's String order). */
function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator](), ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next(), y = ib.next();
    if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1;
    const cx = x.value.codePointAt(0)!, cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx - cy;
  }
}

/**
 * Serializes named tensors (and optional string metadata) into safetensors bytes identical to
 * what the Python `safetensors` package writes for the same tensors.
 * @example encodeSafetensors({ w: { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) } })
 */
export function encodeSafetensors(
  tensors: Record<string, RawTensor>, metadata?: Record<string, string> | null,
): Uint8Array {
  const entries = Object.entries(tensors);
  for (const [name, t] of entries) {
    if (name === METADATA_KEY) {
      throw new SafetensorsError(`encodeSafetensors: "${METADATA_KEY}" is reserved and cannot name a tensor`);
    }
    const problem = rawTensorProblem(`tensor "${name}"`, t);
    if (problem) throw new SafetensorsError(`encodeSafetensors: ${problem}`);
  }
  if (metadata != null) {
    if (typeof metadata !== 'object' || Array.isArray(metadata)) {
      throw new SafetensorsError('encodeSafetensors: metadata must be an object of string values');
    }
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') {
        throw new SafetensorsError(`encodeSafetensors: metadata["${k}"] is a ${typeof v}; safetensors metadata values must be strings`);
      }
    }
  }
  entries.sort(([na, a], [nb, b]) => DTYPE_RANK[b.dtype] - DTYPE_RANK[a.dtype] || compareCodePoints(na, nb));

  const parts: string[] = [];
  if (metadata != null) {
    const keys = Object.keys(metadata).sort(compareCodePoints);
    parts.push(`"${METADATA_KEY}":{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(',')}}`);
  }
  let offset = 0;
  for (const [name, t] of entries) {
    const end = offset + t.data.byteLength;
    parts.push(`${JSON.stringify(name)}:{"dtype":"${t.dtype}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${end}]}`);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;

  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);          // space padding, as the reference
  let pos = 8 + headerLength;
  for (const [, t] of entries) {
    out.set(toLittleEndianBytes(t.data), pos);
    pos += t.data.byteLength;
  }
  return out;
}

export interface DecodedSafetensors {
  /** Tensors in file order (ascending data offset). Data is copied, so it outlives `bytes`. */
  tensors: Record<string, RawTensor>;
  /** The "__metadata__" map, or undefined when the file has none. */
  metadata?: Record<string, string>;
}

interface HeaderEntry { name: string; dtype: RawDType; shape: number[]; begin: number; end: number }

/**
 * Parses safetensors bytes, validating them as strictly as the reference reader: the header must
 * be UTF-8 JSON starting with "{", every dtype known, every tensor's byte span equal to
 * numel(shape) × itemsize, and the spans must tile the data buffer exactly (no gap, no overlap,
 * nothing past the end, no trailing bytes).
 * @example const { tensors, metadata } = decodeSafetensors(bytes)
 */
export function decodeSafetensors(bytes: Uint8Array): DecodedSafetensors {
  const fail = (msg: string): never => { throw new SafetensorsError(`decodeSafetensors: ${msg}`); };
  if (!(bytes instanceof Uint8Array)) fail('expected a Uint8Array');
  if (bytes.length < 8) {
    fail(`input is ${bytes.length} bytes; a safetensors file starts with an 8-byte header length (truncated file?)`);
  }
  const n64 = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER_SIZE)) {
    fail(`header length ${n64} exceeds the ${MAX_HEADER_SIZE}-byte limit (not a safetensors file?)`);
  }
  const n = Number(n64);
  if (8 + n > bytes.length) {
    fail(`header length ${n} runs past the end of the input (${bytes.length} bytes, so at most ${bytes.length - 8}); truncated file?`);
  }
  if (n === 0 || bytes[8] !== 0x7b /* { */) fail('header does not start with "{"');

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    return fail('header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    return fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    fail('header JSON is not an object');
  }

  let metadata: Record<string, string> | undefined;
  const entries: HeaderEntry[] = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === METADATA_KEY) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        fail(`"${METADATA_KEY}" must be an object of strings, got ${JSON.stringify(value)}`);
      }
      for (const [k, v] of Object.entries(value as object)) {
        if (typeof v !== 'string') fail(`"${METADATA_KEY}"["${k}"] must be a string, got ${JSON.stringify(v)}`);
      }
      metadata = value as Record<string, string>;
      continue;
    }
    const info = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    if (info === null || typeof info !== 'object' || Array.isArray(info)) {
      fail(`tensor "${name}": entry must be an object with dtype, shape and data_offsets`);
    }
    const { dtype, shape, data_offsets: offsets } = info!;
    if (!isRawDType(dtype)) {
      fail(`tensor "${name}": unknown dtype ${JSON.stringify(dtype)}; supported: ${RAW_DTYPES.join(', ')}`);
    }
    if (!isValidShape(shape)) {
      fail(`tensor "${name}": shape ${JSON.stringify(shape)} is not an array of non-negative integers`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      fail(`tensor "${name}": data_offsets ${JSON.stringify(offsets)} is not a pair of non-negative integers`);
    }
    const [begin, end] = offsets as [number, number];
    if (end < begin) fail(`tensor "${name}": data_offsets [${begin}, ${end}] end before they begin`);
    const need = numel(shape as number[]) * itemSize(dtype as RawDType);
    if (end - begin !== need) {
      fail(`tensor "${name}": data_offsets [${begin}, ${end}] span ${end - begin} bytes but shape ` +
        `[${(shape as number[]).join(', ')}] of ${dtype} (${itemSize(dtype as RawDType)} bytes each) needs ${need}`);
    }
    entries.push({ name, dtype: dtype as RawDType, shape: shape as number[], begin, end });
  }

  // The spans, taken in offset order, must tile [0, dataLength) exactly.
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous = '';
  for (const e of entries) {
    if (e.begin < covered) {
      fail(`tensor "${e.name}": data_offsets [${e.begin}, ${e.end}] overlap tensor "${previous}" (which ends at ${covered})`);
    }
    if (e.begin > covered) {
      fail(`bytes [${covered}, ${e.begin}) of the data buffer belong to no tensor (gap before "${e.name}")`);
    }
    if (e.end > dataLength) {
      fail(`tensor "${e.name}": data_offsets [${e.begin}, ${e.end}] run past the end of the data buffer ` +
        `(${dataLength} bytes); truncated file?`);
    }
    covered = e.end;
    previous = e.name;
  }
  if (covered !== dataLength) {
    fail(`${dataLength - covered} trailing bytes after the last tensor belong to no tensor ` +
      `(data buffer is ${dataLength} bytes, tensors cover ${covered})`);
  }

  const tensors: Record<string, RawTensor> = {};
  for (const e of entries) {
    const count = numel(e.shape);
    const t: RawTensor = { dtype: e.dtype, shape: e.shape, data: readElements(bytes, dataStart + e.begin, count, e.dtype) };
    // defineProperty, not assignment, so a tensor named "__proto__" stays an ordinary key
    Object.defineProperty(tensors, e.name, { value: t, enumerable: true, writable: true, configurable: true });
  }
  return metadata === undefined ? { tensors } : { tensors, metadata };
}
