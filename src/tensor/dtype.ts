// DTypes, their storage arrays and PyTorch's type-promotion rules.
import { DTypeError } from './errors.js';

/** float16/bfloat16 are storage formats: values live in a Float32Array rounded on every write. */
export type DType = 'float32' | 'float64' | 'int32' | 'bool' | 'float16' | 'bfloat16';
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;
export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool', 'float16', 'bfloat16'];

export function checkDType(d: unknown, op = 'dtype'): DType {
  if (typeof d === 'string' && (DTYPES as readonly string[]).includes(d)) return d as DType;
  throw new DTypeError(`${op}: unknown dtype ${JSON.stringify(d)}; expected one of ${DTYPES.join(', ')}`);
}

export function isFloating(d: DType): boolean {
  return d !== 'int32' && d !== 'bool';
}

export function allocate(d: DType, n: number): TypedArray {
  switch (d) {
    case 'float64': return new Float64Array(n);
    case 'int32': return new Int32Array(n);
    case 'bool': return new Uint8Array(n);
    default: return new Float32Array(n);
  }
}

/** The typed array constructor behind a dtype (float16/bfloat16 share float32's). */
export function arrayKind(d: DType): string {
  return d === 'float64' ? 'Float64Array' : d === 'int32' ? 'Int32Array' : d === 'bool' ? 'Uint8Array' : 'Float32Array';
}

// Promotion lattice: bool < int32 < float16/bfloat16 < float32 < float64.
const RANK: Record<DType, number> = { bool: 0, int32: 1, float16: 2, bfloat16: 2, float32: 3, float64: 4 };

/** torch.promote_types for two tensor dtypes. float16 with bfloat16 gives float32, like PyTorch. */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  if ((a === 'float16' && b === 'bfloat16') || (a === 'bfloat16' && b === 'float16')) return 'float32';
  return RANK[a] >= RANK[b] ? a : b;
}

/** The category of a Python-style scalar: bool < int < float. */
export type ScalarKind = 'bool' | 'int' | 'float';
export function scalarKind(v: number | boolean): ScalarKind {
  if (typeof v === 'boolean') return 'bool';
  return Number.isInteger(v) ? 'int' : 'float';
}

/** Result dtype of tensor ⊕ scalar: a scalar only promotes across categories (torch's result_type). */
export function promoteWithScalar(t: DType, s: ScalarKind): DType {
  if (s === 'float' && !isFloating(t)) return 'float32';
  if (s === 'int' && t === 'bool') return 'int32';
  return t;
}

// float16 / bfloat16 rounding emulation (round to nearest even), applied to a Float32Array in place.
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function roundBFloat16(x: number): number {
  f32[0] = x;
  const u = u32[0]!;
  if ((u & 0x7f800000) === 0x7f800000) return x; // inf / nan
  u32[0] = ((u + 0x7fff + ((u >>> 16) & 1)) & 0xffff0000) >>> 0;
  return f32[0]!;
}

export function roundFloat16(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const a = Math.abs(x);
  if (a >= 65520) return x > 0 ? Infinity : -Infinity; // overflow rounds to inf
  // Spacing of float16 values around a: 2^(e-10) for normals, 2^-24 for subnormals.
  const e = Math.max(Math.floor(Math.log2(a)), -14);
  const q = 2 ** (e - 10);
  let r = a / q;
  const fl = Math.floor(r);
  const diff = r - fl;
  r = diff > 0.5 || (diff === 0.5 && fl % 2 === 1) ? fl + 1 : fl;
  return Math.sign(x) * r * q;
}

export function roundInPlace(d: DType, arr: TypedArray): void {
  if (d === 'float16') for (let i = 0; i < arr.length; i++) arr[i] = roundFloat16(arr[i]!);
  else if (d === 'bfloat16') for (let i = 0; i < arr.length; i++) arr[i] = roundBFloat16(arr[i]!);
}

export function itemSize(d: DType): number {
  return d === 'float64' ? 8 : d === 'bool' ? 1 : d === 'float16' || d === 'bfloat16' ? 2 : 4;
}
