// Seeded sampling: reproducibility, ranges, moments, permutations, multinomial, in-place fills, errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ArgumentError, AutogradError, DTypeError, Generator, ShapeError, bernoulli, manualSeed, multinomial, noGrad, normal, rand, randint, randn,
  randperm, tensor, zeros,
} from '../../src/index.js';

function moments(xs: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  const mean = s / xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i]! - mean) ** 2;
  return { mean, variance: v / (xs.length - 1) };
}
const vals = (t: ReturnType<typeof rand>): number[] => t.toFlatArray().map(Number);

describe('random/generator', () => {
  it('manualSeed makes every sampler reproducible', () => {
    const draw = () => [rand([5]), randn([5]), randint(0, 10, [5]), randperm(7), normal(1, 2, [3]), bernoulli(0.5, { shape: [6] }),
      multinomial(tensor([1, 2, 3]), 2)].map((t) => t.tolist());
    manualSeed(42);
    const a = draw();
    manualSeed(42);
    assert.deepEqual(draw(), a);
    manualSeed(43);
    assert.notDeepEqual(draw(), a);
  });
  it('explicit generators are independent of the default one; getState/setState round-trip', () => {
    const g = new Generator(7);
    const a = rand([4], { generator: g }).tolist();
    manualSeed(0);
    rand([100]);
    assert.deepEqual(rand([4], { generator: new Generator(7) }).tolist(), a);
    g.normal(); // leaves a cached Box–Muller spare in the state
    const st = g.getState();
    const next = randn([5], { generator: g }).tolist();
    const h = new Generator(1);
    h.setState(st);
    assert.deepEqual(randn([5], { generator: h }).tolist(), next);
  });
  it('rand is in [0, 1) with mean 1/2 and variance 1/12', () => {
    manualSeed(1);
    const x = vals(rand([100000]));
    assert.ok(x.every((v) => v >= 0 && v < 1));
    const m = moments(x);
    assert.ok(Math.abs(m.mean - 0.5) < 0.005, `mean ${m.mean}`);
    assert.ok(Math.abs(m.variance - 1 / 12) < 0.002, `variance ${m.variance}`);
    assert.equal(rand([2], { dtype: 'float64' }).dtype, 'float64');
  });
  it('randn and normal have the requested moments', () => {
    manualSeed(2);
    const z = moments(vals(randn([100000])));
    assert.ok(Math.abs(z.mean) < 0.01 && Math.abs(z.variance - 1) < 0.02, JSON.stringify(z));
    const n = moments(vals(normal(3, 0.5, [100000])));
    assert.ok(Math.abs(n.mean - 3) < 0.01 && Math.abs(n.variance - 0.25) < 0.01, JSON.stringify(n));
  });
  it('randint covers [low, high) uniformly and is int32', () => {
    manualSeed(3);
    const t = randint(-2, 3, [50000]);
    assert.equal(t.dtype, 'int32');
    const counts = new Map<number, number>();
    for (const v of vals(t)) counts.set(v, (counts.get(v) ?? 0) + 1);
    assert.deepEqual([...counts.keys()].sort((a, b) => a - b), [-2, -1, 0, 1, 2]);
    for (const c of counts.values()) assert.ok(Math.abs(c / 50000 - 0.2) < 0.01);
    assert.deepEqual(randint(5, [2, 3]).shape, [2, 3]);
    assert.ok(vals(randint(5, [100])).every((v) => v >= 0 && v < 5));
  });
  it('randperm is a permutation of 0..n-1', () => {
    manualSeed(4);
    for (const n of [0, 1, 2, 10, 1000]) {
      const p = vals(randperm(n));
      assert.equal(p.length, n);
      assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
    }
    assert.notDeepEqual(vals(randperm(20)), Array.from({ length: 20 }, (_, i) => i));
  });
  it('bernoulli draws 1 with probability p (scalar or per element)', () => {
    manualSeed(5);
    const m = moments(vals(bernoulli(0.3, { shape: [50000] })));
    assert.ok(Math.abs(m.mean - 0.3) < 0.01);
    assert.deepEqual(bernoulli(tensor([0, 1, 0, 1])).tolist(), [0, 1, 0, 1]);
    assert.equal(bernoulli(tensor([0.5], { dtype: 'float64' })).dtype, 'float64');
  });
  it('multinomial with replacement follows the weights; without replacement never repeats', () => {
    manualSeed(6);
    const w = tensor([1, 0, 3]);
    const s = vals(multinomial(w, 40000, { replacement: true }));
    assert.ok(!s.includes(1), 'a zero-weight category was drawn');
    assert.ok(Math.abs(s.filter((v) => v === 2).length / 40000 - 0.75) < 0.01);
    for (let trial = 0; trial < 50; trial++) {
      const rows = multinomial(tensor([[1, 2, 3, 4, 5], [5, 0, 1, 1, 1]]), 4);
      assert.deepEqual(rows.shape, [2, 4]);
      for (const r of rows.tolist() as number[][]) assert.equal(new Set(r).size, 4, `repeat in ${r}`);
      assert.ok(!(rows.tolist() as number[][])[1]!.includes(1));
    }
    const all = vals(multinomial(tensor([1, 1, 1, 1, 1, 1]), 6));
    assert.deepEqual([...all].sort(), [0, 1, 2, 3, 4, 5]);
  });
  it('uniform_ and normal_ fill in place (also through a strided view) and bump the version', () => {
    manualSeed(7);
    const x = zeros([4, 4]);
    const v0 = x.version;
    x.uniform_(-2, -1);
    assert.equal(x.version, v0 + 1);
    assert.ok(vals(x).every((v) => v >= -2 && v < -1));
    const y = zeros([3, 4]);
    y.index(':', '::2').normal_(5, 0.1);
    const rows = y.tolist() as number[][];
    for (const r of rows) {
      assert.equal(r[1], 0);
      assert.equal(r[3], 0);
      assert.ok(Math.abs(r[0]! - 5) < 1 && Math.abs(r[2]! - 5) < 1);
    }
    const w = zeros([3], { requiresGrad: true });
    assert.throws(() => w.uniform_(), AutogradError);
    noGrad(() => w.uniform_());
  });
  it('bad arguments throw naming the op', () => {
    assert.throws(() => rand([-1]), (e: Error) => e instanceof ArgumentError && /^rand:/.test(e.message));
    assert.throws(() => rand([2], { dtype: 'int32' }), DTypeError);
    assert.throws(() => randn([2], { dtype: 'bool' }), DTypeError);
    assert.throws(() => normal(0, -1, [2]), (e: Error) => e instanceof ArgumentError && /std >= 0/.test(e.message));
    assert.throws(() => normal(0, NaN, [2]), ArgumentError);
    assert.throws(() => normal(NaN, 1, [2]), ArgumentError);
    assert.throws(() => randint(3, 3, [2]), ArgumentError);
    assert.throws(() => randint(0.5, 3, [2]), ArgumentError);
    assert.throws(() => randperm(-1), ArgumentError);
    assert.throws(() => randperm(2.5), ArgumentError);
    assert.throws(() => bernoulli(1.5), ArgumentError);
    assert.throws(() => bernoulli(tensor([0.5, NaN])), ArgumentError);
    assert.throws(() => multinomial(tensor([1, 2]), 3), (e: Error) => e instanceof ArgumentError && /without replacement/.test(e.message));
    assert.throws(() => multinomial(tensor([1, 0, 0]), 2), ArgumentError); // fewer non-zero weights than samples
    assert.throws(() => multinomial(tensor([1, -1]), 1), ArgumentError);
    assert.throws(() => multinomial(tensor([0, 0]), 1, { replacement: true }), ArgumentError);
    assert.throws(() => multinomial(zeros([2, 2, 2]), 1), ShapeError);
    assert.throws(() => multinomial(tensor([1, 2]), 0), ArgumentError);
    assert.throws(() => zeros([2]).uniform_(1, 0), ArgumentError);
    assert.throws(() => zeros([2]).normal_(0, -1), ArgumentError);
    assert.throws(() => manualSeed(NaN), ArgumentError);
  });
});
