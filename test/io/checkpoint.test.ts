// test/io/checkpoint.test.ts — saveCheckpoint / loadCheckpoint: model + optimizer tensors, JSON metadata, golden bytes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { arange, full, tensor, Tensor } from '../../src/index.js';
import { Module, Parameter } from '../../src/nn/module.js';
import { loadCheckpoint, loadCheckpointSync, saveCheckpoint, saveCheckpointSync, saveSafetensors } from '../../src/io/node.js';
import { CheckpointError, encodeCheckpoint } from '../../src/io/state-dict.js';
import { tempDir } from '../helpers.js';

const GOLDEN = join(process.cwd(), 'test', 'golden', 'io');
const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

class Fc extends Module {
  weight = new Parameter(arange(6).reshape([2, 3]).float().div(4));
  bias = new Parameter(tensor([0.5, -0.5]));
  forward(x: Tensor) { return x; }
}
class Net extends Module {
  fc = new Fc();
  constructor() { super(); this.registerBuffer('steps', tensor([3], { dtype: 'int32' })); }
  forward(x: Tensor) { return x; }
}
/** A stand-in optimizer with PyTorch's state-dict shape (the real ones live in src/optim). */
class FakeOpt {
  state: Record<string, { step: number; expAvg: Tensor }> = {
    0: { step: 3, expAvg: full([2, 3], 0.125) },
    1: { step: 3, expAvg: tensor([1, -1], { dtype: 'float16' }) },
  };
  paramGroups = [{ lr: 0.001, betas: [0.9, 0.999], params: [0, 1] }];
  loaded: unknown = null;
  stateDict() { return { state: this.state, paramGroups: this.paramGroups }; }
  loadStateDict(s: unknown) { this.loaded = s; }
}
/** Mirrored by checkpoint_expected() in tools/golden/data_io_fixtures.py. */
const goldenCheckpointInput = () => ({ model: new Net(), optimizer: new FakeOpt(), epoch: 7, metrics: { loss: 0.25, acc: NaN } });

describe('io/checkpoint', () => {
  it('bytes equal the golden file verified in Python (tensors, metadata JSON, reference layout)', () => {
    const path = join(GOLDEN, 'tsgrad_checkpoint.safetensors');
    // Verified once when written: /usr/bin/python3 tools/golden/data_io_fixtures.py
    if (process.env.TSGRAD_UPDATE_GOLDEN === '1') saveCheckpointSync(path, goldenCheckpointInput());
    assert.equal(hex(encodeCheckpoint(goldenCheckpointInput())), hex(readFileSync(path)));
  });
  it('save → load restores model, optimizer state (with tensors), epoch, metrics and extra', async () => {
    const dir = tempDir('ckpt');
    const p = join(dir, 'ckpt.safetensors');
    await saveCheckpoint(p, { ...goldenCheckpointInput(), extra: { rng: [1, 2, NaN], tag: 'x' } });
    const model = new Net();
    model.fc.weight.detach().zero_();
    const opt = new FakeOpt();
    const c = await loadCheckpoint(p, { model, optimizer: opt });
    assert.deepEqual(model.fc.weight.tolist(), [[0, 0.25, 0.5], [0.75, 1, 1.25]]);
    assert.equal(c.epoch, 7);
    assert.equal(c.metrics.loss, 0.25);
    assert.ok(Number.isNaN(c.metrics.acc as number));
    assert.deepEqual((c.extra as { tag: string }).tag, 'x');
    assert.ok(Number.isNaN((c.extra as { rng: number[] }).rng[2]!));
    const st = opt.loaded as ReturnType<FakeOpt['stateDict']>;
    assert.equal(st.state['0']!.step, 3);
    assert.ok(st.state['0']!.expAvg instanceof Tensor);
    assert.deepEqual(st.state['0']!.expAvg.tolist(), [[0.125, 0.125, 0.125], [0.125, 0.125, 0.125]]);
    assert.equal(st.state['1']!.expAvg.dtype, 'float16');
    assert.deepEqual(st.paramGroups, [{ lr: 0.001, betas: [0.9, 0.999], params: [0, 1] }]);
    assert.deepEqual(Object.keys(c.model).sort(), ['fc.bias', 'fc.weight', 'steps']);
  });
  it('model only, no optimizer', () => {
    const dir = tempDir('ckpt');
    const p = join(dir, 'c.safetensors');
    saveCheckpointSync(p, { model: new Net() });
    const c = loadCheckpointSync(p);
    assert.equal(c.optimizer, undefined);
    assert.equal(c.epoch, undefined);
    assert.deepEqual(c.metrics, {});
    assert.throws(() => loadCheckpointSync(p, { optimizer: new FakeOpt() }), /holds no optimizer state/);
  });
  it('errors: not a checkpoint, mismatched model, unstorable values', async () => {
    const dir = tempDir('ckpt');
    const p = join(dir, 'plain.safetensors');
    await saveSafetensors({ a: tensor([1]) }, p);
    await assert.rejects(loadCheckpoint(p), (e: unknown) => e instanceof CheckpointError && /not a tsgrad checkpoint/.test(e.message));
    const q = join(dir, 'c.safetensors');
    await saveCheckpoint(q, { model: new Net() });
    await assert.rejects(loadCheckpoint(q, { model: new Fc() }), /unexpected key/);
    assert.throws(() => encodeCheckpoint({ model: new Net(), metrics: { f: () => 1 } }), /metrics.f is a function/);
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    assert.throws(() => encodeCheckpoint({ model: new Net(), extra: loop }), /circular/);
    assert.throws(() => encodeCheckpoint({ model: new Net(), epoch: NaN }), /epoch must be a finite number/);
  });
});
