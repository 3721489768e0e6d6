// Module and Parameter: parameters, buffers and children are found by walking own properties, so
// subclasses never call register*(); state-dict keys are the property paths (PyTorch's names).
import { noGrad } from '../autograd/grad-mode.js';
import { ArgumentError, ShapeError, TsgradError, fmtShape } from '../tensor/errors.js';
import { sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import '../ops/methods.js';

/** A tensor that is a module parameter: requiresGrad by default and found by Module.parameters(). */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    const d = data.contiguous();
    super(d.storage, [...d.shape], [...d.strides], d.offset, d.dtype);
    if (requiresGrad) this.requiresGrad = true;
  }
}

/** Marks a tensor property as a buffer (saved in the state dict, not trained), like register_buffer. */
export class Buffer {
  constructor(public tensor: Tensor | null, public persistent = true) {}
}

export type ForwardHook = (module: Module, input: unknown[], output: unknown) => unknown;
export type ForwardPreHook = (module: Module, input: unknown[]) => unknown[] | void;

export class StateDictError extends TsgradError {}

const SKIP = new Set(['training', '_forwardHooks', '_forwardPreHooks', '_buffers', '_nonPersistent']);

/**
 * Base class of every layer. Subclasses assign Parameters, child Modules (also inside arrays via
 * ModuleList) and buffers (via registerBuffer or `this.x = buffer(t)`) as ordinary properties.
 * @example class MLP extends Module { fc = new Linear(4, 2); forward(x: Tensor) { return this.fc.call(x); } }
 */
export abstract class Module {
  training = true;
  _forwardHooks: ForwardHook[] = [];
  _forwardPreHooks: ForwardPreHook[] = [];
  /** Names of properties holding buffers (tensors saved in the state dict but not trained). */
  _buffers = new Set<string>();
  _nonPersistent = new Set<string>();

  abstract forward(...args: never[]): unknown;

  /** Runs forward with the module's hooks (PyTorch's __call__). */
  call(...args: unknown[]): any {
    let input = args;
    for (const h of this._forwardPreHooks) input = h(this, input) ?? input;
    let out = (this.forward as (...a: unknown[]) => unknown)(...input);
    for (const h of this._forwardHooks) { const r = h(this, input, out); if (r !== undefined) out = r; }
    return out;
  }

  /** Declares a buffer property (saved in the state dict unless persistent is false). */
  registerBuffer(name: string, t: Tensor | null, { persistent = true } = {}): void {
    (this as unknown as Record<string, unknown>)[name] = t;
    this._buffers.add(name);
    if (!persistent) this._nonPersistent.add(name);
  }

  /** Own properties that are parameters, buffers and children, in declaration order. */
  private entries(): { params: [string, Parameter][]; buffers: [string, Tensor][]; children: [string, Module][] } {
    const params: [string, Parameter][] = [];
    const buffers: [string, Tensor][] = [];
    const children: [string, Module][] = [];
    for (const [k, v] of Object.entries(this)) {
      if (SKIP.has(k)) continue;
      if (v instanceof Parameter) params.push([k, v]);
      else if (v instanceof Tensor && this._buffers.has(k)) buffers.push([k, v]);
      else if (v instanceof Module) children.push([k, v]);
    }
    return { params, buffers, children };
  }

  registerForwardHook(h: ForwardHook): () => void {
    this._forwardHooks.push(h);
    return () => { this._forwardHooks.splice(this._forwardHooks.indexOf(h), 1); };
  }
  registerForwardPreHook(h: ForwardPreHook): () => void {
    this._forwardPreHooks.push(h);
    return () => { this._forwardPreHooks.splice(this._forwardPreHooks.indexOf(h), 1); };
  }

  *namedChildren(): Generator<[string, Module]> {
    yield* this.entries().children;
  }
  *children(): Generator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }
  /** This module and all descendants, depth first (each once). */
  *namedModules(prefix = '', seen = new Set<Module>()): Generator<[string, Module]> {
    if (seen.has(this)) return;
    seen.add(this);
    yield [prefix, this];
    for (const [n, c] of this.namedChildren()) yield* c.namedModules(prefix ? `${prefix}.${n}` : n, seen);
  }
  *modules(): Generator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }
  /** Parameters with dotted names; a parameter shared by two modules appears once. */
  *namedParameters(prefix = '', recurse = true): Generator<[string, Parameter]> {
    const seen = new Set<Tensor>();
    const mods = recurse ? this.namedModules(prefix) : ([[prefix, this]] as Iterable<[string, Module]>);
    for (const [mp, m] of mods) {
      for (const [n, p] of m.entries().params) {
        if (seen.has(p)) continue;
        seen.add(p);
        yield [mp ? `${mp}.${n}` : n, p];
      }
    }
  }
  *parameters(recurse = true): Generator<Parameter> {
    for (const [, p] of this.namedParameters('', recurse)) yield p;
  }
  *namedBuffers(prefix = ''): Generator<[string, Tensor]> {
    for (const [mp, m] of this.namedModules(prefix)) for (const [n, b] of m.entries().buffers) yield [mp ? `${mp}.${n}` : n, b];
  }
  *buffers(): Generator<Tensor> {
    for (const [, b] of this.namedBuffers()) yield b;
  }

  /** Sets training mode here and in every descendant (affects Dropout, BatchNorm). */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }
  eval(): this {
    return this.train(false);
  }
  /** Calls fn on every descendant, children first, then on this module (like nn.Module.apply). */
  apply(fn: (m: Module) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }
  /** Clears gradients: sets them to null (default, like PyTorch 2) or zeros them. */
  zeroGrad({ setToNone = true }: { setToNone?: boolean } = {}): void {
    for (const p of this.parameters()) {
      const grad = p._grad; // read internally, so an unread gradient's buffer can be recycled
      if (!grad) continue;
      if (setToNone) p.grad = null;
      else noGrad(() => grad.zero_());
    }
  }
  requiresGrad_(v = true): this {
    for (const p of this.parameters()) p.requiresGrad = v;
    return this;
  }

  /** Parameters and persistent buffers by dotted name (tensors shared with the module, detached). */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [mp, m] of this.namedModules()) {
      const { params, buffers } = m.entries();
      for (const [n, p] of params) out[mp ? `${mp}.${n}` : n] = p.detach();
      for (const [n, b] of buffers) if (!m._nonPersistent.has(n)) out[mp ? `${mp}.${n}` : n] = b.detach();
    }
    return out;
  }

  /**
   * Copies tensors into parameters and buffers. strict: keys must match exactly; shapes always must.
   * Returns the missing and unexpected keys (non-strict mode).
   */
  loadStateDict(state: Record<string, Tensor>, { strict = true }: { strict?: boolean } = {}): { missingKeys: string[]; unexpectedKeys: string[] } {
    const own = this.stateDict();
    const missingKeys = Object.keys(own).filter((k) => !(k in state));
    const unexpectedKeys = Object.keys(state).filter((k) => !(k in own));
    if (strict && (missingKeys.length || unexpectedKeys.length)) {
      throw new StateDictError(`loadStateDict: error(s) in loading state_dict for ${this.constructor.name}: ` +
        `${missingKeys.length ? `missing key(s): ${missingKeys.map((k) => `"${k}"`).join(', ')}. ` : ''}` +
        `${unexpectedKeys.length ? `unexpected key(s): ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}.` : ''}`);
    }
    const mismatches: string[] = [];
    for (const [k, dst] of Object.entries(own)) {
      const src = state[k];
      if (!src) continue;
      if (!(src instanceof Tensor)) throw new ArgumentError(`loadStateDict: value for "${k}" is not a Tensor`);
      if (!sameShape(src.shape, dst.shape)) mismatches.push(`size mismatch for ${k}: copying a param with shape ${fmtShape(src.shape)}, the shape in current model is ${fmtShape(dst.shape)}`);
    }
    if (mismatches.length) throw new StateDictError(`loadStateDict: ${mismatches.join('; ')}`);
    noGrad(() => {
      for (const [k, dst] of Object.entries(own)) if (state[k]) dst.copy_(state[k]!);
    });
    return { missingKeys, unexpectedKeys };
  }

  /** Number of trainable elements. */
  numParameters(): number {
    let n = 0;
    for (const p of this.parameters()) n += p.numel();
    return n;
  }

  toString(): string {
    const kids = [...this.namedChildren()];
    const extra = this.extraRepr();
    if (!kids.length) return `${this.constructor.name}(${extra})`;
    const lines = kids.map(([n, m]) => `  (${n}): ${m.toString().split('\n').join('\n  ')}`);
    return `${this.constructor.name}(${extra ? `${extra}\n` : '\n'}${lines.join('\n')}\n)`;
  }
  extraRepr(): string {
    return '';
  }
}

/** Ensures a value is a Tensor when a module receives it (clear error otherwise). */
export function expectTensor(x: unknown, who: string): Tensor {
  if (!(x instanceof Tensor)) throw new ArgumentError(`${who}: expected a Tensor input, got ${x === null ? 'null' : typeof x}`);
  return x;
}

export { ShapeError };
