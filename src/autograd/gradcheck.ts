// gradcheck: compares autograd's Jacobian with central finite differences, in float64.
import { zeros } from '../tensor/creation.js';
import { AutogradError, DTypeError, fmtShape } from '../tensor/errors.js';
import { type Tensor, stridedWalk } from '../tensor/tensor.js';
import { grad } from './engine.js';
import { noGrad } from './grad-mode.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Throw with details on mismatch (default) or return false. */
  raiseException?: boolean;
}

/**
 * Checks d fn(inputs) / d inputs: for each output element, the autograd row of the Jacobian must
 * match (f(x + eps) − f(x − eps)) / 2eps. Inputs that require grad must be float64 (like PyTorch).
 * @example gradcheck((x) => x.tanh(), [randn([3], { dtype: 'float64', requiresGrad: true })])
 */
export function gradcheck(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], { eps = 1e-6, atol = 1e-5, rtol = 1e-3, raiseException = true }: GradcheckOptions = {}): boolean {
  const diff = inputs.filter((x) => x.requiresGrad);
  for (const x of diff) if (x.dtype !== 'float64') throw new DTypeError(`gradcheck: inputs that require grad must be float64 for finite differences to be meaningful, got ${x.dtype} ${fmtShape(x.shape)}`);
  if (!diff.length) throw new AutogradError('gradcheck: no input requires grad');
  const out0 = fn(...inputs);
  const outFlat = (t: Tensor): Float64Array => Float64Array.from(t.contiguous().toTypedArray() as ArrayLike<number>);
  const nOut = out0.numel();
  for (const [xi, x] of diff.entries()) {
    const n = x.numel();
    // Numerical Jacobian column by column, perturbing x's storage in place (no graph).
    const numerical = new Float64Array(n * nOut);
    const positions = storagePositions(x);
    const data = x.storage.data;
    for (let j = 0; j < n; j++) {
      const p = positions[j]!;
      const orig = data[p]!;
      data[p] = orig + eps;
      const plus = noGrad(() => outFlat(fn(...inputs)));
      data[p] = orig - eps;
      const minus = noGrad(() => outFlat(fn(...inputs)));
      data[p] = orig;
      for (let i = 0; i < nOut; i++) numerical[i * n + j] = (plus[i]! - minus[i]!) / (2 * eps);
    }
    // Analytical Jacobian row by row with one-hot output gradients.
    for (let i = 0; i < nOut; i++) {
      const out = fn(...inputs);
      if (!out.requiresGrad) throw new AutogradError('gradcheck: the output does not require grad');
      const gOut = zeros(out.shape, { dtype: out.dtype });
      gOut.storage.data[i] = 1;
      const [g] = grad(out, [x], { gradOutput: gOut, allowUnused: true });
      const row = g ? outFlat(g) : new Float64Array(n);
      for (let j = 0; j < n; j++) {
        const a = row[j]!;
        const b = numerical[i * n + j]!;
        if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b))) {
          if (!raiseException) return false;
          throw new AutogradError(`gradcheck: Jacobian mismatch for output ${i} with respect to input ${xi} (shape ${fmtShape(x.shape)}), element ${j}: numerical ${b} vs analytical ${a}`);
        }
      }
    }
  }
  return true;
}

/** Storage index of each element of t in row-major order (strided inputs are perturbed where they live). */
function storagePositions(t: Tensor): number[] {
  const out: number[] = [];
  stridedWalk(t.shape, t.strides, t.offset, (_dst, src, len, stride) => {
    for (let k = 0; k < len; k++) out.push(src + k * stride);
  });
  return out;
}
