// A throwaway copy of a build with source replacements applied, for the diagnostic tools in bench/
// (step-ab.mjs --patch, pool-timeline.mjs): the build itself is never touched.

import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Copies `dist` into a temporary directory (removed when the process exits, node_modules linked beside
 * it), then applies each [file, from, to] in order: the first `from` in `file` (a path inside dist)
 * becomes `to`. Throws, naming `who`, when a `from` is missing (the build changed: update the patch).
 * Returns the copy's dist directory.
 */
export function patchedDist(dist, patches, who) {
  const tmp = mkdtempSync(join(tmpdir(), `tsgrad-${who}-`));
  process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
  const out = join(tmp, 'dist');
  cpSync(resolve(dist), out, { recursive: true });
  symlinkSync(resolve('node_modules'), join(tmp, 'node_modules'));
  for (const [file, from, to] of patches) {
    const path = join(out, file);
    const src = readFileSync(path, 'utf8');
    if (!src.includes(from)) throw new Error(`${who}: ${file} no longer contains ${JSON.stringify(from.slice(0, 60))}; update the patch`);
    writeFileSync(path, src.replace(from, to));
  }
  return out;
}
