// test/data/sampler.test.ts — sequential, random (with/without replacement), subset, weighted and batch samplers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, tensor, ArgumentError } from '../../src/index.js';
import { BatchSampler, RandomSampler, SequentialSampler, SubsetRandomSampler, WeightedRandomSampler } from '../../src/data/sampler.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const sorted = (a: number[]) => [...a].sort((x, y) => x - y);

describe('data/sampler', () => {
  it('SequentialSampler', () => {
    assert.deepEqual([...new SequentialSampler(4)], [0, 1, 2, 3]);
    assert.equal(new SequentialSampler([1, 2, 3]).length, 3);
  });
  it('RandomSampler: a permutation per pass, new each pass, reproducible per seed', () => {
    const s = new RandomSampler(20, { generator: new Generator(1) });
    const a = [...s], b = [...s];
    assert.deepEqual(sorted(a), range(20));
    assert.notDeepEqual(a, b, 'each epoch reshuffles');
    const t = new RandomSampler(20, { generator: new Generator(1) });
    assert.deepEqual([...t], a);
    assert.deepEqual([...t], b);
  });
  it('RandomSampler: numSamples beyond n chains permutations; with replacement draws in range', () => {
    const a = [...new RandomSampler(5, { numSamples: 12, generator: new Generator(2) })];
    assert.equal(a.length, 12);
    assert.deepEqual(sorted(a.slice(0, 5)), range(5));
    assert.deepEqual(sorted(a.slice(5, 10)), range(5));
    const r = [...new RandomSampler(3, { replacement: true, numSamples: 300, generator: new Generator(3) })];
    assert.equal(r.length, 300);
    assert.ok(r.every((i) => i >= 0 && i < 3));
    assert.ok(new Set(r).size === 3);
    assert.throws(() => new RandomSampler(3, { numSamples: 0 }), ArgumentError);
  });
  it('SubsetRandomSampler permutes only the given indices', () => {
    const s = new SubsetRandomSampler([10, 20, 30, 40], { generator: new Generator(0) });
    assert.equal(s.length, 4);
    assert.deepEqual(sorted([...s]), [10, 20, 30, 40]);
  });
  it('WeightedRandomSampler follows the weights and never picks zero weights', () => {
    const s = new WeightedRandomSampler(tensor([1, 0, 3]), 4000, { generator: new Generator(4) });
    const draws = [...s];
    assert.equal(draws.length, 4000);
    const counts = [0, 1, 2].map((k) => draws.filter((d) => d === k).length);
    assert.equal(counts[1], 0);
    assert.ok(Math.abs(counts[2]! / 4000 - 0.75) < 0.03, `frequency of 2: ${counts[2]! / 4000}`);
    const nr = [...new WeightedRandomSampler([5, 1, 0, 2], 3, { replacement: false, generator: new Generator(0) })];
    assert.equal(new Set(nr).size, 3);
    assert.ok(!nr.includes(2));
    assert.throws(() => new WeightedRandomSampler([1, 0], 2, { replacement: false }), /non-zero weights/);
    assert.throws(() => new WeightedRandomSampler([1, -1], 2), ArgumentError);
  });
  it('BatchSampler with and without dropLast', () => {
    assert.deepEqual([...new BatchSampler(new SequentialSampler(7), 3)], [[0, 1, 2], [3, 4, 5], [6]]);
    assert.deepEqual([...new BatchSampler(new SequentialSampler(7), 3, true)], [[0, 1, 2], [3, 4, 5]]);
    assert.equal(new BatchSampler(new SequentialSampler(7), 3).length, 3);
    assert.equal(new BatchSampler(new SequentialSampler(7), 3, true).length, 2);
    assert.throws(() => new BatchSampler(new SequentialSampler(7), 0), ArgumentError);
  });
});
