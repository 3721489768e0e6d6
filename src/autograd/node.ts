// Graph nodes: one per differentiable op result, holding the gradient closure and saved tensors.
import { AutogradError, fmtShape } from '../tensor/errors.js';
import { type GradFn, type Storage, Tensor, type TensorHook } from '../tensor/tensor.js';
import { enableGrad, isGradEnabled } from './grad-mode.js';
import { PIN_MIN, pinStorage } from './pinned.js';

/**
 * The gradient of a view (narrow, select, a split piece, ...): g belongs in region viewFn(base) of a
 * zero gradient of the base's shape. The engine writes every such piece reaching one node into a
 * single zero tensor when it runs the node, instead of one zero-padded full-size gradient per view
 * added up pairwise (splitting qkv into q, k, v: one buffer instead of three and two full adds).
 */
export class ViewGrad {
  constructor(readonly shape: readonly number[], readonly viewFn: (base: Tensor) => Tensor, readonly grad: Tensor) {}
}

export type BackwardFn = (grad: Tensor) => (Tensor | ViewGrad | null)[];

/** A saved tensor and the version it had when saved (in-place writes after that make backward throw). */
interface Saved {
  t: Tensor;
  version: number;
}

export class Node implements GradFn {
  /** Hooks on the gradient of this node's output (registerHook / retainGrad on non-leaves). */
  preHooks: TensorHook[] = [];
  private saved: Saved[];
  private fn: BackwardFn | null;

  constructor(
    readonly name: string,
    /** Per input: the node its gradient flows to, or null (no grad needed). */
    readonly next: (Node | null)[],
    fn: BackwardFn,
    saved: Tensor[],
  ) {
    this.fn = fn;
    this.saved = saved.map((t) => ({ t, version: t.version }));
  }

  get released(): boolean {
    return this.fn === null;
  }

  /** Runs the gradient closure after checking that nothing it saved was modified in place. */
  apply(grad: Tensor): (Tensor | ViewGrad | null)[] {
    if (!this.fn) {
      throw new AutogradError(`${this.name}: trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). ` +
        'Specify retainGraph: true if you need to backward through the graph a second time.');
    }
    for (const s of this.saved) {
      if (s.t.version !== s.version) {
        throw new AutogradError(`one of the variables needed for gradient computation has been modified by an inplace operation: ` +
          `[${s.t.dtype} ${fmtShape(s.t.shape)}], which is saved by ${this.name}, is at version ${s.t.version}; expected version ${s.version} instead. ` +
          'Hint: replace the in-place op (add_, mul_, ...) with its out-of-place form, or clone() before modifying.');
      }
    }
    return this.fn(grad);
  }

  release(): void {
    this.fn = null;
    this.saved = [];
  }

  /** The storages of the tensors it saved, each once (until released). */
  savedStorages(): Set<Storage> {
    return new Set(this.saved.map((s) => s.t.storage));
  }
}

/** The sink of a leaf's gradient: accumulates into leaf.grad after the leaf's hooks. */
export class AccumulateGrad extends Node {
  constructor(readonly variable: Tensor) {
    super('AccumulateGrad', [], () => [], []);
  }
  override get released(): boolean {
    return false;
  }
}

/** The node a tensor's gradient flows into: its gradFn, its leaf accumulator, or null. */
export function gradEdge(t: Tensor): Node | null {
  if (!t.requiresGrad) return null;
  const fn = currentGradFn(t);
  if (fn) return fn;
  if (!t._accumulator) {
    t._accumulator = new AccumulateGrad(t);
    // A leaf that requires grad (a parameter, usually) is read again every step: pin it once.
    if (t.storage.data.length >= PIN_MIN) pinStorage(t);
  }
  return t._accumulator as AccumulateGrad;
}

/**
 * A view's history is regenerated from its base when the base was written in place since
 * the view's gradFn was made (PyTorch does the same lazily).
 */
export function currentGradFn(t: Tensor): Node | null {
  if (t._base && t._viewFn && t._base.requiresGrad && t._viewVersion !== t.storage.version) {
    const base = t._base;
    const fresh = enableGrad(() => t._viewFn!(base));
    t.gradFn = fresh.gradFn;
    t._setRequiresGrad(true);
    t._viewVersion = t.storage.version;
  }
  return t.gradFn as Node | null;
}

/** Attaches a Node to `out` when grad mode is on and any input requires grad. Returns `out`. */
export function record(out: Tensor, name: string, inputs: readonly Tensor[], backward: BackwardFn, saved: readonly Tensor[] = []): Tensor {
  if (!isGradEnabled()) return out;
  let any = false;
  for (const x of inputs) if (x.requiresGrad) { any = true; break; }
  if (!any) return out;
  out.gradFn = new Node(name, inputs.map(gradEdge), backward, [...saved]);
  out._setRequiresGrad(true);
  return out;
}
