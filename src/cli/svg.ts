// src/cli/svg.ts — SVG building blocks for the plots: text metrics, ticks, colours, PNG rendering.
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Resvg, initWasm } from '@resvg/resvg-wasm';

export const FONT_FAMILY = "'DejaVu Sans', Arial, Helvetica, sans-serif";

/** matplotlib's "tab10" cycle: the colours most readers already associate with line plots. */
export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd',
  '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** Colours for optimizer paths: they must stand out against viridis contour lines. */
export const TRAJECTORY_PALETTE = ['#d62728', '#ff7f0e', '#111111', '#e377c2', '#8c564b', '#7f7f7f'];

export type Colormap = 'viridis' | 'blues' | 'magma';

// Anchor colours sampled from the published colormaps, interpolated linearly in RGB.
const COLORMAPS: Record<Colormap, string[]> = {
  viridis: ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'],
  blues: ['#f7fbff', '#deebf7', '#c6dbef', '#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#08519c', '#08306b'],
  magma: ['#000004', '#1c1044', '#4f127b', '#812581', '#b5367a', '#e55064', '#fb8761', '#fec287', '#fcfdbf'],
};

function hexToRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function rgbToHex([r, g, b]: number[]): string {
  return '#' + [r, g, b].map((c) => Math.round(Math.min(255, Math.max(0, c))).toString(16).padStart(2, '0')).join('');
}

/** Colour at t ∈ [0, 1] of a colormap (t is clamped; NaN maps to light grey). */
export function colormap(name: Colormap, t: number): string {
  if (!Number.isFinite(t)) return '#dddddd';
  const stops = COLORMAPS[name];
  const s = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(s));
  const a = hexToRgb(stops[i]), b = hexToRgb(stops[i + 1]);
  const f = s - i;
  return rgbToHex([0, 1, 2].map((k) => a[k] + (b[k] - a[k]) * f));
}

/** Relative luminance in [0, 1], to pick black or white text on a coloured cell. */
export function luminance(hex: string): number {
  const [r, g, b] = hexToRgb(hex);
  return (0.299 * r + 0.587 * g + 0.114 * b) / 255;
}

/** Approximate advance width of `s` in DejaVu Sans at `size` px (no font parsing needed for layout). */
export function textWidth(s: string, size: number, bold = false): number {
  let em = 0;
  for (const ch of s) {
    if (/[0-9]/.test(ch)) em += 0.636;
    else if (/[iljtfr.,:;!|'()[\] ]/.test(ch)) em += 0.33;
    else if (/[mwMW]/.test(ch)) em += 0.92;
    else if (/[A-Z]/.test(ch)) em += 0.7;
    else em += 0.6;
  }
  return em * size * (bold ? 1.1 : 1);
}

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Round to 2 decimals: keeps the SVG small without visible loss. */
export const r2 = (v: number): number => Math.round(v * 100) / 100;

export interface TextOptions {
  size?: number;
  anchor?: 'start' | 'middle' | 'end';
  bold?: boolean;
  color?: string;
  rotate?: number;
  /** 'middle' centres the text vertically on y; 'alphabetic' puts the baseline at y. */
  baseline?: 'middle' | 'alphabetic' | 'hanging';
}

export function text(x: number, y: number, s: string, o: TextOptions = {}): string {
  const size = o.size ?? 12;
  // resvg's dominant-baseline support varies; shift the baseline by hand instead.
  const dy = o.baseline === 'middle' ? size * 0.35 : o.baseline === 'hanging' ? size * 0.75 : 0;
  const rot = o.rotate ? ` transform="rotate(${o.rotate} ${r2(x)} ${r2(y)})"` : '';
  return `<text x="${r2(x)}" y="${r2(y + dy)}" font-size="${size}" text-anchor="${o.anchor ?? 'start'}"` +
    `${o.bold ? ' font-weight="bold"' : ''} fill="${o.color ?? '#222'}"${rot}>${esc(s)}</text>`;
}

export interface Ticks { values: number[]; labels: string[] }

/** Heckbert's "nice numbers": about `target` ticks at multiples of 1, 2 or 5 × 10ᵏ covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, target = 6): Ticks & { step: number } {
  if (!(hi > lo)) { const d = Math.abs(lo) * 0.1 || 1; lo -= d; hi += d; }
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  const values: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) values.push(k * step);
  return { values, labels: values.map((v) => formatTick(v, step)), step };
}

/** Ticks for a log axis: every decade, plus 2× and 5× when the range spans few decades. */
export function logTicks(lo: number, hi: number): Ticks {
  const a = Math.floor(Math.log10(lo) + 1e-9), b = Math.ceil(Math.log10(hi) - 1e-9);
  const mults = b - a <= 3 ? [1, 2, 5] : [1];
  const every = Math.max(1, Math.ceil((b - a + 1) / 8));
  const values: number[] = [];
  for (let e = a; e <= b; e++) {
    if ((e - a) % every !== 0) continue;
    for (const m of mults) {
      const v = m * 10 ** e;
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) values.push(v);
    }
  }
  if (values.length < 2) return niceTicks(lo, hi, 4);
  return { values, labels: values.map((v) => formatLog(v)) };
}

function formatLog(v: number): string {
  const e = Math.floor(Math.log10(v) + 1e-9);
  const m = Math.round(v / 10 ** e);
  if (e >= -3 && e <= 4) return String(Number(v.toPrecision(3)));
  return `${m}e${e}`;
}

/** A tick label with just enough decimals for the tick step; exponent form for tiny or huge values. */
export function formatTick(v: number, step: number): string {
  if (Math.abs(v) < step * 1e-6) return '0';
  const av = Math.abs(v);
  if (av >= 1e5 || av < 1e-3) {
    const digits = Math.max(0, Math.min(6, Math.floor(Math.log10(av)) - Math.floor(Math.log10(step))));
    return v.toExponential(digits).replace(/\.?0+e/, 'e').replace('e+', 'e');
  }
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return v.toFixed(Math.min(decimals, 10));
}

/** A value for a cell annotation or a legend: 4 significant digits, integers stay integers. */
export function formatValue(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  const av = Math.abs(v);
  if (av !== 0 && (av < 1e-3 || av >= 1e6)) return v.toExponential(digits - 1).replace('e+', 'e');
  return String(Number(v.toPrecision(digits)));
}

let fontFiles: string[] | null | undefined;

/** DejaVu Sans from the `dejavu-fonts-ttf` package, so charts look the same on every machine. */
function bundledFonts(): string[] | null {
  if (fontFiles !== undefined) return fontFiles;
  try {
    const dir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    const files = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => join(dir, f));
    fontFiles = files.every((f) => existsSync(f)) ? files : null;
  } catch {
    fontFiles = null;
  }
  return fontFiles;
}

// resvg compiled to WebAssembly (no native binary): instantiated once when this module loads.
await initWasm(readFileSync(createRequire(import.meta.url).resolve('@resvg/resvg-wasm/index_bg.wasm')));
let fontData: Uint8Array[] | null | undefined;

/** Rasterize an SVG document to PNG bytes; `scale` > 1 for high-DPI output. */
export function svgToPng(svg: string, scale = 1): Buffer {
  const files = bundledFonts();
  if (fontData === undefined) fontData = files ? files.map((f) => readFileSync(f)) : null;
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: scale === 1 ? { mode: 'original' } : { mode: 'zoom', value: scale },
    font: fontData
      ? { loadSystemFonts: false, fontBuffers: fontData, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' }
      : { loadSystemFonts: false, fontBuffers: [] },
    textRendering: 1,
    shapeRendering: 2,
  });
  return Buffer.from(resvg.render().asPng());
}

/** Write bytes through a temporary file and a rename, so readers never see half a file. */
export function writeAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** Wrap panel fragments into a full SVG document of the given size. */
export function svgDocument(width: number, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="${FONT_FAMILY}">` +
    `<rect width="${width}" height="${height}" fill="white"/>${body}</svg>`;
}
