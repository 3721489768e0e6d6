// src/io/raw-tensor.ts — plain tensor records (dtype, shape, typed array) shared by the file codecs.

/** Element types the file codecs understand, spelled as in the safetensors header. */
export type RawDType =
  | 'F64' | 'F32' | 'F16' | 'BF16'
  | 'I64' | 'I32' | 'I16' | 'I8'
  | 'U64' | 'U32' | 'U16' | 'U8'
  | 'BOOL';

/**
 * The typed array holding a RawTensor's elements, in C (row-major) order and the platform's byte
 * order. F16 and BF16 hold raw bit patterns in a Uint16Array; BOOL holds 0/1 in a Uint8Array.
 */
export type RawData =
  | Float64Array | Float32Array
  | BigInt64Array | Int32Array | Int16Array | Int8Array
  | BigUint64Array | Uint32Array | Uint16Array | Uint8Array;

/** A dense, C-contiguous tensor with no behaviour: what gets read from or written to a file. */
export interface RawTensor {
  dtype: RawDType;
  shape: number[];
  data: RawData;
}

type RawArrayCtor = {
  new (length: number): RawData;
  new (buffer: ArrayBuffer, byteOffset?: number, length?: number): RawData;
  readonly BYTES_PER_ELEMENT: number;
  readonly name: string;
};

const ARRAY_TYPES: Record<RawDType, RawArrayCtor> = {
  F64: Float64Array, F32: Float32Array, F16: Uint16Array, BF16: Uint16Array,
  I64: BigInt64Array, I32: Int32Array, I16: Int16Array, I8: Int8Array,
  U64: BigUint64Array, U32: Uint32Array, U16: Uint16Array, U8: Uint8Array,
  BOOL: Uint8Array,
};

export const RAW_DTYPES = Object.keys(ARRAY_TYPES) as RawDType[];

export function isRawDType(s: unknown): s is RawDType {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(ARRAY_TYPES, s);
}

/** Bytes per element of `dtype`. */
export function itemSize(dtype: RawDType): number {
  return ARRAY_TYPES[dtype].BYTES_PER_ELEMENT;
}

/** The typed-array class that holds elements of `dtype`. */
export function arrayTypeFor(dtype: RawDType): RawArrayCtor {
  return ARRAY_TYPES[dtype];
}

/** Number of elements of a shape (1 for the scalar shape []). */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function isValidShape(shape: unknown): shape is number[] {
  return Array.isArray(shape) && shape.every((d) => Number.isSafeInteger(d) && d >= 0);
}

/**
 * Checks that `t` is a well-formed RawTensor and returns a description of the first problem, or
 * null. `what` names the tensor in the message.
 */
export function rawTensorProblem(what: string, t: RawTensor): string | null {
  if (t === null || typeof t !== 'object') return `${what} is not a tensor record`;
  if (!isRawDType(t.dtype)) {
    return `${what} has unknown dtype ${JSON.stringify(t.dtype)}; expected one of ${RAW_DTYPES.join(', ')}`;
  }
  if (!isValidShape(t.shape)) {
    return `${what} has invalid shape ${JSON.stringify(t.shape)}; expected an array of non-negative integers`;
  }
  const Ctor = ARRAY_TYPES[t.dtype];
  if (!(t.data instanceof Ctor)) {
    const got = (t.data as object | null)?.constructor?.name ?? String(t.data);
    return `${what} has dtype ${t.dtype} but its data is a ${got}; expected a ${Ctor.name}`;
  }
  const n = numel(t.shape);
  if (t.data.length !== n) {
    return `${what} has shape [${t.shape.join(', ')}] (${n} elements) but its data holds ${t.data.length}`;
  }
  return null;
}

/** True when this platform stores typed-array elements little-endian (every mainstream CPU). */
export const LITTLE_ENDIAN_PLATFORM = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses the bytes of each `size`-byte element of `bytes` in place. */
export function swapBytes(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a]; bytes[a] = bytes[b]; bytes[b] = t;
    }
  }
}

/** The elements of `data` as little-endian bytes (a copy only when the platform is big-endian). */
export function toLittleEndianBytes(data: RawData): Uint8Array {
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (LITTLE_ENDIAN_PLATFORM) return view;
  const copy = view.slice();
  swapBytes(copy, data.BYTES_PER_ELEMENT);
  return copy;
}

/**
 * Copies `count` elements of `dtype` stored in `bytes` at `offset` with the given byte order into
 * a fresh, aligned typed array in the platform's byte order.
 */
export function readElements(
  bytes: Uint8Array, offset: number, count: number, dtype: RawDType, littleEndian = true,
): RawData {
  const Ctor = ARRAY_TYPES[dtype];
  const size = Ctor.BYTES_PER_ELEMENT;
  // An explicit copy, not bytes.slice(): on a Node Buffer slice() returns a view into a shared pool.
  const copy = new Uint8Array(count * size);
  copy.set(bytes.subarray(offset, offset + count * size));
  if (littleEndian !== LITTLE_ENDIAN_PLATFORM) swapBytes(copy, size);
  return new Ctor(copy.buffer, 0, count);
}
