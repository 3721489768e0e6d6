// Contiguous float32 elementwise kernels, row-wise softmax/reductions and fused optimizer steps.
// Four lanes at a time; the 0-3 leftover elements go through the same vector code in one partial
// vector, so the tail rounds exactly like the body.
import { vexp, vlog, vtanh, vsigmoid, vgeluErf, vgeluTanh, verf, vgeluErfGrad, vgeluTanhGrad } from './vmath';

// Binary op codes (shared with kernels.ts).
const ADD = 0, SUB = 1, MUL = 2, DIV = 3, MAX = 4, MIN = 5, RELU_BW = 6, GELU_BW = 7, GELU_TANH_BW = 8;
// Unary op codes.
const EXP = 0, LOG = 1, TANH = 2, SIGMOID = 3, GELU = 4, GELU_TANH = 5, RELU = 6, NEG = 7,
  SQRT = 8, ABS = 9, ERF = 10;

// @ts-ignore: decorator
@inline function bin(op: i32, a: v128, b: v128): v128 {
  // activation backwards: a = gradient, b = GELU's input
  if (op == GELU_BW) return f32x4.mul(a, vgeluErfGrad(b));
  if (op == GELU_TANH_BW) return f32x4.mul(a, vgeluTanhGrad(b));
  return binCheap(op, a, b);
}

/** bin for the ops that are a few instructions each (everything but the GELU backwards, which callers
 *  with a run-time op never pass: leaving them out keeps those loops small). */
// @ts-ignore: decorator
@inline function binCheap(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case ADD: return f32x4.add(a, b);
    case SUB: return f32x4.sub(a, b);
    case MUL: return f32x4.mul(a, b);
    case DIV: return f32x4.div(a, b);
    case MAX: return f32x4.max(a, b);
    case MIN: return f32x4.min(a, b);
    default: return v128.andnot(a, f32x4.le(b, f32x4.splat(0))); // RELU_BW: b = relu's output
  }
}

/** binCheap when `cheap` (a constant at each use), else bin. */
// @ts-ignore: decorator
@inline function binPick(cheap: bool, op: i32, a: v128, b: v128): v128 { return cheap ? binCheap(op, a, b) : bin(op, a, b); }

// Loads/stores of n ≤ 4 floats as one vector (lanes past n read as 0 and are not stored).
// @ts-ignore: decorator
@inline function loadPartial(p: usize, n: i32): v128 {
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}
// @ts-ignore: decorator
@inline function storePartial(p: usize, v: v128, n: i32): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (n > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

// The elementwise loops take two vectors per iteration, so two dependency chains interleave. Each
// transcendental op has a function of its own, its loop inlined with a constant op (branch-free); the
// cheap ops share one loop that switches per vector over the cheap ops only (binCheap, unCheap), which
// keeps it small. Raw 1-thread kernels on 262144 floats, time against one vector per iteration with every
// op in one switch (same process, alternating; results bit-identical): GELU backward 0.79x, GELU 0.67x,
// tanh 0.77x, sigmoid 0.79x, log 0.71x, exp 0.94x, erf 0.92x, add 0.72x, mul 0.69x, relu and its backward
// 0.61-0.63x. Inlining the unrolled loops into the one `binary` switch instead lost the gain (1.02x),
// as did a dedicated loop without the unrolling (0.99x).
// @ts-ignore: decorator
@inline function binaryLoop(op: i32, a: usize, b: usize, out: usize, n: i32, cheap: bool): void {
  const n4 = n & ~3;
  let i = 0;
  for (; i + 8 <= n4; i += 8) {
    const o = <usize>i << 2;
    const r0 = binPick(cheap, op, v128.load(a + o), v128.load(b + o));
    const r1 = binPick(cheap, op, v128.load(a + o, 16), v128.load(b + o, 16));
    v128.store(out + o, r0);
    v128.store(out + o, r1, 16);
  }
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, binPick(cheap, op, v128.load(a + o), v128.load(b + o)));
  }
  if (n4 < n) {
    const o = <usize>n4 << 2;
    storePartial(out + o, binPick(cheap, op, loadPartial(a + o, n - n4), loadPartial(b + o, n - n4)), n - n4);
  }
}
function binaryVV(op: i32, a: usize, b: usize, out: usize, n: i32): void { binaryLoop(op, a, b, out, n, true); }
function geluBackwardVV(a: usize, b: usize, out: usize, n: i32): void { binaryLoop(GELU_BW, a, b, out, n, false); }
function geluTanhBackwardVV(a: usize, b: usize, out: usize, n: i32): void { binaryLoop(GELU_TANH_BW, a, b, out, n, false); }

/** out[i] = a[i] op b[i] for op in add/sub/mul/div/maximum/minimum and the activation backwards. out may alias a or b. */
export function binary(op: i32, a: usize, b: usize, out: usize, n: i32): void {
  switch (op) {
    case ADD: binaryVV(ADD, a, b, out, n); break;
    case SUB: binaryVV(SUB, a, b, out, n); break;
    case MUL: binaryVV(MUL, a, b, out, n); break;
    case DIV: binaryVV(DIV, a, b, out, n); break;
    case MAX: binaryVV(MAX, a, b, out, n); break;
    case MIN: binaryVV(MIN, a, b, out, n); break;
    case RELU_BW: binaryVV(RELU_BW, a, b, out, n); break;
    case GELU_BW: geluBackwardVV(a, b, out, n); break;
    default: geluTanhBackwardVV(a, b, out, n);
  }
}

function binaryVSImpl(op: i32, a: usize, s: f32, scalarFirst: i32, out: usize, n: i32): void {
  const sv = f32x4.splat(s);
  const n4 = n & ~3;
  if (scalarFirst != 0) {
    for (let i = 0; i < n4; i += 4) { const o = <usize>i << 2; v128.store(out + o, binCheap(op, sv, v128.load(a + o))); }
    if (n4 < n) { const o = <usize>n4 << 2; storePartial(out + o, binCheap(op, sv, loadPartial(a + o, n - n4)), n - n4); }
  } else {
    for (let i = 0; i < n4; i += 4) { const o = <usize>i << 2; v128.store(out + o, binCheap(op, v128.load(a + o), sv)); }
    if (n4 < n) { const o = <usize>n4 << 2; storePartial(out + o, binCheap(op, loadPartial(a + o, n - n4), sv), n - n4); }
  }
}

/** out[i] = a[i] op s (scalarFirst = 0) or s op a[i] (scalarFirst = 1). */
export function binaryScalar(op: i32, a: usize, s: f32, scalarFirst: i32, out: usize, n: i32): void {
  switch (op) {
    case ADD: binaryVSImpl(ADD, a, s, scalarFirst, out, n); break;
    case SUB: binaryVSImpl(SUB, a, s, scalarFirst, out, n); break;
    case MUL: binaryVSImpl(MUL, a, s, scalarFirst, out, n); break;
    case DIV: binaryVSImpl(DIV, a, s, scalarFirst, out, n); break;
    case MAX: binaryVSImpl(MAX, a, s, scalarFirst, out, n); break;
    default: binaryVSImpl(MIN, a, s, scalarFirst, out, n);
  }
}

function binaryBcastImpl(op: i32, a: usize, b: usize, out: usize, rows: i32, cols: i32, rowVec: i32, swap: i32): void {
  const n4 = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const base = <usize>(r * cols) << 2;
    const ar = a + base, orow = out + base;
    const sv = f32x4.splat(rowVec != 0 ? 0 : load<f32>(b + (<usize>r << 2)));
    for (let i = 0; i < n4; i += 4) {
      const o = <usize>i << 2;
      const bv = rowVec != 0 ? v128.load(b + o) : sv;
      const av = v128.load(ar + o);
      v128.store(orow + o, swap != 0 ? binCheap(op, bv, av) : binCheap(op, av, bv));
    }
    if (n4 < cols) {
      const o = <usize>n4 << 2;
      const k = cols - n4;
      const bv = rowVec != 0 ? loadPartial(b + o, k) : sv;
      const av = loadPartial(ar + o, k);
      storePartial(orow + o, swap != 0 ? binCheap(op, bv, av) : binCheap(op, av, bv), k);
    }
  }
}

/**
 * Broadcast binary op on a contiguous (rows, cols) a: b is a (cols) vector repeated down the rows
 * (rowVec = 1, e.g. a bias) or a (rows) vector repeated along each row (rowVec = 0, e.g. x − mean);
 * swap = 1 computes b op a. out may alias a.
 */
export function binaryBcast(op: i32, a: usize, b: usize, out: usize, rows: i32, cols: i32, rowVec: i32, swap: i32): void {
  switch (op) {
    case ADD: binaryBcastImpl(ADD, a, b, out, rows, cols, rowVec, swap); break;
    case SUB: binaryBcastImpl(SUB, a, b, out, rows, cols, rowVec, swap); break;
    case MUL: binaryBcastImpl(MUL, a, b, out, rows, cols, rowVec, swap); break;
    case DIV: binaryBcastImpl(DIV, a, b, out, rows, cols, rowVec, swap); break;
    case MAX: binaryBcastImpl(MAX, a, b, out, rows, cols, rowVec, swap); break;
    default: binaryBcastImpl(MIN, a, b, out, rows, cols, rowVec, swap);
  }
}

// @ts-ignore: decorator
@inline function un(op: i32, x: v128): v128 {
  switch (op) {
    case EXP: return vexp(x);
    case LOG: return vlog(x);
    case TANH: return vtanh(x);
    case SIGMOID: return vsigmoid(x);
    case GELU: return vgeluErf(x);
    case GELU_TANH: return vgeluTanh(x);
    case ERF: return verf(x);
    default: return unCheap(op, x);
  }
}

/** un for the ops of a few instructions (relu, neg, sqrt, abs), as binCheap. */
// @ts-ignore: decorator
@inline function unCheap(op: i32, x: v128): v128 {
  switch (op) {
    case RELU: return f32x4.max(x, f32x4.splat(0)); // NaN stays NaN, like torch.relu
    case NEG: return f32x4.neg(x);
    case SQRT: return f32x4.sqrt(x);
    default: return f32x4.abs(x);
  }
}

/** unCheap when `cheap` (a constant at each use), else un. */
// @ts-ignore: decorator
@inline function unPick(cheap: bool, op: i32, x: v128): v128 { return cheap ? unCheap(op, x) : un(op, x); }

// @ts-ignore: decorator
@inline function unaryLoop(op: i32, x: usize, out: usize, n: i32, cheap: bool): void {
  const n4 = n & ~3;
  let i = 0;
  for (; i + 8 <= n4; i += 8) {
    const o = <usize>i << 2;
    const r0 = unPick(cheap, op, v128.load(x + o)), r1 = unPick(cheap, op, v128.load(x + o, 16));
    v128.store(out + o, r0);
    v128.store(out + o, r1, 16);
  }
  for (; i < n4; i += 4) { const o = <usize>i << 2; v128.store(out + o, unPick(cheap, op, v128.load(x + o))); }
  if (n4 < n) { const o = <usize>n4 << 2; storePartial(out + o, unPick(cheap, op, loadPartial(x + o, n - n4)), n - n4); }
}
function unaryImpl(op: i32, x: usize, out: usize, n: i32): void { unaryLoop(op, x, out, n, true); }
function expVV(x: usize, out: usize, n: i32): void { unaryLoop(EXP, x, out, n, false); }
function logVV(x: usize, out: usize, n: i32): void { unaryLoop(LOG, x, out, n, false); }
function tanhVV(x: usize, out: usize, n: i32): void { unaryLoop(TANH, x, out, n, false); }
function sigmoidVV(x: usize, out: usize, n: i32): void { unaryLoop(SIGMOID, x, out, n, false); }
function geluVV(x: usize, out: usize, n: i32): void { unaryLoop(GELU, x, out, n, false); }
function geluTanhVV(x: usize, out: usize, n: i32): void { unaryLoop(GELU_TANH, x, out, n, false); }
function erfVV(x: usize, out: usize, n: i32): void { unaryLoop(ERF, x, out, n, false); }

/** out[i] = f(x[i]) for f in exp/log/tanh/sigmoid/gelu/geluTanh/relu/neg/sqrt/abs. out may alias x. */
export function unary(op: i32, x: usize, out: usize, n: i32): void {
  switch (op) {
    case EXP: expVV(x, out, n); break;
    case LOG: logVV(x, out, n); break;
    case TANH: tanhVV(x, out, n); break;
    case SIGMOID: sigmoidVV(x, out, n); break;
    case GELU: geluVV(x, out, n); break;
    case GELU_TANH: geluTanhVV(x, out, n); break;
    case ERF: erfVV(x, out, n); break;
    default: unaryImpl(op, x, out, n); // relu, neg, sqrt, abs
  }
}

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}
// @ts-ignore: decorator
@inline function hmax(v: v128): f32 {
  return max(max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}

// @ts-ignore: decorator
@inline function hmin(v: v128): f32 {
  return min(min(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), min(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}

/** max (isMin false) or min of a row; NaN anywhere gives NaN. Inlined with a constant isMin, so each
 *  use compiles to one loop. */
// @ts-ignore: decorator
@inline function rowExtreme(x: usize, cols: i32, isMin: bool): f32 {
  const n4 = cols & ~3;
  // pmax/pmin are one instruction where max/min's NaN rules cost several; NaN lanes are tracked on the side.
  let m = f32x4.splat(isMin ? Infinity : -Infinity);
  let nan = i32x4.splat(0);
  for (let i = 0; i < n4; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    m = isMin ? f32x4.pmin(m, v) : f32x4.pmax(m, v);
    nan = v128.or(nan, f32x4.ne(v, v));
  }
  if (v128.any_true(nan)) return NaN;
  let r = isMin ? hmin(m) : hmax(m);
  for (let i = n4; i < cols; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    r = isMin ? min(r, v) : max(r, v);
  }
  return r;
}

function rowMax(x: usize, cols: i32): f32 { return rowExtreme(x, cols, false); }
function rowMin(x: usize, cols: i32): f32 { return rowExtreme(x, cols, true); }

function rowSum(x: usize, cols: i32): f32 {
  const n4 = cols & ~3;
  let s = f32x4.splat(0);
  for (let i = 0; i < n4; i += 4) s = f32x4.add(s, v128.load(x + (<usize>i << 2)));
  let r = hsum(s);
  for (let i = n4; i < cols; i++) r += load<f32>(x + (<usize>i << 2));
  return r;
}

/** Reductions over one dim: op codes of reduceRows and reduceMid (kernels.ts REDUCE_CODES). */
const R_SUM = 0, R_MAX = 1, R_MIN = 2;

/** out[r] = Σ_c / max_c / min_c x[r, c] (op R_SUM, R_MAX, else min) for a contiguous (rows, cols) buffer.
 *  Sums use four lane partial sums (pairwise-ish accuracy); max and min give NaN for a row holding one
 *  (torch.amax/amin), and -Inf / +Inf for cols = 0. */
export function reduceRows(x: usize, rows: i32, cols: i32, out: usize, op: i32): void {
  for (let r = 0; r < rows; r++) {
    const row = x + (<usize>(r * cols) << 2);
    store<f32>(out + (<usize>r << 2), op == R_SUM ? rowSum(row, cols) : op == R_MAX ? rowMax(row, cols) : rowMin(row, cols));
  }
}

/** out[o, i] = Σ_r / max_r / min_r x[o, r, i] for a contiguous (outer, size, inner) buffer: whole rows of
 *  `inner` accumulate at once (sums over a leading dim, e.g. bias gradients). f32x4.max/min and
 *  f32.max/min return NaN when either operand is NaN, so a NaN anywhere in a column gives NaN; size = 0
 *  gives 0, -Inf or +Inf. */
export function reduceMid(x: usize, outer: i32, size: i32, inner: i32, out: usize, op: i32): void {
  if (op == R_SUM) midReduce(x, outer, size, inner, out, R_SUM);
  else if (op == R_MAX) midReduce(x, outer, size, inner, out, R_MAX);
  else midReduce(x, outer, size, inner, out, R_MIN);
}

/** One step of reduceMid's accumulation (op a constant at each use). */
// @ts-ignore: decorator
@inline function midOp(op: i32, a: v128, b: v128): v128 {
  return op == R_SUM ? f32x4.add(a, b) : op == R_MAX ? f32x4.max(a, b) : f32x4.min(a, b);
}

/** reduceMid's loops, inlined with a constant op so each compiles to one loop. */
// @ts-ignore: decorator
@inline function midReduce(x: usize, outer: i32, size: i32, inner: i32, out: usize, op: i32): void {
  const n4 = inner & ~3;
  const init: f32 = op == R_SUM ? 0 : op == R_MAX ? -Infinity : Infinity;
  for (let o = 0; o < outer; o++) {
    const dst = out + (<usize>(o * inner) << 2);
    const src = x + (<usize>(o * size * inner) << 2);
    for (let i = 0; i < n4; i += 4) v128.store(dst + (<usize>i << 2), f32x4.splat(init));
    for (let i = n4; i < inner; i++) store<f32>(dst + (<usize>i << 2), init);
    for (let r = 0; r < size; r++) {
      const row = src + (<usize>(r * inner) << 2);
      let i = 0;
      for (; i + 8 <= n4; i += 8) { // two vectors at a time, like the elementwise loops (columns stay independent)
        const q = <usize>i << 2;
        const r0 = midOp(op, v128.load(dst + q), v128.load(row + q)), r1 = midOp(op, v128.load(dst + q, 16), v128.load(row + q, 16));
        v128.store(dst + q, r0);
        v128.store(dst + q, r1, 16);
      }
      for (; i < n4; i += 4) {
        const q = <usize>i << 2;
        v128.store(dst + q, midOp(op, v128.load(dst + q), v128.load(row + q)));
      }
      for (let i = n4; i < inner; i++) {
        const q = <usize>i << 2;
        const a = load<f32>(dst + q), b = load<f32>(row + q);
        store<f32>(dst + q, op == R_SUM ? a + b : op == R_MAX ? max(a, b) : min(a, b));
      }
    }
  }
}

/** Softmax over the last dim: out[r, c] = e^{x[r,c] − max_r} / Σ_c e^{x[r,c] − max_r}. out may alias x.
 *  log != 0 gives logSoftmax: x − max − ln Σ e^{x − max}. */
export function softmaxRows(x: usize, rows: i32, cols: i32, out: usize, log: i32): void {
  const n4 = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>(r * cols) << 2);
    const or = out + (<usize>(r * cols) << 2);
    const mx = f32x4.splat(rowMax(xr, cols));
    let s = f32x4.splat(0);
    for (let i = 0; i < n4; i += 4) {
      const o = <usize>i << 2;
      const d = f32x4.sub(v128.load(xr + o), mx);
      const e = vexp(d);
      s = f32x4.add(s, e);
      v128.store(or + o, log != 0 ? d : e);
    }
    let sum = hsum(s);
    if (n4 < cols) {
      const o = <usize>n4 << 2;
      const d = f32x4.sub(loadPartial(xr + o, cols - n4), mx);
      const e = vexp(d);
      sum += f32x4.extract_lane(e, 0);
      if (cols - n4 > 1) sum += f32x4.extract_lane(e, 1);
      if (cols - n4 > 2) sum += f32x4.extract_lane(e, 2);
      storePartial(or + o, log != 0 ? d : e, cols - n4);
    }
    if (log != 0) {
      const ls = f32x4.splat(f32x4.extract_lane(vlog(f32x4.splat(sum)), 0));
      for (let i = 0; i < n4; i += 4) { const o = <usize>i << 2; v128.store(or + o, f32x4.sub(v128.load(or + o), ls)); }
      for (let i = n4; i < cols; i++) { const o = <usize>i << 2; store<f32>(or + o, load<f32>(or + o) - f32x4.extract_lane(ls, 0)); }
    } else {
      const inv = f32x4.splat(1 / sum);
      for (let i = 0; i < n4; i += 4) { const o = <usize>i << 2; v128.store(or + o, f32x4.mul(v128.load(or + o), inv)); }
      for (let i = n4; i < cols; i++) { const o = <usize>i << 2; store<f32>(or + o, load<f32>(or + o) * f32x4.extract_lane(inv, 0)); }
    }
  }
}

/**
 * Gradient of softmax over the last dim of contiguous (rows, cols) y = softmax(x) (log = 0):
 * dx = y ⊙ (g − Σ g⊙y); of log-softmax (log != 0, y = logSoftmax(x)): dx = g − eʸ·Σ g. out may alias g.
 */
export function softmaxBackwardRows(g: usize, y: usize, rows: i32, cols: i32, out: usize, log: i32): void {
  const n4 = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const off = <usize>r * <usize>cols << 2;
    const gr = g + off, yr = y + off, or = out + off;
    let acc = f32x4.splat(0);
    for (let i = 0; i < n4; i += 4) {
      const o = <usize>i << 2;
      const gv = v128.load(gr + o);
      acc = f32x4.add(acc, log != 0 ? gv : f32x4.mul(gv, v128.load(yr + o)));
    }
    let s = hsum(acc);
    for (let i = n4; i < cols; i++) {
      const o = <usize>i << 2;
      s += log != 0 ? load<f32>(gr + o) : load<f32>(gr + o) * load<f32>(yr + o);
    }
    const sv = f32x4.splat(s);
    for (let i = 0; i < n4; i += 4) {
      const o = <usize>i << 2;
      const gv = v128.load(gr + o), yv = v128.load(yr + o);
      v128.store(or + o, log != 0 ? f32x4.sub(gv, f32x4.mul(vexp(yv), sv)) : f32x4.mul(yv, f32x4.sub(gv, sv)));
    }
    if (n4 < cols) {
      const o = <usize>n4 << 2, w = cols - n4;
      const gv = loadPartial(gr + o, w), yv = loadPartial(yr + o, w);
      storePartial(or + o, log != 0 ? f32x4.sub(gv, f32x4.mul(vexp(yv), sv)) : f32x4.mul(yv, f32x4.sub(gv, sv)), w);
    }
  }
}

/**
 * SGD with momentum, in place (torch.optim.SGD):
 *   g ← ±grad + λp;  buf ← g (first step) or μ·buf + (1−τ)·g;  g ← g + μ·buf (Nesterov) or buf;  p ← p − lr·g
 * momentum = 0 skips the buffer (buf may be 0). dampC = 1 − τ. Same float32 operation order as the
 * op-based update in src/optim and the JS kernel (no fused multiply-adds), so results match bit for bit.
 */
// @ts-ignore: decorator
@inline function sgdVec(pv: v128, g: v128, bo: v128, vlr: v128, vmu: v128, vdamp: v128, vwd: v128, momentum: f32,
                        weightDecay: f32, nesterov: i32, maximize: i32, firstStep: i32, bufOut: usize, w: i32): v128 {
  if (maximize != 0) g = f32x4.neg(g);
  if (weightDecay != 0) g = f32x4.add(g, f32x4.mul(vwd, pv));
  if (momentum != 0) {
    const b = firstStep != 0 ? g : f32x4.add(f32x4.mul(vmu, bo), f32x4.mul(vdamp, g));
    if (w == 4) v128.store(bufOut, b); else storePartial(bufOut, b, w);
    g = nesterov != 0 ? f32x4.add(g, f32x4.mul(vmu, b)) : b;
  }
  return f32x4.sub(pv, f32x4.mul(vlr, g));
}

export function sgdStep(p: usize, grad: usize, buf: usize, n: i32, lr: f32, momentum: f32, dampC: f32,
                        weightDecay: f32, nesterov: i32, maximize: i32, firstStep: i32): void {
  const vlr = f32x4.splat(lr), vmu = f32x4.splat(momentum), vdamp = f32x4.splat(dampC);
  const vwd = f32x4.splat(weightDecay);
  const n4 = n & ~3;
  const zero = f32x4.splat(0);
  if (momentum == 0 && weightDecay == 0 && maximize == 0) {
    // plain SGD: one multiply-subtract per element (the common case, kept branch-free), two vectors per
    // iteration like the elementwise loops
    let i = 0;
    for (; i + 8 <= n4; i += 8) {
      const o = <usize>i << 2;
      const r0 = f32x4.sub(v128.load(p + o), f32x4.mul(vlr, v128.load(grad + o)));
      const r1 = f32x4.sub(v128.load(p + o, 16), f32x4.mul(vlr, v128.load(grad + o, 16)));
      v128.store(p + o, r0);
      v128.store(p + o, r1, 16);
    }
    for (; i < n4; i += 4) {
      const o = <usize>i << 2;
      v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(vlr, v128.load(grad + o))));
    }
  } else {
    const readBuf = momentum != 0 && firstStep == 0;
    for (let i = 0; i < n4; i += 4) {
      const o = <usize>i << 2;
      const bo = readBuf ? v128.load(buf + o) : zero;
      v128.store(p + o, sgdVec(v128.load(p + o), v128.load(grad + o), bo, vlr, vmu, vdamp, vwd, momentum, weightDecay,
        nesterov, maximize, firstStep, buf + o, 4));
    }
  }
  if (n4 < n) {
    const o = <usize>n4 << 2, w = n - n4;
    const bo = momentum != 0 && firstStep == 0 ? loadPartial(buf + o, w) : zero;
    storePartial(p + o, sgdVec(loadPartial(p + o, w), loadPartial(grad + o, w), bo, vlr, vmu, vdamp, vwd, momentum,
      weightDecay, nesterov, maximize, firstStep, buf + o, w), w);
  }
}

/**
 * Adam / AdamW, in place (torch.optim.Adam / AdamW, amsgrad = false):
 *   AdamW: p ← p·decay (decay = 1 − lr·λ)      Adam: g ← g + λp
 *   m ← β₁m + (1−β₁)g   v ← β₂v + (1−β₂)g²   p ← p − stepSize·m / (√v / bc2Sqrt + ε)
 * with stepSize = lr/(1−β₁ᵗ), bc2Sqrt = √(1−β₂ᵗ) and every coefficient computed by the caller in
 * float64; the float32 operation order is the op-based update's, so results match bit for bit.
 */
// @ts-ignore: decorator
@inline function adamVec(pv: v128, g: v128, mv: v128, vv: v128, vb1: v128, vb1c: v128, vb2: v128, vb2c: v128, veps: v128,
                         vstep: v128, vbc2: v128, vwd: v128, vdecay: v128, weightDecay: f32, decoupled: i32, maximize: i32,
                         mOut: usize, vOut: usize, w: i32): v128 {
  if (maximize != 0) g = f32x4.neg(g);
  if (weightDecay != 0) {
    if (decoupled != 0) pv = f32x4.mul(pv, vdecay);
    else g = f32x4.add(g, f32x4.mul(vwd, pv));
  }
  mv = f32x4.add(f32x4.mul(vb1, mv), f32x4.mul(vb1c, g));
  vv = f32x4.add(f32x4.mul(vb2, vv), f32x4.mul(vb2c, f32x4.mul(g, g)));
  const denom = f32x4.add(f32x4.div(f32x4.sqrt(vv), vbc2), veps);
  if (w == 4) { v128.store(mOut, mv); v128.store(vOut, vv); } else { storePartial(mOut, mv, w); storePartial(vOut, vv, w); }
  return f32x4.sub(pv, f32x4.mul(vstep, f32x4.div(mv, denom)));
}

export function adamStep(p: usize, grad: usize, m: usize, v: usize, n: i32, beta1: f32, b1c: f32, beta2: f32, b2c: f32,
                         eps: f32, weightDecay: f32, decay: f32, decoupled: i32, maximize: i32, stepSize: f32,
                         bc2Sqrt: f32): void {
  const vb1 = f32x4.splat(beta1), vb1c = f32x4.splat(b1c);
  const vb2 = f32x4.splat(beta2), vb2c = f32x4.splat(b2c);
  const veps = f32x4.splat(eps), vstep = f32x4.splat(stepSize), vbc2 = f32x4.splat(bc2Sqrt);
  const vwd = f32x4.splat(weightDecay), vdecay = f32x4.splat(decay);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i << 2;
    v128.store(p + o, adamVec(v128.load(p + o), v128.load(grad + o), v128.load(m + o), v128.load(v + o), vb1, vb1c, vb2, vb2c,
      veps, vstep, vbc2, vwd, vdecay, weightDecay, decoupled, maximize, m + o, v + o, 4));
  }
  if (n4 < n) {
    const o = <usize>n4 << 2, w = n - n4;
    storePartial(p + o, adamVec(loadPartial(p + o, w), loadPartial(grad + o, w), loadPartial(m + o, w), loadPartial(v + o, w),
      vb1, vb1c, vb2, vb2c, veps, vstep, vbc2, vwd, vdecay, weightDecay, decoupled, maximize, m + o, v + o, w), w);
  }
}

/**
 * Layer norm over the last axis of a contiguous (rows, cols) x: out = (x − μ)·rstd·w + b with
 * rstd = 1/√(Var[x] + ε) (biased, two-pass); w/b are skipped when hasW/hasB are 0. Writes μ and rstd
 * per row. out may alias x.
 */
export function layerNormRows(x: usize, rows: i32, cols: i32, w: usize, b: usize, hasW: i32, hasB: i32, eps: f32,
                              out: usize, mean: usize, rstd: usize): void {
  const c4 = cols & ~3;
  const inv = <f32>1 / <f32>cols;
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>r * <usize>cols << 2), or = out + (<usize>r * <usize>cols << 2);
    let acc = f32x4.splat(0);
    for (let j = 0; j < c4; j += 4) acc = f32x4.add(acc, v128.load(xr + (<usize>j << 2)));
    let s = hsum(acc);
    for (let j = c4; j < cols; j++) s += load<f32>(xr + (<usize>j << 2));
    const mu = s * inv;
    const vmu = f32x4.splat(mu);
    acc = f32x4.splat(0);
    for (let j = 0; j < c4; j += 4) { const d = f32x4.sub(v128.load(xr + (<usize>j << 2)), vmu); acc = f32x4.add(acc, f32x4.mul(d, d)); }
    let v = hsum(acc);
    for (let j = c4; j < cols; j++) { const d = load<f32>(xr + (<usize>j << 2)) - mu; v += d * d; }
    const rs = <f32>1 / sqrt<f32>(v * inv + eps);
    store<f32>(mean + (<usize>r << 2), mu);
    store<f32>(rstd + (<usize>r << 2), rs);
    const vrs = f32x4.splat(rs);
    for (let j = 0; j < c4; j += 4) {
      const o = <usize>j << 2;
      let y = f32x4.mul(f32x4.sub(v128.load(xr + o), vmu), vrs);
      if (hasW != 0) y = f32x4.mul(y, v128.load(w + o));
      if (hasB != 0) y = f32x4.add(y, v128.load(b + o));
      v128.store(or + o, y);
    }
    for (let j = c4; j < cols; j++) {
      const o = <usize>j << 2;
      let y = (load<f32>(xr + o) - mu) * rs;
      if (hasW != 0) y *= load<f32>(w + o);
      if (hasB != 0) y += load<f32>(b + o);
      store<f32>(or + o, y);
    }
  }
}

/**
 * Layer-norm gradients: x̂ = (x − μ)·rstd, ĝ = g·w;  dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) per row;
 * dw = Σ_rows g·x̂, db = Σ_rows g (overwritten; skipped when hasDw/hasDb are 0).
 */
export function layerNormBackwardRows(g: usize, x: usize, mean: usize, rstd: usize, w: usize, hasW: i32, rows: i32, cols: i32,
                                      dx: usize, dw: usize, db: usize, hasDw: i32, hasDb: i32): void {
  const c4 = cols & ~3;
  const inv = <f32>1 / <f32>cols;
  if (hasDw != 0) memory.fill(dw, 0, <usize>cols << 2);
  if (hasDb != 0) memory.fill(db, 0, <usize>cols << 2);
  for (let r = 0; r < rows; r++) {
    const base = <usize>r * <usize>cols << 2;
    const gr = g + base, xr = x + base, dr = dx + base;
    const mu = load<f32>(mean + (<usize>r << 2)), rs = load<f32>(rstd + (<usize>r << 2));
    const vmu = f32x4.splat(mu), vrs = f32x4.splat(rs);
    let ag = f32x4.splat(0), agx = f32x4.splat(0);
    for (let j = 0; j < c4; j += 4) {
      const o = <usize>j << 2;
      const gj = v128.load(gr + o);
      const xh = f32x4.mul(f32x4.sub(v128.load(xr + o), vmu), vrs);
      const gy = hasW != 0 ? f32x4.mul(gj, v128.load(w + o)) : gj;
      ag = f32x4.add(ag, gy);
      agx = f32x4.add(agx, f32x4.mul(gy, xh));
      if (hasDw != 0) v128.store(dw + o, f32x4.add(v128.load(dw + o), f32x4.mul(gj, xh)));
      if (hasDb != 0) v128.store(db + o, f32x4.add(v128.load(db + o), gj));
    }
    let sg = hsum(ag), sgx = hsum(agx);
    for (let j = c4; j < cols; j++) {
      const o = <usize>j << 2;
      const gj = load<f32>(gr + o);
      const xh = (load<f32>(xr + o) - mu) * rs;
      const gy = hasW != 0 ? gj * load<f32>(w + o) : gj;
      sg += gy; sgx += gy * xh;
      if (hasDw != 0) store<f32>(dw + o, load<f32>(dw + o) + gj * xh);
      if (hasDb != 0) store<f32>(db + o, load<f32>(db + o) + gj);
    }
    const a = sg * inv, c = sgx * inv;
    const va = f32x4.splat(a), vc = f32x4.splat(c);
    for (let j = 0; j < c4; j += 4) {
      const o = <usize>j << 2;
      const gj = v128.load(gr + o);
      const xh = f32x4.mul(f32x4.sub(v128.load(xr + o), vmu), vrs);
      const gy = hasW != 0 ? f32x4.mul(gj, v128.load(w + o)) : gj;
      v128.store(dr + o, f32x4.mul(vrs, f32x4.sub(f32x4.sub(gy, va), f32x4.mul(xh, vc))));
    }
    for (let j = c4; j < cols; j++) {
      const o = <usize>j << 2;
      const gj = load<f32>(gr + o);
      const xh = (load<f32>(xr + o) - mu) * rs;
      const gy = hasW != 0 ? gj * load<f32>(w + o) : gj;
      store<f32>(dr + o, rs * (gy - a - xh * c));
    }
  }
}

/**
 * Copies between a strided 4-D float32 view and a contiguous buffer, in the view's row-major order:
 * element (i, j, k, l) of the view is at view + 4·(i·s0 + j·s1 + k·s2 + l·s3) (strides in elements, ≥ 0;
 * pad lower-rank views with size-1 dims). toView 0 gathers (view → flat), 1 scatters (flat → view). Rows
 * with s3 = 1 are one memory.copy each (head split/merge, permutes, narrow views and their gradients).
 */
// @ts-ignore: decorator
@inline function copyStrided4(view: usize, d0: i32, d1: i32, d2: i32, d3: i32, s0: i32, s1: i32, s2: i32, s3: i32,
                              flat: usize, toView: bool): void {
  const row = <usize>d3 << 2;
  let o = flat;
  for (let i = 0; i < d0; i++) {
    for (let j = 0; j < d1; j++) {
      for (let k = 0; k < d2; k++) {
        const base = view + ((<usize>i * <usize>s0 + <usize>j * <usize>s1 + <usize>k * <usize>s2) << 2);
        if (s3 == 1) {
          // Rows of whole vectors: copied in registers, two vectors at a time (a memory.copy call per short
          // row costs more than the copy).
          const from = toView ? o : base, to = toView ? base : o;
          if ((d3 & 3) == 0) {
            let q: usize = 0;
            for (; q + 32 <= row; q += 32) {
              const a = v128.load(from + q), b = v128.load(from + q, 16);
              v128.store(to + q, a);
              v128.store(to + q, b, 16);
            }
            if (q < row) v128.store(to + q, v128.load(from + q));
          } else memory.copy(to, from, row);
        } else {
          for (let l = 0; l < d3; l++) {
            const v = base + (<usize>l * <usize>s3 << 2), f = o + (<usize>l << 2);
            if (toView) store<f32>(v, load<f32>(f)); else store<f32>(f, load<f32>(v));
          }
        }
        o += row;
      }
    }
  }
}

/** out (contiguous) ← the strided view of src (see copyStrided4). */
export function gatherStrided4(src: usize, d0: i32, d1: i32, d2: i32, d3: i32, s0: i32, s1: i32, s2: i32, s3: i32, out: usize): void {
  copyStrided4(src, d0, d1, d2, d3, s0, s1, s2, s3, out, false);
}

/** The strided view of dst ← the contiguous src: the inverse of gatherStrided4. */
export function scatterStrided4(src: usize, d0: i32, d1: i32, d2: i32, d3: i32, s0: i32, s1: i32, s2: i32, s3: i32, dst: usize): void {
  copyStrided4(dst, d0, d1, d2, d3, s0, s1, s2, s3, src, true);
}
