// The optimizer base class (MLX style): it owns param groups, per-parameter state, step counting,
// the no-grad mode and state dicts; a subclass defines only initState and update.
import { noGrad } from '../autograd/grad-mode.js';
import { pinStorage } from '../autograd/pinned.js';
import '../ops/methods.js';
import { isFloating } from '../tensor/dtype.js';
import { ArgumentError, ShapeError, TsgradError, fmtShape } from '../tensor/errors.js';
import { sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** Options every optimizer has. `maximize` ascends the objective (the base class negates g). */
export interface BaseOptions {
  lr: number;
  maximize?: boolean;
}

/** A param group: its parameters plus every option (defaults filled in). Schedulers write `lr`. */
export type ParamGroup<O extends BaseOptions = BaseOptions> = O & { params: Tensor[]; [extra: string]: unknown };

/** What a caller passes for a group: parameters and any options overriding the defaults. */
export type ParamGroupInput<O extends BaseOptions = BaseOptions> = Partial<O> & { params: Iterable<Tensor>; [extra: string]: unknown };

export type StateValue = Tensor | number | boolean | null;
/** Per-parameter state: the subclass's fields plus the parameter's own step count. */
export type ParamState<S> = S & { step: number };

/** A serializable snapshot: state keyed by parameter index (order of the groups' params), options per group. */
export interface OptimizerStateDict {
  state: Record<number, Record<string, StateValue>>;
  paramGroups: (Record<string, unknown> & { params: number[] })[];
}

export class OptimizerError extends TsgradError {}

/**
 * Base class of every optimizer. `step()` runs, under noGrad, for each parameter with a gradient:
 * state ← initState(p) on first use; t ← t + 1; update(p, g, state, groupOptions, t).
 * @example const opt = new SGD(model.parameters(), { lr: 0.1 }); loss.backward(); opt.step(); opt.zeroGrad();
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- `Optimizer` alone means any optimizer
export abstract class Optimizer<O extends BaseOptions = any, S extends object = any> {
  readonly defaults: O;
  readonly paramGroups: ParamGroup<O>[] = [];
  readonly state = new Map<Tensor, ParamState<S>>();
  /** Number of completed step() calls. */
  stepCount = 0;

  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<O>>, defaults: O) {
    if (!(defaults.lr >= 0)) throw new ArgumentError(`${this.constructor.name}: Invalid learning rate: ${defaults.lr}`);
    this.defaults = { ...defaults, maximize: defaults.maximize ?? false };
    const list = [...(params as Iterable<Tensor | ParamGroupInput<O>>)];
    if (list.length === 0) throw new ArgumentError(`${this.constructor.name}: optimizer got an empty parameter list`);
    const groups = list[0] instanceof Tensor ? [{ params: list as Tensor[] } as unknown as ParamGroupInput<O>] : (list as ParamGroupInput<O>[]);
    for (const g of groups) this.addParamGroup(g);
  }

  /** State for a parameter seen for the first time (moments start at zero, etc.). */
  protected abstract initState(p: Tensor, o: ParamGroup<O>): S;
  /** Updates p in place from its gradient g (already negated when maximizing); t counts this parameter's steps from 1. */
  protected abstract update(p: Tensor, g: Tensor, s: ParamState<S>, o: ParamGroup<O>, t: number): void;
  /**
   * Optional fast path: the same update as one fused backend kernel (grad not negated: the kernel
   * handles maximize). Returns false when it does not apply (dtype, layout, options) and `update` runs.
   */
  protected fusedUpdate(_p: Tensor, _grad: Tensor, _s: ParamState<S>, _o: ParamGroup<O>, _t: number): boolean {
    return false;
  }

  /**
   * Whether the subclass has a fused update (one backend kernel, which uses pinned state in place).
   * Only then is its state pinned: state that ordinary ops read and write is faster in plain arrays.
   */
  private get hasFusedUpdate(): boolean {
    return this.fusedUpdate !== Optimizer.prototype.fusedUpdate;
  }

  /** Adds a group; options missing from it come from the defaults. A parameter may be in one group only. */
  addParamGroup(group: ParamGroupInput<O>): void {
    if (group instanceof Tensor || !group || typeof group !== 'object' || !('params' in group)) {
      throw new ArgumentError(`${this.constructor.name}.addParamGroup: expected a group object { params, ...options }`);
    }
    const params = group.params instanceof Tensor ? [group.params] : [...group.params];
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new ArgumentError(`${this.constructor.name}: optimizer can only optimize Tensors, got ${typeof p}`);
      if (!isFloating(p.dtype)) throw new ArgumentError(`${this.constructor.name}: can only optimize floating point tensors, got ${p.dtype}`);
      if (!p.isLeaf) throw new ArgumentError(`${this.constructor.name}: can't optimize a non-leaf Tensor (shape ${fmtShape(p.shape)})`);
    }
    if (new Set(params).size !== params.length) throw new ArgumentError(`${this.constructor.name}: a parameter group contains the same parameter twice`);
    for (const g of this.paramGroups) {
      if (g.params.some((p) => params.includes(p))) throw new ArgumentError(`${this.constructor.name}: some parameters appear in more than one parameter group`);
    }
    for (const p of params) pinStorage(p);
    const full = { ...this.defaults, ...group, params } as ParamGroup<O>;
    if (!(full.lr >= 0)) throw new ArgumentError(`${this.constructor.name}: Invalid learning rate: ${full.lr}`);
    this.paramGroups.push(full);
  }

  /** One update of every parameter that has a gradient. The closure, if given, recomputes the loss (with grad enabled). */
  step(closure?: () => Tensor | number): Tensor | number | undefined {
    const loss = closure ? closure() : undefined;
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          const grad = p._grad; // read internally: the optimizer never hands the gradient out
          if (!grad) continue;
          let st = this.state.get(p);
          if (!st) {
            st = { ...this.initState(p, group), step: 0 } as ParamState<S>;
            if (this.hasFusedUpdate) pinState(p, st);
            this.state.set(p, st);
          }
          st.step++;
          if (this.fusedUpdate(p, grad, st, group, st.step)) continue;
          this.update(p, group.maximize ? grad.neg() : grad, st, group, st.step);
        }
      }
    });
    this.stepCount++;
    return loss;
  }

  /** Clears the gradients of every parameter: null (default, like PyTorch 2) or zero-filled. */
  zeroGrad({ setToNone = true }: { setToNone?: boolean } = {}): void {
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        const grad = p._grad;
        if (!grad) continue;
        if (setToNone) p.grad = null;
        else noGrad(() => grad.zero_());
      }
    }
  }

  /** Parameters in group order: their index is their key in the state dict. */
  private allParams(): Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /** State (tensors shared, not copied, like PyTorch) keyed by parameter index, and each group's options. */
  stateDict(): OptimizerStateDict {
    const index = new Map(this.allParams().map((p, i) => [p, i]));
    const state: OptimizerStateDict['state'] = {};
    for (const [p, s] of this.state) state[index.get(p)!] = { ...(s as Record<string, StateValue>) };
    let next = 0;
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...opts } = g;
      return { ...structuredCopy(opts), params: params.map(() => next++) };
    });
    return { state, paramGroups };
  }

  /** Restores a stateDict(): group options and copies of the state tensors (cast to each parameter's dtype). */
  loadStateDict(sd: OptimizerStateDict): void {
    const who = `${this.constructor.name}.loadStateDict`;
    if (!sd || !Array.isArray(sd.paramGroups) || typeof sd.state !== 'object') throw new OptimizerError(`${who}: expected { state, paramGroups }`);
    if (sd.paramGroups.length !== this.paramGroups.length) {
      throw new OptimizerError(`${who}: loaded state dict has ${sd.paramGroups.length} parameter groups, the optimizer has ${this.paramGroups.length}`);
    }
    sd.paramGroups.forEach((g, i) => {
      if (g.params.length !== this.paramGroups[i]!.params.length) {
        throw new OptimizerError(`${who}: loaded state dict contains a parameter group (${i}) of ${g.params.length} parameters that doesn't match the size of optimizer's group (${this.paramGroups[i]!.params.length})`);
      }
    });
    const byIndex = new Map<number, Tensor>();
    sd.paramGroups.forEach((g, i) => g.params.forEach((id, k) => byIndex.set(id, this.paramGroups[i]!.params[k]!)));
    const newState = new Map<Tensor, ParamState<S>>();
    for (const [id, s] of Object.entries(sd.state)) {
      const p = byIndex.get(Number(id));
      if (!p) throw new OptimizerError(`${who}: state for parameter ${id}, which is in no parameter group`);
      const copy: Record<string, StateValue> = {};
      for (const [k, v] of Object.entries(s)) {
        if (v instanceof Tensor) {
          if (!sameShape(v.shape, p.shape) && v.numel() !== 1) throw new ShapeError(`${who}: state "${k}" of parameter ${id} has shape ${fmtShape(v.shape)}, the parameter ${fmtShape(p.shape)}`);
          copy[k] = noGrad(() => (isFloating(v.dtype) ? v.to(p.dtype) : v).detach().clone());
        } else copy[k] = v;
      }
      if (this.hasFusedUpdate) pinState(p, copy);
      newState.set(p, copy as ParamState<S>);
    }
    this.state.clear();
    for (const [p, s] of newState) this.state.set(p, s);
    sd.paramGroups.forEach((g, i) => {
      const { params: _ids, ...opts } = g;
      Object.assign(this.paramGroups[i]!, structuredCopy(opts));
    });
  }

  toString(): string {
    const groups = this.paramGroups.map((g, i) => {
      const { params, ...o } = g;
      return `Parameter Group ${i}\n${Object.entries(o).map(([k, v]) => `    ${k}: ${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`).join('\n')}`;
    });
    return `${this.constructor.name} (\n${groups.join('\n')}\n)`;
  }
}

/** Copies plain option values (arrays such as betas are copied so groups never share them). */
function structuredCopy(o: Record<string, unknown>): Record<string, unknown> {
  const r: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) r[k] = Array.isArray(v) ? [...v] : v;
  return r;
}

/**
 * The contiguous float32 elements of t as a subarray of its storage, or null when t is not float32,
 * not contiguous or has no elements (fused optimizer kernels then fall back to ops).
 */
export function float32Data(t: Tensor | null | undefined): Float32Array | null {
  if (!t || t.dtype !== 'float32' || !t.isContiguous() || t.numel() === 0) return null;
  return (t.storage.data as Float32Array).subarray(t.offset, t.offset + t.numel());
}

/** Marks tensors written in place by a fused kernel (what `inplace` does for an op). */
export function markWritten(...ts: (Tensor | null)[]): void {
  for (const t of ts) {
    if (!t) continue;
    t._bumpVersion();
    if (!t._base) t._viewVersion = t.storage.version;
  }
}

export { pinStorage };

/** Pins the state tensors of parameter p that are shaped like it (moments, momentum buffers). */
export function pinState(p: Tensor, s: object): void {
  for (const v of Object.values(s)) if (v instanceof Tensor && v.numel() === p.numel()) pinStorage(v);
}
