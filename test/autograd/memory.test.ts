// Long loops of ops and of training-like steps must not grow memory: tensors are plain garbage-collected
// objects, and nothing (graph nodes, hooks, backend scratch) may keep old ones alive.
// The measurement needs global.gc, so the test re-runs this file in a child `node --expose-gc`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { listBackends, manualSeed, noGrad, randn, setBackend } from '../../src/index.js';

const ITERS = 2000;

function used(): number {
  const gc = (globalThis as { gc?: () => void }).gc!;
  for (let i = 0; i < 4; i++) gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Bytes retained after `iters` runs of step, measured after a warm-up. */
function growth(step: () => void): number {
  for (let i = 0; i < 200; i++) step();
  const before = used();
  for (let i = 0; i < ITERS; i++) step();
  return used() - before;
}

function measure(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const b of listBackends()) {
    setBackend(b);
    manualSeed(0);
    const x = randn([32, 32]);
    out[`${b} ops`] = growth(() => {
      x.add(1).mul(x).exp().neg().t().contiguous().sum(0).softmax(0).index('1:').mean();
    });
    const w = randn([32, 32], { requiresGrad: true });
    const bias = randn([32], { requiresGrad: true });
    out[`${b} train`] = growth(() => {
      const h = x.matmul(w).add(bias).tanh();
      h.retainGrad();
      const loss = h.mul(h).mean();
      loss.backward();
      noGrad(() => {
        w.sub_(w.grad!.mul(1e-3));
        bias.sub_(bias.grad!.mul(1e-3));
      });
      w.grad = null;
      bias.grad!.zero_();
    });
  }
  return out;
}

if (process.env.TSGRAD_MEMORY_CHILD) {
  process.stdout.write(JSON.stringify(measure()));
} else {
  describe('autograd/memory', () => {
    it(`${ITERS} op loops and forward/backward steps do not grow memory (every backend)`, { timeout: 60_000 }, () => {
      const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url)], {
        env: { ...process.env, TSGRAD_MEMORY_CHILD: '1' }, encoding: 'utf8', timeout: 55_000,
      });
      assert.equal(r.status, 0, r.stderr);
      const growthBytes = JSON.parse(r.stdout) as Record<string, number>;
      // One leaked 32×32 float32 tensor per iteration would be 4 KB × 2000 = 8 MB; allow well under that.
      for (const [what, bytes] of Object.entries(growthBytes)) {
        assert.ok(bytes < 1_000_000, `${what}: memory grew by ${(bytes / 1e6).toFixed(2)} MB over ${ITERS} iterations`);
      }
    });
  });
}
