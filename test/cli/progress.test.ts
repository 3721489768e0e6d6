// test/cli/progress.test.ts — plain mode prints few lines whatever the step count; the live bar draws and finishes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, formatFields, progress } from '../../src/cli/progress.js';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = {
    isTTY, columns: 120,
    write(s: string | Uint8Array) { chunks.push(String(s)); return true; },
  } as unknown as NodeJS.WritableStream & { isTTY?: boolean };
  return { stream, text: () => chunks.join(''), lines: () => chunks.join('').split('\n').filter((l) => l.length > 0) };
}

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

describe('cli/progress', () => {
  it('plain mode: 10,000 steps over 100 s print a bounded number of lines', () => {
    const out = sink(false), c = clock();
    const bar = progress({ total: 10_000, label: 'train', stream: out.stream, now: c.now });
    for (let i = 0; i < 10_000; i++) { c.advance(10); bar.tick({ loss: 1 / (i + 1) }); }
    bar.done({ acc: 0.9 });
    const lines = out.lines();
    // 9 intermediate 10% steps + heartbeats (none needed at this pace) + the final line.
    assert.ok(lines.length >= 5 && lines.length <= 11, `${lines.length} lines:\n${lines.join('\n')}`);
    const last = lines[lines.length - 1];
    assert.match(last, /^train: 100% 10000\/10000 \[1:40, 100 it\/s\] loss=1e-4 acc=0\.9 done$/);
    assert.match(lines[0], /^train: \d+% \d+\/10000 \[0:\d\d<\d:\d\d, 100 it\/s\] loss=/);
  });

  it('plain mode: a fast run prints only the final line', () => {
    const out = sink(false), c = clock();
    const bar = progress({ total: 1000, stream: out.stream, now: c.now });
    for (let i = 0; i < 1000; i++) { c.advance(1); bar.tick(); }
    bar.done();
    bar.done();   // idempotent
    assert.equal(out.lines().length, 1);
  });

  it('plain mode: unknown total prints heartbeats at most every maxIntervalMs', () => {
    const out = sink(false), c = clock();
    const bar = progress({ label: 'stream', stream: out.stream, now: c.now, unit: 'batch' });
    for (let i = 0; i < 600; i++) { c.advance(1000); bar.tick({ lr: 0.001 }); }
    bar.done();
    const lines = out.lines();
    assert.ok(lines.length <= 600 / 30 + 1, `${lines.length} lines`);
    assert.match(lines[lines.length - 1], /^stream: 600 batch \[10:00, 1\.00 batch\/s\] lr=0\.001 done$/);
  });

  it('plain mode: log() prints immediately', () => {
    const out = sink(false);
    const bar = progress({ total: 3, stream: out.stream });
    bar.log('checkpoint saved');
    bar.done();
    assert.equal(out.lines()[0], 'checkpoint saved');
  });

  it('tty mode: draws a bar with count, rate, ETA and fields, ends with a newline', () => {
    const out = sink(true), c = clock();
    const bar = progress({ total: 4, label: 'epoch 1', stream: out.stream, now: c.now });
    for (let i = 0; i < 4; i++) { c.advance(500); bar.tick({ loss: 0.5 }); }
    bar.log('note');
    bar.done();
    const text = out.text();
    assert.match(text, /epoch 1: 100%\|█+\| 4\/4 \[0:02, 2\.00 it\/s\] loss=0\.5/);
    assert.match(text, /note\n/);
    assert.ok(text.endsWith('\n'));
  });

  it('rejects a bad total', () => {
    assert.throws(() => progress({ total: -1 }), /progress: total must be/);
  });

  it('formatDuration and formatFields', () => {
    assert.equal(formatDuration(65_000), '1:05');
    assert.equal(formatDuration(7_387_000), '2:03:07');
    assert.equal(formatFields({ loss: 0.123456, step: 12, lr: 3e-5, tag: 'x', skip: undefined }), 'loss=0.1235 step=12 lr=3e-5 tag=x');
  });
});
