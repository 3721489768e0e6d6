// src/io/tensor-bridge.ts — Tensor ↔ RawTensor: tsgrad dtypes to and from the file codecs' element types.
import { type DType, roundBFloat16, roundFloat16 } from '../tensor/dtype.js';
import { DTypeError, TsgradError } from '../tensor/errors.js';
import { Tensor, gatherStrided } from '../tensor/tensor.js';
import type { RawData, RawDType, RawTensor } from './raw-tensor.js';

/** Thrown when a file tensor cannot become a tsgrad tensor (e.g. int64 values beyond int32). */
export class TensorConversionError extends TsgradError {}

const TO_RAW: Record<DType, RawDType> = {
  float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL', float16: 'F16', bfloat16: 'BF16',
};

/** The RawDType a tsgrad dtype is stored as (float32 → F32, int32 → I32, float16 → F16, ...). */
export function rawDTypeOf(dtype: DType): RawDType {
  return TO_RAW[dtype];
}

/** The tsgrad dtype a file dtype loads as: integers of any width become int32 (range-checked). */
export function dtypeForRaw(dtype: RawDType): DType {
  switch (dtype) {
    case 'F32': return 'float32';
    case 'F64': return 'float64';
    case 'F16': return 'float16';
    case 'BF16': return 'bfloat16';
    case 'BOOL': return 'bool';
    default: return 'int32';
  }
}

// ---- IEEE half and bfloat16 bit patterns (tsgrad keeps their values in a Float32Array)

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float → IEEE binary16 bits, rounding to nearest even (exact for values already rounded to half). */
export function floatToHalfBits(x: number): number {
  f32[0] = x;
  const sign = (u32[0]! >>> 16) & 0x8000;
  if (Number.isNaN(x)) return sign | 0x7e00;
  const r = Math.abs(roundFloat16(x));
  if (r === Infinity) return sign | 0x7c00;
  if (r === 0) return sign;
  if (r < 2 ** -14) return sign | Math.round(r * 2 ** 24);           // subnormal: multiples of 2^-24
  let e = Math.floor(Math.log2(r));
  if (2 ** e > r) e--;
  else if (2 ** (e + 1) <= r) e++;
  return sign | ((e + 15) << 10) | Math.round((r / 2 ** e - 1) * 1024);
}

/** IEEE binary16 bits → float. */
export function halfBitsToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 31) return m ? NaN : sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

/** float → bfloat16 bits (the top half of the float32 pattern after round-to-nearest-even). */
export function floatToBFloat16Bits(x: number): number {
  f32[0] = Number.isNaN(x) ? x : roundBFloat16(x);
  return u32[0]! >>> 16;
}

export function bfloat16BitsToFloat(b: number): number {
  u32[0] = (b & 0xffff) << 16;
  return f32[0]!;
}

/**
 * A dense C-order copy of a tensor's values as a RawTensor (views and non-contiguous tensors are
 * gathered; float16/bfloat16 become their 16-bit patterns).
 * @example encodeSafetensors({ w: tensorToRaw(linear.weight) })
 */
export function tensorToRaw(t: Tensor, what = 'tensor'): RawTensor {
  if (!(t instanceof Tensor)) throw new TsgradError(`tensorToRaw: ${what} is not a Tensor (got ${t === null ? 'null' : typeof t})`);
  const values = gatherStrided(t);
  const shape = [...t.shape];
  let data: RawData;
  switch (t.dtype) {
    case 'float16': data = Uint16Array.from(values as Float32Array, floatToHalfBits); break;
    case 'bfloat16': data = Uint16Array.from(values as Float32Array, floatToBFloat16Bits); break;
    default: data = values;
  }
  return { dtype: TO_RAW[t.dtype], shape, data };
}

const INT32_MIN = -(2 ** 31), INT32_MAX = 2 ** 31 - 1;

/**
 * A tsgrad tensor holding a RawTensor's values. F32/F64/I32/BOOL/F16/BF16 map one to one; other
 * integer types load as int32, and a value outside int32's range throws (naming the tensor, the
 * value and its position) rather than wrapping silently.
 */
export function rawToTensor(raw: RawTensor, what = 'tensor'): Tensor {
  const dtype = dtypeForRaw(raw.dtype);
  const src = raw.data;
  let out: Float32Array | Float64Array | Int32Array | Uint8Array;
  switch (raw.dtype) {
    case 'F32': case 'F64': case 'I32':
      out = src as Float32Array | Float64Array | Int32Array;
      break;
    case 'BOOL':
      out = Uint8Array.from(src as Uint8Array, (v) => (v ? 1 : 0));
      break;
    case 'F16':
      out = Float32Array.from(src as Uint16Array, halfBitsToFloat);
      break;
    case 'BF16':
      out = Float32Array.from(src as Uint16Array, bfloat16BitsToFloat);
      break;
    case 'I64': case 'U64': case 'U32': {
      out = new Int32Array(src.length);
      for (let i = 0; i < src.length; i++) {
        const v = src[i]!;
        if (v < INT32_MIN || v > INT32_MAX) {
          throw new TensorConversionError(`rawToTensor: ${what} (${raw.dtype}, shape [${raw.shape.join(', ')}]) holds ${v} at flat index ${i}, ` +
            `outside int32's range [${INT32_MIN}, ${INT32_MAX}]; tsgrad stores integers as int32`);
        }
        out[i] = Number(v);
      }
      break;
    }
    case 'I16': case 'I8': case 'U16': case 'U8':
      out = Int32Array.from(src as Int16Array);
      break;
    default:
      throw new DTypeError(`rawToTensor: ${what} has unsupported dtype ${String(raw.dtype)}`);
  }
  return Tensor.fromArray(out, raw.shape, dtype);
}
