// src/cli/plot.ts — PNG charts for training runs: line plots, contour plots with optimizer paths, heatmaps, grids.
//
// Each chart is drawn as SVG into a rectangle (a "panel"), then rasterized by resvg. Writing to a
// path ending in `.svg` keeps the vector form. Node only.
import {
  PALETTE, TRAJECTORY_PALETTE, type Colormap, type Ticks, colormap, luminance, logTicks,
  niceTicks, r2, svgDocument, svgToPng, text, textWidth, writeAtomic,
} from './svg.js';

export interface Series {
  name: string;
  /** Defaults to 0, 1, 2, ... */
  x?: ArrayLike<number>;
  /** Non-finite values (NaN, ±Infinity) leave a gap in the line. */
  y: ArrayLike<number>;
  color?: string;
  dashed?: boolean;
  /** Draw a dot at each point (useful for per-epoch validation values). */
  markers?: boolean;
}

export type LegendPosition = 'auto' | 'upper right' | 'upper left' | 'lower left' | 'lower right' | 'none';

interface Common {
  title?: string;
  xlabel?: string;
  ylabel?: string;
  /** Image size in pixels (ignored inside `gridPlots`, which sizes panels itself). */
  width?: number;
  height?: number;
  /** Pixel density multiplier of the PNG: 2 doubles width and height. Default 1. */
  scale?: number;
}

export interface LinePlotOptions extends Common {
  series: Series[];
  logY?: boolean;
  logX?: boolean;
  xRange?: [number, number];
  yRange?: [number, number];
  legend?: LegendPosition;
}

export interface Trajectory {
  name: string;
  points: ArrayLike<readonly [number, number] | ArrayLike<number>>;
  color?: string;
}

export interface ContourPlotOptions extends Common {
  f: (x: number, y: number) => number;
  xRange: [number, number];
  yRange: [number, number];
  /** A count of levels (default 12, spread over the quantiles of f on the grid) or explicit values. */
  levels?: number | number[];
  /** Grid cells per axis for sampling f. Default 120. */
  resolution?: number;
  trajectories?: Trajectory[];
  colormap?: Colormap;
  legend?: LegendPosition;
}

export interface HeatmapOptions extends Common {
  /** matrix[row][col]; rows are drawn top to bottom. */
  matrix: ArrayLike<ArrayLike<number>>;
  rowLabels?: string[];
  colLabels?: string[];
  colormap?: Colormap;
  vmin?: number;
  vmax?: number;
  /** Print each value in its cell. Default: when cells are large enough. */
  annotate?: boolean;
  format?: (v: number) => string;
}

export type Panel =
  | ({ kind: 'line' } & LinePlotOptions)
  | ({ kind: 'contour' } & ContourPlotOptions)
  | ({ kind: 'heatmap' } & HeatmapOptions);

export interface GridOptions {
  /** Panels per row. Default: up to 3. */
  cols?: number;
  panelWidth?: number;
  panelHeight?: number;
  title?: string;
  scale?: number;
}

interface Rect { x: number; y: number; w: number; h: number }

/** Unique ids for clip paths within one SVG document. */
class Ctx { private n = 0; id(): string { return `c${this.n++}`; } }

/**
 * Line chart of one or more series with axes, ticks, grid and a legend placed where it hides the
 * fewest points. @example linePlot('loss.png', { title: 'loss', xlabel: 'epoch', ylabel: 'loss',
 *   series: [{ name: 'train', y: trainLoss }, { name: 'val', y: valLoss, markers: true }], logY: true })
 */
export function linePlot(path: string, opts: LinePlotOptions): void {
  save(path, { kind: 'line', ...opts }, opts.width ?? 640, opts.height ?? 420, opts.scale);
}

/**
 * Contour lines of f(x, y) over a rectangle with optimizer trajectories on top, as in the d2l
 * optimization chapter. @example contourPlot('gd.png', { f: (x, y) => 0.1 * x * x + 2 * y * y,
 *   xRange: [-5.5, 1], yRange: [-3, 1.5], trajectories: [{ name: 'GD', points: path }] })
 */
export function contourPlot(path: string, opts: ContourPlotOptions): void {
  save(path, { kind: 'contour', ...opts }, opts.width ?? 600, opts.height ?? 460, opts.scale);
}

/**
 * A matrix as coloured cells with a colour bar, e.g. a confusion matrix (rows = true class,
 * columns = predicted) or attention weights (rows = queries, columns = keys).
 * @example heatmap('cm.png', { matrix: cm, rowLabels: names, colLabels: names, colormap: 'blues' })
 */
export function heatmap(path: string, opts: HeatmapOptions): void {
  save(path, { kind: 'heatmap', ...opts }, opts.width ?? 560, opts.height ?? 480, opts.scale);
}

/** Several panels in one image, filled row by row. @example gridPlots('all.png', [{ kind: 'line', ... }, { kind: 'heatmap', ... }]) */
export function gridPlots(path: string, panels: Panel[], opts: GridOptions = {}): void {
  if (panels.length === 0) throw new RangeError('gridPlots: expected at least one panel, got 0');
  const cols = Math.max(1, Math.min(opts.cols ?? 3, panels.length));
  const rows = Math.ceil(panels.length / cols);
  const pw = opts.panelWidth ?? 420, ph = opts.panelHeight ?? 320;
  const top = opts.title ? 34 : 0;
  const width = cols * pw, height = rows * ph + top;
  const ctx = new Ctx();
  let body = opts.title ? text(width / 2, 24, opts.title, { size: 18, bold: true, anchor: 'middle' }) : '';
  panels.forEach((p, i) => {
    body += drawPanel(ctx, p, { x: (i % cols) * pw, y: top + Math.floor(i / cols) * ph, w: pw, h: ph });
  });
  write(path, svgDocument(width, height, body), opts.scale);
}

/** The SVG text of one panel at the given size (what the PNG functions rasterize). */
export function plotSvg(panel: Panel, width = 640, height = 420): string {
  return svgDocument(width, height, drawPanel(new Ctx(), panel, { x: 0, y: 0, w: width, h: height }));
}

/** Pretty-printed JSON of a metrics object; typed arrays become arrays, NaN/Infinity become strings. */
export function writeMetrics(path: string, obj: unknown): void {
  const json = JSON.stringify(obj, (_k, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) return String(v);   // JSON has no NaN; keep it visible
    if (typeof v === 'bigint') return Number(v);
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
    if (v instanceof Map) return Object.fromEntries(v);
    return v;
  }, 2);
  writeAtomic(path, json + '\n');
}

function save(path: string, panel: Panel, width: number, height: number, scale?: number): void {
  if (!(width > 0 && height > 0)) throw new RangeError(`plot: width and height must be positive, got ${width}x${height}`);
  write(path, plotSvg(panel, Math.round(width), Math.round(height)), scale);
}

function write(path: string, svg: string, scale = 1): void {
  writeAtomic(path, path.toLowerCase().endsWith('.svg') ? svg : svgToPng(svg, scale));
}

function drawPanel(ctx: Ctx, p: Panel, r: Rect): string {
  switch (p.kind) {
    case 'line': return drawLine(ctx, p, r);
    case 'contour': return drawContour(ctx, p, r);
    case 'heatmap': return drawHeatmap(ctx, p, r);
    default: throw new TypeError(`plot: unknown panel kind ${JSON.stringify((p as { kind: unknown }).kind)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Axes

interface Axis { lo: number; hi: number; log: boolean; ticks: Ticks }

function makeAxis(lo: number, hi: number, log: boolean, pad: number, fixed?: [number, number]): Axis {
  if (fixed) {
    if (!(fixed[1] > fixed[0])) throw new RangeError(`plot: axis range must be increasing, got [${fixed}]`);
    if (log && !(fixed[0] > 0)) throw new RangeError(`plot: log axis range must be positive, got [${fixed}]`);
    [lo, hi] = fixed;
  } else if (log) {
    const a = Math.log10(lo), b = Math.log10(hi);
    const d = b > a ? (b - a) * pad : 0.5;
    lo = 10 ** (a - d); hi = 10 ** (b + d);
  } else {
    if (!(hi > lo)) { const d = Math.abs(lo) * 0.1 || 1; lo -= d; hi += d; }
    const d = (hi - lo) * pad;
    lo -= d; hi += d;
  }
  return { lo, hi, log, ticks: log ? logTicks(lo, hi) : niceTicks(lo, hi) };
}

function scaler(a: Axis, p0: number, p1: number): (v: number) => number {
  const f = a.log ? Math.log10 : (v: number) => v;
  const l = f(a.lo), h = f(a.hi);
  return (v) => p0 + ((f(v) - l) / (h - l)) * (p1 - p0);
}

interface Frame { svg: string; plot: Rect; sx: (v: number) => number; sy: (v: number) => number }

/** Title, axis labels, tick labels, grid lines and the plot-area border; returns the plot area. */
function frame(c: Common, r: Rect, xa: Axis, ya: Axis, right = 16): Frame {
  const yTickW = Math.max(...ya.ticks.labels.map((l) => textWidth(l, 11)));
  const left = r.x + (c.ylabel ? 22 : 4) + yTickW + 10;
  const top = r.y + (c.title ? 34 : 14);
  const bottom = r.y + r.h - (c.xlabel ? 42 : 24);
  const plot = { x: left, y: top, w: Math.max(10, r.x + r.w - right - left), h: Math.max(10, bottom - top) };
  const sx = scaler(xa, plot.x, plot.x + plot.w), sy = scaler(ya, plot.y + plot.h, plot.y);
  let s = `<rect x="${r2(plot.x)}" y="${r2(plot.y)}" width="${r2(plot.w)}" height="${r2(plot.h)}" fill="white"/>`;
  xa.ticks.values.forEach((v, i) => {
    const x = sx(v);
    if (x < plot.x - 0.5 || x > plot.x + plot.w + 0.5) return;
    s += `<line x1="${r2(x)}" y1="${r2(plot.y)}" x2="${r2(x)}" y2="${r2(plot.y + plot.h + 4)}" stroke="#e6e6e6"/>`;
    s += `<line x1="${r2(x)}" y1="${r2(plot.y + plot.h)}" x2="${r2(x)}" y2="${r2(plot.y + plot.h + 4)}" stroke="#444"/>`;
    s += text(x, plot.y + plot.h + 7, xa.ticks.labels[i], { size: 11, anchor: 'middle', baseline: 'hanging', color: '#333' });
  });
  ya.ticks.values.forEach((v, i) => {
    const y = sy(v);
    if (y < plot.y - 0.5 || y > plot.y + plot.h + 0.5) return;
    s += `<line x1="${r2(plot.x - 4)}" y1="${r2(y)}" x2="${r2(plot.x + plot.w)}" y2="${r2(y)}" stroke="#e6e6e6"/>`;
    s += `<line x1="${r2(plot.x - 4)}" y1="${r2(y)}" x2="${r2(plot.x)}" y2="${r2(y)}" stroke="#444"/>`;
    s += text(plot.x - 7, y, ya.ticks.labels[i], { size: 11, anchor: 'end', baseline: 'middle', color: '#333' });
  });
  s += `<rect x="${r2(plot.x)}" y="${r2(plot.y)}" width="${r2(plot.w)}" height="${r2(plot.h)}" fill="none" stroke="#444"/>`;
  s += labels(c, r, plot);
  return { svg: s, plot, sx, sy };
}

function labels(c: Common, r: Rect, plot: Rect): string {
  let s = '';
  if (c.title) s += text(plot.x + plot.w / 2, r.y + 22, c.title, { size: 15, bold: true, anchor: 'middle' });
  if (c.xlabel) s += text(plot.x + plot.w / 2, r.y + r.h - 10, c.xlabel, { size: 13, anchor: 'middle' });
  if (c.ylabel) s += text(r.x + 16, plot.y + plot.h / 2, c.ylabel, { size: 13, anchor: 'middle', rotate: -90 });
  return s;
}

interface LegendEntry { name: string; color: string; dashed?: boolean; marker?: boolean }

/** A legend box in the plot corner that covers the fewest of `pts` (pixel coordinates). */
function legend(entries: LegendEntry[], plot: Rect, pts: [number, number][], where: LegendPosition = 'auto'): string {
  if (where === 'none' || entries.length === 0) return '';
  const rowH = 18, w = 22 + 8 + Math.max(...entries.map((e) => textWidth(e.name, 12))) + 14, h = entries.length * rowH + 8;
  const corners: Record<Exclude<LegendPosition, 'auto' | 'none'>, [number, number]> = {
    'upper right': [plot.x + plot.w - w - 8, plot.y + 8],
    'upper left': [plot.x + 8, plot.y + 8],
    'lower left': [plot.x + 8, plot.y + plot.h - h - 8],
    'lower right': [plot.x + plot.w - w - 8, plot.y + plot.h - h - 8],
  };
  let [x, y] = corners['upper right'];
  if (where !== 'auto') [x, y] = corners[where];
  else {
    let best = Infinity;
    for (const [bx, by] of Object.values(corners)) {
      let n = 0;
      for (const [px, py] of pts) if (px >= bx - 4 && px <= bx + w + 4 && py >= by - 4 && py <= by + h + 4) n++;
      if (n < best) { best = n; x = bx; y = by; }
    }
  }
  let s = `<rect x="${r2(x)}" y="${r2(y)}" width="${r2(w)}" height="${h}" rx="3" fill="white" fill-opacity="0.88" stroke="#bbb"/>`;
  entries.forEach((e, i) => {
    const cy = y + 4 + rowH * i + rowH / 2;
    s += `<line x1="${r2(x + 8)}" y1="${r2(cy)}" x2="${r2(x + 30)}" y2="${r2(cy)}" stroke="${e.color}" stroke-width="2.5"` +
      `${e.dashed ? ' stroke-dasharray="6 3"' : ''}/>`;
    if (e.marker) s += `<circle cx="${r2(x + 19)}" cy="${r2(cy)}" r="3" fill="${e.color}"/>`;
    s += text(x + 38, cy, e.name, { size: 12, baseline: 'middle' });
  });
  return s;
}

function clip(ctx: Ctx, plot: Rect): { def: string; ref: string } {
  const id = ctx.id();
  return {
    def: `<clipPath id="${id}"><rect x="${r2(plot.x)}" y="${r2(plot.y)}" width="${r2(plot.w)}" height="${r2(plot.h)}"/></clipPath>`,
    ref: `clip-path="url(#${id})"`,
  };
}

// ---------------------------------------------------------------------------------------------
// Line plots

function drawLine(ctx: Ctx, o: LinePlotOptions, r: Rect): string {
  if (!Array.isArray(o.series)) throw new TypeError('linePlot: expected options.series to be an array');
  const data = o.series.map((s, k) => {
    const n = s.y.length;
    if (s.x && s.x.length !== n) {
      throw new RangeError(`linePlot: series '${s.name}' has ${s.x.length} x values but ${n} y values`);
    }
    const xs = Array.from({ length: n }, (_, i) => (s.x ? Number(s.x[i]) : i));
    const ys = Array.from(s.y, Number);
    return { s, xs, ys, color: s.color ?? PALETTE[k % PALETTE.length] };
  });
  const ok = (x: number, y: number) =>
    Number.isFinite(x) && Number.isFinite(y) && (!o.logY || y > 0) && (!o.logX || x > 0);
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const d of data) d.xs.forEach((x, i) => {
    const y = d.ys[i];
    if (!ok(x, y)) return;
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  });
  if (x0 > x1) { x0 = o.logX ? 1 : 0; x1 = o.logX ? 10 : 1; y0 = o.logY ? 1 : 0; y1 = o.logY ? 10 : 1; }   // nothing to draw
  const xa = makeAxis(x0, x1, !!o.logX, 0.02, o.xRange);
  const ya = makeAxis(y0, y1, !!o.logY, 0.05, o.yRange);
  const f = frame(o, r, xa, ya);
  const c = clip(ctx, f.plot);
  let lines = '';
  const pts: [number, number][] = [];
  for (const d of data) {
    let path = '', pen = false, dots = '';
    d.xs.forEach((x, i) => {
      const y = d.ys[i];
      if (!ok(x, y)) { pen = false; return; }
      const px = f.sx(x), py = f.sy(y);
      pts.push([px, py]);
      path += `${pen ? 'L' : 'M'}${r2(px)} ${r2(py)}`;
      pen = true;
      if (d.s.markers) dots += `<circle cx="${r2(px)}" cy="${r2(py)}" r="3" fill="${d.color}"/>`;
    });
    // A lone point draws nothing as a path; make it visible.
    if (d.xs.length === 1 && !d.s.markers && pts.length) dots += `<circle cx="${r2(pts[pts.length - 1][0])}" cy="${r2(pts[pts.length - 1][1])}" r="3" fill="${d.color}"/>`;
    lines += `<path d="${path}" fill="none" stroke="${d.color}" stroke-width="2" stroke-linejoin="round"` +
      `${d.s.dashed ? ' stroke-dasharray="7 4"' : ''}/>${dots}`;
  }
  const entries = data.map((d) => ({ name: d.s.name, color: d.color, dashed: d.s.dashed, marker: d.s.markers }));
  return `<defs>${c.def}</defs>${f.svg}<g ${c.ref}>${lines}</g>` +
    legend(data.length > 1 || o.legend ? entries : [], f.plot, pts, o.legend);
}

// ---------------------------------------------------------------------------------------------
// Contour plots

// Marching squares: for each corner pattern (bit k set = corner k above the level; corners
// 0 = (i, j), 1 = (i+1, j), 2 = (i+1, j+1), 3 = (i, j+1)) the cell edges the contour crosses.
// Edges: 0 = bottom (c0–c1), 1 = right (c1–c2), 2 = top (c3–c2), 3 = left (c0–c3). Pattern k
// and 15−k cross the same edges. Saddles (5, 10) are resolved with the cell-centre value.
const EDGES: number[][][] = [[], [[3, 0]], [[0, 1]], [[3, 1]], [[1, 2]], [], [[0, 2]], [[3, 2]]];

function contourSegments(vals: Float64Array, n: number, level: number): number[] {
  // Returns flat [x0, y0, x1, y1, ...] in grid units.
  const out: number[] = [];
  const v = (i: number, j: number) => vals[j * (n + 1) + i];
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const c = [v(i, j), v(i + 1, j), v(i + 1, j + 1), v(i, j + 1)];
      if (!c.every(Number.isFinite)) continue;
      const k = (c[0] > level ? 1 : 0) | (c[1] > level ? 2 : 0) | (c[2] > level ? 4 : 0) | (c[3] > level ? 8 : 0);
      if (k === 0 || k === 15) continue;
      const t = (a: number, b: number) => (level - a) / (b - a);
      const edge = (e: number): [number, number] => {
        switch (e) {
          case 0: return [i + t(c[0], c[1]), j];
          case 1: return [i + 1, j + t(c[1], c[2])];
          case 2: return [i + t(c[3], c[2]), j + 1];
          default: return [i, j + t(c[0], c[3])];
        }
      };
      let segs: number[][];
      if (k === 5 || k === 10) {
        const centreAbove = (c[0] + c[1] + c[2] + c[3]) / 4 > level;
        // Isolate the corners whose side is not the centre's.
        const isolateOdd = (k === 5) === centreAbove;   // corners 1 and 3
        segs = isolateOdd ? [[0, 1], [2, 3]] : [[3, 0], [1, 2]];
      } else {
        segs = EDGES[k <= 7 ? k : 15 - k];
      }
      for (const [e0, e1] of segs) out.push(...edge(e0), ...edge(e1));
    }
  }
  return out;
}

function contourLevels(vals: Float64Array, levels: number | number[] | undefined): number[] {
  if (Array.isArray(levels)) return levels.filter(Number.isFinite);
  const count = levels ?? 12;
  if (!(Number.isInteger(count) && count > 0)) throw new RangeError(`contourPlot: levels must be a positive integer or an array, got ${count}`);
  const sorted = Array.from(vals).filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  // Levels at the p² quantiles of f: they crowd near the minimum, where trajectories end, instead
  // of bunching on the steep walls as evenly spaced values do.
  const out: number[] = [];
  for (let q = 0; q < count; q++) {
    const p = (q + 0.5) / count;
    const v = sorted[Math.min(sorted.length - 1, Math.floor(p * p * sorted.length))];
    if (out.length === 0 || v > out[out.length - 1]) out.push(v);
  }
  return out;
}

function drawContour(ctx: Ctx, o: ContourPlotOptions, r: Rect): string {
  if (typeof o.f !== 'function') throw new TypeError('contourPlot: expected options.f to be a function (x, y) => number');
  const n = Math.max(4, Math.round(o.resolution ?? 120));
  const xa = makeAxis(o.xRange[0], o.xRange[1], false, 0, o.xRange);
  const ya = makeAxis(o.yRange[0], o.yRange[1], false, 0, o.yRange);
  const f = frame({ xlabel: 'x1', ylabel: 'x2', ...o }, r, xa, ya);
  const vals = new Float64Array((n + 1) * (n + 1));
  const gx = (i: number) => xa.lo + ((xa.hi - xa.lo) * i) / n;
  const gy = (j: number) => ya.lo + ((ya.hi - ya.lo) * j) / n;
  for (let j = 0; j <= n; j++) for (let i = 0; i <= n; i++) vals[j * (n + 1) + i] = Number(o.f(gx(i), gy(j)));
  const levels = contourLevels(vals, o.levels);
  const cmap = o.colormap ?? 'viridis';
  const px = (i: number) => f.plot.x + (i / n) * f.plot.w;
  const py = (j: number) => f.plot.y + f.plot.h - (j / n) * f.plot.h;
  let body = '';
  levels.forEach((level, k) => {
    const seg = contourSegments(vals, n, level);
    let d = '';
    for (let s = 0; s < seg.length; s += 4) {
      d += `M${r2(px(seg[s]))} ${r2(py(seg[s + 1]))}L${r2(px(seg[s + 2]))} ${r2(py(seg[s + 3]))}`;
    }
    // Stop at 0.9 of the map: viridis' last yellow is hard to see on white.
    const color = colormap(cmap, levels.length > 1 ? (k / (levels.length - 1)) * 0.9 : 0.5);
    if (d) body += `<path d="${d}" fill="none" stroke="${color}" stroke-width="1.3" stroke-linecap="round"/>`;
  });
  const pts: [number, number][] = [];
  const entries: LegendEntry[] = [];
  (o.trajectories ?? []).forEach((t, k) => {
    const color = t.color ?? TRAJECTORY_PALETTE[k % TRAJECTORY_PALETTE.length];
    let d = '', dots = '';
    Array.from(t.points).forEach((p, i) => {
      const x = Number(p[0]), y = Number(p[1]);
      if (p.length < 2) throw new RangeError(`contourPlot: trajectory '${t.name}' point ${i} has ${p.length} coordinates, expected 2`);
      if (!Number.isFinite(x) || !Number.isFinite(y)) return;
      const X = f.sx(x), Y = f.sy(y);
      pts.push([X, Y]);
      d += `${d ? 'L' : 'M'}${r2(X)} ${r2(Y)}`;
      dots += `<circle cx="${r2(X)}" cy="${r2(Y)}" r="${i === 0 ? 4.5 : 2.8}" fill="${color}"${i === 0 ? ' stroke="white" stroke-width="1"' : ''}/>`;
    });
    body += `<path d="${d}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round"/>${dots}`;
    entries.push({ name: t.name, color, marker: true });
  });
  const c = clip(ctx, f.plot);
  return `<defs>${c.def}</defs>${f.svg}<g ${c.ref}>${body}</g>` +
    `<rect x="${r2(f.plot.x)}" y="${r2(f.plot.y)}" width="${r2(f.plot.w)}" height="${r2(f.plot.h)}" fill="none" stroke="#444"/>` +
    legend(entries, f.plot, pts, o.legend);
}

// ---------------------------------------------------------------------------------------------
// Heatmaps

function drawHeatmap(ctx: Ctx, o: HeatmapOptions, r: Rect): string {
  const rows = o.matrix.length;
  const cols = rows ? o.matrix[0].length : 0;
  if (rows === 0 || cols === 0) throw new RangeError(`heatmap: expected a non-empty matrix, got ${rows}x${cols}`);
  const m: number[][] = [];
  for (let i = 0; i < rows; i++) {
    if (o.matrix[i].length !== cols) {
      throw new RangeError(`heatmap: row ${i} has ${o.matrix[i].length} values, expected ${cols} like row 0`);
    }
    m.push(Array.from(o.matrix[i], Number));
  }
  for (const [name, lab, want] of [['rowLabels', o.rowLabels, rows], ['colLabels', o.colLabels, cols]] as const) {
    if (lab && lab.length !== want) throw new RangeError(`heatmap: ${name} has ${lab.length} entries, expected ${want}`);
  }
  const finite = m.flat().filter(Number.isFinite);
  let vmin = o.vmin ?? (finite.length ? Math.min(...finite) : 0);
  let vmax = o.vmax ?? (finite.length ? Math.max(...finite) : 1);
  if (!(vmax > vmin)) { vmax = vmin + 1; }
  const cmap = o.colormap ?? 'viridis';
  const rowLabels = o.rowLabels ?? m.map((_, i) => String(i));
  const colLabels = o.colLabels ?? m[0].map((_, j) => String(j));

  const rowLabW = Math.max(...rowLabels.map((l) => textWidth(l, 11)));
  const colLabW = Math.max(...colLabels.map((l) => textWidth(l, 11)));
  const left = r.x + (o.ylabel ? 22 : 4) + rowLabW + 8;
  const top = r.y + (o.title ? 34 : 12);
  const barW = 14, barGap = 14, barTickW = 48;
  const availW = r.x + r.w - left - barGap - barW - barTickW - 8;
  // Column labels: horizontal if they fit under their cell, else rotated 45°.
  let cell = Math.min(availW / cols, (r.h - (top - r.y) - 40) / rows);
  // Short labels (class indices) are thinned rather than rotated.
  const rotate = colLabW + 6 > cell && colLabW > 22;
  const colLabH = rotate ? colLabW * 0.72 + 12 : 16;
  cell = Math.max(2, Math.min(availW / cols, (r.y + r.h - top - colLabH - (o.xlabel ? 26 : 6)) / rows));
  const gw = cell * cols, gh = cell * rows;
  const gx = left + Math.max(0, (availW - gw) / 2);
  const gy = top;
  const t = (v: number) => (v - vmin) / (vmax - vmin);

  const integers = finite.every(Number.isInteger);
  const fmt = o.format ?? ((v: number) => (integers ? String(v) : v.toFixed(2)));
  const fontSize = Math.max(7, Math.min(12, cell * 0.36));
  const widest = Math.max(...m.flat().map((v) => textWidth(fmt(v), fontSize)));
  const annotate = o.annotate ?? (cell >= 20 && widest < cell - 4);
  let s = '<g shape-rendering="crispEdges">';
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = m[i][j], color = colormap(cmap, t(v));
      const x = gx + j * cell, y = gy + i * cell;
      s += `<rect x="${r2(x)}" y="${r2(y)}" width="${r2(cell)}" height="${r2(cell)}" fill="${color}"/>`;
      if (annotate) {
        s += text(x + cell / 2, y + cell / 2, fmt(v), {
          size: fontSize, anchor: 'middle', baseline: 'middle', color: luminance(color) > 0.5 ? '#111' : '#fff',
        });
      }
    }
  }
  s += `</g><rect x="${r2(gx)}" y="${r2(gy)}" width="${r2(gw)}" height="${r2(gh)}" fill="none" stroke="#444"/>`;
  // Thin out labels when cells are smaller than the text.
  const every = (size: number) => Math.max(1, Math.ceil(size / cell));
  const re = every(13);
  rowLabels.forEach((l, i) => {
    if (i % re === 0) s += text(gx - 6, gy + (i + 0.5) * cell, l, { size: 11, anchor: 'end', baseline: 'middle', color: '#333' });
  });
  const ce = every(rotate ? 13 : colLabW + 6);
  colLabels.forEach((l, j) => {
    if (j % ce !== 0) return;
    const x = gx + (j + 0.5) * cell;
    s += rotate
      ? text(x + 3, gy + gh + 8, l, { size: 11, anchor: 'end', rotate: -45, baseline: 'hanging', color: '#333' })
      : text(x, gy + gh + 6, l, { size: 11, anchor: 'middle', baseline: 'hanging', color: '#333' });
  });
  // Colour bar: a vertical gradient through the colormap's anchor colours.
  const bx = gx + gw + barGap;
  const gid = ctx.id();
  const stops = Array.from({ length: 17 }, (_, k) => `<stop offset="${k / 16}" stop-color="${colormap(cmap, 1 - k / 16)}"/>`);
  s += `<defs><linearGradient id="${gid}" x1="0" y1="0" x2="0" y2="1">${stops.join('')}</linearGradient></defs>`;
  s += `<rect x="${r2(bx)}" y="${r2(gy)}" width="${barW}" height="${r2(gh)}" fill="url(#${gid})"/>`;
  s += `<rect x="${r2(bx)}" y="${r2(gy)}" width="${barW}" height="${r2(gh)}" fill="none" stroke="#444"/>`;
  const ticks = niceTicks(vmin, vmax, Math.max(2, Math.min(6, Math.floor(gh / 40))));
  ticks.values.forEach((v, k) => {
    if (v < vmin - 1e-12 || v > vmax + 1e-12) return;
    const y = gy + gh - t(v) * gh;
    s += `<line x1="${r2(bx + barW)}" y1="${r2(y)}" x2="${r2(bx + barW + 4)}" y2="${r2(y)}" stroke="#444"/>`;
    s += text(bx + barW + 7, y, ticks.labels[k], { size: 11, baseline: 'middle', color: '#333' });
  });
  // Titles and axis labels, centred on the grid.
  if (o.title) s += text(gx + gw / 2, r.y + 22, o.title, { size: 15, bold: true, anchor: 'middle' });
  if (o.xlabel) s += text(gx + gw / 2, Math.min(r.y + r.h - 8, gy + gh + colLabH + 18), o.xlabel, { size: 13, anchor: 'middle' });
  if (o.ylabel) s += text(r.x + 16, gy + gh / 2, o.ylabel, { size: 13, anchor: 'middle', rotate: -90 });
  return s;
}

