// Installs the op functions as Tensor methods (x.add(y), x.sum(1), x.add_(y), ...) and declares their
// types. Each method is the function of the same name with the tensor as first argument.
import { backward as runBackward, type BackwardOptions } from '../autograd/engine.js';
import { gradEdge } from '../autograd/node.js';
import { defaultGenerator, fillRandom_, type Generator } from '../random/generator.js';
import { full, zeros } from '../tensor/creation.js';
import type { DType } from '../tensor/dtype.js';
import { ArgumentError, AutogradError, DTypeError, ShapeError, fmtShape } from '../tensor/errors.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { isFloating } from '../tensor/dtype.js';
import { formatTensor } from '../tensor/print.js';
import { Tensor, type TensorHook } from '../tensor/tensor.js';
import * as act from './activation.js';
import type { TensorLike } from './define.js';
import * as ew from './elementwise.js';
import * as idx from './index.js';
import { elementwiseInto, inplace } from './inplace.js';
import type { BinaryOp, UnaryOp } from '../backend/backend.js';
import * as la from './linalg.js';
import * as red from './reduce.js';
import * as sh from './shape.js';
import { addcdiv, addcmul, allclose, equal, isclose, lerp } from './misc.js';

type Dims = number | readonly number[] | undefined;
type RO = red.ReduceOptions;

declare module '../tensor/tensor.js' {
  interface Tensor {
    // elementwise
    neg(): Tensor; abs(): Tensor; sign(): Tensor; exp(): Tensor; exp2(): Tensor; log(): Tensor; log2(): Tensor; log10(): Tensor;
    log1p(): Tensor; expm1(): Tensor; sqrt(): Tensor; rsqrt(): Tensor; square(): Tensor; reciprocal(): Tensor;
    sin(): Tensor; cos(): Tensor; tan(): Tensor; asin(): Tensor; acos(): Tensor; atan(): Tensor; sinh(): Tensor; cosh(): Tensor;
    tanh(): Tensor; asinh(): Tensor; acosh(): Tensor; atanh(): Tensor; sigmoid(): Tensor; relu(): Tensor; erf(): Tensor; erfc(): Tensor;
    floor(): Tensor; ceil(): Tensor; round(): Tensor; trunc(): Tensor; frac(): Tensor; silu(): Tensor;
    logicalNot(): Tensor; isnan(): Tensor; isinf(): Tensor; isfinite(): Tensor;
    gelu(o?: { approximate?: 'none' | 'tanh' }): Tensor;
    add(other: TensorLike, o?: { alpha?: number }): Tensor; sub(other: TensorLike, o?: { alpha?: number }): Tensor;
    mul(other: TensorLike): Tensor; div(other: TensorLike, o?: { roundingMode?: 'trunc' | 'floor' }): Tensor; pow(other: TensorLike): Tensor;
    maximum(other: TensorLike): Tensor; minimum(other: TensorLike): Tensor; fmax(other: TensorLike): Tensor; fmin(other: TensorLike): Tensor;
    atan2(other: TensorLike): Tensor; fmod(other: TensorLike): Tensor; remainder(other: TensorLike): Tensor; floorDivide(other: TensorLike): Tensor;
    hypot(other: TensorLike): Tensor; xlogy(other: TensorLike): Tensor;
    eq(other: TensorLike): Tensor; ne(other: TensorLike): Tensor; lt(other: TensorLike): Tensor; le(other: TensorLike): Tensor;
    gt(other: TensorLike): Tensor; ge(other: TensorLike): Tensor;
    logicalAnd(other: TensorLike): Tensor; logicalOr(other: TensorLike): Tensor; logicalXor(other: TensorLike): Tensor;
    bitwiseAnd(other: TensorLike): Tensor; bitwiseOr(other: TensorLike): Tensor; bitwiseXor(other: TensorLike): Tensor;
    where(condition: Tensor, other: TensorLike): Tensor;
    maskedFill(mask: Tensor, value: TensorLike): Tensor;
    clamp(min?: TensorLike | null, max?: TensorLike | null): Tensor; clip(min?: TensorLike | null, max?: TensorLike | null): Tensor;
    nanToNum(o?: { nan?: number; posinf?: number; neginf?: number }): Tensor;
    addcmul(t1: Tensor, t2: Tensor, o?: { value?: number }): Tensor; addcdiv(t1: Tensor, t2: Tensor, o?: { value?: number }): Tensor;
    lerp(end: TensorLike, weight: TensorLike): Tensor;
    to(dtype: DType): Tensor; float(): Tensor; double(): Tensor; int(): Tensor; bool(): Tensor; half(): Tensor; bfloat16(): Tensor;
    equal(other: Tensor): boolean; allclose(other: Tensor, o?: { rtol?: number; atol?: number; equalNan?: boolean }): boolean;
    isclose(other: Tensor, o?: { rtol?: number; atol?: number; equalNan?: boolean }): Tensor;
    // reductions
    sum(dim?: Dims, o?: RO & { dtype?: DType }): Tensor; mean(dim?: Dims, o?: RO & { dtype?: DType }): Tensor;
    prod(dim?: number, o?: RO & { dtype?: DType }): Tensor; amax(dim?: Dims, o?: RO): Tensor; amin(dim?: Dims, o?: RO): Tensor;
    max(): Tensor; max(dim: number, o?: RO): red.ValuesIndices; min(): Tensor; min(dim: number, o?: RO): red.ValuesIndices;
    argmax(dim?: number, o?: RO): Tensor; argmin(dim?: number, o?: RO): Tensor;
    var(dim?: Dims, o?: RO & { correction?: number }): Tensor; std(dim?: Dims, o?: RO & { correction?: number }): Tensor;
    norm(p?: number | 'fro', dim?: Dims, o?: RO): Tensor; logsumexp(dim: Dims, o?: RO): Tensor;
    cumsum(dim: number, o?: { dtype?: DType }): Tensor; cumprod(dim: number, o?: { dtype?: DType }): Tensor;
    any(dim?: Dims, o?: RO): Tensor; all(dim?: Dims, o?: RO): Tensor;
    sort(o?: { dim?: number; descending?: boolean; stable?: boolean }): red.ValuesIndices;
    argsort(o?: { dim?: number; descending?: boolean; stable?: boolean }): Tensor;
    topk(k: number, o?: { dim?: number; largest?: boolean; sorted?: boolean }): red.ValuesIndices;
    // shape
    view(shape: readonly number[]): Tensor; reshape(shape: readonly number[]): Tensor; viewAs(other: Tensor): Tensor; reshapeAs(other: Tensor): Tensor;
    clone(): Tensor; contiguous(): Tensor; detach(): Tensor; permute(dims: readonly number[]): Tensor;
    transpose(dim0: number, dim1: number): Tensor; t(): Tensor; readonly T: Tensor; readonly mT: Tensor;
    expand(shape: readonly number[]): Tensor; expandAs(other: Tensor): Tensor;
    squeeze(dim?: number | readonly number[]): Tensor; unsqueeze(dim: number): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor; unflatten(dim: number, sizes: readonly number[]): Tensor;
    narrow(dim: number, start: number, length: number): Tensor; select(dim: number, index: number): Tensor;
    unfold(dim: number, size: number, step: number): Tensor;
    diagonal(o?: { offset?: number; dim1?: number; dim2?: number }): Tensor; movedim(source: number, destination: number): Tensor;
    split(sizeOrSections: number | readonly number[], dim?: number): Tensor[]; chunk(chunks: number, dim?: number): Tensor[];
    flip(dims: number | readonly number[]): Tensor; roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor;
    repeat(sizes: readonly number[]): Tensor; repeatInterleave(repeats: number | Tensor, dim?: number): Tensor;
    tril(diagonal?: number): Tensor; triu(diagonal?: number): Tensor;
    // indexing
    index(...items: idx.IndexItem[]): Tensor; indexPut(items: readonly idx.IndexItem[], value: TensorLike, o?: { accumulate?: boolean }): Tensor;
    indexPut_(items: readonly idx.IndexItem[], value: TensorLike, o?: { accumulate?: boolean }): Tensor;
    gather(dim: number, index: Tensor): Tensor; scatter(dim: number, index: Tensor, src: TensorLike): Tensor;
    scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor; indexSelect(dim: number, index: Tensor): Tensor;
    indexAdd(dim: number, index: Tensor, src: Tensor, o?: { alpha?: number }): Tensor;
    nonzero(): Tensor; maskedSelect(mask: Tensor): Tensor;
    // linear algebra
    matmul(other: Tensor): Tensor; mm(other: Tensor): Tensor; bmm(other: Tensor): Tensor; mv(vec: Tensor): Tensor;
    dot(other: Tensor): Tensor; outer(other: Tensor): Tensor;
    addmm(mat1: Tensor, mat2: Tensor, o?: la.AddmmOptions): Tensor;
    // activations
    softmax(dim?: number): Tensor; logSoftmax(dim?: number): Tensor; softplus(o?: { beta?: number; threshold?: number }): Tensor;
    // in-place
    add_(other: TensorLike, o?: { alpha?: number }): Tensor; sub_(other: TensorLike, o?: { alpha?: number }): Tensor;
    mul_(other: TensorLike): Tensor; div_(other: TensorLike, o?: { roundingMode?: 'trunc' | 'floor' }): Tensor; pow_(other: TensorLike): Tensor;
    clamp_(min?: TensorLike | null, max?: TensorLike | null): Tensor; maskedFill_(mask: Tensor, value: TensorLike): Tensor;
    zero_(): Tensor; fill_(value: TensorLike): Tensor; copy_(src: Tensor): Tensor;
    neg_(): Tensor; abs_(): Tensor; exp_(): Tensor; log_(): Tensor; sqrt_(): Tensor; relu_(): Tensor; sigmoid_(): Tensor; tanh_(): Tensor;
    floor_(): Tensor; ceil_(): Tensor; round_(): Tensor; sign_(): Tensor; reciprocal_(): Tensor; square_(): Tensor;
    scatter_(dim: number, index: Tensor, src: TensorLike): Tensor; scatterAdd_(dim: number, index: Tensor, src: Tensor): Tensor;
    indexAdd_(dim: number, index: Tensor, src: Tensor, o?: { alpha?: number }): Tensor;
    addcmul_(t1: Tensor, t2: Tensor, o?: { value?: number }): Tensor; addcdiv_(t1: Tensor, t2: Tensor, o?: { value?: number }): Tensor;
    lerp_(end: TensorLike, weight: TensorLike): Tensor; maximum_(other: TensorLike): Tensor; minimum_(other: TensorLike): Tensor;
    uniform_(from?: number, to?: number, o?: { generator?: Generator }): Tensor; normal_(mean?: number, std?: number, o?: { generator?: Generator }): Tensor;
    // autograd
    backward(gradient?: Tensor | null, o?: BackwardOptions): void;
    retainGrad(): void;
    readonly retainsGrad: boolean;
    registerHook(hook: TensorHook): () => void;
    toString(): string;
  }
}

const P = Tensor.prototype as unknown as Record<string, unknown>;
function def(name: string, fn: (x: Tensor, ...args: never[]) => unknown): void {
  P[name] = function (this: Tensor, ...args: never[]) { return fn(this, ...args); };
}

const unaryNames = ['neg', 'abs', 'sign', 'exp', 'exp2', 'log', 'log2', 'log10', 'log1p', 'expm1', 'sqrt', 'rsqrt', 'square',
  'reciprocal', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh', 'sigmoid', 'relu',
  'erf', 'erfc', 'floor', 'ceil', 'round', 'trunc', 'frac', 'silu', 'logicalNot', 'isnan', 'isinf', 'isfinite', 'gelu'] as const;
const binaryNames = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'fmax', 'fmin', 'atan2', 'fmod', 'remainder', 'floorDivide',
  'hypot', 'xlogy', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor', 'bitwiseAnd', 'bitwiseOr', 'bitwiseXor',
  'maskedFill', 'clamp', 'nanToNum', 'to'] as const;
const EW = ew as unknown as Record<string, (x: Tensor, ...a: never[]) => Tensor>;
for (const n of [...unaryNames, ...binaryNames]) def(n, EW[n]!);
def('clip', ew.clamp);
def('where', (x: Tensor, cond: Tensor, other: TensorLike) => ew.where(cond, x, other));
def('addcmul', addcmul);
def('addcdiv', addcdiv);
def('lerp', lerp);
def('equal', equal);
def('allclose', allclose);
def('isclose', isclose);
for (const [n, d] of [['float', 'float32'], ['double', 'float64'], ['int', 'int32'], ['bool', 'bool'], ['half', 'float16'], ['bfloat16', 'bfloat16']] as const) {
  def(n, (x: Tensor) => ew.to(x, d));
}

const RED = red as unknown as Record<string, (x: Tensor, ...a: never[]) => unknown>;
for (const n of ['sum', 'mean', 'prod', 'amax', 'amin', 'max', 'min', 'argmax', 'argmin', 'std', 'norm', 'logsumexp', 'cumsum', 'cumprod', 'any', 'all', 'sort', 'argsort', 'topk']) def(n, RED[n]!);
def('var', red.variance);

const SH = sh as unknown as Record<string, (x: Tensor, ...a: never[]) => unknown>;
for (const n of ['view', 'reshape', 'clone', 'contiguous', 'detach', 'permute', 'transpose', 't', 'expand', 'expandAs', 'squeeze', 'unsqueeze',
  'flatten', 'unflatten', 'narrow', 'select', 'unfold', 'diagonal', 'movedim', 'split', 'chunk', 'flip', 'roll', 'repeat', 'repeatInterleave', 'tril', 'triu']) def(n, SH[n]!);
def('viewAs', (x: Tensor, o: Tensor) => sh.view(x, o.shape));
def('reshapeAs', (x: Tensor, o: Tensor) => sh.reshape(x, o.shape));
Object.defineProperty(Tensor.prototype, 'T', { get(this: Tensor) { return sh.permute(this, this.shape.map((_, i) => this.ndim - 1 - i)); } });
Object.defineProperty(Tensor.prototype, 'mT', {
  get(this: Tensor) {
    if (this.ndim < 2) throw new ArgumentError(`mT: tensor.mT is only supported on matrices or batches of matrices. Got ${this.ndim}-D tensor.`);
    return sh.transpose(this, -2, -1);
  },
});

const IDX = idx as unknown as Record<string, (x: Tensor, ...a: never[]) => unknown>;
for (const n of ['index', 'indexPut', 'gather', 'scatter', 'scatterAdd', 'indexSelect', 'indexAdd', 'nonzero', 'maskedSelect']) def(n, IDX[n]!);
const LA = la as unknown as Record<string, (x: Tensor, ...a: never[]) => unknown>;
for (const n of ['matmul', 'mm', 'bmm', 'mv', 'dot', 'outer', 'addmm']) def(n, LA[n]!);
def('softmax', act.softmax);
def('logSoftmax', act.logSoftmax);
def('softplus', act.softplus);

// ---------------------------------------------------------------- in-place variants

const tensorsIn = (args: unknown[]): Tensor[] => args.filter((a): a is Tensor => a instanceof Tensor);
// Ops that, outside autograd, may run their kernel straight into self's storage (inplace.ts elementwiseInto).
const DIRECT_BINARY: Record<string, BinaryOp> = { add: 'add', sub: 'sub', mul: 'mul', div: 'div', maximum: 'maximum', minimum: 'minimum' };
const DIRECT_UNARY = new Set(['neg', 'abs', 'exp', 'log', 'sqrt', 'relu', 'sigmoid', 'tanh', 'floor', 'ceil', 'round', 'sign', 'reciprocal', 'square']);
function directKernel(self: Tensor, name: string, args: unknown[]): (() => boolean) | undefined {
  if (DIRECT_UNARY.has(name)) return args.length === 0 ? () => elementwiseInto(self, { unary: name as UnaryOp }) : undefined;
  const op = DIRECT_BINARY[name];
  if (!op) return undefined;
  const [other, o] = args as [TensorLike, { alpha?: number; roundingMode?: string } | undefined];
  if (o?.roundingMode !== undefined) return undefined;
  if (op === 'sub' && (typeof other === 'boolean' || (other instanceof Tensor && other.dtype === 'bool'))) return undefined; // sub's own error
  const alpha = o?.alpha ?? 1;
  if (alpha !== 1 && (op === 'add' || op === 'sub')) {
    return () => elementwiseInto(self, { binary: op, other: other instanceof Tensor ? ew.mul(other, alpha) : Number(other) * alpha });
  }
  return () => elementwiseInto(self, { binary: op, other });
}
function defInplace(name: string, fn: (x: Tensor, ...a: never[]) => Tensor): void {
  P[`${name}_`] = function (this: Tensor, ...args: never[]) {
    return inplace(this, `${name}_`, (cur) => fn(cur, ...args), tensorsIn(args), false, directKernel(this, name, args));
  };
}
for (const n of ['add', 'sub', 'mul', 'div', 'pow', 'clamp', 'maskedFill', 'neg', 'abs', 'exp', 'log', 'sqrt', 'relu', 'sigmoid', 'tanh', 'floor', 'ceil',
  'round', 'sign', 'reciprocal', 'square', 'maximum', 'minimum']) defInplace(n, EW[n]!);
defInplace('scatter', idx.scatter);
defInplace('scatterAdd', idx.scatterAdd);
defInplace('indexAdd', idx.indexAdd);
defInplace('addcmul', addcmul);
defInplace('addcdiv', addcdiv);
defInplace('lerp', lerp);
P.indexPut_ = function (this: Tensor, items: readonly idx.IndexItem[], value: TensorLike, o?: { accumulate?: boolean }) {
  const adv = items.some((it) => it instanceof Tensor || Array.isArray(it));
  if (!adv && !o?.accumulate) {
    // Basic indexing is a view: write through it (autograd rebases the base's history).
    const v = idx.index(this, ...items);
    const src = value instanceof Tensor ? value : full([], value, { dtype: this.dtype });
    if (src.ndim > v.ndim || src.shape.some((n, i) => n !== 1 && n !== v.shape[v.ndim - src.ndim + i])) {
      throw new ShapeError(`indexPut_: shape mismatch: value tensor of shape ${fmtShape(src.shape)} cannot be broadcast to indexing result of shape ${fmtShape(v.shape)}`);
    }
    inplace(v, 'indexPut_', () => src.expand(v.shape), tensorsIn([src]), true);
    return this;
  }
  return inplace(this, 'indexPut_', (cur) => idx.indexPut(cur, items, value, o), tensorsIn([value]), true);
};
P.zero_ = function (this: Tensor) { return inplace(this, 'zero_', () => zeros([], { dtype: this.dtype }).expand(this.shape), [], true); };
P.fill_ = function (this: Tensor, v: TensorLike) {
  if (v instanceof Tensor && v.ndim !== 0) throw new ArgumentError(`fill_: only supports 0-dimension value tensor but got tensor with ${v.ndim} dimensions`);
  return inplace(this, 'fill_', () => (v instanceof Tensor ? v.to(this.dtype).expand(this.shape) : full([], v, { dtype: this.dtype }).expand(this.shape)), tensorsIn([v]), true);
};
P.copy_ = function (this: Tensor, src: Tensor) {
  return inplace(this, 'copy_', () => ew.to(src, this.dtype).expand(this.shape), [src], true);
};
/** Random fills write into a leaf's data, so like PyTorch they refuse a leaf that requires grad unless under noGrad. */
function checkRandomFill(t: Tensor, op: string): void {
  if (isGradEnabled() && t.requiresGrad && t.isLeaf) {
    throw new AutogradError(`${op}: a leaf Variable that requires grad is being used in an in-place operation (shape ${fmtShape(t.shape)}); wrap it in noGrad()`);
  }
  if (!isFloating(t.dtype)) throw new DTypeError(`${op}: expected a floating point tensor, got ${t.dtype}`);
}
P.uniform_ = function (this: Tensor, from = 0, to = 1, o: { generator?: Generator } = {}) {
  checkRandomFill(this, 'uniform_');
  if (!(from <= to) || !Number.isFinite(from) || !Number.isFinite(to)) throw new ArgumentError(`uniform_: expects to return a finite [from, to) range, but found from=${from}, to=${to}`);
  const g = o.generator ?? defaultGenerator;
  return fillRandom_(this, () => from + (to - from) * g.random());
};
P.normal_ = function (this: Tensor, mean = 0, std = 1, o: { generator?: Generator } = {}) {
  checkRandomFill(this, 'normal_');
  if (!(std >= 0) || !Number.isFinite(std) || !Number.isFinite(mean)) throw new ArgumentError(`normal_: expects a finite mean and a finite std >= 0.0, but found mean=${mean}, std=${std}`);
  const g = o.generator ?? defaultGenerator;
  return fillRandom_(this, () => mean + std * g.normal());
};

// ---------------------------------------------------------------- autograd and printing

P.backward = function (this: Tensor, gradient?: Tensor | null, o?: BackwardOptions) { runBackward(this, gradient, o); };
P.retainGrad = function (this: Tensor) {
  if (!this.requiresGrad) throw new AutogradError("retainGrad: can't retain_grad on Tensor that has requires_grad=False");
  if (this.isLeaf || this._retainsGrad) { return; }
  this._retainsGrad = true;
  const node = gradEdge(this)!;
  node.preHooks.push((g) => {
    this.grad = this.grad ? this.grad.add(g.detach()) : g.detach().clone();
  });
};
Object.defineProperty(Tensor.prototype, 'retainsGrad', { get(this: Tensor) { return this._retainsGrad; } });
P.registerHook = function (this: Tensor, hook: TensorHook) {
  if (!this.requiresGrad) throw new ArgumentError("registerHook: cannot register a hook on a tensor that doesn't require gradient");
  const list = this.isLeaf ? this._hooks : gradEdge(this)!.preHooks;
  list.push(hook);
  return () => { const i = list.indexOf(hook); if (i >= 0) list.splice(i, 1); };
};
P.toString = function (this: Tensor) { return formatTensor(this); };
(Tensor.prototype as unknown as Record<symbol, unknown>)[Symbol.for('nodejs.util.inspect.custom')] = function (this: Tensor) { return formatTensor(this); };
