// The tsgrad command end to end: every recipe's --smoke run (asserts its loss fell), list/help,
// bad options, seed reproducibility, and eval of a saved checkpoint.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../helpers.js';

const main = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');
function tsgrad(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
function runDir(root: string): string {
  const dirs = readdirSync(root);
  assert.equal(dirs.length, 1, `one run folder expected in ${root}, got ${dirs.join(', ')}`);
  return join(root, dirs[0]!);
}

describe('tsgrad command', () => {
  it('lists the recipes and prints help', () => {
    const l = tsgrad('list');
    assert.equal(l.code, 0, l.err);
    for (const r of ['digits-cnn', 'optimizers', 'regression']) assert.match(l.out, new RegExp(r));
    const h = tsgrad('--help');
    assert.equal(h.code, 0);
    assert.match(h.out, /train/);
  });

  it('rejects an unknown recipe, an unknown option and a bad value with clear errors', () => {
    const a = tsgrad('train', 'no-such-recipe');
    assert.notEqual(a.code, 0);
    assert.match(a.err, /unknown recipe 'no-such-recipe'; available: digits-cnn/);
    const b = tsgrad('train', 'digits-cnn', '--epoch', '3');
    assert.notEqual(b.code, 0);
    assert.match(b.err, /unknown option --epoch/);
    const c = tsgrad('train', 'digits-cnn', '--epochs', 'many');
    assert.notEqual(c.code, 0);
    assert.match(c.err, /--epochs expects a number/);
    const d = tsgrad('train', 'digits-cnn', '--seed', '1.5');
    assert.notEqual(d.code, 0);
  });

  for (const recipe of ['digits-cnn', 'optimizers', 'regression']) {
    it(`${recipe} --smoke trains, asserts the loss fell, and writes metrics.json and a curve image`, () => {
      const root = tempDir(recipe);
      const r = tsgrad('train', recipe, '--smoke', '--out', root);
      assert.equal(r.code, 0, r.err + r.out);
      const dir = runDir(root);
      assert.ok(existsSync(join(dir, 'metrics.json')));
      assert.ok(readdirSync(dir).some((f) => f.endsWith('.png')), 'a PNG chart');
    });
  }

  it('same seed, same numbers; another seed, other numbers', () => {
    const metrics = (seed: string): string => {
      const root = tempDir('seed');
      const r = tsgrad('train', 'regression', '--smoke', '--seed', seed, '--out', root);
      assert.equal(r.code, 0, r.err);
      return readFileSync(join(runDir(root), 'metrics.json'), 'utf8');
    };
    const a = metrics('7');
    assert.equal(a, metrics('7'));
    assert.notEqual(a, metrics('8'));
  });

  it('eval reloads a digits-cnn checkpoint and reproduces its accuracy', () => {
    const root = tempDir('eval');
    const r = tsgrad('train', 'digits-cnn', '--smoke', '--out', root);
    assert.equal(r.code, 0, r.err);
    const dir = runDir(root);
    const acc = (JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as { testAccuracy: number }).testAccuracy;
    const e = tsgrad('eval', join(dir, 'checkpoint.safetensors'));
    assert.equal(e.code, 0, e.err);
    assert.match(e.out, new RegExp(`test accuracy ${(acc * 100).toFixed(2)}%`));
    const bad = tsgrad('eval', join(dir, 'metrics.json'));
    assert.notEqual(bad.code, 0);
    assert.match(bad.err, /cannot read checkpoint/);
  });
});
