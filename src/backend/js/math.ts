// Scalar special functions the JS kernels need beyond Math: erf/erfc to double precision, and friends.

const TWO_OVER_SQRT_PI = 1.1283791670955126;

/** erf(x): a positive-term series for |x| < 2.5, 1 − erfc(|x|) beyond (both accurate to ~1e-15). */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (a < 2.5) {
    // erf(x) = 2/√π · e^{−x²} · Σ 2ⁿ x^{2n+1} / (1·3·…·(2n+1)); every term is positive, so no cancellation.
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 80; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
    }
    return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  }
  if (x !== x) return NaN;
  const r = 1 - erfcPositive(a);
  return x < 0 ? -r : r;
}

/** erfc(x) = 1 − erf(x), accurate in the tails. */
export function erfc(x: number): number {
  if (x !== x) return NaN;
  if (x < 2.5) {
    if (x > -2.5) return 1 - erf(x);
    return 2 - erfcPositive(-x);
  }
  return erfcPositive(x);
}

// erfc for x ≥ 2.5 by the continued fraction erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))),
// evaluated with the modified Lentz method.
function erfcPositive(x: number): number {
  if (x > 27) return 0;
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 200; n++) {
    const an = n / 2;
    d = x + an * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + an / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (f * 1.7724538509055159);
}

/** Logistic function, stable for large |x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** torch.round: halves round to the nearest even integer. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Python/PyTorch remainder: the result has the sign of the divisor. */
export function pyRemainder(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
}

/** d/dx GELU(x), erf form: Φ(x) + x·φ(x). */
export function geluErfGrad(x: number): number {
  return 0.5 * erfc(-x * Math.SQRT1_2) + x * Math.exp(-0.5 * x * x) * 0.3989422804014327;
}

/** d/dx of GPT-2's tanh GELU: ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²), t = tanh(√(2/π)(x + 0.044715x³)). */
export function geluTanhGrad(x: number): number {
  const k = 0.7978845608028654;
  const t = Math.tanh(k * (x + 0.044715 * x * x * x));
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x);
}
