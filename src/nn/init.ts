// Parameter initialisation (torch.nn.init): in-place fills that run under noGrad, with PyTorch's
// fan computations and gains, so default layer inits match PyTorch's distributions.
import { noGrad } from '../autograd/grad-mode.js';
import { defaultGenerator, type Generator } from '../random/generator.js';
import { ArgumentError, ShapeError, fmtShape } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';
import '../ops/methods.js';

export interface InitOptions { generator?: Generator }

export type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

/**
 * The recommended gain for a nonlinearity (torch.nn.init.calculate_gain): 1 for linear/conv/sigmoid,
 * 5/3 for tanh, √2 for relu, √(2/(1 + slope²)) for leaky_relu (default slope 0.01), 3/4 for selu.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number | null): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'conv3d':
    case 'conv_transpose1d': case 'conv_transpose2d': case 'conv_transpose3d': case 'sigmoid': return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      if (typeof slope !== 'number' || !Number.isFinite(slope)) throw new ArgumentError(`calculateGain: negative_slope ${String(param)} is not a valid number`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu': return 3 / 4;
    default: throw new ArgumentError(`calculateGain: unsupported nonlinearity ${String(nonlinearity)}`);
  }
}

/** (fanIn, fanOut) of a weight: dims 1 and 0 times the receptive field (product of dims ≥ 2). */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.ndim < 2) throw new ShapeError(`calculateFanInAndFanOut: fan in and fan out can not be computed for tensor with fewer than 2 dimensions (shape ${fmtShape(t.shape)})`);
  let rf = 1;
  for (let i = 2; i < t.ndim; i++) rf *= t.shape[i]!;
  return [t.shape[1]! * rf, t.shape[0]! * rf];
}

function fanOf(t: Tensor, mode: 'fanIn' | 'fanOut'): number {
  if (mode !== 'fanIn' && mode !== 'fanOut') throw new ArgumentError(`init: mode ${String(mode)} not supported, please use one of 'fanIn', 'fanOut'`);
  const [fi, fo] = calculateFanInAndFanOut(t);
  return mode === 'fanIn' ? fi : fo;
}

/** Fills t with U(a, b). */
export function uniform_(t: Tensor, a = 0, b = 1, { generator = defaultGenerator }: InitOptions = {}): Tensor {
  return noGrad(() => t.uniform_(a, b, { generator }));
}
/** Fills t with N(mean, std²). */
export function normal_(t: Tensor, mean = 0, std = 1, { generator = defaultGenerator }: InitOptions = {}): Tensor {
  return noGrad(() => t.normal_(mean, std, { generator }));
}
export function constant_(t: Tensor, value: number): Tensor {
  return noGrad(() => t.fill_(value));
}
export const ones_ = (t: Tensor): Tensor => constant_(t, 1);
export const zeros_ = (t: Tensor): Tensor => constant_(t, 0);

/** Writes a host-computed Float64Array into t (row-major) without autograd. */
function write(t: Tensor, values: Float64Array): Tensor {
  return noGrad(() => t.copy_(Tensor.fromArray(values, t.shape, 'float64')));
}

/** The identity matrix into a 2-D tensor. */
export function eye_(t: Tensor): Tensor {
  if (t.ndim !== 2) throw new ShapeError(`eye_: only tensors with 2 dimensions are supported, got shape ${fmtShape(t.shape)}`);
  const [r, c] = t.shape as [number, number];
  const v = new Float64Array(r * c);
  for (let i = 0; i < Math.min(r, c); i++) v[i * c + i] = 1;
  return write(t, v);
}

/** Dirac delta for {3,4,5}-D conv weights: preserves the identity of the inputs (per group). */
export function dirac_(t: Tensor, groups = 1): Tensor {
  if (t.ndim < 3 || t.ndim > 5) throw new ShapeError(`dirac_: only tensors with 3, 4, or 5 dimensions are supported, got shape ${fmtShape(t.shape)}`);
  if (t.shape[0]! % groups !== 0) throw new ArgumentError(`dirac_: dim 0 (${t.shape[0]}) must be divisible by groups (${groups})`);
  const outPer = t.shape[0]! / groups;
  const minDim = Math.min(outPer, t.shape[1]!);
  const spatial = t.shape.slice(2);
  const v = new Float64Array(t.numel());
  const strides: number[] = [];
  let acc = 1;
  for (let i = t.ndim - 1; i >= 0; i--) { strides[i] = acc; acc *= t.shape[i]!; }
  for (let g = 0; g < groups; g++) {
    for (let d = 0; d < minDim; d++) {
      let off = (g * outPer + d) * strides[0]! + d * strides[1]!;
      spatial.forEach((s, k) => { off += Math.floor(s / 2) * strides[k + 2]!; });
      v[off] = 1;
    }
  }
  return write(t, v);
}

/** Xavier/Glorot uniform: U(−a, a), a = gain·√(6/(fanIn + fanOut)) (Glorot & Bengio, 2010). */
export function xavierUniform_(t: Tensor, gain = 1, o: InitOptions = {}): Tensor {
  const [fi, fo] = calculateFanInAndFanOut(t);
  const a = gain * Math.sqrt(6 / (fi + fo));
  return uniform_(t, -a, a, o);
}
/** Xavier/Glorot normal: N(0, std²), std = gain·√(2/(fanIn + fanOut)). */
export function xavierNormal_(t: Tensor, gain = 1, o: InitOptions = {}): Tensor {
  const [fi, fo] = calculateFanInAndFanOut(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fi + fo)), o);
}

export interface KaimingOptions extends InitOptions {
  /** Negative slope of the rectifier after this layer (leaky_relu only). */
  a?: number;
  mode?: 'fanIn' | 'fanOut';
  nonlinearity?: Nonlinearity;
}

/** Kaiming/He uniform: U(−b, b), b = gain·√(3/fan) (He et al., 2015). Defaults: a = 0, fanIn, leaky_relu. */
export function kaimingUniform_(t: Tensor, { a = 0, mode = 'fanIn', nonlinearity = 'leaky_relu', generator }: KaimingOptions = {}): Tensor {
  if (t.numel() === 0) return t;
  const bound = calculateGain(nonlinearity, a) * Math.sqrt(3 / fanOf(t, mode));
  return uniform_(t, -bound, bound, { generator });
}
/** Kaiming/He normal: N(0, std²), std = gain/√fan. */
export function kaimingNormal_(t: Tensor, { a = 0, mode = 'fanIn', nonlinearity = 'leaky_relu', generator }: KaimingOptions = {}): Tensor {
  if (t.numel() === 0) return t;
  return normal_(t, 0, calculateGain(nonlinearity, a) / Math.sqrt(fanOf(t, mode)), { generator });
}

/** Inverse of the standard normal CDF (Acklam's rational approximation refined by one Halley step). */
function ndtri(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  let x: number;
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p > 1 - 0.02425) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else {
    const q = p - 0.5, r = q * q;
    x = (((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  }
  const e = 0.5 * erfc(-x / Math.SQRT2) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}
function erfc(x: number): number {
  // Numerical Recipes erfcc: relative error < 1.2e-7, enough for one Halley refinement.
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807
    + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}
const normCdf = (x: number): number => 0.5 * erfc(-x / Math.SQRT2);

/**
 * Truncated normal: N(mean, std²) restricted to [a, b], sampled by inverting the CDF like PyTorch's
 * trunc_normal_ (uniform over [Φ(α), Φ(β)] then Φ⁻¹).
 */
export function truncNormal_(t: Tensor, { mean = 0, std = 1, a = -2, b = 2, generator = defaultGenerator }: { mean?: number; std?: number; a?: number; b?: number; generator?: Generator } = {}): Tensor {
  if (!(a < b)) throw new ArgumentError(`truncNormal_: expected a < b, got a=${a}, b=${b}`);
  const lo = normCdf((a - mean) / std), hi = normCdf((b - mean) / std);
  const v = new Float64Array(t.numel());
  for (let i = 0; i < v.length; i++) {
    const u = lo + (hi - lo) * generator.random();
    const x = mean + std * ndtri(Math.min(Math.max(u, 1e-300), 1 - 1e-16));
    v[i] = Math.min(Math.max(x, a), b);
  }
  return write(t, v);
}

/**
 * (Semi-)orthogonal init (Saxe et al., 2013): QR of a Gaussian matrix (Householder, float64), with
 * Q's columns sign-corrected by diag(R) so the result is uniform over orthogonal matrices; scaled by gain.
 */
export function orthogonal_(t: Tensor, gain = 1, { generator = defaultGenerator }: InitOptions = {}): Tensor {
  if (t.ndim < 2) throw new ShapeError(`orthogonal_: only tensors with 2 or more dimensions are supported, got shape ${fmtShape(t.shape)}`);
  if (t.numel() === 0) return t;
  const rows = t.shape[0]!;
  const cols = t.numel() / rows;
  // Work on an m×n matrix with m ≥ n (transpose when rows < cols), like PyTorch.
  const tr = rows < cols;
  const m = tr ? cols : rows, n = tr ? rows : cols;
  const A = new Float64Array(m * n);
  for (let i = 0; i < A.length; i++) A[i] = generator.normal();
  const Q = householderQ(A, m, n); // m×n with orthonormal columns, sign-fixed
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = gain * (tr ? Q[j * n + i]! : Q[i * n + j]!);
  return write(t, out);
}

/** Thin Q (m×n) of A = QR by Householder reflections, with columns scaled by sign(R_ii). A is overwritten. */
function householderQ(A: Float64Array, m: number, n: number): Float64Array {
  const vs: Float64Array[] = [];
  const signs = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += A[i * n + k]! ** 2;
    norm = Math.sqrt(norm);
    const x0 = A[k * n + k]!;
    const alpha = x0 > 0 ? -norm : norm; // R_kk = alpha
    const v = new Float64Array(m);
    for (let i = k; i < m; i++) v[i] = A[i * n + k]!;
    v[k]! -= alpha;
    let vn = 0;
    for (let i = k; i < m; i++) vn += v[i]! ** 2;
    if (vn > 0) {
      for (let j = k; j < n; j++) {
        let dot = 0;
        for (let i = k; i < m; i++) dot += v[i]! * A[i * n + j]!;
        const f = (2 * dot) / vn;
        for (let i = k; i < m; i++) A[i * n + j] -= f * v[i]!;
      }
    }
    vs.push(v);
    signs[k] = (vn > 0 ? alpha : x0) >= 0 ? 1 : -1;
  }
  // Q = H₀H₁…H_{n−1} applied to the first n columns of I.
  const Q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) Q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k]!;
    let vn = 0;
    for (let i = k; i < m; i++) vn += v[i]! ** 2;
    if (vn === 0) continue;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i]! * Q[i * n + j]!;
      const f = (2 * dot) / vn;
      for (let i = k; i < m; i++) Q[i * n + j] -= f * v[i]!;
    }
  }
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) Q[i * n + j] *= signs[j]!;
  return Q;
}

/** Sparse init: each column gets ⌈sparsity·rows⌉ zeros, the rest N(0, std²). */
export function sparse_(t: Tensor, sparsity: number, std = 0.01, { generator = defaultGenerator }: InitOptions = {}): Tensor {
  if (t.ndim !== 2) throw new ShapeError(`sparse_: only tensors with 2 dimensions are supported, got shape ${fmtShape(t.shape)}`);
  const [r, c] = t.shape as [number, number];
  const nz = Math.ceil(sparsity * r);
  const v = new Float64Array(r * c);
  for (let i = 0; i < v.length; i++) v[i] = std * generator.normal();
  for (let j = 0; j < c; j++) {
    const perm = Array.from({ length: r }, (_, i) => i);
    for (let i = r - 1; i > 0; i--) { const k = generator.below(i + 1); [perm[i], perm[k]] = [perm[k]!, perm[i]!]; }
    for (let z = 0; z < nz; z++) v[perm[z]! * c + j] = 0;
  }
  return write(t, v);
}
