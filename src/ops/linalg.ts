// Linear algebra: matmul (1-D, 2-D, batched with broadcasting), mm, bmm, mv, dot, outer, einsum.
import { isGradEnabled } from '../autograd/grad-mode.js';
import { type DType, isFloating } from '../tensor/dtype.js';
import { ArgumentError, DTypeError, ShapeError, fmtShape } from '../tensor/errors.js';
import { broadcastShapes, numel } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { be, checkTensor, contiguousData, empty, finishOut, pinnedUninitialized, record, sumToShape, uninitialized } from './define.js';

function checkPair(op: string, a: Tensor, b: Tensor): DType {
  checkTensor(a, op);
  checkTensor(b, op, 'other');
  if (a.dtype !== b.dtype) throw new DTypeError(`${op}: expected both operands to have the same dtype, but got ${a.dtype} for the first and ${b.dtype} for the second`);
  if (a.dtype === 'bool') throw new DTypeError(`${op}: not implemented for bool tensors`);
  return a.dtype;
}

/**
 * Core batched product: a (...batchA, M, K) · b (...batchB, K, N) with broadcast batch dims, plus a
 * bias (N) on every row when given (the caller checks its dtype and length).
 */
function batchedMatmul(op: string, a: Tensor, b: Tensor, bias: Tensor | null = null, pinOut = false): Tensor {
  const dtype = checkPair(op, a, b);
  const m = a.shape[a.ndim - 2]!;
  const k = a.shape[a.ndim - 1]!;
  const k2 = b.shape[b.ndim - 2]!;
  const n = b.shape[b.ndim - 1]!;
  if (k !== k2) {
    throw new ShapeError(`${op}: mat1 and mat2 shapes cannot be multiplied (${m}x${k} and ${k2}x${n}); input shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  }
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), op);
  const nb = numel(batch);
  const aOffs = batchOffsets(a, batch);
  const bOffs = batchOffsets(b, batch);
  const writesAll = nb > 0 && m > 0 && n > 0;
  const pinned = writesAll && pinOut && dtype === 'float32' ? pinnedUninitialized([...batch, m, n]) : null;
  const out = pinned ?? (writesAll ? uninitialized([...batch, m, n], dtype) : empty([...batch, m, n], dtype));
  if (writesAll) {
    be().matmul(
      a.storage.data, aOffs, a.strides[a.ndim - 2]!, a.strides[a.ndim - 1]!,
      b.storage.data, bOffs, b.strides[b.ndim - 2]!, b.strides[b.ndim - 1]!,
      m, n, k, out.storage.data, bias ? contiguousData(bias) : null,
    );
  } else if (bias && nb > 0 && m > 0) {
    out.copy_(bias.expand(out.shape)); // K = 0 or N = 0: the product is all zeros
  }
  finishOut(out);
  if (!isFloating(dtype)) return out;
  // A column-major operand (e.g. weight.T in linear) gets its gradient computed transposed, (gᵀ·a)ᵀ,
  // so the gradient arrives in the parameter's own row-major layout (as in PyTorch): no strided copy.
  const colMajor = (t: Tensor) => a.ndim === 2 && b.ndim === 2 && t.strides[0] === 1 && t.strides[1] !== 1;
  // The gradient of a pinned weight (an optimizer's parameter) is made in pinned memory too, so the GEMM
  // writes it and the optimizer step reads it in place (outside createGraph only).
  const pinGrad = (t: Tensor) => !isGradEnabled() && be().isPinned(t.storage.data);
  const grads = (g: Tensor): (Tensor | null)[] => [
    !a.requiresGrad ? null : colMajor(a) ? batchedMatmul(op, b, g.mT).mT : sumToShape(batchedMatmul(op, g, b.mT), a.shape),
    !b.requiresGrad ? null : colMajor(b) ? batchedMatmul(op, g.mT, a, null, pinGrad(b)).mT : sumToShape(batchedMatmul(op, a.mT, g), b.shape),
  ];
  if (!bias) return record(out, op, [a, b], grads, [a, b]);
  return record(out, op, [a, b, bias], (g) => [...grads(g), bias.requiresGrad ? sumToShape(g, bias.shape) : null], [a, b]);
}

/** Storage offset of each matrix in the broadcast batch (row-major over batch dims). */
function batchOffsets(t: Tensor, batch: readonly number[]): Int32Array | Float64Array {
  const nb = numel(batch);
  const offs = new Float64Array(nb);
  const bd = t.ndim - 2;
  const lead = batch.length - bd;
  const idx = new Array<number>(batch.length).fill(0);
  for (let i = 0; i < nb; i++) {
    let o = t.offset;
    for (let d = 0; d < bd; d++) if (t.shape[d] !== 1) o += idx[lead + d]! * t.strides[d]!;
    offs[i] = o;
    for (let d = batch.length - 1; d >= 0; d--) {
      if (++idx[d]! < batch[d]!) break;
      idx[d] = 0;
    }
  }
  return offs;
}

/**
 * Matrix product with PyTorch's rules: 1-D·1-D is a dot product, 1-D operands gain and then lose a
 * dim, and batch dims broadcast. @example matmul(randn([10, 3, 4]), randn([4, 5])) // [10, 3, 5]
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkPair('matmul', a, b);
  if (a.ndim === 0 || b.ndim === 0) throw new ShapeError(`matmul: both arguments need at least 1 dimension, got ${a.ndim}D and ${b.ndim}D`);
  if (a.ndim === 1 && b.ndim === 1) return dot(a, b);
  const a2 = a.ndim === 1 ? a.unsqueeze(0) : a;
  const b2 = b.ndim === 1 ? b.unsqueeze(1) : b;
  if (a2.ndim > 2 && b2.ndim === 2 && a2.shape[a2.ndim - 1] === b2.shape[0]) {
    // (…, M, K)·(K, N) as one (…·M, K)·(K, N) GEMM, like PyTorch: bigger GEMMs (split across threads)
    // and a weight gradient that is one GEMM over all rows instead of a batch of GEMMs and a sum.
    const lead = a2.shape.slice(0, -1);
    const out = batchedMatmul('matmul', a2.reshape([-1, a2.shape[a2.ndim - 1]!]), b2).reshape([...lead, b2.shape[1]!]);
    return b.ndim === 1 ? out.squeeze(-1) : out;
  }
  let out = batchedMatmul('matmul', a2, b2);
  if (a.ndim === 1) out = out.squeeze(-2);
  if (b.ndim === 1) out = out.squeeze(-1);
  return out;
}

export interface AddmmOptions {
  /** multiplier of input (default 1); 0 ignores input, NaN and Inf included, like PyTorch */
  beta?: number;
  /** multiplier of mat1·mat2 (default 1) */
  alpha?: number;
}

/**
 * beta·input + alpha·(mat1·mat2) for 2-D mat1 (n, m), mat2 (m, p) and input broadcastable to (n, p).
 * A bias row (input of shape (p) or (1, p), beta = alpha = 1, the form `linear` uses) is fused into the
 * GEMM: the kernels add it as they write C instead of a separate broadcast add.
 * @example addmm(zeros([4]), randn([2, 3]), randn([3, 4])) // [2, 4]
 */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, o: AddmmOptions = {}): Tensor {
  const dtype = checkPair('addmm', mat1, mat2);
  checkTensor(input, 'addmm', 'input');
  if (mat1.ndim !== 2 || mat2.ndim !== 2) throw new ShapeError(`addmm: expected 2-D matrices, got shapes ${fmtShape(mat1.shape)} and ${fmtShape(mat2.shape)}`);
  if (input.dtype !== dtype) throw new DTypeError(`addmm: expected input to have dtype ${dtype} like the matrices, but got ${input.dtype}`);
  const outShape = [mat1.shape[0]!, mat2.shape[1]!];
  const bs = broadcastShapes(input.shape, outShape, 'addmm');
  if (bs.length !== 2 || bs[0] !== outShape[0] || bs[1] !== outShape[1]) {
    throw new ShapeError(`addmm: input of shape ${fmtShape(input.shape)} does not broadcast to the product's shape ${fmtShape(outShape)}`);
  }
  const beta = o.beta ?? 1, alpha = o.alpha ?? 1;
  const row = input.ndim === 1 || (input.ndim === 2 && input.shape[0] === 1 && input.shape[1] === outShape[1]);
  if (beta === 1 && alpha === 1 && row && input.shape[input.ndim - 1] === outShape[1] && isFloating(dtype)) {
    return batchedMatmul('addmm', mat1, mat2, input.reshape([outShape[1]!]));
  }
  const prod = batchedMatmul('addmm', mat1, mat2);
  const scaled = alpha === 1 ? prod : prod.mul(alpha);
  return beta === 0 ? scaled : (beta === 1 ? input : input.mul(beta)).add(scaled);
}

/** 2-D matrix product (no broadcasting). */
export function mm(a: Tensor, b: Tensor): Tensor {
  checkPair('mm', a, b);
  if (a.ndim !== 2 || b.ndim !== 2) throw new ShapeError(`mm: expected 2-D tensors, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  return batchedMatmul('mm', a, b);
}

/** Batched 3-D product with equal batch sizes (no broadcasting). */
export function bmm(a: Tensor, b: Tensor): Tensor {
  checkPair('bmm', a, b);
  if (a.ndim !== 3 || b.ndim !== 3) throw new ShapeError(`bmm: expected 3-D tensors, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  if (a.shape[0] !== b.shape[0]) throw new ShapeError(`bmm: batch sizes must match, got ${a.shape[0]} and ${b.shape[0]} (shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)})`);
  return batchedMatmul('bmm', a, b);
}

/** Matrix–vector product. */
export function mv(a: Tensor, v: Tensor): Tensor {
  checkPair('mv', a, v);
  if (a.ndim !== 2 || v.ndim !== 1) throw new ShapeError(`mv: expected a 2-D matrix and a 1-D vector, got shapes ${fmtShape(a.shape)} and ${fmtShape(v.shape)}`);
  return batchedMatmul('mv', a, v.unsqueeze(1)).squeeze(1);
}

/** Inner product of two 1-D tensors of equal length. */
export function dot(a: Tensor, b: Tensor): Tensor {
  checkPair('dot', a, b);
  if (a.ndim !== 1 || b.ndim !== 1) throw new ShapeError(`dot: 1D tensors expected, but got ${a.ndim}D and ${b.ndim}D tensors`);
  if (a.shape[0] !== b.shape[0]) throw new ShapeError(`dot: inconsistent tensor size, expected tensor [${a.shape[0]}] and src [${b.shape[0]}] to have the same number of elements`);
  return batchedMatmul('dot', a.unsqueeze(0), b.unsqueeze(1)).reshape([]);
}

/** Outer product of two 1-D tensors: (n) ⊗ (m) → (n, m). */
export function outer(a: Tensor, b: Tensor): Tensor {
  checkPair('outer', a, b);
  if (a.ndim !== 1 || b.ndim !== 1) throw new ShapeError(`outer: expected 1-D tensors, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  return a.unsqueeze(1).mul(b.unsqueeze(0));
}

// ---------------------------------------------------------------- einsum

interface Term {
  labels: string[];
}

/** Parses "ij,jk->ik" (with optional '...' and implicit output) into per-operand label lists. */
function parseEinsum(eq: string, operands: readonly Tensor[]): { inputs: Term[]; output: string[] } {
  const clean = eq.replace(/\s+/g, '');
  const [lhs, rhs] = clean.split('->') as [string, string | undefined];
  const parts = lhs.split(',');
  if (parts.length !== operands.length) {
    throw new ArgumentError(`einsum: the equation '${eq}' names ${parts.length} operands but ${operands.length} were given`);
  }
  let ellDims = 0;
  const inputs = parts.map((p, i) => {
    const t = operands[i]!;
    const hasEll = p.includes('...');
    const letters = p.replace('...', '');
    if (!/^[a-zA-Z]*$/.test(letters)) throw new ArgumentError(`einsum: invalid subscript in '${p}': only letters and one '...' are allowed`);
    const nEll = hasEll ? t.ndim - letters.length : 0;
    if (nEll < 0 || (!hasEll && letters.length !== t.ndim)) {
      throw new ShapeError(`einsum: operand ${i} has ${t.ndim} dims (shape ${fmtShape(t.shape)}) but the subscript '${p}' names ${letters.length}`);
    }
    ellDims = Math.max(ellDims, nEll);
    const [pre, post] = hasEll ? (p.split('...') as [string, string]) : [p, ''];
    const ell = Array.from({ length: nEll }, (_, k) => `.${ellDims - nEll + k}`);
    return { labels: [...pre, ...ell, ...post] };
  });
  // Re-number ellipsis labels so they right-align across operands.
  for (const term of inputs) {
    const n = term.labels.filter((l) => l.startsWith('.')).length;
    let k = 0;
    term.labels = term.labels.map((l) => (l.startsWith('.') ? `.${ellDims - n + k++}` : l));
  }
  const ellLabels = Array.from({ length: ellDims }, (_, k) => `.${k}`);
  let output: string[];
  if (rhs === undefined) {
    const counts = new Map<string, number>();
    for (const t of inputs) for (const l of t.labels) if (!l.startsWith('.')) counts.set(l, (counts.get(l) ?? 0) + 1);
    output = [...ellLabels, ...[...counts.keys()].filter((l) => counts.get(l) === 1).sort()];
  } else {
    if (!/^[a-zA-Z]*(\.\.\.)?[a-zA-Z]*$/.test(rhs)) throw new ArgumentError(`einsum: invalid output subscript '${rhs}'`);
    const [pre, post] = rhs.includes('...') ? (rhs.split('...') as [string, string]) : [rhs, ''];
    output = [...pre, ...(rhs.includes('...') ? ellLabels : []), ...post];
    const all = new Set(inputs.flatMap((t) => t.labels));
    for (const l of output) if (!all.has(l)) throw new ArgumentError(`einsum: output subscript '${l}' does not appear in the inputs of '${eq}'`);
    if (new Set(output).size !== output.length) throw new ArgumentError(`einsum: output subscript in '${eq}' repeats a letter`);
  }
  return { inputs, output };
}

/**
 * Einstein summation, e.g. einsum('bij,bjk->bik', a, b), einsum('ii->i', x), einsum('...d,d->...', x, w).
 * Repeated letters in one operand take a diagonal; operands are contracted pairwise through bmm.
 */
export function einsum(equation: string, ...operands: Tensor[]): Tensor {
  if (typeof equation !== 'string') throw new ArgumentError('einsum: the first argument must be the equation string');
  operands.forEach((t, i) => checkTensor(t, 'einsum', `operand ${i}`));
  if (operands.length === 0) throw new ArgumentError('einsum: at least one operand is required');
  const { inputs, output } = parseEinsum(equation, operands);
  const sizes = new Map<string, number>();
  // Diagonals for repeated labels within an operand, then a label-annotated working list.
  let work = operands.map((t, i) => {
    let labels = [...inputs[i]!.labels];
    let x = t;
    for (;;) {
      const dup = labels.findIndex((l, j) => labels.indexOf(l) !== j);
      if (dup < 0) break;
      const first = labels.indexOf(labels[dup]!);
      if (x.shape[first] !== x.shape[dup]) throw new ShapeError(`einsum: subscript '${labels[dup]}' is repeated in operand ${i} for dims of different sizes ${x.shape[first]} and ${x.shape[dup]}`);
      x = x.diagonal({ dim1: first, dim2: dup });
      const l = labels[dup]!;
      labels = labels.filter((_, j) => j !== first && j !== dup);
      labels.push(l);
    }
    labels.forEach((l, j) => {
      const s = x.shape[j]!;
      const prev = sizes.get(l);
      if (prev !== undefined && prev !== s && prev !== 1 && s !== 1) {
        throw new ShapeError(`einsum: subscript '${l}' has size ${s} in operand ${i} but ${prev} elsewhere (equation '${equation}')`);
      }
      sizes.set(l, prev === undefined || prev === 1 ? s : prev);
    });
    return { x, labels };
  });
  const needed = (idx: number, l: string): boolean => output.includes(l) || work.some((w, j) => j !== idx && w.labels.includes(l));
  // Sum out labels that appear in one operand only and not in the output.
  work = work.map((w, i) => {
    const drop = w.labels.map((l, j) => (needed(i, l) ? -1 : j)).filter((j) => j >= 0);
    if (!drop.length) return w;
    return { x: w.x.sum(drop), labels: w.labels.filter((_, j) => !drop.includes(j)) };
  });
  while (work.length > 1) {
    const a = work[0]!;
    const b = work[1]!;
    const rest = work.slice(2);
    const keep = (l: string): boolean => output.includes(l) || rest.some((w) => w.labels.includes(l));
    const batch = a.labels.filter((l) => b.labels.includes(l) && keep(l));
    const contract = a.labels.filter((l) => b.labels.includes(l) && !keep(l));
    const aOnly = a.labels.filter((l) => !b.labels.includes(l));
    const bOnly = b.labels.filter((l) => !a.labels.includes(l));
    const size = (l: string): number => sizes.get(l)!;
    const prep = (w: { x: Tensor; labels: string[] }, order: string[]): Tensor =>
      w.x.permute(order.map((l) => w.labels.indexOf(l))).expand(order.map(size));
    const A = prep(a, [...batch, ...aOnly, ...contract]).reshape([numel(batch.map(size)), numel(aOnly.map(size)), numel(contract.map(size))]);
    const B = prep(b, [...batch, ...contract, ...bOnly]).reshape([numel(batch.map(size)), numel(contract.map(size)), numel(bOnly.map(size))]);
    const C = bmm(A, B).reshape([...batch, ...aOnly, ...bOnly].map(size));
    work = [{ x: C, labels: [...batch, ...aOnly, ...bOnly] }, ...rest];
  }
  const last = work[0]!;
  const extra = last.labels.map((l, j) => (output.includes(l) ? -1 : j)).filter((j) => j >= 0);
  const x = extra.length ? last.x.sum(extra) : last.x;
  const labels = last.labels.filter((l) => output.includes(l));
  const perm = output.map((l) => labels.indexOf(l));
  const res = perm.length ? x.permute(perm) : x;
  return res.expand(output.map((l) => sizes.get(l)!));
}
