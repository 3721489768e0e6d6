// Printing in PyTorch's format: tensor([[1., 2.], [3., 4.]], dtype=float64, requires_grad=True).
import { type Tensor, gatherStrided } from './tensor.js';

const EDGE = 3;
const THRESHOLD = 1000;
const LINE_WIDTH = 80;

interface Fmt {
  width: number;
  fmt: (v: number) => string;
}

function makeFormatter(t: Tensor, values: ArrayLike<number>): Fmt {
  if (t.dtype === 'bool') return { width: 5, fmt: (v) => (v ? 'True' : 'False') };
  const all = Array.from(values);
  if (t.dtype === 'int32') {
    const strs = all.map(String);
    return { width: Math.max(1, ...strs.map((s) => s.length)), fmt: String };
  }
  const finite = all.filter((v) => Number.isFinite(v));
  const nonzero = finite.map(Math.abs).filter((v) => v !== 0);
  const special = (v: number): string | null => (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : null);
  let fmt: (v: number) => string;
  const intMode = finite.every((v) => Number.isInteger(v));
  const maxA = nonzero.length ? Math.max(...nonzero) : 0;
  const minA = nonzero.length ? Math.min(...nonzero) : 0;
  const sci = nonzero.length > 0 && (maxA / minA > 1000 || maxA > 1e8 || minA < 1e-4);
  const sciFmt = (v: number): string => {
    const [m, e] = v.toExponential(4).split('e') as [string, string];
    const sign = e.startsWith('-') ? '-' : '+';
    return `${m}e${sign}${e.replace(/^[+-]/, '').padStart(2, '0')}`;
  };
  if (intMode) fmt = sci && maxA > 1e8 ? sciFmt : (v) => `${v.toFixed(0)}.`;
  else fmt = sci ? sciFmt : (v) => v.toFixed(4);
  const f = (v: number): string => special(v) ?? (Object.is(v, -0) ? `-${fmt(0)}` : fmt(v));
  return { width: Math.max(1, ...all.map((v) => f(v).length)), fmt: f };
}

/** The body of tensor(...) for a tensor's values, with PyTorch's nesting, wrapping and summarisation. */
function formatBody(t: Tensor, indent: number): string {
  const data = gatherStrided(t) as ArrayLike<number>;
  const summarize = t.numel() > THRESHOLD;
  const shown: number[] = [];
  const shape = t.shape;
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const visit = (d: number, off: number, collect: boolean, out: (s: number) => void): void => {
    if (d === shape.length) { out(off); return; }
    const n = shape[d]!;
    const idxs = summarize && n > 2 * EDGE ? [...Array(EDGE).keys(), -1, ...Array.from({ length: EDGE }, (_, k) => n - EDGE + k)] : [...Array(n).keys()];
    for (const i of idxs) if (i >= 0) visit(d + 1, off + i * strides[d]!, collect, out);
  };
  visit(0, 0, true, (o) => shown.push(data[o]!));
  const f = makeFormatter(t, shown);
  const cell = (o: number): string => f.fmt(data[o]!).padStart(f.width);
  const rec = (d: number, off: number, ind: number): string => {
    if (d === shape.length) return cell(off);
    const n = shape[d]!;
    const idxs = summarize && n > 2 * EDGE ? [...Array(EDGE).keys(), -1, ...Array.from({ length: EDGE }, (_, k) => n - EDGE + k)] : [...Array(n).keys()];
    if (d === shape.length - 1) {
      const items = idxs.map((i) => (i < 0 ? '...' : cell(off + i * strides[d]!)));
      const perLine = Math.max(1, Math.floor((LINE_WIDTH - ind) / (f.width + 2)));
      const lines: string[] = [];
      for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
      return `[${lines.join(`,\n${' '.repeat(ind + 1)}`)}]`;
    }
    const sep = `,${'\n'.repeat(shape.length - d - 1)}${' '.repeat(ind + 1)}`;
    return `[${idxs.map((i) => (i < 0 ? '...' : rec(d + 1, off + i * strides[d]!, ind + 1))).join(sep)}]`;
  };
  if (shape.length === 0) return f.fmt(data[0]!);
  return rec(0, 0, indent);
}

function backwardName(name: string): string {
  return `${name.charAt(0).toUpperCase()}${name.slice(1)}Backward0`;
}

/** PyTorch-style repr: tensor([...], dtype=..., requires_grad=True | grad_fn=<...>). */
export function formatTensor(t: Tensor): string {
  const prefix = 'tensor(';
  let body: string;
  if (t.numel() === 0 && t.ndim > 0) body = t.ndim === 1 ? '[]' : `[], size=(${t.shape.join(', ')})`;
  else body = formatBody(t, prefix.length);
  const suffix: string[] = [];
  if (t.dtype !== 'float32' && t.dtype !== 'int32' && t.dtype !== 'bool') suffix.push(`dtype=${t.dtype}`);
  if (t.gradFn) suffix.push(`grad_fn=<${backwardName(t.gradFn.name)}>`);
  else if (t.requiresGrad) suffix.push('requires_grad=True');
  return `${prefix}${body}${suffix.length ? `, ${suffix.join(', ')}` : ''})`;
}
