// DTypes: promotion tables against torch 1.13 (fixtures), casts, float16/bfloat16 rounding.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DTYPES, DTypeError, type DType, isFloating, ones, promoteTypes, resultType, scalarTensor, tensor } from '../../src/index.js';
import { expectClose, forEachBackend, golden } from '../helpers.js';

const fx = golden<{
  promoteTypes: [DType, DType, DType][];
  resultType: { tensor: DType; scalar?: 'bool' | 'int' | 'float'; zeroDim?: DType; out: DType }[];
}>('creation.json');
const SCALAR = { bool: true, int: 2, float: 2.5 } as const;

describe('tensor/dtype', () => {
  it('DTYPES and isFloating', () => {
    assert.deepEqual([...DTYPES].sort(), ['bfloat16', 'bool', 'float16', 'float32', 'float64', 'int32']);
    assert.deepEqual(DTYPES.filter(isFloating).sort(), ['bfloat16', 'float16', 'float32', 'float64']);
  });
  it('promoteTypes matches torch.promote_types for every pair', () => {
    for (const [a, b, out] of fx.promoteTypes) assert.equal(promoteTypes(a, b), out, `${a} ⊕ ${b}`);
  });
  it('resultType with scalars and 0-d tensors matches torch.result_type', () => {
    for (const c of fx.resultType) {
      const x = ones([2], { dtype: c.tensor });
      const other = c.scalar ? SCALAR[c.scalar] : ones([], { dtype: c.zeroDim! });
      assert.equal(resultType(x, other), c.out, `${c.tensor} with ${c.scalar ?? `0-d ${c.zeroDim}`}`);
    }
  });
});

forEachBackend((backend) => describe(`tensor/dtype ops [${backend}]`, () => {
  it('binary ops produce the promoted dtype', () => {
    const i = tensor([1, 2], { dtype: 'int32' });
    const f = tensor([1, 2]);
    const d = tensor([1, 2], { dtype: 'float64' });
    const b = tensor([true, false]);
    assert.equal(i.add(1).dtype, 'int32');
    assert.equal(i.add(1.5).dtype, 'float32');
    assert.equal(i.add(f).dtype, 'float32');
    assert.equal(f.add(d).dtype, 'float64');
    assert.equal(f.add(scalarTensor(1, 'float64')).dtype, 'float32'); // a 0-d tensor does not promote within a category
    assert.equal(b.add(1).dtype, 'int32');
    assert.equal(i.div(2).dtype, 'float32'); // true division
    expectClose(i.div(2), [0.5, 1]);
    assert.equal(i.gt(1).dtype, 'bool');
  });
  it('casts: float→int truncates toward zero, nonzero→true, float16/bfloat16 round to nearest even', () => {
    assert.deepEqual(tensor([1.7, -1.7, 0]).to('int32').tolist(), [1, -1, 0]);
    assert.deepEqual(tensor([0, 0.5, NaN]).bool().tolist(), [false, true, true]);
    assert.deepEqual(tensor([true, false]).float().tolist(), [1, 0]);
    assert.deepEqual(tensor([1 + 2 ** -11, 65519, 1e5]).half().tolist(), [1, 65504, Infinity]);
    assert.deepEqual(tensor([1 + 2 ** -8, 1 + 3 * 2 ** -8]).bfloat16().tolist(), [1, 1 + 2 ** -6]);
    assert.equal(tensor([1]).double().dtype, 'float64');
    assert.equal(tensor([1]).to('float64').to('float64').dtype, 'float64');
  });
  it('float16 arithmetic rounds every result', () => {
    const h = tensor([1], { dtype: 'float16' });
    assert.equal(h.add(2 ** -12).item(), 1);
    assert.equal(h.add(h).dtype, 'float16');
  });
  it('unknown dtypes and int-only/float-only misuse throw DTypeError', () => {
    assert.throws(() => tensor([1]).to('int64' as DType), DTypeError);
    assert.throws(() => tensor([1.5]).bitwiseAnd(tensor([1])), DTypeError);
    assert.throws(() => tensor([1], { dtype: 'int32' }).add_(1.5), (e: Error) => e instanceof DTypeError && /float32 can't be cast to .* int32/.test(e.message));
  });
}));
