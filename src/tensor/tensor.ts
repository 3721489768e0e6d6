// The Tensor: a typed-array Storage plus a layout (shape, strides, offset) and autograd fields.
// Ops are attached to the prototype by src/ops (see src/ops/methods.ts), so this file stays small.
import { type DType, type TypedArray, isFloating } from './dtype.js';
import { AutogradError, fmtShape } from './errors.js';
import { recycleFloat32 } from './buffer-pool.js';
import { contiguousStrides, isContiguousLayout, normalizeDim, numel, type Shape } from './shape.js';

let nextStorageSerial = 0;

/** Serial number the next Storage will get: storages with a serial ≥ this value were made later. */
export function storageSerial(): number {
  return nextStorageSerial;
}

/**
 * Shared memory of a tensor and its views. `version` counts in-place writes (autograd checks it);
 * `serial` orders creation (the autograd engine tells the buffers a backward step made from older ones).
 */
export class Storage {
  version = 0;
  readonly serial = nextStorageSerial++;
  constructor(public data: TypedArray) {}
}

/** What autograd hangs on a non-leaf tensor; implemented in src/autograd. */
export interface GradFn {
  readonly name: string;
}

export type TensorHook = (grad: Tensor) => Tensor | void;

let nextId = 0;

export class Tensor {
  readonly id = nextId++;
  /** Autograd node that produced this tensor (null for leaves). */
  gradFn: GradFn | null = null;
  /** The gradient behind `grad`; library code that never hands it out reads this field directly. */
  _grad: Tensor | null = null;
  /** On a gradient: its storage was made by autograd for this tensor alone (stolen or cloned into .grad). */
  _ownsGradBuffer = false;
  /** On a gradient: user code has read it through `.grad`, so it may be referenced anywhere. */
  _gradExposed = false;
  private _requiresGrad = false;
  /** For views: the tensor whose storage this views and how to recreate the view from it. */
  _base: Tensor | null = null;
  _viewFn: ((base: Tensor) => Tensor) | null = null;
  /** Base version at which gradFn was derived, so a view's history can be regenerated after in-place writes to its base. */
  _viewVersion = 0;
  _retainsGrad = false;
  /** Hooks on a leaf's gradient (non-leaf hooks live on its gradFn). */
  _hooks: TensorHook[] = [];
  /** Lazily created AccumulateGrad node of a leaf that requires grad (owned by src/autograd). */
  _accumulator: unknown = null;

  constructor(
    public storage: Storage,
    public shape: number[],
    public strides: number[],
    public offset: number,
    public dtype: DType,
  ) {}

  /** A fresh contiguous tensor over `data`. */
  static fromArray(data: TypedArray, shape: readonly number[], dtype: DType): Tensor {
    return new Tensor(new Storage(data), [...shape], contiguousStrides(shape), 0, dtype);
  }

  /**
   * Accumulated gradient of a leaf (or of a non-leaf after retainGrad()). Replacing it (zeroGrad's
   * set-to-none, `p.grad = null`) hands the old gradient's buffer to the buffer pool when autograd made
   * that buffer for it alone and no user code ever read it here: then nothing else can reference it.
   */
  get grad(): Tensor | null {
    const g = this._grad;
    if (g) g._gradExposed = true;
    return g;
  }
  set grad(v: Tensor | null) {
    const old = this._grad;
    this._grad = v;
    if (old && old !== v && old._ownsGradBuffer && !old._gradExposed && old.storage.data instanceof Float32Array) {
      recycleFloat32(old.storage.data);
    }
  }

  get requiresGrad(): boolean {
    return this._requiresGrad;
  }
  set requiresGrad(v: boolean) {
    if (v && !isFloating(this.dtype)) {
      throw new AutogradError(`requiresGrad: only tensors of floating point dtype can require gradients, got ${this.dtype}`);
    }
    if (!v && this.gradFn) {
      throw new AutogradError('requiresGrad: you can only change requiresGrad flags of leaf tensors; use detach() to get a tensor that does not require grad');
    }
    this._requiresGrad = v;
  }
  /** Internal: mark an op result as part of the graph without the leaf checks. */
  _setRequiresGrad(v: boolean): void {
    this._requiresGrad = v;
  }

  /** In-place: sets requiresGrad and returns this (PyTorch's requires_grad_()). */
  requiresGrad_(v = true): this {
    this.requiresGrad = v;
    return this;
  }

  get isLeaf(): boolean {
    return this.gradFn === null;
  }
  get ndim(): number {
    return this.shape.length;
  }
  dim(): number {
    return this.shape.length;
  }
  numel(): number {
    return numel(this.shape);
  }
  /** size() is the shape; size(d) one extent (negative d allowed). */
  size(): number[];
  size(d: number): number;
  size(d?: number): number[] | number {
    if (d === undefined) return [...this.shape];
    return this.shape[normalizeDim(d, this.ndim, 'size')]!;
  }
  stride(): number[];
  stride(d: number): number;
  stride(d?: number): number[] | number {
    if (d === undefined) return [...this.strides];
    return this.strides[normalizeDim(d, this.ndim, 'stride')]!;
  }
  storageOffset(): number {
    return this.offset;
  }
  isContiguous(): boolean {
    return isContiguousLayout(this.shape, this.strides);
  }
  get isFloatingPoint(): boolean {
    return isFloating(this.dtype);
  }
  /** The version counter shared with every view (bumped by in-place ops). */
  get version(): number {
    return this.storage.version;
  }
  _bumpVersion(): void {
    this.storage.version++;
  }

  /** A view with a new layout over the same storage (no autograd; ops wrap this). */
  _view(shape: Shape, strides: Shape, offset: number): Tensor {
    const t = new Tensor(this.storage, [...shape], [...strides], offset, this.dtype);
    return t;
  }

  /** Values in row-major order as a fresh typed array of the storage kind. */
  toTypedArray(): TypedArray {
    return gatherStrided(this);
  }

  /** Values as a flat JS array (bool as booleans). */
  toFlatArray(): (number | boolean)[] {
    const a = Array.from(gatherStrided(this) as ArrayLike<number>);
    return this.dtype === 'bool' ? a.map((v) => v !== 0) : a;
  }

  /** Nested JS arrays, like PyTorch's tolist(); a 0-d tensor gives its number. */
  tolist(): NestedArray {
    const flat = this.toFlatArray();
    if (this.ndim === 0) return flat[0]!;
    let i = 0;
    const build = (d: number): NestedArray => {
      const n = this.shape[d]!;
      const out: NestedArray[] = [];
      for (let k = 0; k < n; k++) out.push(d === this.ndim - 1 ? flat[i++]! : build(d + 1));
      return out;
    };
    return build(0);
  }
  toArray(): NestedArray {
    return this.tolist();
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.numel() !== 1) {
      throw new AutogradError(`item: a Tensor with ${this.numel()} elements cannot be converted to a scalar (shape ${fmtShape(this.shape)})`);
    }
    return this.storage.data[this.offset]!;
  }
}

export type NestedArray = number | boolean | NestedArray[];

/** Row-major copy of a strided tensor's elements (the reference strided walk). */
export function gatherStrided(t: Tensor, out?: TypedArray): TypedArray {
  const n = numel(t.shape);
  const src = t.storage.data;
  const dst = out ?? new (src.constructor as { new (n: number): TypedArray })(n);
  if (n === 0) return dst;
  if (isContiguousLayout(t.shape, t.strides)) {
    if (dst === src) return dst;
    dst.set(src.subarray(t.offset, t.offset + n) as never);
    return dst;
  }
  stridedWalk(t.shape, t.strides, t.offset, (dstStart, srcStart, len, srcStride) => {
    for (let k = 0; k < len; k++) dst[dstStart + k] = src[srcStart + k * srcStride]!;
  });
  return dst;
}

/**
 * Visits a strided layout as runs along its last dim: fn(outIndex, srcOffset, runLength, srcStride).
 * One callback per row, not per element, so inner loops stay monomorphic and closure-free.
 */
export function stridedWalk(
  shape: Shape, strides: Shape, offset: number,
  fn: (dstStart: number, srcStart: number, len: number, srcStride: number) => void,
): void {
  const nd = shape.length;
  if (nd === 0) { fn(0, offset, 1, 1); return; }
  const total = numel(shape);
  if (total === 0) return;
  const last = shape[nd - 1]!;
  const lastStride = strides[nd - 1]!;
  const idx = new Array<number>(nd).fill(0);
  let src = offset;
  for (let dst = 0; dst < total; dst += last) {
    fn(dst, src, last, lastStride);
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      src += strides[d]!;
      if (idx[d]! < shape[d]!) break;
      src -= strides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}
