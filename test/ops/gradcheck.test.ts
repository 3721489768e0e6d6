// gradcheck (central finite differences in float64) for every differentiable op, on contiguous,
// transposed (non-contiguous) and broadcast (expanded) inputs. Inputs are chosen away from kinks and
// ties (|x| ≥ 0.3 for abs/relu, distinct values for max/sort, positive bases for pow/log, ...).
import { describe, it } from 'node:test';
import * as tg from '../../src/index.js';
import { type Tensor, gradcheck, tensor } from '../../src/index.js';
import { forEachBackend, withBackend } from '../helpers.js';

// Deterministic inputs (an LCG) so that failures reproduce and stay away from the kinks by design.
let seed = 12345;
function rnd(): number {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32;
}
/** A float64 leaf with values uniform in [lo, hi). */
function u(shape: number[], lo = -2, hi = 2): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = Array.from({ length: n }, () => lo + (hi - lo) * rnd());
  return tensor(data, { dtype: 'float64' }).reshape(shape).detach().requiresGrad_();
}
/** Values with |x| in [0.3, 2): away from the kink at 0. */
function away(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = Array.from({ length: n }, () => (rnd() < 0.5 ? -1 : 1) * (0.3 + 1.7 * rnd()));
  return tensor(data, { dtype: 'float64' }).reshape(shape).detach().requiresGrad_();
}
/** Distinct, well-separated values (no ties for max/sort/topk), shuffled. */
function distinct(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const vals = Array.from({ length: n }, (_, i) => (i - n / 2) * 0.37 + 0.05 * rnd());
  for (let i = n - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [vals[i], vals[j]] = [vals[j]!, vals[i]!]; }
  return tensor(vals, { dtype: 'float64' }).reshape(shape).detach().requiresGrad_();
}
const I = (data: number[], shape = [data.length]): Tensor => tensor(data, { dtype: 'int32' }).reshape(shape);
const M = (data: boolean[], shape = [data.length]): Tensor => tensor(data, { dtype: 'bool' }).reshape(shape);

type Fn = (...xs: Tensor[]) => Tensor;
interface GC { name: string; fn: Fn; inputs: () => Tensor[] }
const cases: GC[] = [];
const gc = (name: string, fn: Fn, inputs: () => Tensor[]): void => { cases.push({ name, fn, inputs }); };

/** A unary op on a contiguous [2,3], a transposed [3,2]ᵀ and an expanded [1,3] → [2,3] input. */
function unary(name: string, f: (x: Tensor) => Tensor, make: (shape: number[]) => Tensor): void {
  gc(`${name} contiguous`, f, () => [make([2, 3])]);
  gc(`${name} transposed`, (x) => f(x.t()), () => [make([3, 2])]);
  gc(`${name} expanded`, (x) => f(x.expand([2, 3])), () => [make([1, 3])]);
}
const range = (lo: number, hi: number) => (s: number[]) => u(s, lo, hi);
const frac = (s: number[]): Tensor => u(s, 0.1, 0.9).detach().add(tensor([-2, 1, 0, 3, -1, 2].slice(0, s.reduce((a, b) => a * b, 1)), { dtype: 'float64' }).reshape(s)).detach().requiresGrad_();

// ---- elementwise unary
const U: [string, (x: Tensor) => Tensor, (s: number[]) => Tensor][] = [
  ['neg', (x) => x.neg(), range(-2, 2)], ['abs', (x) => x.abs(), away], ['exp', (x) => x.exp(), range(-2, 2)],
  ['exp2', (x) => x.exp2(), range(-2, 2)], ['log', (x) => x.log(), range(0.2, 3)], ['log2', (x) => x.log2(), range(0.2, 3)],
  ['log10', (x) => x.log10(), range(0.2, 3)], ['log1p', (x) => x.log1p(), range(-0.5, 2)], ['expm1', (x) => x.expm1(), range(-2, 2)],
  ['sqrt', (x) => x.sqrt(), range(0.2, 3)], ['rsqrt', (x) => x.rsqrt(), range(0.2, 3)], ['square', (x) => x.square(), range(-2, 2)],
  ['reciprocal', (x) => x.reciprocal(), range(0.3, 2)], ['sin', (x) => x.sin(), range(-3, 3)], ['cos', (x) => x.cos(), range(-3, 3)],
  ['tan', (x) => x.tan(), range(-1.2, 1.2)], ['asin', (x) => x.asin(), range(-0.9, 0.9)], ['acos', (x) => x.acos(), range(-0.9, 0.9)],
  ['atan', (x) => x.atan(), range(-3, 3)], ['sinh', (x) => x.sinh(), range(-2, 2)], ['cosh', (x) => x.cosh(), range(-2, 2)],
  ['tanh', (x) => x.tanh(), range(-2, 2)], ['asinh', (x) => x.asinh(), range(-3, 3)], ['acosh', (x) => x.acosh(), range(1.2, 4)],
  ['atanh', (x) => x.atanh(), range(-0.9, 0.9)], ['sigmoid', (x) => x.sigmoid(), range(-4, 4)], ['relu', (x) => x.relu(), away],
  ['erf', (x) => x.erf(), range(-2, 2)], ['erfc', (x) => x.erfc(), range(-2, 2)], ['frac', (x) => x.frac(), frac],
  ['floor', (x) => x.floor(), frac], ['ceil', (x) => x.ceil(), frac], ['round', (x) => x.round(), frac], ['trunc', (x) => x.trunc(), frac],
  ['sign', (x) => x.sign(), away], ['silu', (x) => x.silu(), range(-3, 3)], ['gelu', (x) => x.gelu(), range(-3, 3)],
  ['gelu tanh', (x) => x.gelu({ approximate: 'tanh' }), range(-3, 3)], ['softplus', (x) => x.softplus(), range(-3, 3)],
  ['softplus beta 2 threshold 3', (x) => x.softplus({ beta: 2, threshold: 3 }), away],
  ['leakyRelu', (x) => tg.leakyRelu(x, 0.2), away], ['elu', (x) => tg.elu(x, 0.7), away],
  ['softmax dim -1', (x) => x.softmax(-1), range(-3, 3)], ['softmax dim 0', (x) => x.softmax(0), range(-3, 3)],
  ['logSoftmax dim 1', (x) => x.logSoftmax(1), range(-3, 3)], ['logSoftmax dim 0', (x) => x.logSoftmax(0), range(-3, 3)],
  ['nanToNum (finite input)', (x) => x.nanToNum(), range(-2, 2)], ['to float64 (identity)', (x) => x.to('float64'), range(-2, 2)],
  ['clamp scalars', (x) => x.clamp(-0.5, 0.7), (s) => away(s).detach().mul(1.3).requiresGrad_()],
  ['clamp min only', (x) => x.clamp(0.1), away], ['pow 3', (x) => x.pow(3), range(-2, 2)], ['pow -1.5', (x) => x.pow(-1.5), range(0.3, 2)],
  ['pow 0.5', (x) => x.pow(0.5), range(0.3, 2)], ['scalar ** x', (x) => tg.pow(2.5, x), range(-2, 2)],
  ['add scalar', (x) => x.add(1.5), range(-2, 2)], ['mul scalar', (x) => x.mul(-2.5), range(-2, 2)],
  ['div scalar', (x) => x.div(3), range(-2, 2)], ['rsub (scalar - x)', (x) => tg.sub(1.5, x), range(-2, 2)],
  ['scalar / x', (x) => tg.div(2, x), range(0.3, 2)],
];
for (const [n, f, mk] of U) unary(n, f, mk);

// ---- elementwise binary: same shape, broadcast [2,3]×[3], transposed × [2,1]
function binary(name: string, f: (a: Tensor, b: Tensor) => Tensor, ma: (s: number[]) => Tensor, mb: (s: number[]) => Tensor): void {
  gc(`${name} same shape`, f, () => [ma([2, 3]), mb([2, 3])]);
  gc(`${name} broadcast [2,3]x[3]`, f, () => [ma([2, 3]), mb([3])]);
  gc(`${name} transposed x [2,1]`, (a, b) => f(a.t(), b), () => [ma([3, 2]), mb([2, 1])]);
  gc(`${name} 0-d x [3]`, f, () => [ma([]), mb([3])]);
}
const B: [string, (a: Tensor, b: Tensor) => Tensor, (s: number[]) => Tensor, (s: number[]) => Tensor][] = [
  ['add', (a, b) => a.add(b), range(-2, 2), range(-2, 2)], ['add alpha', (a, b) => a.add(b, { alpha: -1.5 }), range(-2, 2), range(-2, 2)],
  ['sub', (a, b) => a.sub(b), range(-2, 2), range(-2, 2)], ['mul', (a, b) => a.mul(b), range(-2, 2), range(-2, 2)],
  ['div', (a, b) => a.div(b), range(-2, 2), range(0.5, 2)], ['pow', (a, b) => a.pow(b), range(0.3, 2), range(-2, 2)],
  ['maximum', (a, b) => a.maximum(b), distinct, distinct], ['minimum', (a, b) => a.minimum(b), distinct, distinct],
  ['fmax', (a, b) => a.fmax(b), distinct, distinct], ['fmin', (a, b) => a.fmin(b), distinct, distinct],
  ['atan2', (a, b) => a.atan2(b), away, away], ['fmod', (a, b) => a.fmod(b), range(0.1, 0.9), range(1.1, 1.9)],
  ['remainder', (a, b) => a.remainder(b), range(-0.9, -0.1), range(1.1, 1.9)], ['hypot', (a, b) => a.hypot(b), away, away],
  ['xlogy', (a, b) => a.xlogy(b), range(-2, 2), range(0.3, 3)],
  ['where', (a, b) => tg.where(a.gt(0), a, b), away, range(-2, 2)],
  ['lerp scalar weight', (a, b) => a.lerp(b, 0.3), range(-2, 2), range(-2, 2)],
  ['lerp tensor weight', (a, b) => a.lerp(b, b.sigmoid()), range(-2, 2), range(-2, 2)],
  ['addcmul', (a, b) => a.addcmul(b, b.sin(), { value: 0.5 }), range(-2, 2), range(-2, 2)],
  ['addcdiv', (a, b) => a.addcdiv(b, b.exp(), { value: -2 }), range(-2, 2), range(-2, 2)],
];
for (const [n, f, ma, mb] of B) binary(n, f, ma, mb);
gc('pow tensor exponent, 0-d base', (a, b) => a.pow(b), () => [u([], 0.5, 2), u([2, 3], -2, 2)]);
gc('clamp tensor bounds', (x, lo, hi) => x.clamp(lo, hi), () => [u([2, 4], -3, 3), u([4], -2.5, -0.5), u([2, 1], 0.5, 2)]);
gc('clamp tensor min only, transposed', (x, lo) => x.t().clamp(lo), () => [u([4, 2], -3, 3), u([4], -1, 1)]);
gc('maskedFill broadcast mask', (x) => x.maskedFill(M([true, false, true]), 1.5), () => [u([2, 3])]);
gc('maskedFill transposed, 0-d tensor value', (x, v) => x.t().maskedFill(M([false, true, true, false, true, false], [2, 3]), v),
  () => [u([3, 2]), u([])]);
gc('where broadcast three ways', (a, b) => tg.where(M([true, false, true]), a, b), () => [u([2, 1]), u([2, 3])]);
gc('where scalar other', (a) => tg.where(M([true, false, true, true, false, false], [2, 3]), a.t(), 0.5), () => [u([3, 2])]);
gc('mul float64 by 0-d float64', (a, b) => a.mul(b), () => [u([3]), u([])]);

// ---- reductions
function red(name: string, f: (x: Tensor) => Tensor, make: (s: number[]) => Tensor = range(-2, 2)): void {
  gc(`${name} [3,4]`, f, () => [make([3, 4])]);
  gc(`${name} transposed`, (x) => f(x.t()), () => [make([4, 3])]);
  gc(`${name} expanded`, (x) => f(x.expand([3, 4])), () => [make([1, 4])]);
}
red('sum all', (x) => x.sum());
red('sum dim 1 keepdim', (x) => x.sum(1, { keepdim: true }));
red('sum dims [0,1]', (x) => x.sum([0, 1]));
red('mean dim -2', (x) => x.mean(-2));
red('mean all', (x) => x.mean());
red('prod all', (x) => x.prod(), range(0.5, 1.5));
red('prod dim 1', (x) => x.prod(1), range(-1.5, 1.5));
gc('prod with one zero', (x) => x.prod(1), () => [tensor([[1.5, 0, 2], [-1, 0.5, 3]], { dtype: 'float64', requiresGrad: true })]);
gc('prod with two zeros', (x) => x.prod(0), () => [tensor([1.5, 0, 2, 0], { dtype: 'float64', requiresGrad: true })]);
red('amax dim 1', (x) => x.amax(1), distinct);
red('amin dims [0,1]', (x) => x.amin([0, 1]), distinct);
gc('amax expanded (ties split evenly)', (x) => x.expand([3, 4]).amax(0), () => [distinct([1, 4])]);
red('max dim 0 values', (x) => x.max(0).values, distinct);
red('min dim -1 keepdim values', (x) => x.min(-1, { keepdim: true }).values, distinct);
red('max all', (x) => x.max(), distinct);
red('var dim 1', (x) => x.var(1));
red('var all correction 0', (x) => x.var(undefined, { correction: 0 }));
red('std dim 1 keepdim', (x) => x.std(1, { keepdim: true }));
red('std all correction 2', (x) => x.std(undefined, { correction: 2 }));
red('norm p=2', (x) => x.norm());
red('norm p=1 dim 1', (x) => x.norm(1, 1), away);
red('norm p=inf', (x) => x.norm(Infinity), distinct);
red('norm fro dims [0,1]', (x) => x.norm('fro', [0, 1]));
red('norm p=3 dim 0', (x) => x.norm(3, 0), away);
red('logsumexp dim 1', (x) => x.logsumexp(1));
red('logsumexp dims [0,1] keepdim', (x) => x.logsumexp([0, 1], { keepdim: true }));
red('cumsum dim 1', (x) => x.cumsum(1));
red('cumsum dim 0', (x) => x.cumsum(0));
red('cumprod dim 1', (x) => x.cumprod(1), range(0.5, 1.5));
gc('cumprod with zero', (x) => x.cumprod(0), () => [tensor([1.5, -2, 0, 3, 0.5], { dtype: 'float64', requiresGrad: true })]);
gc('cumprod with two zeros', (x) => x.cumprod(1), () => [tensor([[1.5, 0, 2, 0], [0.5, 1, 2, 3]], { dtype: 'float64', requiresGrad: true })]);
red('sort values dim 1', (x) => x.sort({ dim: 1 }).values, distinct);
red('sort values descending dim 0', (x) => x.sort({ dim: 0, descending: true }).values, distinct);
red('topk values', (x) => x.topk(2).values, distinct);
red('topk smallest dim 0', (x) => x.topk(2, { dim: 0, largest: false }).values, distinct);

// ---- shape ops
const S = (name: string, f: (x: Tensor) => Tensor, shape: number[]): void => gc(name, f, () => [u(shape)]);
S('view', (x) => x.view([3, 4]), [2, 6]);
S('reshape of transposed (copy)', (x) => x.t().reshape([-1]), [3, 4]);
S('permute', (x) => x.permute([2, 0, 1]), [2, 3, 2]);
S('transpose', (x) => x.transpose(0, -1), [2, 3, 2]);
S('t', (x) => x.t(), [2, 3]);
S('expand', (x) => x.expand([2, 3, 4]), [3, 1]);
S('squeeze', (x) => x.squeeze(), [1, 3, 1, 2]);
S('squeeze dim', (x) => x.squeeze(-2), [3, 1, 2]);
S('unsqueeze', (x) => x.unsqueeze(-1), [2, 3]);
S('flatten', (x) => x.flatten(1), [2, 3, 2]);
S('unflatten', (x) => x.unflatten(1, [2, 3]), [2, 6]);
S('narrow', (x) => x.narrow(1, 1, 2), [3, 4]);
S('narrow transposed', (x) => x.t().narrow(0, -2, 2), [3, 4]);
S('select', (x) => x.select(1, -1), [3, 4]);
S('unfold overlapping', (x) => x.unfold(0, 3, 1), [6]);
S('unfold dim 1 step 2', (x) => x.unfold(1, 2, 2), [2, 5]);
S('diagonal', (x) => x.diagonal(), [3, 4]);
S('diagonal offset -1', (x) => x.diagonal({ offset: -1 }), [4, 3]);
S('diagonal 3-D dims', (x) => x.diagonal({ offset: 1, dim1: -1, dim2: 0 }), [3, 2, 3]);
S('movedim', (x) => x.movedim(0, -1), [2, 3, 2]);
S('contiguous of transposed', (x) => x.t().contiguous(), [2, 3]);
S('clone', (x) => x.clone(), [2, 3]);
gc('cat dim 0', (a, b) => tg.cat([a, b], 0), () => [u([2, 3]), u([1, 3])]);
gc('cat dim -1 transposed', (a, b) => tg.cat([a.t(), b], -1), () => [u([2, 2]), u([2, 3])]);
gc('cat with legacy empty', (a, b) => tg.cat([a, b]), () => [u([2, 3]), u([0])]);
gc('stack dim 1', (a, b) => tg.stack([a, b.t()], 1), () => [u([2, 3]), u([3, 2])]);
S('split sections', (x) => tg.cat(x.split([1, 3, 2], 1).map((t, i) => t.mul(i + 1).reshape([-1]))), [2, 6]);
S('chunk', (x) => tg.cat(x.chunk(3).map((t, i) => t.mul(i + 1).reshape([-1]))), [5, 2]);
S('flip', (x) => x.flip([0, -1]), [2, 3, 2]);
S('roll', (x) => x.roll([1, -1], [0, 1]), [3, 4]);
S('roll flat', (x) => x.roll(5), [3, 4]);
S('repeat', (x) => x.repeat([2, 1, 2]), [2, 3]);
S('repeatInterleave scalar', (x) => x.repeatInterleave(2, 1), [2, 3]);
gc('repeatInterleave tensor', (x) => x.t().repeatInterleave(I([1, 0, 2]), 1), () => [u([3, 2])]);
S('tril', (x) => x.tril(), [3, 4]);
S('triu diag -1 batched', (x) => x.triu(-1), [2, 3, 3]);

// ---- index ops
gc('gather dim 0', (x) => x.gather(0, I([0, 2, 1, 0, 2, 2, 0, 1], [2, 4])), () => [u([3, 4])]);
gc('gather dim 1 transposed, repeated indices', (x) => x.t().gather(1, I([3, 0, 0, 1, 2, 2], [3, 2])), () => [u([4, 3])]);
gc('scatter tensor src', (x, s) => x.scatter(0, I([0, 2, 1, 1, 0, 2], [2, 3]), s), () => [u([3, 4]), u([2, 3])]);
gc('scatter scalar', (x) => x.scatter(1, I([3, 0, 1, 2], [2, 2]), 1.5), () => [u([3, 4])]);
gc('scatterAdd duplicates', (x, s) => x.scatterAdd(0, I([0, 0, 1, 0, 2, 2, 0, 0], [2, 4]), s), () => [u([3, 4]), u([2, 4])]);
gc('scatterAdd expanded src', (x, s) => x.scatterAdd(1, I([0, 0, 2, 1, 1, 1], [2, 3]), s.expand([2, 3])), () => [u([2, 3]), u([1, 3])]);
gc('indexSelect', (x) => x.indexSelect(0, I([3, 0, 3])), () => [u([4, 3])]);
gc('indexSelect transposed', (x) => x.t().indexSelect(-1, I([1, 2, 1])), () => [u([4, 3])]);
gc('indexAdd alpha', (x, s) => x.indexAdd(1, I([3, 1, 3]), s, { alpha: 2 }), () => [u([2, 4]), u([2, 3])]);
gc('maskedSelect broadcast', (x) => x.maskedSelect(M([true, false, true])), () => [u([2, 3])]);
gc('maskedSelect transposed', (x) => x.t().maskedSelect(M([false, true, true, false, true, false], [2, 3])), () => [u([3, 2])]);
gc('index basic', (x) => x.index(1, '::2', null), () => [u([3, 4])]);
gc('index ellipsis slice', (x) => x.index('...', '1:3'), () => [u([2, 3, 4])]);
gc('index int tensor with repeats', (x) => x.index(I([2, 0, 2])), () => [u([3, 4])]);
gc('index non-adjacent advanced', (x) => x.index(I([0, 1]), ':', I([3, 1])), () => [u([2, 3, 4])]);
gc('index adjacent advanced after slice', (x) => x.index(':', I([0, 2]), I([1, 0])), () => [u([2, 3, 4])]);
gc('index bool mask', (x) => x.index(M([true, false, true, true, false, true], [2, 3])), () => [u([2, 3])]);
gc('index bool mask transposed', (x) => x.t().index(':', M([true, false, true])), () => [u([3, 2])]);
gc('indexPut', (x, v) => x.indexPut([I([0, 2])], v), () => [u([3, 2]), u([2])]);
gc('indexPut accumulate duplicates', (x, v) => x.indexPut([I([0, 0, 2])], v, { accumulate: true }), () => [u([3, 2]), u([3, 2])]);

// ---- linear algebra
const L = (name: string, f: Fn, shapes: number[][]): void => gc(name, f, () => shapes.map((s) => u(s)));
L('matmul 1-D·1-D', (a, b) => a.matmul(b), [[4], [4]]);
L('matmul 2-D·1-D', (a, b) => a.matmul(b), [[3, 4], [4]]);
L('matmul 1-D·2-D', (a, b) => a.matmul(b), [[3], [3, 4]]);
L('matmul 2-D·2-D transposed', (a, b) => a.t().matmul(b.t()), [[3, 2], [4, 3]]);
L('matmul batched broadcast', (a, b) => a.matmul(b), [[2, 1, 2, 3], [3, 3, 2]]);
L('matmul 3-D·1-D', (a, b) => a.matmul(b), [[2, 3, 4], [4]]);
L('matmul 1-D·3-D', (a, b) => a.matmul(b), [[3], [2, 3, 4]]);
L('matmul expanded batch', (a, b) => a.expand([3, 2, 3]).matmul(b), [[1, 2, 3], [3, 3, 2]]);
L('mm', (a, b) => a.mm(b), [[2, 3], [3, 4]]);
L('bmm permuted', (a, b) => a.permute([1, 2, 0]).bmm(b), [[3, 2, 2], [2, 3, 2]]);
L('mv', (a, v) => a.t().mv(v), [[4, 3], [4]]);
L('dot', (a, b) => a.dot(b), [[5], [5]]);
L('outer', (a, b) => a.outer(b), [[3], [4]]);
L('addmm bias row (fused)', (c, a, b) => c.addmm(a, b.t()), [[4], [3, 5], [4, 5]]);
L('addmm beta/alpha, full input', (c, a, b) => c.addmm(a, b, { beta: 0.5, alpha: -2 }), [[3, 4], [3, 5], [5, 4]]);
for (const [eq, shapes] of [
  ['ij,jk->ik', [[2, 3], [3, 4]]], ['bij,bjk->bik', [[2, 2, 3], [2, 3, 2]]], ['ii->i', [[3, 3]]], ['ii', [[3, 3]]],
  ['ij->', [[2, 3]]], ['i,j->ij', [[3], [2]]], ['ij,kj', [[2, 3], [4, 3]]], ['...d,d->...', [[2, 3, 4], [4]]],
  ['...ij,...jk->...ik', [[2, 1, 2, 3], [3, 3, 2]]], ['bii->bi', [[2, 3, 3]]], ['ij,jk,kl->il', [[2, 3], [3, 2], [2, 2]]],
  ['bn,anm,bm->ba', [[2, 3], [4, 3, 2], [2, 2]]],
] as [string, number[][]][]) L(`einsum '${eq}'`, (...xs) => tg.einsum(eq, ...xs), shapes);
L("einsum transposed 'ij,jk->ik'", (a, b) => tg.einsum('ij,jk->ik', a.t(), b.t()), [[3, 2], [4, 3]]);

forEachBackend((backend) => describe(`ops gradcheck [${backend}]`, () => {
  for (const c of cases) {
    it(c.name, () => withBackend(backend, () => {
      gradcheck(c.fn, c.inputs());
    }));
  }
}));
