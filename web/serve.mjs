// A tiny static file server for the playground: serves the repository root on 127.0.0.1 with the
// cross-origin isolation headers (COOP/COEP) that make SharedArrayBuffer available to the page.
// Usage: node web/serve.mjs [--port 8080]   (npm run web builds first). Imported by test/web/browser.test.ts.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json', '.json': 'application/json', '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm',
  '.csv': 'text/csv; charset=utf-8', '.txt': 'text/plain; charset=utf-8', '.md': 'text/plain; charset=utf-8',
  '.png': 'image/png', '.svg': 'image/svg+xml', '.ico': 'image/x-icon',
};

const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * Serves `root` (default: the repository) on host:port (port 0 = any free port), with the isolation
 * headers unless `isolate` is false (to see the single-threaded fallback).
 * Resolves with the server and its base URL; `/` redirects to the playground at `/web/`.
 */
export function serve({ root = REPO, port = 8080, host = '127.0.0.1', isolate = true } = {}) {
  const base = normalize(root + sep);
  const isolation = isolate ? ISOLATION : {};
  const server = createServer((req, res) => {
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { ...isolation, 'Content-Type': 'text/plain; charset=utf-8', ...headers });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed');
    let path;
    try { path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname); } catch { return send(400, 'bad url'); }
    if (path === '/') return send(302, '', { Location: '/web/' });
    if (path.split('/').some((s) => s.startsWith('.'))) return send(404, `not found: ${path}`); // no .git, no ..
    let file = normalize(join(base, path));
    if (!file.startsWith(base)) return send(403, 'forbidden');
    let st;
    try {
      st = statSync(file);
      if (st.isDirectory()) {
        if (!path.endsWith('/')) return send(301, '', { Location: `${path}/` }); // so relative URLs resolve
        file = join(file, 'index.html');
        st = statSync(file);
      }
    } catch { return send(404, `not found: ${path}`); }
    res.writeHead(200, {
      ...isolation,
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': st.size,
      'Cache-Control': 'no-store',
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address();
      resolve({ server, url: `http://${host}:${addr.port}/` });
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--port');
  const port = i > 0 ? Number(process.argv[i + 1]) : Number(process.env.PORT ?? 8080);
  const { url } = await serve({ port });
  console.log(`tsgrad playground: ${url}web/  (Ctrl-C to stop)`);
}
