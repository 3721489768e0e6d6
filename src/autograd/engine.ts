// The backward engine: topological order over graph nodes, gradient accumulation, hooks, retainGraph.
import { recycleFloat32, takeFor } from '../tensor/buffer-pool.js';
import { AutogradError, ShapeError, fmtShape } from '../tensor/errors.js';
import { onesLike, zeros } from '../tensor/creation.js';
import { numel, sameShape } from '../tensor/shape.js';
import { type Storage, Tensor, storageSerial } from '../tensor/tensor.js';
import { enableGrad, noGrad } from './grad-mode.js';
import { AccumulateGrad, type Node, ViewGrad, gradEdge } from './node.js';
import { PIN_MIN, evictResident, evictStorage, isResident, pinnedUninitialized } from './pinned.js';

export interface BackwardOptions {
  /** Keep saved tensors so the graph can be walked again. */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order gradients. */
  createGraph?: boolean;
}

/**
 * While a node's backward runs in a pass outside createGraph: the storages of the pinned outputs it has
 * made (src/ops/define.ts adds them). Gradients live in the backend's pinned memory, where the kernels
 * that consume them read them in place; the outputs a node's backward made and did not return (its
 * temporaries) are recycled as soon as it returns. null otherwise (hooks, sums of gradients and leaf
 * accumulation make ordinary arrays).
 */
let pinnedMade: Storage[] | null = null;
/** Backward passes running (a hook may start one inside another). */
let passDepth = 0;

/** The list pinned outputs made now are noted in, or null when outputs should not be pinned. */
export function backwardPinnedOutputs(): Storage[] | null {
  return pinnedMade;
}

/** Nodes reachable from root, in an order where every node precedes the nodes it sends gradients to. */
function topoOrder(root: Node): Node[] {
  const order: Node[] = [];
  const seen = new Set<Node>([root]);
  // Iterative post-order DFS: deep graphs (long RNN unrolls) must not overflow the JS stack.
  const stack: [Node, number][] = [[root, 0]];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const [node, i] = top;
    if (i < node.next.length) {
      top[1]++;
      const nx = node.next[i];
      if (nx && !seen.has(nx)) {
        seen.add(nx);
        stack.push([nx, 0]);
      }
    } else {
      stack.pop();
      order.push(node);
    }
  }
  return order.reverse();
}

function ones(t: Tensor): Tensor {
  return onesLike(t);
}

function rootGradient(root: Tensor, gradient: Tensor | null | undefined): Tensor {
  if (!root.requiresGrad) {
    throw new AutogradError('backward: element 0 of tensors does not require grad and does not have a gradFn');
  }
  if (gradient == null) {
    if (root.numel() !== 1) {
      throw new AutogradError(`backward: grad can be implicitly created only for scalar outputs; got a tensor of shape ${fmtShape(root.shape)}, pass a gradient of the same shape`);
    }
    return ones(root);
  }
  if (!sameShape(gradient.shape, root.shape)) {
    throw new ShapeError(`backward: mismatch in shape: gradient has shape ${fmtShape(gradient.shape)} but the output has shape ${fmtShape(root.shape)}`);
  }
  return gradient;
}

/**
 * Walks the graph from root in topological order. Without `targets`, leaves accumulate into .grad;
 * with targets, the total gradient reaching each target node is returned and no .grad is touched.
 */
function execute(root: Tensor, g: Tensor, opts: BackwardOptions, targets: Set<Node> | null): Map<Node, Tensor> {
  const rootNode = gradEdge(root)!;
  const captured = new Map<Node, Tensor>();
  // Storages a leaf must not take over as its .grad: the caller's gradient, anything user hooks saw,
  // and storages already given to a leaf in this pass.
  const taken = new Set<Storage>([g.storage]);
  const passStart = storageSerial(); // storages made from here on are this pass's own
  // Gradient buffers this pass made and nobody else can reach go back to the buffer pool (see GradBuffers).
  const buffers = opts.createGraph ? null : new GradBuffers(taken);
  const run = (): void => {
    // Per node: the gradient so far, or the pieces reaching it (view gradients, and tensors joining them).
    const grads = new Map<Node, Tensor | (Tensor | ViewGrad)[]>([[rootNode, g]]);
    const order = topoOrder(rootNode);
    // Pinned activations this pass's nodes saved, with how many of them still will read each: one moves to
    // an ordinary array as soon as the last of them is released, while it is still in cache (the rest
    // move when the pass ends).
    const readers = new Map<Storage, number>();
    if (buffers && !opts.retainGraph) {
      for (const node of order) for (const st of node.savedStorages()) if (isResident(st)) readers.set(st, (readers.get(st) ?? 0) + 1);
    }
    for (const node of order) {
      const pending = grads.get(node);
      if (!pending) continue;
      grads.delete(node);
      let gin: Tensor;
      if (pending instanceof Tensor) gin = pending;
      else {
        const since = storageSerial();
        gin = sumPieces(pending);
        buffers?.hold(gin, since);
        for (const p of pending) buffers?.release(p instanceof ViewGrad ? p.grad : p);
      }
      for (const h of node.preHooks) {
        taken.add(gin.storage);
        gin = h(gin) ?? gin;
        taken.add(gin.storage);
      }
      if (targets?.has(node)) {
        captured.set(node, gin);
        taken.add(gin.storage);
      }
      if (node instanceof AccumulateGrad) {
        if (node.variable._hooks.length) taken.add(gin.storage); // a leaf hook may keep it
        if (!targets) accumulate(node.variable, gin, opts.createGraph ?? false, taken, passStart);
        buffers?.release(gin);
        continue;
      }
      const since = storageSerial();
      const saved = readers.size ? node.savedStorages() : null;
      const made: Storage[] | null = buffers ? [] : null;
      const outer = pinnedMade;
      pinnedMade = made;
      let outs: (Tensor | ViewGrad | null)[];
      try {
        outs = node.apply(gin);
      } finally {
        pinnedMade = outer;
      }
      if (!opts.retainGraph) {
        node.release();
        // Its closure is gone, so pinned outputs it made and did not return are unreachable.
        if (made?.length) buffers!.dropTemporaries(made, outs, node.next);
        if (saved) {
          for (const st of saved) {
            const n = readers.get(st);
            if (n === undefined) continue;
            if (n > 1) readers.set(st, n - 1);
            else { readers.delete(st); evictStorage(st); }
          }
        }
      }
      for (let i = 0; i < node.next.length; i++) {
        const nx = node.next[i];
        const gi = outs[i];
        if (!nx || !gi) continue;
        buffers?.hold(gi instanceof ViewGrad ? gi.grad : gi, since);
        const prev = grads.get(nx);
        if (!prev) grads.set(nx, gi instanceof ViewGrad ? [gi] : gi);
        else if (Array.isArray(prev)) prev.push(gi);
        else if (gi instanceof ViewGrad) grads.set(nx, [prev, gi]);
        else {
          const sumSince = storageSerial();
          // In pinned memory like the gradients nodes make (the GEMMs of the node it goes to read it in place).
          const outer = pinnedMade;
          pinnedMade = buffers ? [] : null;
          let sum: Tensor;
          try {
            sum = prev.add(gi);
          } finally {
            pinnedMade = outer;
          }
          buffers?.hold(sum, sumSince);
          buffers?.release(prev);
          buffers?.release(gi);
          grads.set(nx, sum);
        }
      }
      buffers?.release(gin);
    }
  };
  if (opts.createGraph) enableGrad(run);
  else {
    passDepth++;
    try {
      noGrad(run);
    } finally {
      passDepth--;
    }
    // The graph is freed: activations pinned for it move to ordinary arrays (src/autograd/pinned.ts).
    if (passDepth === 0 && !opts.retainGraph) evictResident(true);
  }
  return captured;
}

/**
 * Reference counts of the gradient storages a backward pass made, so the ones that die inside the pass
 * are recycled (src/tensor/buffer-pool.ts). A storage counts only when it was created by the step that
 * produced the gradient (its serial is ≥ the step's start), never the caller's gradient, a saved tensor
 * or anything older; each pending gradient or view piece over it holds one reference, and outputs that
 * alias their input (views, pass-through gradients) share its count. At zero the buffer is dead unless
 * it is in `taken`: given to a leaf as .grad, seen by a hook, or returned by grad(). Not used under
 * createGraph, where gradients are part of a graph.
 */
class GradBuffers {
  private readonly refs = new Map<Storage, number>();
  constructor(private readonly taken: Set<Storage>) {}

  hold(t: Tensor, since: number): void {
    const s = t.storage;
    const n = this.refs.get(s);
    if (n !== undefined) this.refs.set(s, n + 1);
    else if (s.serial >= since) this.refs.set(s, 1);
  }

  /** Recycles the storages in `made` (by one node's backward) that none of its outputs going on to a node holds. */
  dropTemporaries(made: Storage[], outs: readonly (Tensor | ViewGrad | null)[], next: readonly (Node | null)[]): void {
    const kept = new Set<Storage>();
    outs.forEach((o, i) => { if (o && next[i]) kept.add(o instanceof ViewGrad ? o.grad.storage : o.storage); });
    for (const s of made) if (!kept.has(s) && !this.refs.has(s)) this.recycle(s);
  }

  release(t: Tensor): void {
    const s = t.storage;
    const n = this.refs.get(s);
    if (n === undefined) return;
    if (n > 1) { this.refs.set(s, n - 1); return; }
    this.refs.delete(s);
    this.recycle(s);
  }

  /** Hands a dead storage's buffer to the pool unless it is taken (a leaf's .grad, a hook's, grad()'s). */
  private recycle(s: Storage): void {
    if (!this.taken.has(s) && s.data instanceof Float32Array) recycleFloat32(s.data);
  }
}

/**
 * One gradient from the pieces reaching a node: a tensor of the base's shape with each view gradient
 * added into its region and each whole tensor added on (no autograd: view gradients are only made
 * outside createGraph). When the view pieces tile the base exactly (the backward of split/chunk/unbind),
 * each is copied into its region and nothing is zeroed or added.
 */
function sumPieces(pieces: (Tensor | ViewGrad)[]): Tensor {
  const first = pieces[0]!;
  const shape = first instanceof ViewGrad ? first.shape : first.shape;
  const dtype = first instanceof ViewGrad ? first.grad.dtype : first.dtype;
  // In the backend's pinned memory like the pass's other gradients (the GEMMs of the node it goes to read
  // it in place), else pooled; both start with arbitrary contents.
  const pinned = dtype === 'float32' && numel(shape) >= PIN_MIN ? pinnedUninitialized(shape) : null;
  const pooled = pinned ? (pinned.storage.data as Float32Array) : takeFor(dtype, numel(shape));
  const total = pinned ?? (pooled ? Tensor.fromArray(pooled, shape, dtype) : zeros(shape, { dtype }));
  noGrad(() => {
    const views = pieces.map((p) => (p instanceof ViewGrad ? p.viewFn(total) : null));
    if (views.every((v): v is Tensor => v !== null) && tiles(total, views)) {
      views.forEach((v, i) => v.copy_((pieces[i] as ViewGrad).grad));
      return;
    }
    if (pooled) pooled.fill(0);
    // The first piece lands on zeros, so it is copied rather than added (a copy into a strided window
    // needs no staging buffer).
    pieces.forEach((p, i) => {
      const dst = views[i] ?? total;
      const src = p instanceof ViewGrad ? p.grad : p;
      if (i === 0) dst.copy_(src);
      else dst.add_(src);
    });
  });
  return total;
}

/**
 * Whether views of the contiguous `base` cover every element of it exactly once: each view keeps the
 * base's strides (a box of indices: narrow, split, select with keepdim-like layouts), the boxes are
 * pairwise disjoint and their sizes add up to the base's.
 */
function tiles(base: Tensor, views: Tensor[]): boolean {
  const nd = base.ndim;
  const boxes: { lo: number[]; hi: number[] }[] = [];
  let volume = 0;
  for (const v of views) {
    if (v.ndim !== nd || v.strides.some((st, d) => st !== base.strides[d] && v.shape[d]! > 1)) return false;
    let off = v.offset - base.offset;
    const lo: number[] = [], hi: number[] = [];
    for (let d = 0; d < nd; d++) {
      const st = base.strides[d]!, size = base.shape[d]!;
      const i = st > 0 ? Math.floor(off / st) : 0;
      off -= i * st;
      if (i < 0 || i + v.shape[d]! > size) return false;
      lo.push(i); hi.push(i + v.shape[d]!);
    }
    if (off !== 0) return false;
    boxes.push({ lo, hi });
    volume += v.numel();
  }
  if (volume !== base.numel()) return false;
  for (let a = 0; a < boxes.length; a++) {
    for (let b = a + 1; b < boxes.length; b++) {
      const A = boxes[a]!, B = boxes[b]!;
      if (A.lo.every((l, d) => l < B.hi[d]! && B.lo[d]! < A.hi[d]!)) return false; // overlap in every dim
    }
  }
  return true;
}

/**
 * Computes d(root)/d(leaf) for every leaf that requires grad and accumulates it into leaf.grad.
 * A non-scalar root needs an explicit `gradient` of its shape (the vector in the vector-Jacobian product).
 * @example loss.backward(); w.grad
 */
export function backward(root: Tensor, gradient?: Tensor | null, opts: BackwardOptions = {}): void {
  execute(root, rootGradient(root, gradient), opts, null);
}

/**
 * True when a leaf may keep g's storage as its first .grad instead of a copy: g is contiguous and
 * covers its whole storage (a transposed-back weight gradient is such a view), the storage was made
 * during this pass, and neither the caller, a user hook nor another leaf of this pass holds it (PyTorch steals the gradient
 * the same way when nothing else references it). Saves a full-size allocation and copy per leaf.
 */
function canSteal(leaf: Tensor, g: Tensor, taken: Set<Storage>, passStart: number): boolean {
  return leaf._hooks.length === 0 && g.offset === 0 && g.dtype === leaf.dtype && g.storage.serial >= passStart &&
    g.storage.data.length === g.numel() && g.isContiguous() && !taken.has(g.storage);
}

function accumulate(leaf: Tensor, g: Tensor, createGraph: boolean, taken: Set<Storage>, passStart: number): void {
  const steal = !createGraph && canSteal(leaf, g, taken, passStart);
  for (const h of leaf._hooks) g = h(g) ?? g;
  if (!sameShape(g.shape, leaf.shape)) {
    throw new ShapeError(`backward: gradient of shape ${fmtShape(g.shape)} does not match its leaf of shape ${fmtShape(leaf.shape)} (internal error in an op's backward)`);
  }
  if (leaf._grad === null) {
    // Own the gradient: an op's backward may hand the same tensor to several inputs.
    if (steal) {
      taken.add(g.storage);
      // A fresh tensor over the storage: .grad is never a view nor part of a graph.
      const own = new Tensor(g.storage, [...g.shape], [...g.strides], 0, g.dtype);
      own._ownsGradBuffer = true;
      leaf._grad = own;
    } else if (createGraph) leaf._grad = g;
    else {
      const own = g.detach().clone();
      own._ownsGradBuffer = true;
      leaf._grad = own;
    }
  } else if (createGraph) {
    leaf._grad = leaf._grad.add(g);
  } else {
    const acc = leaf._grad;
    noGrad(() => acc.add_(g));
  }
}

/**
 * torch.autograd.grad: gradients of output w.r.t. inputs, returned instead of accumulated into .grad.
 * @example const [dx] = grad(y, [x], { createGraph: true })
 */
export function grad(
  output: Tensor, inputs: Tensor[],
  opts: BackwardOptions & { gradOutput?: Tensor; allowUnused?: boolean } = {},
): (Tensor | null)[] {
  const nodes = inputs.map((x) => {
    if (!x.requiresGrad) throw new AutogradError('grad: one of the differentiated tensors does not require grad');
    return gradEdge(x)!;
  });
  const captured = execute(output, rootGradient(output, opts.gradOutput),
    { retainGraph: opts.retainGraph ?? opts.createGraph, createGraph: opts.createGraph }, new Set(nodes));
  return nodes.map((n) => {
    const r = captured.get(n) ?? null;
    if (r === null && !opts.allowUnused) {
      throw new AutogradError('grad: one of the differentiated tensors appears to not have been used in the graph; set allowUnused: true if this is the desired behavior');
    }
    return r;
  });
}
