// Bundles the browser playground (web/main.ts and the tsgrad sources it imports) into web/dist/ with esbuild,
// and the wasm pool's Web Worker as its own entry beside it: src/backend/wasm/pool-web.ts starts workers
// from new URL('./pool-worker-web.js', import.meta.url), which esbuild leaves as is, so inside
// web/dist/main.js that URL names web/dist/pool-worker-web.js.
// Usage: node web/build.mjs   (npm run build:web). Imported by test/web/browser.test.ts.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Builds web/dist/main.js and web/dist/pool-worker-web.js (+ source maps); resolves with esbuild's result. */
export async function buildWeb({ outdir = `${here}dist`, minify = false } = {}) {
  return build({
    entryPoints: [
      { in: `${here}main.ts`, out: 'main' },
      { in: `${here}../src/backend/wasm/pool-worker-web.ts`, out: 'pool-worker-web' },
    ],
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
  console.log('built web/dist/main.js and web/dist/pool-worker-web.js');
}
