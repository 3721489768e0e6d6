// In-place machinery: compute out of place, write into self's storage, bump the version counter and
// rebase self's autograd history (through the base tensor for views, like PyTorch's CopySlices).
import { isGradEnabled, noGrad } from '../autograd/grad-mode.js';
import { record } from '../autograd/node.js';
import { scalarTensor } from '../tensor/creation.js';
import { isFloating } from '../tensor/dtype.js';
import { AutogradError, DTypeError, ShapeError, fmtShape } from '../tensor/errors.js';
import { sameShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { BinaryOp, UnaryOp } from '../backend/backend.js';
import { type TensorLike, be, broadcastView, resultType, toTensor, viewOf } from './define.js';
import { clone, writeInto } from './shape.js';

function checkCast(op: string, from: Tensor, to: Tensor): void {
  const bad = (isFloating(from.dtype) && !isFloating(to.dtype)) || (from.dtype === 'int32' && to.dtype === 'bool');
  if (bad) throw new DTypeError(`${op}: result type ${from.dtype} can't be cast to the desired output type ${to.dtype}`);
}

/**
 * Runs `compute` on self's current value and writes the result back into self.
 * `others` are the other tensor arguments (to know whether the graph must be recorded).
 * `cast`: allow any dtype conversion (copy_, fill_) instead of PyTorch's same-kind rule.
 * `direct`: when nothing is recorded, an elementwise kernel to run straight into self's storage
 * (see `elementwiseInto`); it returns false when it does not apply and the general path runs.
 */
export function inplace(self: Tensor, op: string, compute: (cur: Tensor) => Tensor, others: readonly Tensor[] = [], cast = false,
  direct?: () => boolean): Tensor {
  const grad = isGradEnabled();
  if (grad && self.requiresGrad && self.isLeaf && !self._base) {
    throw new AutogradError(`${op}: a leaf Variable that requires grad is being used in an in-place operation (shape ${fmtShape(self.shape)}); wrap it in noGrad() or use the out-of-place op`);
  }
  if (grad && self._base && self._base.isLeaf && self._base.requiresGrad) {
    throw new AutogradError(`${op}: a view of a leaf Variable that requires grad is being used in an in-place operation (shape ${fmtShape(self.shape)})`);
  }
  const recording = grad && (self.requiresGrad || others.some((t) => t.requiresGrad));
  if (!recording && direct && direct()) {
    self._bumpVersion();
    if (!self._base) self._viewVersion = self.storage.version;
    return self;
  }
  const result = recording ? compute(clone(self)) : noGrad(() => compute(self));
  if (!sameShape(result.shape, self.shape)) {
    throw new ShapeError(`${op}: output with shape ${fmtShape(self.shape)} doesn't match the broadcast shape ${fmtShape(result.shape)}`);
  }
  if (!cast) checkCast(op, result, self);
  const base = self._base;
  const viewFn = self._viewFn;
  if (recording && base && viewFn) {
    // CopySlices: the base's new value is its old value with the view region replaced by result.
    record(base, `${op}(CopySlices)`, [base, result], (g) => {
      const gBase = g.clone();
      noGrad(() => writeInto(viewFn(gBase), scalarTensor(0, gBase.dtype)));
      return [gBase, viewFn(g)];
    });
  }
  noGrad(() => writeInto(self, result));
  self._bumpVersion();
  if (recording) {
    if (base) self._viewVersion = -1; // regenerate the view's history from the rebased base
    else if (result.requiresGrad) {
      self.gradFn = result.gradFn;
      self._setRequiresGrad(true);
    }
  }
  if (!base) self._viewVersion = self.storage.version;
  return self;
}

/**
 * Runs a float elementwise kernel with self's storage as the output, skipping the temporary and the
 * copy back, when that is the same computation: self is contiguous float32/float64, the result dtype
 * is self's and the broadcast shape self's own. `other` sharing self's storage is excluded (a shifted
 * alias would read already-written elements; the wasm kernels copy in first, the JS loops do not).
 * Returns false when the general path must run.
 */
export function elementwiseInto(self: Tensor, k: { unary: UnaryOp } | { binary: BinaryOp; other: TensorLike }): boolean {
  if ((self.dtype !== 'float32' && self.dtype !== 'float64') || !self.isContiguous()) return false;
  const n = self.numel();
  const out = self.storage.data.subarray(self.offset, self.offset + n);
  if ('unary' in k) {
    be().unary(k.unary, viewOf(self), out);
    return true;
  }
  const o = k.other;
  if (resultType(self, o) !== self.dtype) return false;
  const b = toTensor(o, self.dtype);
  if (b.storage === self.storage || b.ndim > self.ndim) return false;
  for (let i = 0; i < b.ndim; i++) {
    const d = b.shape[b.ndim - 1 - i]!;
    if (d !== 1 && d !== self.shape[self.ndim - 1 - i]) return false;
  }
  be().binary(k.binary, viewOf(self), broadcastView(b, self.shape), out);
  return true;
}
