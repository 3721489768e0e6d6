// What a training recipe is, and the run context the `tsgrad` command hands it: options, a run
// folder, a seeded start, progress bars, and the writers for metrics.json and loss-curve images.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { manualSeed } from '../random/generator.js';
import { ArgumentError } from '../tensor/errors.js';
import { linePlot, writeMetrics } from './plot.js';
import { type Progress, type ProgressOptions, progress } from './progress.js';

export interface RecipeOption {
  /** camelCase key; the flag is its kebab-case form (--batch-size). */
  name: string;
  description: string;
  default: number | string | boolean;
  /** For numbers: inclusive bounds checked before the run starts. */
  min?: number;
  max?: number;
  choices?: readonly string[];
}

export type OptionValues = Record<string, number | string | boolean>;

export interface RunContext {
  opts: OptionValues;
  /** The run folder (created), e.g. runs/digits-cnn-2026-11-24T06-10-00. */
  outDir: string;
  smoke: boolean;
  seed: number;
  log(msg: string): void;
  progress(o: ProgressOptions): Progress;
  /** Writes <outDir>/<name>.png with one or more curves. */
  plotCurves(name: string, title: string, series: { name: string; x: number[]; y: number[] }[], o?: { xlabel?: string; ylabel?: string; logY?: boolean }): string;
  /** Writes <outDir>/metrics.json. */
  writeMetrics(metrics: unknown): string;
}

export interface Recipe {
  name: string;
  description: string;
  options: RecipeOption[];
  /** Trains; in smoke mode must finish in seconds and throw if the loss did not fall. */
  run(ctx: RunContext): Promise<Record<string, unknown>>;
}

/** Validates parsed option values against a recipe's declarations (clear errors for bad options). */
export function resolveOptions(recipe: Recipe, raw: Record<string, unknown>): OptionValues {
  const out: OptionValues = {};
  for (const o of recipe.options) {
    const v = raw[o.name];
    if (v === undefined) { out[o.name] = o.default; continue; }
    const flag = `--${o.name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    if (typeof o.default === 'number') {
      const n = Number(v);
      if (!Number.isFinite(n)) throw new ArgumentError(`${recipe.name}: ${flag} expects a number, got '${String(v)}'`);
      if (o.min !== undefined && n < o.min) throw new ArgumentError(`${recipe.name}: ${flag} must be >= ${o.min}, got ${n}`);
      if (o.max !== undefined && n > o.max) throw new ArgumentError(`${recipe.name}: ${flag} must be <= ${o.max}, got ${n}`);
      if (Number.isInteger(o.default) && o.min !== undefined && !Number.isInteger(n) && o.name !== 'lr') {
        throw new ArgumentError(`${recipe.name}: ${flag} expects an integer, got ${n}`);
      }
      out[o.name] = n;
    } else if (typeof o.default === 'boolean') {
      out[o.name] = v === true || v === 'true';
    } else {
      const s = String(v);
      if (o.choices && !o.choices.includes(s)) throw new ArgumentError(`${recipe.name}: ${flag} must be one of ${o.choices.join(', ')}, got '${s}'`);
      out[o.name] = s;
    }
  }
  return out;
}

export function makeContext(recipe: Recipe, opts: OptionValues, { outRoot = 'runs', smoke = false, seed = 0, outDir }: { outRoot?: string; smoke?: boolean; seed?: number; outDir?: string } = {}): RunContext {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const dir = outDir ?? join(outRoot, `${recipe.name}${smoke ? '-smoke' : ''}-${stamp}`);
  mkdirSync(dir, { recursive: true });
  manualSeed(seed);
  return {
    opts, outDir: dir, smoke, seed,
    log: (m) => console.log(m),
    progress: (o) => progress(o),
    plotCurves(name, title, series, o = {}) {
      const path = join(dir, `${name}.png`);
      linePlot(path, { title, xlabel: o.xlabel ?? 'step', ylabel: o.ylabel ?? 'value', series, logY: o.logY });
      return path;
    },
    writeMetrics(m) {
      const path = join(dir, 'metrics.json');
      writeMetrics(path, m);
      return path;
    },
  };
}

/** Throws when a smoke run's loss did not fall (CI runs every recipe this way). */
export function assertLossFell(recipe: string, first: number, last: number): void {
  if (!(last < first)) throw new Error(`${recipe} --smoke: the loss did not fall (first ${first}, last ${last})`);
}
