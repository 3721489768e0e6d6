// The core must bundle for browsers: no Node built-ins reachable from the browser entry points.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { build } from 'esbuild';

const entries = ['index', 'nn/index', 'optim/index', 'data/index', 'io/index'].map((e) => join(process.cwd(), 'dist', 'src', `${e}.js`));

describe('browser safety', () => {
  for (const entry of entries) {
    it(`${entry.split('dist/src/')[1]} bundles for the browser without Node built-ins`, async (t) => {
      if (!existsSync(entry)) { t.skip('entry not built'); return; }
      const r = await build({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent' });
      assert.equal(r.errors.length, 0);
      const code = r.outputFiles[0]!.text;
      assert.ok(!/from\s*["']node:/.test(code), 'bundle imports a node: module');
    });
  }
});
