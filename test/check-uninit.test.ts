// Runs the op, autograd, nn and optim suites again in TSGRAD_CHECK_UNINIT=1 mode: every float32 buffer
// the autograd engine recycles is NaN-filled and pooled whatever its size, and every `uninitialized`
// output starts as NaN. A gradient buffer recycled while still reachable, or a kernel that leaves part
// of an uninitialized output unwritten, then turns some golden or gradcheck result into NaN.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

it('the op/autograd/nn/optim suites pass with recycled buffers and uninitialized outputs poisoned', { skip: process.env.TSGRAD_CHECK_UNINIT === '1' }, () => {
  const dirs = ['ops', 'autograd', 'nn', 'optim'].map((d) => join(here, d));
  const env: NodeJS.ProcessEnv = { ...process.env, TSGRAD_CHECK_UNINIT: '1' };
  delete env.NODE_TEST_CONTEXT; // else the inner runner reports to this one instead of running the files
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap', ...dirs], { env, encoding: 'utf8', maxBuffer: 1 << 26 });
  const out = r.stdout + r.stderr;
  assert.equal(r.status, 0, `suites failed in TSGRAD_CHECK_UNINIT mode:\n${out.slice(-4000)}`);
  const passed = Number(/^# pass (\d+)/m.exec(out)?.[1] ?? 0);
  assert.ok(passed > 1000, `expected the inner run to pass over a thousand tests, got ${passed}`);
});
