// Fused optimizer updates (SGD, Adam/AdamW) on contiguous float32 buffers, in place. Each operation
// rounds to float32 (Math.fround) in the same order as the op-based update in src/optim and the wasm
// kernel, so all three give the same bits.
import type { AdamStepParams, SgdStepParams } from '../backend.js';

const r = Math.fround;

/** g ← ±grad + λp;  b ← g (first step) or μb + (1−τ)g;  g ← g + μb (Nesterov) or b;  p ← p − lr·g. */
export function sgdStep(p: Float32Array, grad: Float32Array, buf: Float32Array | null, o: SgdStepParams): void {
  const lr = r(o.lr), mu = r(o.momentum), damp = r(o.dampC), wd = r(o.weightDecay);
  const sign = o.maximize ? -1 : 1;
  for (let i = 0; i < p.length; i++) {
    const pv = p[i]!;
    let g = sign * grad[i]!;
    if (wd !== 0) g = r(g + r(wd * pv));
    if (mu !== 0) {
      const b = o.firstStep ? g : r(r(mu * buf![i]!) + r(damp * g));
      buf![i] = b;
      g = o.nesterov ? r(g + r(mu * b)) : b;
    }
    p[i] = r(pv - r(lr * g));
  }
}

/** AdamW: p ← p·decay; Adam: g ← g + λp;  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  p ← p − s·m/(√v/√bc₂ + ε). */
export function adamStep(p: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, o: AdamStepParams): void {
  const b1 = r(o.beta1), b1c = r(o.oneMinusBeta1), b2 = r(o.beta2), b2c = r(o.oneMinusBeta2);
  const eps = r(o.eps), wd = r(o.weightDecay), decay = r(o.decay), step = r(o.stepSize), bc2 = r(o.bc2Sqrt);
  const sign = o.maximize ? -1 : 1;
  for (let i = 0; i < p.length; i++) {
    let pv = p[i]!;
    let g = sign * grad[i]!;
    if (wd !== 0) {
      if (o.decoupled) pv = r(pv * decay);
      else g = r(g + r(wd * pv));
    }
    const mv = r(r(b1 * m[i]!) + r(b1c * g));
    const vv = r(r(b2 * v[i]!) + r(b2c * r(g * g)));
    const denom = r(r(r(Math.sqrt(vv)) / bc2) + eps);
    m[i] = mv; v[i] = vv;
    p[i] = r(pv - r(step * r(mv / denom)));
  }
}
