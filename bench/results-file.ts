// bench/RESULTS.md is made of sections, each written by one benchmark with --write: this replaces a
// benchmark's own section (from its "## " heading to the next) and leaves the others alone.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const file = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'RESULTS.md');

/**
 * Replaces the section that starts with `## ${heading}` by md (which starts with that heading), or adds
 * it: at the end, or before the first section when `first` (the side-by-side suite leads the file).
 */
export function writeSection(heading: string, md: string, { first = false } = {}): void {
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n\nEach section is written by its benchmark; see the command in each.\n\n';
  const start = text.indexOf(`## ${heading}`);
  if (start >= 0) {
    const next = text.indexOf('\n## ', start + 1);
    text = text.slice(0, start) + md + (next >= 0 ? text.slice(next + 1) : '');
  } else if (first && text.includes('\n## ')) {
    const at = text.indexOf('\n## ') + 1;
    text = text.slice(0, at) + md + '\n' + text.slice(at);
  } else {
    text = text.trimEnd() + '\n\n' + md;
  }
  writeFileSync(file, text);
  console.error(`wrote ${file}`);
}
