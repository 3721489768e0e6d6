// Creation functions: tensor(), zeros/ones/full/empty/eye, arange/linspace and the *Like family.
import { type DType, type TypedArray, allocate, checkDType, roundInPlace } from './dtype.js';
import { ArgumentError, ShapeError, fmtShape } from './errors.js';
import { checkShape, numel } from './shape.js';
import { type NestedArray, Tensor } from './tensor.js';

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

type Data = NestedArray | TypedArray | readonly (number | boolean)[];

function finish(t: Tensor, o: CreateOptions): Tensor {
  roundInPlace(t.dtype, t.storage.data);
  if (o.requiresGrad) t.requiresGrad = true;
  return t;
}

function dtypeOfArray(a: TypedArray): DType {
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint8Array) return 'bool';
  return 'float32';
}

/**
 * A tensor from nested arrays or a typed array (copied). JS numbers infer float32 — JavaScript has
 * no int literal, so ask for `{ dtype: 'int32' }` explicitly; booleans infer bool; typed arrays keep
 * their kind. @example tensor([[1, 2], [3, 4]]) // float32, shape [2, 2]
 */
export function tensor(data: Data, opts: CreateOptions = {}): Tensor {
  if (ArrayBuffer.isView(data)) {
    const arr = data as TypedArray;
    const dtype = opts.dtype ? checkDType(opts.dtype, 'tensor') : dtypeOfArray(arr);
    const out = allocate(dtype, arr.length);
    out.set(arr as never);
    return finish(Tensor.fromArray(out, [arr.length], dtype), opts);
  }
  const shape: number[] = [];
  let probe: unknown = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const flat: (number | boolean)[] = [];
  let sawBool = false;
  let sawNumber = false;
  const walk = (v: unknown, d: number): void => {
    if (d === shape.length) {
      if (typeof v === 'boolean') sawBool = true;
      else if (typeof v === 'number') sawNumber = true;
      else throw new ArgumentError(`tensor: expected numbers or booleans, got ${typeof v} (${String(v)})`);
      flat.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[d]) {
      throw new ShapeError(`tensor: ragged nested array: expected a sequence of length ${shape[d]} at dim ${d} (inferred shape ${fmtShape(shape)})`);
    }
    for (const x of v) walk(x, d + 1);
  };
  walk(data, 0);
  const dtype = opts.dtype ? checkDType(opts.dtype, 'tensor') : sawBool && !sawNumber ? 'bool' : 'float32';
  const out = allocate(dtype, flat.length);
  for (let i = 0; i < flat.length; i++) out[i] = Number(flat[i]);
  return finish(Tensor.fromArray(out, shape, dtype), opts);
}

/** A 0-d tensor holding one value. */
export function scalarTensor(v: number | boolean, dtype: DType = typeof v === 'boolean' ? 'bool' : 'float32'): Tensor {
  const out = allocate(dtype, 1);
  out[0] = Number(v);
  roundInPlace(dtype, out);
  return Tensor.fromArray(out, [], dtype);
}

function shapeArg(op: string, shape: readonly number[]): number[] {
  if (!Array.isArray(shape)) throw new ArgumentError(`${op}: size must be an array of non-negative integers, got ${String(shape)}`);
  return checkShape(shape, op);
}

/** Uninitialised in PyTorch; zero-filled here (typed arrays are always initialised). */
export function empty(shape: readonly number[], opts: CreateOptions = {}): Tensor {
  return zeros(shape, opts);
}

export function zeros(shape: readonly number[], opts: CreateOptions = {}): Tensor {
  const s = shapeArg('zeros', shape);
  const dtype = checkDType(opts.dtype ?? 'float32', 'zeros');
  return finish(Tensor.fromArray(allocate(dtype, numel(s)), s, dtype), opts);
}

export function ones(shape: readonly number[], opts: CreateOptions = {}): Tensor {
  return full(shape, 1, opts);
}

export function full(shape: readonly number[], value: number | boolean, opts: CreateOptions = {}): Tensor {
  const s = shapeArg('full', shape);
  const dtype = checkDType(opts.dtype ?? (typeof value === 'boolean' ? 'bool' : 'float32'), 'full');
  const data = allocate(dtype, numel(s));
  data.fill(Number(value));
  return finish(Tensor.fromArray(data, s, dtype), opts);
}

/** Identity matrix n×m (m defaults to n). */
export function eye(n: number, m: number = n, opts: CreateOptions = {}): Tensor {
  checkShape([n, m], 'eye');
  const t = zeros([n, m], { dtype: opts.dtype });
  for (let i = 0; i < Math.min(n, m); i++) t.storage.data[i * m + i] = 1;
  return finish(t, opts);
}

/**
 * Values from start (inclusive) to end (exclusive) by step; length ceil((end − start) / step).
 * arange(5) = [0..4]; float steps accumulate rounding: arange(1, 1.3, 0.1) has 4 elements, as in PyTorch.
 * The dtype is int32 when start, end and step are all integers, else float32 (PyTorch's rule).
 */
export function arange(start: number, end?: number, step = 1, opts: CreateOptions = {}): Tensor {
  if (end === undefined) { end = start; start = 0; }
  if (![start, end, step].every(Number.isFinite)) throw new ArgumentError(`arange: start, end and step must be finite, got (${start}, ${end}, ${step})`);
  if (step === 0) throw new ArgumentError('arange: step must be nonzero');
  if ((end - start) / step < 0) {
    throw new ArgumentError(`arange: upper bound and larger bound inconsistent with step sign (start=${start}, end=${end}, step=${step})`);
  }
  const n = Math.ceil((end - start) / step);
  const allInt = [start, end, step].every(Number.isInteger);
  const dtype = checkDType(opts.dtype ?? (allInt ? 'int32' : 'float32'), 'arange');
  const data = allocate(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return finish(Tensor.fromArray(data, [n], dtype), opts);
}

/** `steps` evenly spaced values from start to end inclusive (PyTorch computes the two halves from both ends). */
export function linspace(start: number, end: number, steps: number, opts: CreateOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new ArgumentError(`linspace: number of steps must be a non-negative integer, got ${steps}`);
  // PyTorch returns NaNs here; a non-finite bound is always a bug upstream, so say so
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new ArgumentError(`linspace: start and end must be finite, got (${start}, ${end})`);
  const dtype = checkDType(opts.dtype ?? 'float32', 'linspace');
  const data = allocate(dtype, steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) data[i] = i < half ? start + step * i : end - step * (steps - 1 - i);
  return finish(Tensor.fromArray(data, [steps], dtype), opts);
}

/** logspace: base ** linspace(start, end, steps). */
export function logspace(start: number, end: number, steps: number, base = 10, opts: CreateOptions = {}): Tensor {
  const t = linspace(start, end, steps, { dtype: 'float64' });
  const dtype = checkDType(opts.dtype ?? 'float32', 'logspace');
  const data = allocate(dtype, steps);
  for (let i = 0; i < steps; i++) data[i] = base ** t.storage.data[i]!;
  return finish(Tensor.fromArray(data, [steps], dtype), opts);
}

const like = (t: Tensor, o: CreateOptions): CreateOptions => ({ dtype: o.dtype ?? t.dtype, requiresGrad: o.requiresGrad });
export const zerosLike = (t: Tensor, o: CreateOptions = {}): Tensor => zeros(t.shape, like(t, o));
export const onesLike = (t: Tensor, o: CreateOptions = {}): Tensor => ones(t.shape, like(t, o));
export const emptyLike = (t: Tensor, o: CreateOptions = {}): Tensor => zeros(t.shape, like(t, o));
export const fullLike = (t: Tensor, v: number | boolean, o: CreateOptions = {}): Tensor => full(t.shape, v, like(t, o));
