// Containers: Sequential, ModuleList, ModuleDict (children stored as numbered or named properties, so
// state-dict keys read "0.weight" like PyTorch), plus the shape-only layers Identity, Flatten, Unflatten.
import { ArgumentError, IndexError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, expectTensor } from './module.js';

type Slots = Record<string, unknown>;

function checkModule(m: unknown, who: string): Module {
  if (!(m instanceof Module)) throw new ArgumentError(`${who}: expected a Module, got ${m === null ? 'null' : typeof m}`);
  return m;
}

/** Children named "0", "1", ... in order (own integer-like keys enumerate in ascending order). */
abstract class IndexedContainer extends Module {
  get length(): number {
    let n = 0;
    while ((this as unknown as Slots)[String(n)] instanceof Module) n++;
    return n;
  }
  /** The i-th child (negative counts from the end). */
  at(i: number): Module {
    const n = this.length;
    const j = i < 0 ? i + n : i;
    if (!Number.isInteger(i) || j < 0 || j >= n) throw new IndexError(`${this.constructor.name}: index ${i} is out of range for ${n} modules`);
    return (this as unknown as Slots)[String(j)] as Module;
  }
  append(m: Module): this {
    (this as unknown as Slots)[String(this.length)] = checkModule(m, `${this.constructor.name}.append`);
    return this;
  }
  extend(ms: Iterable<Module>): this {
    for (const m of ms) this.append(m);
    return this;
  }
  /** Inserts before index i, renumbering the following children. */
  insert(i: number, m: Module): this {
    const n = this.length;
    const j = i < 0 ? i + n : i;
    if (j < 0 || j > n) throw new IndexError(`${this.constructor.name}.insert: index ${i} is out of range for ${n} modules`);
    const slots = this as unknown as Slots;
    for (let k = n; k > j; k--) slots[String(k)] = slots[String(k - 1)];
    slots[String(j)] = checkModule(m, `${this.constructor.name}.insert`);
    return this;
  }
  *[Symbol.iterator](): Iterator<Module> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }
}

/**
 * Runs children in order, each output feeding the next. Children are numbered ("0", "1", ...) or
 * named when given an object.
 * @example new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2))
 */
export class Sequential extends IndexedContainer {
  constructor(...modules: Module[] | [Record<string, Module>]) {
    super();
    const first = modules[0];
    if (modules.length === 1 && !(first instanceof Module) && typeof first === 'object' && first !== null) {
      for (const [k, m] of Object.entries(first)) (this as unknown as Slots)[k] = checkModule(m, 'Sequential');
    } else {
      modules.forEach((m, i) => { (this as unknown as Slots)[String(i)] = checkModule(m, 'Sequential'); });
    }
  }
  forward(x: unknown): any {
    let y = x;
    for (const [, m] of this.namedChildren()) y = m.call(y);
    return y;
  }
}

/** Holds modules in a list (indexable, iterable) so their parameters are registered; has no forward. */
export class ModuleList extends IndexedContainer {
  constructor(modules: Iterable<Module> = []) {
    super();
    this.extend(modules);
  }
  forward(): never {
    throw new ArgumentError('ModuleList: has no forward(); iterate over its modules instead');
  }
}

/** Holds modules by name (keys become state-dict prefixes); has no forward. */
export class ModuleDict extends Module {
  constructor(modules: Record<string, Module> = {}) {
    super();
    for (const [k, m] of Object.entries(modules)) this.set(k, m);
  }
  set(key: string, m: Module): this {
    if (key in this && !((this as unknown as Slots)[key] instanceof Module)) throw new ArgumentError(`ModuleDict: key "${key}" conflicts with an existing attribute`);
    if (key.includes('.') || key === '') throw new ArgumentError(`ModuleDict: key must be a non-empty string without ".", got "${key}"`);
    (this as unknown as Slots)[key] = checkModule(m, 'ModuleDict');
    return this;
  }
  get(key: string): Module | undefined {
    const v = (this as unknown as Slots)[key];
    return v instanceof Module ? v : undefined;
  }
  has(key: string): boolean {
    return this.get(key) !== undefined;
  }
  delete(key: string): boolean {
    if (!this.has(key)) return false;
    delete (this as unknown as Slots)[key];
    return true;
  }
  keys(): string[] { return [...this.namedChildren()].map(([k]) => k); }
  values(): Module[] { return [...this.namedChildren()].map(([, m]) => m); }
  items(): [string, Module][] { return [...this.namedChildren()]; }
  get size(): number { return this.keys().length; }
  forward(): never {
    throw new ArgumentError('ModuleDict: has no forward(); look modules up with get(key)');
  }
}

/** Returns its input unchanged (a placeholder layer). */
export class Identity extends Module {
  forward(x: Tensor): Tensor { return x; }
}

/** Flattens dims startDim..endDim (default 1..−1, keeping the batch dim). */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) { super(); }
  forward(x: Tensor): Tensor { return expectTensor(x, 'Flatten').flatten(this.startDim, this.endDim); }
  override extraRepr(): string { return `startDim=${this.startDim}, endDim=${this.endDim}`; }
}

/** Splits dim into sizes: Unflatten(1, [2, 5]) maps (N, 10) → (N, 2, 5). */
export class Unflatten extends Module {
  constructor(readonly dim: number, readonly unflattenedSize: readonly number[]) { super(); }
  forward(x: Tensor): Tensor { return expectTensor(x, 'Unflatten').unflatten(this.dim, this.unflattenedSize); }
  override extraRepr(): string { return `dim=${this.dim}, unflattenedSize=[${this.unflattenedSize.join(', ')}]`; }
}
