// test/cli/plot.test.ts — the charts decode as PNGs of the requested size with the expected colours and text.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { contourPlot, gridPlots, heatmap, linePlot, plotSvg, writeMetrics } from '../../src/cli/plot.js';
import { tempDir } from '../helpers.js';

const dir = tempDir('plot');

function read(path: string): PNG {
  return PNG.sync.read(readFileSync(path));
}

/** Number of distinct RGB colours in the image. */
function colourCount(png: PNG): number {
  const seen = new Set<number>();
  for (let i = 0; i < png.data.length; i += 4) seen.add((png.data[i] << 16) | (png.data[i + 1] << 8) | png.data[i + 2]);
  return seen.size;
}

/** Pixels within `tol` (per channel) of a #rrggbb colour, optionally inside a row band. */
function countNear(png: PNG, hex: string, tol = 24, rows: [number, number] = [0, png.height]): number {
  const n = parseInt(hex.slice(1), 16);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  let c = 0;
  for (let y = rows[0]; y < rows[1]; y++) {
    for (let x = 0; x < png.width; x++) {
      const i = (y * png.width + x) * 4;
      if (Math.abs(png.data[i] - r) <= tol && Math.abs(png.data[i + 1] - g) <= tol && Math.abs(png.data[i + 2] - b) <= tol) c++;
    }
  }
  return c;
}

/** Dark (text-like) pixels in a band of rows: proves the font loaded and the text was drawn. */
function darkPixels(png: PNG, rows: [number, number]): number {
  let c = 0;
  for (let y = rows[0]; y < rows[1]; y++) {
    for (let x = 0; x < png.width; x++) {
      const i = (y * png.width + x) * 4;
      if (png.data[i] < 100 && png.data[i + 1] < 100 && png.data[i + 2] < 100) c++;
    }
  }
  return c;
}

describe('cli/plot', () => {
  it('linePlot: requested size, both series colours, a drawn title', () => {
    const path = join(dir, 'line.png');
    const x = Array.from({ length: 50 }, (_, i) => i + 1);
    linePlot(path, {
      title: 'Loss', xlabel: 'epoch', ylabel: 'loss', width: 500, height: 300,
      series: [
        { name: 'train', x, y: x.map((e) => 2 / e), color: '#ff0000' },
        { name: 'val', x, y: x.map((e) => 2.2 / e + 0.1), color: '#0000ff', markers: true },
      ],
    });
    const png = read(path);
    assert.equal(png.width, 500);
    assert.equal(png.height, 300);
    assert.ok(colourCount(png) > 20, `only ${colourCount(png)} colours`);
    assert.ok(countNear(png, '#ff0000') > 50, 'train colour missing');
    assert.ok(countNear(png, '#0000ff') > 50, 'val colour missing');
    assert.ok(darkPixels(png, [0, 30]) > 30, 'title not drawn');
  });

  it('linePlot: log scale skips non-positive and non-finite values instead of failing', () => {
    const path = join(dir, 'log.png');
    linePlot(path, { series: [{ name: 'loss', y: [1, 0.5, NaN, 0, 0.1, 0.01, Infinity] }], logY: true });
    const png = read(path);
    assert.equal(png.width, 640);
    assert.ok(countNear(png, '#1f77b4') > 20);
  });

  it('linePlot: scale 2 doubles the pixel size; an .svg path keeps the vector form', () => {
    const series = [{ name: 'a', y: [3, 1, 2] }];
    linePlot(join(dir, 'x2.png'), { series, width: 200, height: 100, scale: 2 });
    const png = read(join(dir, 'x2.png'));
    assert.deepEqual([png.width, png.height], [400, 200]);
    linePlot(join(dir, 'v.svg'), { series, title: 'a < b & c' });
    const svg = readFileSync(join(dir, 'v.svg'), 'utf8');
    assert.match(svg, /^<svg /);
    assert.match(svg, /a &lt; b &amp; c/);
  });

  it('linePlot: mismatched x and y lengths throw a message naming the series', () => {
    assert.throws(() => linePlot(join(dir, 'bad.png'), { series: [{ name: 'val', x: [1, 2], y: [1] }] }), /linePlot: series 'val'/);
  });

  it('contourPlot: contour lines in several colours and each trajectory colour present', () => {
    const path = join(dir, 'contour.png');
    const gd: [number, number][] = [];
    let p: [number, number] = [-5, -2];
    for (let i = 0; i < 20; i++) { gd.push(p); p = [p[0] - 0.4 * 0.2 * p[0], p[1] - 0.4 * 4 * p[1]]; }
    contourPlot(path, {
      title: 'f = 0.1 x1² + 2 x2²', f: (x, y) => 0.1 * x * x + 2 * y * y, xRange: [-5.5, 1], yRange: [-3, 1.5],
      width: 480, height: 360,
      trajectories: [{ name: 'gd', points: gd, color: '#ff00ff' }, { name: 'still', points: [[0.5, 1]], color: '#00ffff' }],
    });
    const png = read(path);
    assert.deepEqual([png.width, png.height], [480, 360]);
    assert.ok(colourCount(png) > 50, `only ${colourCount(png)} colours`);
    assert.ok(countNear(png, '#ff00ff', 16) > 40, 'trajectory colour missing');
    assert.ok(countNear(png, '#00ffff', 16) > 10, 'second trajectory missing');
    assert.ok(countNear(png, '#440154', 40) + countNear(png, '#3b528b', 40) > 20, 'low contour levels missing');
  });

  it('contourPlot: explicit levels and a function with NaN regions', () => {
    const path = join(dir, 'contour-nan.png');
    contourPlot(path, { f: (x, y) => Math.log(x * x - y), xRange: [-2, 2], yRange: [-2, 2], levels: [-1, 0, 1] });
    assert.ok(colourCount(read(path)) > 10);
  });

  it('heatmap: size, colormap extremes and annotations', () => {
    const path = join(dir, 'heat.png');
    heatmap(path, {
      title: 'confusion', matrix: [[50, 2], [5, 40]], rowLabels: ['cat', 'dog'], colLabels: ['cat', 'dog'],
      colormap: 'blues', width: 400, height: 360, xlabel: 'predicted', ylabel: 'true',
    });
    const png = read(path);
    assert.deepEqual([png.width, png.height], [400, 360]);
    assert.ok(countNear(png, '#08306b', 6) > 1000, 'vmax cell colour missing');
    assert.ok(countNear(png, '#f7fbff', 3) > 1000, 'vmin cell colour missing');
    assert.ok(countNear(png, '#ffffff', 40) > 0);
  });

  it('heatmap: ragged rows and wrong label counts throw', () => {
    assert.throws(() => heatmap(join(dir, 'bad.png'), { matrix: [[1, 2], [3]] }), /heatmap: row 1 has 1 values, expected 2/);
    assert.throws(() => heatmap(join(dir, 'bad.png'), { matrix: [[1, 2]], rowLabels: ['a', 'b'] }), /rowLabels has 2 entries, expected 1/);
  });

  it('gridPlots: panels laid out in a grid under one title', () => {
    const path = join(dir, 'grid.png');
    gridPlots(path, [
      { kind: 'line', title: 'loss', series: [{ name: 'train', y: [3, 2, 1.5, 1.2], color: '#ff0000' }] },
      { kind: 'heatmap', title: 'attention', matrix: [[1, 0], [0.5, 0.5]] },
      { kind: 'contour', f: (x, y) => x * x + y * y, xRange: [-1, 1], yRange: [-1, 1],
        trajectories: [{ name: 'p', points: [[0.8, 0.8], [0.4, 0.4], [0, 0]], color: '#ff00ff' }] },
    ], { cols: 2, panelWidth: 300, panelHeight: 200, title: 'summary' });
    const png = read(path);
    assert.deepEqual([png.width, png.height], [600, 434]);
    assert.ok(countNear(png, '#ff0000') > 20);
    assert.ok(countNear(png, '#ff00ff', 16) > 10);
    assert.ok(darkPixels(png, [0, 34]) > 30, 'grid title not drawn');
  });

  it('plotSvg: clip-path ids are unique within one document', () => {
    const svg = plotSvg({ kind: 'line', series: [{ name: 'a', y: [1, 2] }, { name: 'b', y: [2, 1] }] });
    const ids = [...svg.matchAll(/clipPath id="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(new Set(ids).size, ids.length);
    assert.match(svg, />a</);
  });

  it('writeMetrics: pretty JSON; typed arrays become arrays and NaN stays visible', () => {
    const path = join(dir, 'sub', 'metrics.json');
    writeMetrics(path, { acc: 0.9, loss: NaN, hist: new Float32Array([1, 2]) });
    const text = readFileSync(path, 'utf8');
    assert.match(text, /\n {2}"acc": 0.9,/);
    assert.deepEqual(JSON.parse(text), { acc: 0.9, loss: 'NaN', hist: [1, 2] });
  });
});
