// In-place machinery: compute out of place, write into self's storage, bump the version counter and
// rebase self's autograd history (through the base tensor for views, like PyTorch's CopySlices).
import { isGradEnabled, noGrad } from '../autograd/grad-mode.js';
import { record } from '../autograd/node.js';
import { scalarTensor } from '../tensor/creation.js';
import { isFloating } from '../tensor/dtype.js';
import { AutogradError, DTypeError, ShapeError, fmtShape } from '../tensor/errors.js';
import { sameShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { clone, writeInto } from './shape.js';

function checkCast(op: string, from: Tensor, to: Tensor): void {
  const bad = (isFloating(from.dtype) && !isFloating(to.dtype)) || (from.dtype === 'int32' && to.dtype === 'bool');
  if (bad) throw new DTypeError(`${op}: result type ${from.dtype} can't be cast to the desired output type ${to.dtype}`);
}

/**
 * Runs `compute` on self's current value and writes the result back into self.
 * `others` are the other tensor arguments (to know whether the graph must be recorded).
 * `cast`: allow any dtype conversion (copy_, fill_) instead of PyTorch's same-kind rule.
 */
export function inplace(self: Tensor, op: string, compute: (cur: Tensor) => Tensor, others: readonly Tensor[] = [], cast = false): Tensor {
  const grad = isGradEnabled();
  if (grad && self.requiresGrad && self.isLeaf && !self._base) {
    throw new AutogradError(`${op}: a leaf Variable that requires grad is being used in an in-place operation (shape ${fmtShape(self.shape)}); wrap it in noGrad() or use the out-of-place op`);
  }
  if (grad && self._base && self._base.isLeaf && self._base.requiresGrad) {
    throw new AutogradError(`${op}: a view of a leaf Variable that requires grad is being used in an in-place operation (shape ${fmtShape(self.shape)})`);
  }
  const recording = grad && (self.requiresGrad || others.some((t) => t.requiresGrad));
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
