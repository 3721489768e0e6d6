// Seeded random numbers: a Generator (xoshiro128**), the global default one, and sampling functions.
import { type DType, allocate, checkDType, isFloating, roundInPlace } from '../tensor/dtype.js';
import { ArgumentError, DTypeError, ShapeError, fmtShape } from '../tensor/errors.js';
import { checkShape, numel } from '../tensor/shape.js';
import { Tensor, gatherStrided, stridedWalk } from '../tensor/tensor.js';

/**
 * A seeded pseudo-random generator (xoshiro128**, seeded through splitmix32). Same seed, same
 * numbers on every backend and platform. Not PyTorch's mt19937 stream: values differ from torch's.
 */
export class Generator {
  private s = new Uint32Array(4);
  private spare: number | null = null;
  constructor(seed = 0x853c49e6) {
    this.manualSeed(seed);
  }
  manualSeed(seed: number): this {
    if (!Number.isFinite(seed)) throw new ArgumentError(`manualSeed: seed must be a finite number, got ${seed}`);
    let x = (Math.floor(seed) ^ Math.floor(seed / 2 ** 32)) >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    this.spare = null;
    return this;
  }
  /** Snapshot for checkpoints (getState/setState round-trip exactly). */
  getState(): number[] {
    return [...this.s, this.spare === null ? NaN : this.spare];
  }
  setState(st: readonly number[]): void {
    for (let i = 0; i < 4; i++) this.s[i] = st[i]! >>> 0;
    this.spare = Number.isNaN(st[4]) || st[4] === undefined ? null : st[4];
  }
  /** Next uniform 32-bit integer. */
  nextU32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }
  /** Uniform double in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextU32() >>> 5;
    const lo = this.nextU32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }
  /** Standard normal by the Box–Muller transform (caches the second value). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
  /** Uniform integer in [0, n) without modulo bias. */
  below(n: number): number {
    if (n <= 0x100000000) {
      const limit = 0x100000000 - (0x100000000 % n);
      let x: number;
      do x = this.nextU32(); while (x >= limit);
      return x % n;
    }
    return Math.floor(this.random() * n);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

export const defaultGenerator = new Generator();

/** Seeds the default generator (torch.manual_seed). */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}

export interface RandomOptions {
  dtype?: DType;
  requiresGrad?: boolean;
  generator?: Generator;
}

function floatOut(op: string, shape: readonly number[], o: RandomOptions): { t: Tensor; g: Generator } {
  const s = checkShape(shape, op);
  const dtype = checkDType(o.dtype ?? 'float32', op);
  if (!isFloating(dtype)) throw new DTypeError(`${op}: expected a floating point dtype, got ${dtype}`);
  return { t: Tensor.fromArray(allocate(dtype, numel(s)), s, dtype), g: o.generator ?? defaultGenerator };
}

function done(t: Tensor, o: RandomOptions): Tensor {
  roundInPlace(t.dtype, t.storage.data);
  if (o.requiresGrad) t.requiresGrad = true;
  return t;
}

/** U[0, 1) samples. @example rand([2, 3]) */
export function rand(shape: readonly number[], o: RandomOptions = {}): Tensor {
  const { t, g } = floatOut('rand', shape, o);
  const d = t.storage.data;
  for (let i = 0; i < d.length; i++) d[i] = g.random();
  // float32 rounding must not produce 1.0
  if (d instanceof Float32Array) for (let i = 0; i < d.length; i++) if (d[i] === 1) d[i] = 0.99999994;
  return done(t, o);
}

/** N(0, 1) samples. */
export function randn(shape: readonly number[], o: RandomOptions = {}): Tensor {
  const { t, g } = floatOut('randn', shape, o);
  const d = t.storage.data;
  for (let i = 0; i < d.length; i++) d[i] = g.normal();
  return done(t, o);
}

/** N(mean, std²) samples; std must be ≥ 0. */
export function normal(mean: number, std: number, shape: readonly number[], o: RandomOptions = {}): Tensor {
  if (!(std >= 0) || !Number.isFinite(std) || !Number.isFinite(mean)) throw new ArgumentError(`normal: expected a finite mean and a finite std >= 0.0, got mean=${mean}, std=${std}`);
  const { t, g } = floatOut('normal', shape, o);
  const d = t.storage.data;
  for (let i = 0; i < d.length; i++) d[i] = mean + std * g.normal();
  return done(t, o);
}

/** Integers uniform in [low, high): randint(high, shape) or randint(low, high, shape). int32 by default. */
export function randint(low: number, high: number | readonly number[], shape?: readonly number[] | RandomOptions, o: RandomOptions = {}): Tensor {
  if (Array.isArray(high)) {
    o = (shape as RandomOptions | undefined) ?? {};
    shape = high;
    high = low;
    low = 0;
  }
  const hi = high as number;
  if (!Number.isInteger(low) || !Number.isInteger(hi)) throw new ArgumentError(`randint: low and high must be integers, got ${low}, ${hi}`);
  if (!(hi > low)) throw new ArgumentError(`randint: random_ expects 'from' to be less than 'to', but got from=${low} >= to=${hi}`);
  const s = checkShape(shape as readonly number[], 'randint');
  const dtype = checkDType(o.dtype ?? 'int32', 'randint');
  const g = o.generator ?? defaultGenerator;
  const data = allocate(dtype, numel(s));
  for (let i = 0; i < data.length; i++) data[i] = low + g.below(hi - low);
  return Tensor.fromArray(data, s, dtype);
}

/** A random permutation of 0..n−1 (Fisher–Yates). */
export function randperm(n: number, o: RandomOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new ArgumentError(`randperm: n must be a non-negative integer, got ${n}`);
  const dtype = checkDType(o.dtype ?? 'int32', 'randperm');
  const g = o.generator ?? defaultGenerator;
  const data = allocate(dtype, n);
  for (let i = 0; i < n; i++) data[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.below(i + 1);
    const tmp = data[i]!;
    data[i] = data[j]!;
    data[j] = tmp;
  }
  return Tensor.fromArray(data, [n], dtype);
}

/** Bernoulli draws: 1 with probability p (a number or a tensor of probabilities in [0, 1]). */
export function bernoulli(p: Tensor | number, o: RandomOptions & { shape?: readonly number[] } = {}): Tensor {
  const g = o.generator ?? defaultGenerator;
  const probs = typeof p === 'number' ? null : gatherStrided(p);
  const shape = typeof p === 'number' ? checkShape(o.shape ?? [], 'bernoulli') : p.shape;
  const dtype = checkDType(o.dtype ?? (typeof p === 'number' ? 'float32' : p.dtype), 'bernoulli');
  const n = numel(shape);
  const out = allocate(dtype, n);
  for (let i = 0; i < n; i++) {
    const pi = probs ? probs[i]! : (p as number);
    if (!(pi >= 0 && pi <= 1)) throw new ArgumentError(`bernoulli: expected 0 <= p <= 1, got ${pi}`);
    out[i] = g.random() < pi ? 1 : 0;
  }
  return Tensor.fromArray(out, shape, dtype);
}

/**
 * Samples category indices from rows of non-negative weights (1-D or 2-D), with or without replacement.
 * Without replacement, numSamples must not exceed the number of non-zero weights.
 */
export function multinomial(weights: Tensor, numSamples: number, o: { replacement?: boolean; generator?: Generator } = {}): Tensor {
  const op = 'multinomial';
  if (weights.ndim !== 1 && weights.ndim !== 2) throw new ShapeError(`${op}: prob_dist must be 1 or 2 dim, got shape ${fmtShape(weights.shape)}`);
  if (!Number.isInteger(numSamples) || numSamples <= 0) throw new ArgumentError(`${op}: cannot sample n_sample <= 0 samples (got ${numSamples})`);
  const g = o.generator ?? defaultGenerator;
  const rows = weights.ndim === 1 ? 1 : weights.shape[0]!;
  const k = weights.shape[weights.ndim - 1]!;
  if (!o.replacement && numSamples > k) throw new ArgumentError(`${op}: cannot sample n_sample > prob_dist.size(-1) samples without replacement (${numSamples} > ${k})`);
  const w = gatherStrided(weights);
  const out = new Int32Array(rows * numSamples);
  const cdf = new Float64Array(k);
  for (let r = 0; r < rows; r++) {
    const row = Array.from(w.subarray(r * k, (r + 1) * k) as ArrayLike<number>);
    for (const v of row) if (!(v >= 0) || !Number.isFinite(v)) throw new ArgumentError(`${op}: probability tensor contains either inf, nan or element < 0 (got ${v})`);
    for (let s = 0; s < numSamples; s++) {
      let acc = 0;
      for (let j = 0; j < k; j++) cdf[j] = acc += row[j]!;
      if (acc <= 0) throw new ArgumentError(`${op}: invalid multinomial distribution (sum of probabilities <= 0${o.replacement ? '' : ', or fewer non-zero weights than samples without replacement'})`);
      const u = g.random() * acc;
      let j = 0;
      while (j < k - 1 && (cdf[j]! <= u || row[j] === 0)) j++;
      out[r * numSamples + s] = j;
      if (!o.replacement) row[j] = 0;
    }
  }
  return Tensor.fromArray(out, weights.ndim === 1 ? [numSamples] : [rows, numSamples], 'int32');
}

/** Writes fresh samples into t (any layout) and bumps its version: the engine of uniform_/normal_. */
export function fillRandom_(t: Tensor, sample: () => number): Tensor {
  const d = t.storage.data;
  stridedWalk(t.shape, t.strides, t.offset, (_dst, src, len, stride) => {
    for (let k = 0; k < len; k++) d[src + k * stride] = sample();
  });
  roundInPlace(t.dtype, d);
  t._bumpVersion();
  return t;
}
