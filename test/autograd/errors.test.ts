// Bad input throws a TsgradError subclass naming the op and what was expected: never a TypeError,
// an out-of-bounds read or a silent NaN. One table, every backend.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ArgumentError, DTypeError, IndexError, ShapeError, TsgradError, type DType, arange, cat, einsum, matmul, ones, stack, tensor, where, zeros,
} from '../../src/index.js';
import { forEachBackend } from '../helpers.js';

type ErrClass = typeof TsgradError;
const i32 = (xs: number[] | number[][]) => tensor(xs, { dtype: 'int32' });
const m23 = () => zeros([2, 3]);

/** [description, thunk, error class, a word the message must contain (usually the op)]. */
const CASES: [string, () => unknown, ErrClass, RegExp][] = [
  // shapes
  ['add of non-broadcastable shapes', () => zeros([2, 3]).add(zeros([4])), ShapeError, /add.*\[2, 3\].*\[4\]/],
  ['matmul inner mismatch', () => matmul(zeros([2, 3]), zeros([4, 5])), ShapeError, /matmul.*\[2, 3\].*\[4, 5\]/],
  ['matmul of a 0-d tensor', () => matmul(zeros([]), zeros([2])), ShapeError, /matmul/],
  ['mm of 3-d', () => zeros([2, 2, 2]).mm(zeros([2, 2])), ShapeError, /mm/],
  ['bmm batch mismatch', () => zeros([2, 2, 3]).bmm(zeros([3, 3, 2])), ShapeError, /bmm/],
  ['dot of different lengths', () => zeros([3]).dot(zeros([4])), ShapeError, /dot/],
  ['mv shape mismatch', () => zeros([2, 3]).mv(zeros([2])), ShapeError, /mv/],
  ['cat of mismatched shapes', () => cat([zeros([2, 3]), zeros([2, 4])]), ShapeError, /cat/],
  ['cat of nothing', () => cat([]), ArgumentError, /cat/],
  ['stack of mismatched shapes', () => stack([zeros([2]), zeros([3])]), ShapeError, /stack/],
  ['reshape to a wrong size', () => m23().reshape([4]), ShapeError, /reshape.*\[4\].*6/],
  ['view of a transposed tensor', () => m23().t().view([6]), ShapeError, /view size is not compatible/],
  ['expand to a smaller rank', () => m23().expand([3]), ShapeError, /expand/],
  ['expand a non-1 dim', () => m23().expand([2, 6]), ShapeError, /expand/],
  ['repeat with fewer sizes than dims', () => m23().repeat([2]), ShapeError, /repeat/],
  ['unflatten with a wrong product', () => m23().unflatten(1, [2, 2]), ShapeError, /unflatten/],
  ['split sizes that do not sum to the dim', () => m23().split([1, 1], 1), ShapeError, /split/],
  ['where with non-broadcastable shapes', () => where(tensor([true, false]), zeros([3]), 0), ShapeError, /where/],
  ['maskedFill with a mask of the wrong shape', () => m23().maskedFill(tensor([true, false]), 1), ShapeError, /maskedFill/],
  ['gather index of a different rank', () => m23().gather(1, i32([0])), ShapeError, /gather/],
  ['einsum with the wrong operand count', () => einsum('ij,jk->ik', zeros([2, 2])), ArgumentError, /einsum/],
  ['backward with a gradient of the wrong shape', () => ones([2], { requiresGrad: true }).mul(2).backward(zeros([3])), ShapeError, /backward/],
  // dims
  ['sum over an out-of-range dim', () => m23().sum(2), IndexError, /sum.*\[-2, 1\].*2/],
  ['softmax over an out-of-range dim', () => m23().softmax(-3), IndexError, /softmax|dim/],
  ['transpose of an out-of-range dim', () => m23().transpose(0, 5), IndexError, /transpose/],
  ['squeeze of an out-of-range dim', () => m23().squeeze(3), IndexError, /squeeze/],
  ['permute with a repeated dim', () => m23().permute([1, 1]), ArgumentError, /permute/],
  ['sum with a repeated dim', () => m23().sum([0, 0]), ArgumentError, /sum/],
  ['cumsum with a fractional dim', () => m23().cumsum(0.5), IndexError, /cumsum/],
  // indices
  ['integer index out of range', () => m23().index(2), IndexError, /index 2 is out of bounds for dimension 0 with size 2/],
  ['negative integer index out of range', () => m23().index(':', -4), IndexError, /out of bounds/],
  ['index tensor out of range', () => m23().index(i32([0, 3])), IndexError, /index 3 is out of bounds/],
  ['too many indices', () => m23().index(0, 0, 0), IndexError, /too many indices/],
  ['float index tensor', () => m23().index(tensor([0])), DTypeError, /int32 or bool/],
  ['fractional index', () => m23().index(0.5), ArgumentError, /index/],
  ['bool mask of the wrong shape', () => m23().index(tensor([true, false, true])), IndexError, /mask/],
  ['gather index out of range', () => m23().gather(1, i32([[0, 3], [1, 1]])), IndexError, /gather/],
  ['gather index of float dtype', () => m23().gather(1, tensor([[0]])), DTypeError, /gather/],
  ['scatter index out of range', () => m23().scatter(1, i32([[5], [0]]), 1), IndexError, /scatter/],
  ['indexSelect index out of range', () => m23().indexSelect(0, i32([2])), IndexError, /indexSelect/],
  ['indexAdd index out of range', () => m23().indexAdd(0, i32([-3]), zeros([1, 3])), IndexError, /indexAdd/],
  ['select out of range', () => m23().select(1, 3), IndexError, /select/],
  ['narrow past the end', () => m23().narrow(1, 2, 2), IndexError, /narrow/],
  ['indexPut value of the wrong shape', () => m23().indexPut_([0], zeros([4])), ShapeError, /indexPut/],
  // dtypes
  ['unknown dtype', () => zeros([2], { dtype: 'int64' as DType }), DTypeError, /zeros.*unknown dtype "int64"/],
  ['to an unknown dtype', () => zeros([2]).to('float8' as DType), DTypeError, /unknown dtype/],
  ['where with a float condition', () => where(tensor([1, 0]), zeros([2]), 1), DTypeError, /where/],
  ['maskedFill with a float mask', () => m23().maskedFill(zeros([2, 3]), 1), DTypeError, /maskedFill/],
  ['bitwise op on floats', () => zeros([2]).bitwiseOr(zeros([2])), DTypeError, /bitwiseOr/],
  ['matmul of int with float', () => matmul(i32([1, 2]), tensor([1, 2])), DTypeError, /matmul|dot/],
  ['a number where a tensor is needed', () => matmul(3 as never, zeros([2])), TsgradError, /matmul/],
  ['requiresGrad on an int tensor', () => { i32([1]).requiresGrad = true; }, TsgradError, /floating point/],
  // arguments
  ['negative size', () => zeros([2, -1]), ArgumentError, /zeros.*\[2, -1\]/],
  ['zero step', () => arange(0, 3, 0), ArgumentError, /arange.*step/],
  ['chunk into zero pieces', () => m23().chunk(0), ArgumentError, /chunk/],
  ['topk with k larger than the dim', () => m23().topk(4), IndexError, /topk/],
  ['unfold with a zero step', () => m23().unfold(1, 2, 0), ArgumentError, /unfold/],
  ['unfold with a size larger than the dim', () => m23().unfold(1, 4, 1), ArgumentError, /unfold/],
  ['split with a zero size', () => m23().split(0), ArgumentError, /split/],
  ['norm with a nonsensical p', () => m23().norm(NaN), ArgumentError, /norm/],
  ['item of a multi-element tensor', () => m23().item(), TsgradError, /item.*6 elements/],
  ['fill_ with a non-0-d tensor', () => m23().fill_(zeros([2])), ArgumentError, /fill_/],
  ['slice with a zero step', () => m23().index('::0'), ArgumentError, /step/],
  ['slice with a negative step', () => m23().index('::-1'), ArgumentError, /step/],
  ['unparseable slice', () => m23().index('1:x'), ArgumentError, /slice/],
];

forEachBackend((backend) => describe(`errors [${backend}]`, () => {
  for (const [what, fn, cls, re] of CASES) {
    it(what, () => {
      assert.throws(fn, (e: unknown) => {
        assert.ok(e instanceof TsgradError, `expected a TsgradError, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
        assert.ok(e instanceof cls, `expected ${cls.name}, got ${(e as Error).name}: ${(e as Error).message}`);
        assert.match((e as Error).message, re);
        return true;
      });
    });
  }
}));
