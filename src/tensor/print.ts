// Printing in PyTorch's format: tensor([[1., 2.], [3., 4.]], dtype=float64, requires_grad=True).
// Follows torch/_tensor_str.py (1.13): one formatter per tensor, width from the nonzero finite values,
// scientific notation when their range is wide, summarisation above 1000 elements.
import { type Tensor, gatherStrided } from './tensor.js';

const EDGE = 3;
const THRESHOLD = 1000;
const LINE_WIDTH = 80;
const PRECISION = 4;

interface Fmt {
  width: number;
  fmt: (v: number) => string;
}

// Python rounds exact ties half-to-even ('{:.4f}'.format(1.03125) is '1.0312'); JS toFixed and
// toExponential round them up. A longer exact expansion reveals a tie; then keep the even digit.
function pyFixed(v: number, d: number): string {
  const neg = v < 0 || Object.is(v, -0);
  const a = Math.abs(v);
  let s = a.toFixed(d);
  if (d > 0 && a < 1e15) {
    const ext = a.toFixed(Math.min(100, d + 30));
    const dot = ext.indexOf('.');
    const tail = ext.slice(dot + 1 + d);
    if (/^50*$/.test(tail) && Number(ext[dot + d]) % 2 === 0) s = ext.slice(0, dot + 1 + d);
  }
  return neg ? `-${s}` : s;
}

function pyExp(v: number, d: number): string {
  const neg = v < 0 || Object.is(v, -0);
  const a = Math.abs(v);
  let s = a.toExponential(d);
  const ext = a.toExponential(Math.min(100, d + 30));
  const [mant, exp] = ext.split('e') as [string, string];
  const tail = mant.slice(2 + d);
  if (/^50*$/.test(tail) && Number(mant[1 + d]) % 2 === 0) s = `${mant.slice(0, 2 + d)}e${exp}`;
  const [m, e] = s.split('e') as [string, string];
  const sign = e.startsWith('-') ? '-' : '+';
  return `${neg ? '-' : ''}${m}e${sign}${e.replace(/^[+-]/, '').padStart(2, '0')}`;
}

function makeFormatter(t: Tensor, values: ArrayLike<number>): Fmt {
  const all = Array.from(values);
  const pad = (w: number, s: string): string => s.padStart(w);
  if (t.dtype === 'bool' || t.dtype === 'int32') {
    const str = t.dtype === 'bool' ? (v: number): string => (v ? 'True' : 'False') : String;
    const width = Math.max(1, ...all.map((v) => str(v).length));
    return { width, fmt: (v) => pad(width, str(v)) };
  }
  const nonzero = all.filter((v) => Number.isFinite(v) && v !== 0);
  const special = (v: number): string | null => (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : null);
  const intFmt = (v: number): string => special(v) ?? `${Object.is(v, -0) ? '-0' : v.toFixed(0)}.`;
  if (nonzero.length === 0) return { width: 1, fmt: intFmt };
  const abs = nonzero.map(Math.abs);
  const maxA = Math.max(...abs);
  const minA = Math.min(...abs);
  const intMode = nonzero.every((v) => Number.isInteger(v));
  let width = 1;
  let fmt: (v: number) => string;
  const wide = maxA / minA > 1000 || maxA > 1e8;
  if (intMode ? wide : wide || minA < 1e-4) {
    fmt = (v) => special(v) ?? pyExp(v, PRECISION);
    for (const v of nonzero) width = Math.max(width, fmt(v).length);
  } else if (intMode) {
    fmt = intFmt;
    for (const v of nonzero) width = Math.max(width, fmt(v).length);
  } else {
    fmt = (v) => special(v) ?? pyFixed(v, PRECISION);
    for (const v of nonzero) width = Math.max(width, fmt(v).length);
  }
  return { width, fmt: (v) => pad(width, fmt(v)) };
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
      const items = idxs.map((i) => (i < 0 ? ' ...' : cell(off + i * strides[d]!))); // torch's ' ...' (sic)
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
  if (name.endsWith('(CopySlices)')) return 'CopySlices'; // in-place write through a view, as PyTorch names it
  return `${name.charAt(0).toUpperCase()}${name.slice(1)}Backward0`;
}

/** PyTorch-style repr: tensor([...], dtype=..., requires_grad=True | grad_fn=<...>). */
export function formatTensor(t: Tensor): string {
  const prefix = 'tensor(';
  const suffixes: string[] = [];
  let body: string;
  if (t.numel() === 0) {
    body = '[]';
    if (t.ndim !== 1) suffixes.push(`size=(${t.shape.join(', ')})`);
    if (t.dtype !== 'float32') suffixes.push(`dtype=${t.dtype}`);
  } else {
    body = formatBody(t, prefix.length);
    // int32 plays int64's role, so like int64 in PyTorch it prints no dtype
    if (t.dtype !== 'float32' && t.dtype !== 'int32' && t.dtype !== 'bool') suffixes.push(`dtype=${t.dtype}`);
  }
  if (t.gradFn) suffixes.push(`grad_fn=<${backwardName(t.gradFn.name)}>`);
  else if (t.requiresGrad) suffixes.push('requires_grad=True');
  // torch's _add_suffixes: a suffix that would pass the line width goes on its own line
  let out = prefix + body;
  let lastLine = out.length - out.lastIndexOf('\n') + 1;
  for (const s of suffixes) {
    if (lastLine + s.length + 2 > LINE_WIDTH) {
      out += `,\n${' '.repeat(prefix.length)}${s}`;
      lastLine = prefix.length + s.length;
    } else {
      out += `, ${s}`;
      lastLine += s.length + 2;
    }
  }
  return `${out})`;
}
