// Error classes: every public function throws a TsgradError subclass whose message names the op,
// the shapes/dtypes involved and what was expected.

/** Base class of every error tsgrad throws on bad input. */
export class TsgradError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
/** Shapes that cannot be combined (broadcast, matmul, view, cat, ...). */
export class ShapeError extends TsgradError {}
/** A dtype the op does not accept, or an unknown dtype. */
export class DTypeError extends TsgradError {}
/** An index or dim out of range. */
export class IndexError extends TsgradError {}
/** An invalid argument value (negative size, zero step, ...). */
export class ArgumentError extends TsgradError {}
/** Autograd misuse: backward twice, non-scalar backward, in-place on a saved tensor, ... */
export class AutogradError extends TsgradError {}

/** Formats a shape the way PyTorch prints sizes: [2, 3]. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
