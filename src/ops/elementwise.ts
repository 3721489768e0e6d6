// Elementwise ops: unary math, binary arithmetic with broadcasting, comparisons, logical ops, where,
// clamp, casts. Forward is one kernel call; backward is written with other differentiable ops.
import type { BinaryOp, UnaryOp } from '../backend/backend.js';
import { type DType, checkDType, isFloating } from '../tensor/dtype.js';
import { ArgumentError, DTypeError } from '../tensor/errors.js';
import { sameShape } from '../tensor/shape.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { Tensor } from '../tensor/tensor.js';
import {
  type Scalar, type TensorLike, be, broadcastAll, broadcastView, checkTensor, finishOut, floatType, record,
  resultType, sumToShape, toTensor, uninitialized, viewOf,
} from './define.js';

// ---------------------------------------------------------------- unary

interface UnarySpec {
  /** Output dtype for an input dtype (default: floating ops promote ints to float32). */
  dtype?: (d: DType) => DType;
  backward?: (g: Tensor, x: Tensor, out: Tensor) => Tensor;
  /** Which tensors the backward reads (for the in-place version check). */
  saves?: 'x' | 'out' | 'none';
}

function runUnary(op: UnaryOp, x: Tensor, dtype: DType): Tensor {
  const out = uninitialized(x.shape, dtype);
  be().unary(op, viewOf(x), out.storage.data);
  return finishOut(out);
}

function defineUnary(name: string, op: UnaryOp, spec: UnarySpec): (x: Tensor) => Tensor {
  const outType = spec.dtype ?? floatType;
  return (x: Tensor): Tensor => {
    checkTensor(x, name);
    const out = runUnary(op, x, outType(x.dtype));
    if (!spec.backward || !isFloating(out.dtype)) return out;
    const bw = spec.backward;
    const saved = spec.saves === 'x' ? [x] : spec.saves === 'out' ? [out] : [];
    return record(out, name, [x], (g) => [bw(g, x, out)], saved);
  };
}

const same = (d: DType): DType => d;
/** Like `same`, but bool has no sign to flip or drop (PyTorch throws too). */
const noBool = (op: string) => (d: DType): DType => {
  if (d === 'bool') throw new DTypeError(`${op}: not supported for bool tensors; use logicalNot instead`);
  return d;
};
const boolOut = (): DType => 'bool';
const zeroGrad = (g: Tensor): Tensor => g.mul(0);

/** −x. */
export const neg = defineUnary('neg', 'neg', { dtype: noBool('neg'), backward: (g) => g.neg(), saves: 'none' });
/** |x|; gradient sign(x) (0 at 0, like PyTorch). */
export const abs = defineUnary('abs', 'abs', { dtype: noBool('abs'), backward: (g, x) => g.mul(x.sign()), saves: 'x' });
/** sign(x) ∈ {−1, 0, 1}; zero gradient. */
export const sign = defineUnary('sign', 'sign', { dtype: same, backward: zeroGrad, saves: 'none' });
/** eˣ. @example exp(tensor([0, 1])) // [1, 2.7183] */
export const exp = defineUnary('exp', 'exp', { backward: (g, _x, out) => g.mul(out), saves: 'out' });
export const exp2 = defineUnary('exp2', 'exp2', { backward: (g, _x, out) => g.mul(out).mul(Math.LN2), saves: 'out' });
/** Natural log; log(0) = −inf, log(x<0) = NaN, as in PyTorch. */
export const log = defineUnary('log', 'log', { backward: (g, x) => g.div(x), saves: 'x' });
export const log2 = defineUnary('log2', 'log2', { backward: (g, x) => g.div(x.mul(Math.LN2)), saves: 'x' });
export const log10 = defineUnary('log10', 'log10', { backward: (g, x) => g.div(x.mul(Math.LN10)), saves: 'x' });
/** log(1 + x), accurate for small x. */
export const log1p = defineUnary('log1p', 'log1p', { backward: (g, x) => g.div(x.add(1)), saves: 'x' });
/** eˣ − 1, accurate for small x. */
export const expm1 = defineUnary('expm1', 'expm1', { backward: (g, _x, out) => g.mul(out.add(1)), saves: 'out' });
export const sqrt = defineUnary('sqrt', 'sqrt', { backward: (g, _x, out) => g.div(out.mul(2)), saves: 'out' });
/** 1/√x. */
export const rsqrt = defineUnary('rsqrt', 'rsqrt', { backward: (g, _x, out) => g.mul(out.pow(3)).mul(-0.5), saves: 'out' });
export const square = defineUnary('square', 'square', { dtype: same, backward: (g, x) => g.mul(x).mul(2), saves: 'x' });
export const reciprocal = defineUnary('reciprocal', 'reciprocal', { backward: (g, _x, out) => g.mul(out.mul(out)).neg(), saves: 'out' });
export const sin = defineUnary('sin', 'sin', { backward: (g, x) => g.mul(x.cos()), saves: 'x' });
export const cos = defineUnary('cos', 'cos', { backward: (g, x) => g.mul(x.sin()).neg(), saves: 'x' });
export const tan = defineUnary('tan', 'tan', { backward: (g, _x, out) => g.mul(out.mul(out).add(1)), saves: 'out' });
export const asin = defineUnary('asin', 'asin', { backward: (g, x) => g.mul(x.mul(x).neg().add(1).rsqrt()), saves: 'x' });
export const acos = defineUnary('acos', 'acos', { backward: (g, x) => g.mul(x.mul(x).neg().add(1).rsqrt()).neg(), saves: 'x' });
export const atan = defineUnary('atan', 'atan', { backward: (g, x) => g.div(x.mul(x).add(1)), saves: 'x' });
export const sinh = defineUnary('sinh', 'sinh', { backward: (g, x) => g.mul(x.cosh()), saves: 'x' });
export const cosh = defineUnary('cosh', 'cosh', { backward: (g, x) => g.mul(x.sinh()), saves: 'x' });
/** tanh; gradient 1 − tanh². */
export const tanh = defineUnary('tanh', 'tanh', { backward: (g, _x, out) => g.mul(out.mul(out).neg().add(1)), saves: 'out' });
export const asinh = defineUnary('asinh', 'asinh', { backward: (g, x) => g.mul(x.mul(x).add(1).rsqrt()), saves: 'x' });
export const acosh = defineUnary('acosh', 'acosh', { backward: (g, x) => g.mul(x.mul(x).sub(1).rsqrt()), saves: 'x' });
export const atanh = defineUnary('atanh', 'atanh', { backward: (g, x) => g.div(x.mul(x).neg().add(1)), saves: 'x' });
/** σ(x) = 1/(1 + e⁻ˣ); gradient σ(1 − σ). */
export const sigmoid = defineUnary('sigmoid', 'sigmoid', { backward: (g, _x, out) => g.mul(out.mul(out.neg().add(1))), saves: 'out' });
/**
 * An activation's backward as one fused kernel (g and the saved tensor in, the input gradient out)
 * when no graph is being recorded; under createGraph the composed form, which is differentiable.
 */
function fusedBackward(op: BinaryOp, g: Tensor, saved: Tensor, composed: () => Tensor): Tensor {
  if (isGradEnabled() || g.dtype !== saved.dtype || !sameShape(g.shape, saved.shape)) return composed();
  // An expanded gradient (from sum/mean) is materialized so the vector kernel applies.
  return runBinary(op, op, g.isContiguous() ? g : g.contiguous(), saved, g.dtype);
}

/** max(x, 0); gradient 0 at the kink (and wherever the output is ≤ 0), like PyTorch. */
export const relu = defineUnary('relu', 'relu', {
  dtype: same, backward: (g, _x, out) => fusedBackward('reluBackward', g, out, () => g.mul(out.gt(0))), saves: 'out',
});
/** Gauss error function erf(x) = 2/√π ∫₀ˣ e^{−t²} dt. */
export const erf = defineUnary('erf', 'erf', { backward: (g, x) => g.mul(x.square().neg().exp().mul(2 / Math.sqrt(Math.PI))), saves: 'x' });
export const erfc = defineUnary('erfc', 'erfc', { backward: (g, x) => g.mul(x.square().neg().exp().mul(-2 / Math.sqrt(Math.PI))), saves: 'x' });
export const floor = defineUnary('floor', 'floor', { dtype: same, backward: zeroGrad, saves: 'none' });
export const ceil = defineUnary('ceil', 'ceil', { dtype: same, backward: zeroGrad, saves: 'none' });
/** Rounds half to even, like torch.round. */
export const round = defineUnary('round', 'round', { dtype: same, backward: zeroGrad, saves: 'none' });
export const trunc = defineUnary('trunc', 'trunc', { dtype: same, backward: zeroGrad, saves: 'none' });
export const frac = defineUnary('frac', 'frac', { dtype: same, backward: (g) => g, saves: 'none' });
export const logicalNot = defineUnary('logicalNot', 'logicalNot', { dtype: boolOut });
export const isnan = defineUnary('isnan', 'isnan', { dtype: boolOut });
export const isinf = defineUnary('isinf', 'isinf', { dtype: boolOut });
export const isfinite = defineUnary('isfinite', 'isfinite', { dtype: boolOut });

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
/**
 * GELU. 'none': x·Φ(x) with Φ the normal CDF (erf form); 'tanh': GPT-2's
 * 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))).
 */
export function gelu(x: Tensor, { approximate = 'none' }: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  checkTensor(x, 'gelu');
  if (approximate !== 'none' && approximate !== 'tanh') throw new ArgumentError(`gelu: approximate must be 'none' or 'tanh', got '${approximate}'`);
  const out = runUnary(approximate === 'tanh' ? 'geluTanh' : 'geluErf', x, floatType(x.dtype));
  return record(out, 'gelu', [x], (g) => [fusedBackward(approximate === 'tanh' ? 'geluTanhBackward' : 'geluErfBackward', g, x, () => {
    if (approximate === 'tanh') {
      const inner = x.add(x.pow(3).mul(0.044715)).mul(SQRT_2_OVER_PI);
      const t = inner.tanh();
      const dinner = x.square().mul(3 * 0.044715).add(1).mul(SQRT_2_OVER_PI);
      return g.mul(t.add(1).mul(0.5).add(x.mul(0.5).mul(t.square().neg().add(1)).mul(dinner)));
    }
    const cdf = x.mul(Math.SQRT1_2).erf().add(1).mul(0.5);
    const pdf = x.square().mul(-0.5).exp().mul(1 / Math.sqrt(2 * Math.PI));
    return g.mul(cdf.add(x.mul(pdf)));
  })], [x]);
}

/** SiLU / swish: x·σ(x). */
export function silu(x: Tensor): Tensor {
  checkTensor(x, 'silu');
  const out = runUnary('silu', x, floatType(x.dtype));
  return record(out, 'silu', [x], (g) => {
    const s = x.sigmoid();
    return [g.mul(s.mul(x.mul(s.neg().add(1)).add(1)))];
  }, [x]);
}

// ---------------------------------------------------------------- binary

type BinaryBackward = (g: Tensor, a: Tensor, b: Tensor, out: Tensor) => [Tensor | null, Tensor | null];

interface BinarySpec {
  /** Output dtype from the promoted input dtype. */
  dtype?: (d: DType) => DType;
  backward?: BinaryBackward;
  saves?: ('a' | 'b' | 'out')[];
  /** Kernel to use for integer outputs, when it differs (int32 multiply wraps like C). */
  intOp?: BinaryOp;
}

/** Runs a broadcasting binary kernel: the one place shapes are broadcast for elementwise ops. */
function runBinary(name: string, op: BinaryOp, a: Tensor, b: Tensor, dtype: DType): Tensor {
  const shape = broadcastAll(name, a, b);
  const out = uninitialized(shape, dtype);
  be().binary(op, broadcastView(a, shape), broadcastView(b, shape), out.storage.data);
  return finishOut(out);
}

function defineBinary(name: string, op: BinaryOp, spec: BinarySpec): (a: TensorLike, b: TensorLike) => Tensor {
  return (a: TensorLike, b: TensorLike): Tensor => {
    if (!(a instanceof Tensor) && !(b instanceof Tensor)) throw new DTypeError(`${name}: expected at least one Tensor argument, got ${typeof a} and ${typeof b}`);
    const common = resultType(a, b);
    const ta = toTensor(a, common);
    const tb = toTensor(b, common);
    const dtype = (spec.dtype ?? same)(common);
    const kernel = spec.intOp && dtype === 'int32' ? spec.intOp : op;
    const out = runBinary(name, kernel, ta, tb, dtype);
    if (!spec.backward || !isFloating(dtype)) return out;
    const bw = spec.backward;
    const saved = (spec.saves ?? []).map((s) => (s === 'a' ? ta : s === 'b' ? tb : out));
    return record(out, name, [ta, tb], (g) => {
      const [ga, gb] = bw(g, ta, tb, out);
      return [
        ga && ta.requiresGrad ? sumToShape(ga, ta.shape, ta.dtype) : null,
        gb && tb.requiresGrad ? sumToShape(gb, tb.shape, tb.dtype) : null,
      ];
    }, saved);
  };
}

const toFloat = floatType;

/** a + b with broadcasting. @example add(tensor([1, 2]), 1) // [2, 3] */
export const addRaw = defineBinary('add', 'add', { backward: (g) => [g, g] });
export const subRaw = defineBinary('sub', 'sub', { backward: (g) => [g, g.neg()] });
/** a · b elementwise with broadcasting. */
export const mul = defineBinary('mul', 'mul', { intOp: 'imul', backward: (g, a, b) => [g.mul(b), g.mul(a)], saves: ['a', 'b'] });
/** True division a / b (integers promote to float32, like PyTorch). */
export const divTrue = defineBinary('div', 'div', {
  dtype: toFloat, backward: (g, a, b) => [g.div(b), g.mul(a).div(b.square()).neg()], saves: ['a', 'b'],
});
/** Elementwise power; d/db is a^b·ln a (0 where a = 0 and b > 0, as in PyTorch). */
export const powRaw = defineBinary('pow', 'pow', {
  backward: (g, a, b, out) => [
    g.mul(b).mul(a.pow(b.sub(1))).where(b.ne(0), 0),
    b.requiresGrad ? g.mul(out).mul(a.log()).where(a.ne(0).logicalOr(b.lt(0)), 0) : null,
  ],
  saves: ['a', 'b', 'out'],
});
/** Elementwise max, NaN-propagating; ties split the gradient evenly like PyTorch. */
export const maximum = defineBinary('maximum', 'maximum', {
  backward: (g, a, b) => {
    const half = a.eq(b).mul(0.5);
    return [g.mul(a.gt(b).add(half)), g.mul(b.gt(a).add(half))];
  },
  saves: ['a', 'b'],
});
export const minimum = defineBinary('minimum', 'minimum', {
  backward: (g, a, b) => {
    const half = a.eq(b).mul(0.5);
    return [g.mul(a.lt(b).add(half)), g.mul(b.lt(a).add(half))];
  },
  saves: ['a', 'b'],
});
/** Elementwise max ignoring NaN; the gradient goes to a where a ≥ b or b is NaN (ties to a), like PyTorch. */
export const fmax = defineBinary('fmax', 'fmax', {
  backward: (g, a, b) => { const toA = a.ge(b).logicalOr(b.isnan()); return [g.where(toA, 0), g.where(toA.logicalNot(), 0)]; },
  saves: ['a', 'b'],
});
export const fmin = defineBinary('fmin', 'fmin', {
  backward: (g, a, b) => { const toA = a.le(b).logicalOr(b.isnan()); return [g.where(toA, 0), g.where(toA.logicalNot(), 0)]; },
  saves: ['a', 'b'],
});
export const atan2 = defineBinary('atan2', 'atan2', {
  dtype: toFloat,
  backward: (g, a, b) => { const d = a.square().add(b.square()); return [g.mul(b).div(d), g.mul(a).neg().div(d)]; },
  saves: ['a', 'b'],
});
/** C-style remainder (sign of the dividend). */
export const fmod = defineBinary('fmod', 'fmod', { backward: (g, a, b) => [g, g.mul(a.div(b).trunc()).neg()], saves: ['a', 'b'] });
/** Python-style remainder (sign of the divisor). */
export const remainder = defineBinary('remainder', 'remainder', { backward: (g, a, b) => [g, g.mul(a.div(b).floor()).neg()], saves: ['a', 'b'] });
export const floorDivide = defineBinary('floorDivide', 'floorDivide', {});
export const hypot = defineBinary('hypot', 'hypot', { backward: (g, a, b, out) => [g.mul(a).div(out), g.mul(b).div(out)], saves: ['a', 'b', 'out'] });
export const xlogy = defineBinary('xlogy', 'xlogy', {
  dtype: toFloat,
  backward: (g, a, b) => [g.mul(b.log()).where(a.ne(0).logicalOr(b.isnan()), 0), g.mul(a).div(b)],
  saves: ['a', 'b'],
});
const cmp = (op: BinaryOp) => defineBinary(op, op, { dtype: boolOut });
export const eq = cmp('eq');
export const ne = cmp('ne');
export const lt = cmp('lt');
export const le = cmp('le');
export const gt = cmp('gt');
export const ge = cmp('ge');
export const logicalAnd = cmp('logicalAnd');
export const logicalOr = cmp('logicalOr');
export const logicalXor = cmp('logicalXor');

function intOnly(name: string, op: BinaryOp): (a: TensorLike, b: TensorLike) => Tensor {
  const f = defineBinary(name, op, {});
  return (a, b) => {
    if (isFloating(resultType(a, b))) throw new DTypeError(`${name}: expected integer or bool tensors, got ${resultType(a, b)}`);
    return f(a, b);
  };
}
export const bitwiseAnd = intOnly('bitwiseAnd', 'bitwiseAnd');
export const bitwiseOr = intOnly('bitwiseOr', 'bitwiseOr');
export const bitwiseXor = intOnly('bitwiseXor', 'bitwiseXor');

/** a + alpha·b (torch.add with alpha). */
export function add(a: TensorLike, b: TensorLike, { alpha = 1 }: { alpha?: number } = {}): Tensor {
  return addRaw(a, alpha === 1 ? b : scaled(b, alpha));
}
/** a − alpha·b. */
export function sub(a: TensorLike, b: TensorLike, { alpha = 1 }: { alpha?: number } = {}): Tensor {
  if (typeof a === 'boolean' || typeof b === 'boolean' || (a instanceof Tensor && a.dtype === 'bool') || (b instanceof Tensor && b.dtype === 'bool')) {
    throw new DTypeError('sub: subtraction with two bool tensors is not supported; use logicalXor or bitwiseXor instead');
  }
  return subRaw(a, alpha === 1 ? b : scaled(b, alpha));
}
function scaled(b: TensorLike, alpha: number): TensorLike {
  return b instanceof Tensor ? mul(b, alpha) : Number(b) * alpha;
}

/** Division with rounding mode: undefined (true division), 'trunc' or 'floor'. */
export function div(a: TensorLike, b: TensorLike, { roundingMode }: { roundingMode?: 'trunc' | 'floor' } = {}): Tensor {
  if (roundingMode === undefined) return divTrue(a, b);
  if (roundingMode === 'floor') return isFloating(resultType(a, b)) ? divTrue(a, b).floor() : floorDivide(a, b);
  if (roundingMode === 'trunc') {
    const q = divTrue(a, b).trunc();
    return isFloating(resultType(a, b)) ? q : q.to(resultType(a, b));
  }
  throw new ArgumentError(`div: expected roundingMode to be one of undefined, 'trunc' or 'floor', got '${String(roundingMode)}'`);
}

/** aᵇ; a scalar exponent keeps the base's dtype, as in PyTorch. */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  if (a instanceof Tensor && !isFloating(a.dtype) && typeof b === 'number' && Number.isInteger(b) && b < 0) {
    throw new ArgumentError(`pow: integers to negative integer powers are not allowed (base dtype ${a.dtype}, exponent ${b})`);
  }
  return powRaw(a, b);
}

/** Elementwise choice: cond ? a : b, broadcasting all three. Gradients flow to the chosen side. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  checkTensor(cond, 'where', 'condition');
  if (cond.dtype !== 'bool') throw new DTypeError(`where: expected condition to be a bool tensor, got ${cond.dtype}`);
  const dtype = resultType(a, b);
  const ta = toTensor(a, dtype);
  const tb = toTensor(b, dtype);
  const shape = broadcastAll('where', cond, ta, tb);
  const out = uninitialized(shape, dtype);
  be().where(broadcastView(cond, shape), broadcastView(ta, shape), broadcastView(tb, shape), out.storage.data);
  finishOut(out);
  if (!isFloating(dtype)) return out;
  return record(out, 'where', [ta, tb], (g) => [
    ta.requiresGrad ? sumToShape(g.where(cond, 0), ta.shape, ta.dtype) : null,
    tb.requiresGrad ? sumToShape(g.where(cond.logicalNot(), 0), tb.shape, tb.dtype) : null,
  ]);
}

/** Fills value where mask is true (x and mask broadcast together, like PyTorch's out-of-place masked_fill). */
export function maskedFill(x: Tensor, mask: Tensor, value: TensorLike): Tensor {
  checkTensor(x, 'maskedFill');
  if (!(mask instanceof Tensor) || mask.dtype !== 'bool') throw new DTypeError(`maskedFill: expected mask to be a bool tensor, got ${mask instanceof Tensor ? mask.dtype : typeof mask}`);
  if (value instanceof Tensor && value.ndim !== 0) throw new ArgumentError(`maskedFill: only supports a 0-dimensional value tensor, got shape [${value.shape}]`);
  broadcastAll('maskedFill', x, mask); // out of place, x and mask broadcast together (PyTorch); maskedFill_ checks x's shape
  const v = value instanceof Tensor ? value.to(x.dtype) : value;
  return where(mask, v, x);
}

/** Clamps into [min, max]; either bound may be omitted. Gradient passes where min ≤ x ≤ max. */
export function clamp(x: Tensor, min?: TensorLike | null, max?: TensorLike | null): Tensor {
  checkTensor(x, 'clamp');
  if (min == null && max == null) throw new ArgumentError('clamp: at least one of min or max must not be None');
  const dtype = resultType(x, ...[min, max].filter((v): v is TensorLike => v != null));
  const lo = min == null ? null : toTensor(min, dtype);
  const hi = max == null ? null : toTensor(max, dtype);
  let out = x;
  if (lo) out = runBinary('clamp', 'maximum', out, lo, dtype);
  if (hi) out = runBinary('clamp', 'minimum', out, hi, dtype);
  if (!isFloating(dtype)) return out;
  // Tensor bounds get the gradient where they bind (PyTorch's clamp_backward_min_max; when
  // min > max, max wins everywhere).
  const bounds = [lo, hi].filter((b): b is Tensor => b !== null);
  return record(out, 'clamp', [x, ...bounds], (g) => {
    let m = g;
    if (lo) m = m.where(x.ge(lo), 0);
    if (hi) m = m.where(x.le(hi), 0);
    const gLo = lo?.requiresGrad ? g.where(hi ? x.lt(lo).logicalAnd(lo.lt(hi)) : x.lt(lo), 0) : null;
    const gHi = hi?.requiresGrad ? g.where(lo ? x.gt(hi).logicalOr(hi.lt(lo)) : x.gt(hi), 0) : null;
    const gBounds = [...(lo ? [gLo] : []), ...(hi ? [gHi] : [])];
    return [sumToShape(m, x.shape, x.dtype), ...bounds.map((b, i) => (gBounds[i] ? sumToShape(gBounds[i]!, b.shape, b.dtype) : null))];
  }, [x, ...bounds]);
}

/** Replaces NaN with `nan` (0), +inf with `posinf` and −inf with `neginf` (dtype max/min by default). */
export function nanToNum(x: Tensor, { nan = 0, posinf, neginf }: { nan?: number; posinf?: number; neginf?: number } = {}): Tensor {
  if (!isFloating(x.dtype)) return x.clone();
  const big = x.dtype === 'float64' ? Number.MAX_VALUE : x.dtype === 'float16' ? 65504 : 3.4028234663852886e38;
  let r = x.where(x.isnan().logicalNot(), nan);
  r = r.where(r.eq(Infinity).logicalNot(), posinf ?? big);
  return r.where(r.eq(-Infinity).logicalNot(), neginf ?? -big);
}

// ---------------------------------------------------------------- casts

/** Casts to another dtype (a copy; returns x itself when the dtype already matches, like PyTorch). */
export function to(x: Tensor, dtype: DType): Tensor {
  checkTensor(x, 'to');
  checkDType(dtype, 'to');
  if (x.dtype === dtype) return x;
  const out = runUnary(dtype === 'bool' ? 'toBool' : 'identity', x, dtype);
  if (!isFloating(dtype) || !isFloating(x.dtype)) return out;
  return record(out, 'to', [x], (g) => [g.to(x.dtype)]);
}

export type { Scalar };
