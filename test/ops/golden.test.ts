// The OpInfo-style golden sweep: every case of test/golden/ops.json (written by tools/golden/ops.py
// with PyTorch) is rebuilt here with the same layouts (transposed, sliced, expanded, ...), run on every
// backend, and checked for output values, dtypes and shapes and for the gradients of every float input.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tg from '../../src/index.js';
import { type DType, Tensor, slice, tensor } from '../../src/index.js';
import { expectClose, forEachBackend, golden, withBackend } from '../helpers.js';

type Num = number | string;
interface InputSpec { shape: number[]; dtype: DType; data: Num[]; layout: unknown[][]; grad: boolean }
interface OutputSpec { shape: number[]; dtype: DType; data: Num[] }
interface Case {
  name: string; op: string; call: 'method' | 'fn'; inputs: InputSpec[]; args: unknown[];
  outputs?: OutputSpec[]; upstream?: (Num[] | null)[]; grads?: (Num[] | null)[]; error?: string;
}

const num = (v: Num): number => (typeof v === 'number' ? v : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : -Infinity);

/** The leaf (base) tensor and the view the op sees after the layout transforms. */
function build(s: InputSpec): { base: Tensor; x: Tensor } {
  const base = tensor(s.data.map(num), { dtype: s.dtype }).reshape(s.shape).detach();
  if (s.grad) base.requiresGrad = true;
  let x = base;
  for (const tr of s.layout) {
    const [kind, a, b, c, d] = tr as [string, unknown, unknown, unknown, unknown];
    if (kind === 't') x = x.transpose(-2, -1);
    else if (kind === 'slice') x = slice(x, a as number, b as number | null, c as number | null, (d as number | null) ?? 1);
    else if (kind === 'expand') x = x.expand(a as number[]);
    else if (kind === 'permute') x = x.permute(a as number[]);
    else if (kind === 'select') x = x.select(a as number, b as number);
    else throw new Error(`unknown layout transform ${kind}`);
  }
  return { base, x };
}

function decode(a: unknown, xs: Tensor[]): unknown {
  if (Array.isArray(a)) return a.map((v) => decode(v, xs));
  if (a !== null && typeof a === 'object') {
    const o = a as Record<string, unknown>;
    if ('$t' in o) return xs[o.$t as number];
    if ('$f' in o) return num(o.$f as string);
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, decode(v, xs)]));
  }
  return a;
}

function run(c: Case, xs: Tensor[]): Tensor[] {
  const args = decode(c.args, xs) as unknown[];
  let out: unknown;
  if (c.call === 'fn') {
    const f = (tg as unknown as Record<string, (...a: unknown[]) => unknown>)[c.op];
    assert.ok(typeof f === 'function', `tsgrad.${c.op} is not a function`);
    out = f(...args);
  } else {
    const m = (xs[0] as unknown as Record<string, (...a: unknown[]) => unknown>)[c.op];
    assert.ok(typeof m === 'function', `Tensor.${c.op} is not a method`);
    out = m.apply(xs[0], args);
  }
  if (out instanceof Tensor) return [out];
  if (Array.isArray(out)) return out as Tensor[];
  const vi = out as { values: Tensor; indices: Tensor };
  return [vi.values, vi.indices];
}

function tolerances(dtype: DType, what: 'out' | 'grad'): { atol: number; rtol: number } {
  if (dtype === 'float64') return what === 'out' ? { atol: 1e-9, rtol: 1e-7 } : { atol: 1e-8, rtol: 1e-6 };
  return what === 'out' ? { atol: 1e-5, rtol: 1e-4 } : { atol: 1e-4, rtol: 1e-3 };
}

function check(c: Case): void {
  const built = c.inputs.map(build);
  const xs = built.map((b) => b.x);
  if (c.error !== undefined) {
    assert.throws(() => run(c, xs), Error, `PyTorch throws (${c.error}); tsgrad must too`);
    return;
  }
  const outs = run(c, xs);
  const exp = c.outputs!;
  assert.equal(outs.length, exp.length, 'number of outputs');
  outs.forEach((o, i) => {
    const e = exp[i]!;
    assert.deepEqual(o.shape, e.shape, `output ${i} shape`);
    assert.equal(o.dtype, e.dtype, `output ${i} dtype`);
    const t = tensor(e.data.map(num), { dtype: 'float64' }).reshape(e.shape);
    expectClose(o, t, { ...tolerances(e.dtype, 'out'), msg: `output ${i}` });
  });
  // Backward: loss = Σ_outputs Σ(out · upstream).
  const ups = c.upstream!;
  const terms: [Tensor, Tensor][] = [];
  outs.forEach((o, i) => {
    const u = ups[i];
    if (!u) return;
    assert.ok(o.requiresGrad, `output ${i} should require grad`);
    terms.push([o, tensor(u.map(num), { dtype: o.dtype }).reshape(o.shape)]);
  });
  if (!terms.length) return;
  if (terms.length === 1) terms[0]![0].backward(terms[0]![1]);
  else terms.map(([o, g]) => o.mul(g).sum()).reduce((a, b) => a.add(b)).backward();
  c.grads!.forEach((g, i) => {
    if (!g) return;
    const base = built[i]!.base;
    const e = tensor(g.map(num), { dtype: 'float64' }).reshape(base.shape);
    const actual = base.grad ?? tg.zerosLike(base);
    assert.equal(actual.dtype, base.dtype, `grad of input ${i} dtype`);
    expectClose(actual, e, { ...tolerances(base.dtype, 'grad'), msg: `grad of input ${i}` });
  });
}

const { cases } = golden<{ cases: Case[] }>('ops.json');

forEachBackend((backend) => describe(`ops golden vs PyTorch [${backend}]`, () => {
  for (const c of cases) it(`${c.op}: ${c.name}`, () => withBackend(backend, () => check(c)));
}));
