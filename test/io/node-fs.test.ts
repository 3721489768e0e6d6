// test/io/node-fs.test.ts — atomic writes: success, failure leaves the old file intact and no temp files.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileBytes, writeFileAtomic, writeFileAtomicSync } from '../../src/io/node-fs.js';

describe('io/node-fs', () => {
  let dir = '';
  before(() => { dir = mkdtempSync(join(tmpdir(), 'tsgrad-fs-')); });
  after(() => { chmodSync(dir, 0o700); rmSync(dir, { recursive: true, force: true }); });

  it('writes bytes, text and chunk streams, and reads them back', async () => {
    const p = join(dir, 'a.bin');
    await writeFileAtomic(p, new Uint8Array([1, 2, 3]));
    assert.deepEqual(Array.from(await readFileBytes(p)), [1, 2, 3]);
    await writeFileAtomic(p, 'héllo');
    assert.equal(readFileSync(p, 'utf8'), 'héllo');
    await writeFileAtomic(p, [new Uint8Array([9]), new Uint8Array([8, 7])]);
    assert.deepEqual(Array.from(await readFileBytes(p)), [9, 8, 7]);
    async function* chunks() { yield new Uint8Array([4]); yield new Uint8Array([5]); }
    await writeFileAtomic(p, chunks());
    assert.deepEqual(Array.from(await readFileBytes(p)), [4, 5]);
    writeFileAtomicSync(p, [new Uint8Array([6]), new Uint8Array([6])]);
    assert.deepEqual(Array.from(await readFileBytes(p)), [6, 6]);
    assert.deepEqual(readdirSync(dir), ['a.bin']);
  });

  it('keeps the permission bits of the file it replaces', async () => {
    const p = join(dir, 'mode.bin');
    writeFileSync(p, 'x');
    chmodSync(p, 0o600);
    await writeFileAtomic(p, 'y');
    assert.equal(statSync(p).mode & 0o777, 0o600);
  });

  it('a write that fails midway leaves the existing file unchanged and removes the temp file', async () => {
    const p = join(dir, 'ckpt.safetensors');
    writeFileSync(p, 'original');
    function* failing() { yield new Uint8Array(1000).fill(1); throw new Error('disk full (simulated)'); }
    await assert.rejects(writeFileAtomic(p, failing()), /disk full \(simulated\)/);
    assert.equal(readFileSync(p, 'utf8'), 'original');
    assert.throws(() => writeFileAtomicSync(p, failing()), /disk full/);
    assert.equal(readFileSync(p, 'utf8'), 'original');
    assert.ok(!readdirSync(dir).some((f) => f.endsWith('.tmp')), readdirSync(dir).join());
  });

  it('fails cleanly when the directory does not exist', async () => {
    await assert.rejects(writeFileAtomic(join(dir, 'missing', 'x.bin'), 'x'), { code: 'ENOENT' });
  });

  it('fails cleanly when the rename cannot happen (target is a directory)', async () => {
    const sub = join(dir, 'sub');
    rmSync(sub, { recursive: true, force: true });
    writeFileSync(join(dir, 'keep'), 'k');
    await import('node:fs').then((fs) => fs.mkdirSync(join(sub, 'inner'), { recursive: true }));
    await assert.rejects(writeFileAtomic(sub, 'x'));
    assert.ok(statSync(sub).isDirectory());
    assert.ok(!readdirSync(dir).some((f) => f.endsWith('.tmp')));
  });

  it('fails cleanly in a read-only directory (skipped as root, who may write anyway)', async (t) => {
    if (process.getuid?.() === 0 || process.platform === 'win32') { t.skip('root ignores directory permissions'); return; }
    const ro = mkdtempSync(join(dir, 'ro-'));
    writeFileSync(join(ro, 'f'), 'original');
    chmodSync(ro, 0o500);
    try {
      await assert.rejects(writeFileAtomic(join(ro, 'f'), 'new'), { code: 'EACCES' });
      assert.equal(readFileSync(join(ro, 'f'), 'utf8'), 'original');
    } finally { chmodSync(ro, 0o700); }
  });
});
