// Four-lane float32 transcendental functions (exp, log, tanh, erf, GELU) on v128.
// Range reduction + minimax polynomials with the classic Cephes single-precision coefficients:
// about 1-2 ulp over the float32 range, NaN/±Inf/0 handled like Math.*.

// @ts-ignore: decorator
@inline function splat(x: f32): v128 { return f32x4.splat(x); }

// @ts-ignore: decorator
@inline function fma(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** eˣ. x = n·ln2 + r, |r| ≤ ln2/2; eʳ by a degree-7 polynomial; 2ⁿ split in two factors so results
 *  down to the subnormal range and up to +Inf come out right without special cases. */
// @ts-ignore: decorator
@inline export function vexp(x: v128): v128 {
  // pmin/pmax (b < a ? b : a) are one instruction each where min/max's NaN and ±0 rules cost several;
  // with x as the first operand a NaN x still comes through.
  x = f32x4.pmin(f32x4.pmax(x, splat(-104.0)), splat(89.0));
  // n = round(x·log₂e) by adding 1.5·2²³: the sum's low mantissa bits hold n as an integer, so both
  // n (float) and n (int, the bit pattern minus the magic's) come without a rounding or conversion op.
  const t = f32x4.add(f32x4.mul(x, splat(1.44269504088896341)), splat(12582912.0));
  const n = f32x4.sub(t, splat(12582912.0));
  // ln2 = C1 + C2 with C1 exactly representable in 9 bits, so n·C1 is exact (fused or not).
  let r = fma(n, splat(-0.693359375), x);
  r = fma(n, splat(2.12194440e-4), r);
  // The degree-5 polynomial by Estrin's scheme (three independent pairs), not Horner's: a shorter chain of
  // dependent operations, which is what limits these loops (each vector's chain is ~100 cycles deep).
  const z = f32x4.mul(r, r);
  const pa = fma(r, splat(1.6666665459e-1), splat(5.0000001201e-1));
  const pb = fma(r, splat(8.3334519073e-3), splat(4.1665795894e-2));
  const pc = fma(r, splat(1.9875691500e-4), splat(1.3981999507e-3));
  const p = fma(f32x4.mul(z, z), pc, fma(z, pb, pa));
  const y = f32x4.add(fma(p, z, r), splat(1.0));
  const ni = i32x4.sub(t, i32x4.splat(0x4b400000));
  const h = i32x4.shr_s(ni, 1);
  const l = i32x4.sub(ni, h);
  const s1 = i32x4.shl(i32x4.add(h, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(l, i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(y, s1), s2);
}

/** ln x. x = m·2ᵉ with m in [√½, √2); ln(1+f) = f − f²/2 + f³·P(f); e·ln2 added in two parts. */
// @ts-ignore: decorator
@inline export function vlog(x0: v128): v128 {
  // Subnormals: scale by 2²³ first so the exponent field is meaningful.
  const sub = f32x4.lt(x0, splat(1.17549435e-38));
  const x = v128.bitselect(f32x4.mul(x0, splat(8388608.0)), x0, sub);
  let e = i32x4.sub(i32x4.shr_u(x, 23), i32x4.splat(126));
  e = i32x4.sub(e, v128.and(sub, i32x4.splat(23)));
  const m = v128.or(v128.and(x, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000)); // [0.5, 1)
  const small = f32x4.lt(m, splat(0.707106781186547524));
  e = i32x4.add(e, small); // mask lanes are -1
  const f = f32x4.sub(f32x4.add(m, v128.and(m, small)), splat(1.0));
  const ef = f32x4.convert_i32x4_s(e);
  const z = f32x4.mul(f, f);
  let p = splat(7.0376836292e-2);
  p = fma(p, f, splat(-1.1514610310e-1));
  p = fma(p, f, splat(1.1676998740e-1));
  p = fma(p, f, splat(-1.2420140846e-1));
  p = fma(p, f, splat(1.4249322787e-1));
  p = fma(p, f, splat(-1.6668057665e-1));
  p = fma(p, f, splat(2.0000714765e-1));
  p = fma(p, f, splat(-2.4999993993e-1));
  p = fma(p, f, splat(3.3333331174e-1));
  let y = f32x4.mul(f, f32x4.mul(z, p));
  y = fma(ef, splat(-2.12194440e-4), y);
  y = fma(z, splat(-0.5), y);
  let r = f32x4.add(f, y);
  r = fma(ef, splat(0.693359375), r);
  // Specials: ln 0 = -Inf, ln(<0) = NaN, ln Inf = Inf, ln NaN = NaN.
  r = v128.bitselect(splat(-Infinity), r, f32x4.eq(x0, splat(0)));
  r = v128.bitselect(splat(NaN), r, f32x4.lt(x0, splat(0)));
  r = v128.bitselect(x0, r, v128.or(f32x4.eq(x0, splat(Infinity)), f32x4.ne(x0, x0)));
  return r;
}

/** tanh x: odd polynomial for |x| < 0.625, else sign(x)·(1 − 2/(e^{2|x|} + 1)). */
// @ts-ignore: decorator
@inline export function vtanh(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = splat(-5.70498872745e-3);
  p = fma(p, z, splat(2.06390887954e-2));
  p = fma(p, z, splat(-5.37397155531e-2));
  p = fma(p, z, splat(1.33314422036e-1));
  p = fma(p, z, splat(-3.33332819422e-1));
  const small = fma(f32x4.mul(p, z), x, x);
  const e = vexp(f32x4.add(ax, ax));
  const big = f32x4.sub(splat(1.0), f32x4.div(splat(2.0), f32x4.add(e, splat(1.0))));
  const signed = v128.or(big, v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(small, signed, f32x4.lt(ax, splat(0.625)));
}

/** 1/(1 + e^{−x}), as e^{x}/(1 + e^{x}) for x < 0 so the tail keeps its relative accuracy. */
// @ts-ignore: decorator
@inline export function vsigmoid(x: v128): v128 {
  const e = vexp(f32x4.neg(f32x4.abs(x)));
  const s = f32x4.div(splat(1.0), f32x4.add(splat(1.0), e));
  return v128.bitselect(f32x4.mul(e, s), s, f32x4.lt(x, splat(0)));
}

/** GELU, erf form: ½x·(1 + erf(x/√2)), PyTorch's formula. erf by a rational minimax fit on [−4, 4]
 *  (odd degree-13 numerator, even degree-8 denominator: |error| ≤ 4e-7 in float32; ±1 beyond, where
 *  float32 erf is ±1), one division and no exponential, so about twice as fast as an erfc route. */
// @ts-ignore: decorator
@inline export function vgeluErf(x: v128): v128 {
  const z = f32x4.pmin(f32x4.pmax(f32x4.mul(x, splat(0.7071067811865476)), splat(-4.0)), splat(4.0)); // see vexp
  const z2 = f32x4.mul(z, z);
  let p = splat(-2.72614225801306e-10);
  p = fma(p, z2, splat(2.77068142495902e-08));
  p = fma(p, z2, splat(-2.10102402082508e-06));
  p = fma(p, z2, splat(-5.69250639462346e-05));
  p = fma(p, z2, splat(-7.34990630326855e-04));
  p = fma(p, z2, splat(-2.95459980854025e-03));
  p = fma(p, z2, splat(-1.60960333262415e-02));
  let q = splat(-1.45660718464996e-05);
  q = fma(q, z2, splat(-2.13374055278905e-04));
  q = fma(q, z2, splat(-1.68282697438203e-03));
  q = fma(q, z2, splat(-7.37332916720468e-03));
  q = fma(q, z2, splat(-1.42647390514189e-02));
  const erf = f32x4.div(f32x4.mul(z, p), q);
  return f32x4.mul(f32x4.mul(x, splat(0.5)), f32x4.add(erf, splat(1.0)));
}

/** erf(x) = sign(x)·(1 − erfc(|x|)), erfc by Abramowitz–Stegun 7.1.26 (|error| ≤ 1.5e-7 absolute). */
// @ts-ignore: decorator
@inline export function verf(x: v128): v128 {
  const t = f32x4.abs(x);
  const u = f32x4.div(splat(1.0), fma(t, splat(0.3275911), splat(1.0)));
  let p = splat(1.061405429);
  p = fma(p, u, splat(-1.453152027));
  p = fma(p, u, splat(1.421413741));
  p = fma(p, u, splat(-0.284496736));
  p = fma(p, u, splat(0.254829592));
  const r = f32x4.sub(splat(1.0), f32x4.mul(f32x4.mul(p, u), vexp(f32x4.neg(f32x4.mul(t, t)))));
  // copy the sign of x (erf is odd); NaN stays NaN through the arithmetic above
  return v128.or(v128.and(r, i32x4.splat(0x7fffffff)), v128.and(x, i32x4.splat(0x80000000)));
}

/** GELU, tanh form: ½x(1 + tanh(u)), u = √(2/π)(x + 0.044715x³), evaluated as x/(1 + e^{−2u})
 *  (the same function) so the negative tail does not cancel to 0. */
// @ts-ignore: decorator
@inline export function vgeluTanh(x: v128): v128 {
  const x3 = f32x4.mul(f32x4.mul(x, x), x);
  const u2 = f32x4.mul(fma(x3, splat(0.044715), x), splat(-1.5957691216057308)); // −2u
  return f32x4.div(x, f32x4.add(splat(1.0), vexp(u2)));
}

/** d/dx GELU(x), erf form: Φ(x) + x·φ(x), Φ from erfc(|x|/√2) (Abramowitz–Stegun 7.1.26) as in vgeluErf. */
// @ts-ignore: decorator
@inline export function vgeluErfGrad(x: v128): v128 {
  const t = f32x4.mul(f32x4.abs(x), splat(0.7071067811865476));
  const u = f32x4.div(splat(1.0), fma(t, splat(0.3275911), splat(1.0)));
  // the polynomial by Estrin's scheme (see vexp): (c0 + c1u) + u²((c2 + c3u) + c4u²)
  const u2 = f32x4.mul(u, u);
  const hi = fma(u2, splat(1.061405429), fma(u, splat(-1.453152027), splat(1.421413741)));
  const p = fma(u2, hi, fma(u, splat(-0.284496736), splat(0.254829592)));
  const e = vexp(f32x4.neg(f32x4.mul(t, t)));                 // e^{−x²/2}
  const q = f32x4.mul(f32x4.mul(p, u), e);                     // erfc(|x|/√2)
  const phi2 = v128.bitselect(q, f32x4.sub(splat(2.0), q), f32x4.lt(x, splat(0))); // 2Φ(x)
  return fma(f32x4.mul(x, e), splat(0.3989422804014327), f32x4.mul(phi2, splat(0.5)));
}

/** d/dx of the tanh GELU: ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²), t = tanh(√(2/π)(x + 0.044715x³)). */
// @ts-ignore: decorator
@inline export function vgeluTanhGrad(x: v128): v128 {
  const x2 = f32x4.mul(x, x);
  const t = vtanh(f32x4.mul(fma(f32x4.mul(x2, x), splat(0.044715), x), splat(0.7978845608028654)));
  const dinner = f32x4.mul(fma(x2, splat(0.134145), splat(1.0)), splat(0.7978845608028654));
  const sech2 = f32x4.sub(splat(1.0), f32x4.mul(t, t));
  return fma(f32x4.mul(f32x4.mul(x, splat(0.5)), sech2), dinner, f32x4.mul(f32x4.add(t, splat(1.0)), splat(0.5)));
}
