// Bundles the browser playground (web/main.ts and the tsgrad sources it imports) into web/dist/ with esbuild.
// Usage: node web/build.mjs   (npm run build:web). Imported by test/web/browser.test.ts.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Builds web/dist/main.js (+ source map); resolves with esbuild's result. */
export async function buildWeb({ outdir = `${here}dist`, minify = false } = {}) {
  return build({
    entryPoints: [`${here}main.ts`],
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser', // fails the build if a Node built-in is reachable from the browser entry points
    target: 'es2022',
    sourcemap: true,
    minify,
    logLevel: 'warning',
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await buildWeb({ minify: process.argv.includes('--minify') });
  console.log('built web/dist/main.js');
}
