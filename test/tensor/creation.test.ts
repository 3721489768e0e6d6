// Creation functions: values, dtypes and argument validation (arange/linspace/logspace/eye from torch 1.13 fixtures).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ArgumentError, DTypeError, ShapeError, TsgradError, type DType, arange, empty, emptyLike, eye, full, fullLike, linspace, logspace,
  ones, onesLike, scalarTensor, tensor, zeros, zerosLike,
} from '../../src/index.js';
import { expectClose, golden } from '../helpers.js';

interface Out { shape: number[]; dtype: DType; data: number[] }
const fx = golden<Record<'arange' | 'linspace' | 'logspace' | 'eye', { args: number[]; out: Out }[]>>('creation.json');

function check(t: ReturnType<typeof tensor>, o: Out, atol = 1e-6): void {
  assert.deepEqual(t.shape, o.shape);
  assert.equal(t.dtype, o.dtype);
  expectClose(t, o.data.length ? tensor(o.data).reshape(o.shape) : t, { atol, rtol: 1e-6 });
}

describe('tensor/creation', () => {
  describe('tensor()', () => {
    it('infers float32 from numbers, bool from booleans, and keeps typed-array kinds', () => {
      assert.equal(tensor([1, 2]).dtype, 'float32');
      assert.equal(tensor([true, false]).dtype, 'bool');
      assert.equal(tensor(new Int32Array([1, 2])).dtype, 'int32');
      assert.equal(tensor(new Float64Array([1, 2])).dtype, 'float64');
      assert.equal(tensor([[1, 2], [3, 4]], { dtype: 'int32' }).dtype, 'int32');
      assert.deepEqual(tensor([[1, 2], [3, 4]]).shape, [2, 2]);
    });
    it('copies its input (mutating the source does not change the tensor)', () => {
      const src = new Float32Array([1, 2]);
      const t = tensor(src);
      src[0] = 9;
      assert.deepEqual(t.tolist(), [1, 2]);
    });
    it('rounds float16/bfloat16 on creation and truncates to int32', () => {
      assert.equal(tensor([0.1], { dtype: 'float16' }).item(), 0.0999755859375);
      assert.equal(tensor([1.7, -1.7], { dtype: 'int32' }).tolist().toString(), '1,-1');
    });
    it('ragged arrays, non-numbers and unknown dtypes throw', () => {
      assert.throws(() => tensor([[1, 2], [3]]), ShapeError);
      assert.throws(() => tensor(['a'] as never), ArgumentError);
      assert.throws(() => tensor([1], { dtype: 'int64' as DType }), (e: Error) => e instanceof DTypeError && /unknown dtype "int64"/.test(e.message));
    });
    it('scalars: 0-d tensors; item and tolist', () => {
      const s = scalarTensor(2.5);
      assert.deepEqual(s.shape, []);
      assert.equal(s.item(), 2.5);
      assert.equal(s.tolist(), 2.5);
      assert.deepEqual(tensor([[true, false]]).tolist(), [[true, false]]);
      assert.throws(() => tensor([1, 2]).item(), (e: Error) => e instanceof TsgradError && /2 elements/.test(e.message));
    });
  });

  describe('zeros/ones/full/empty/eye', () => {
    it('fill values, shapes and dtypes', () => {
      assert.deepEqual(zeros([2, 3]).tolist(), [[0, 0, 0], [0, 0, 0]]);
      assert.deepEqual(ones([2], { dtype: 'int32' }).tolist(), [1, 1]);
      assert.equal(ones([2], { dtype: 'int32' }).dtype, 'int32');
      assert.deepEqual(full([2], 7).tolist(), [7, 7]);
      assert.equal(full([1], true).dtype, 'bool');
      assert.deepEqual(empty([0, 3]).shape, [0, 3]);
      assert.deepEqual(zeros([]).shape, []);
      assert.equal(zeros([]).numel(), 1);
      assert.equal(ones([2], { requiresGrad: true }).requiresGrad, true);
    });
    for (const c of fx.eye) it(`eye(${c.args}) matches torch`, () => check(eye(c.args[0]!, c.args[1]), c.out));
    it('*Like copy shape and dtype, and accept overrides', () => {
      const x = tensor([[1, 2]], { dtype: 'float64' });
      for (const t of [zerosLike(x), onesLike(x), emptyLike(x), fullLike(x, 3)]) {
        assert.deepEqual(t.shape, [1, 2]);
        assert.equal(t.dtype, 'float64');
      }
      assert.deepEqual(fullLike(x, 3).tolist(), [[3, 3]]);
      assert.equal(zerosLike(x, { dtype: 'int32' }).dtype, 'int32');
      assert.equal(onesLike(x, { requiresGrad: true }).requiresGrad, true);
    });
    it('negative or fractional sizes and unknown dtypes throw ArgumentError/DTypeError naming the op', () => {
      assert.throws(() => zeros([-1, 2]), (e: Error) => e instanceof ArgumentError && /^zeros: .*\[-1, 2\]/.test(e.message));
      assert.throws(() => ones([1.5]), ArgumentError);
      assert.throws(() => full([2], 1, { dtype: 'complex64' as DType }), DTypeError);
      assert.throws(() => eye(-1), ArgumentError);
      assert.throws(() => zeros(3 as never), ArgumentError);
      assert.throws(() => ones([2], { dtype: 'int32', requiresGrad: true }), TsgradError);
    });
  });

  describe('arange/linspace/logspace', () => {
    for (const c of fx.arange) {
      it(`arange(${c.args}) matches torch`, () => check(arange(c.args[0]!, c.args[1], c.args[2]), c.out));
    }
    for (const c of fx.linspace) {
      it(`linspace(${c.args}) matches torch`, () => check(linspace(c.args[0]!, c.args[1]!, c.args[2]!), c.out, 1e-6));
    }
    for (const c of fx.logspace) {
      it(`logspace(${c.args}) matches torch`, () => check(logspace(c.args[0]!, c.args[1]!, c.args[2]!, c.args[3]), c.out, 1e-4));
    }
    it('arange with a float step has ceil((end-start)/step) elements', () => {
      assert.equal(arange(0, 1, 0.3).numel(), 4);
      assert.equal(arange(0, 0.9, 0.3).numel(), 3);
      assert.equal(arange(5, undefined, 1, { dtype: 'float64' }).dtype, 'float64');
    });
    it('zero step, inconsistent sign, non-finite bounds and bad steps counts throw', () => {
      assert.throws(() => arange(0, 5, 0), (e: Error) => e instanceof ArgumentError && /arange: step must be nonzero/.test(e.message));
      assert.throws(() => arange(0, -5, 1), ArgumentError);
      assert.throws(() => arange(0, Infinity), ArgumentError);
      assert.throws(() => arange(NaN), ArgumentError);
      assert.throws(() => linspace(0, 1, -1), ArgumentError);
      assert.throws(() => linspace(0, 1, 2.5), ArgumentError);
      assert.throws(() => linspace(0, NaN, 3), ArgumentError);
    });
  });
});
