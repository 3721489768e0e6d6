import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { manualSeed, ones } from '../../src/index.js';
import { Dropout, Dropout2d, F, Sequential } from '../../src/nn/index.js';

describe('nn/dropout', () => {
  it('zeroes about p of the elements and scales the rest by 1/(1 − p)', () => {
    manualSeed(0);
    const y = new Dropout(0.3).call(ones([100000]));
    const vals = y.toFlatArray() as number[];
    const zeros = vals.filter((v) => v === 0).length;
    assert.ok(Math.abs(zeros / vals.length - 0.3) < 0.01, `zero fraction ${zeros / vals.length}`);
    assert.ok(vals.every((v) => v === 0 || Math.abs(v - 1 / 0.7) < 1e-6));
    assert.ok(Math.abs(y.mean().item() - 1) < 0.02);
  });
  it('is the identity in eval mode', () => {
    const x = ones([10]);
    const m = new Sequential(new Dropout(0.9)).eval();
    assert.equal(m.call(x), x);
  });
  it('is reproducible under manualSeed', () => {
    manualSeed(7); const a = F.dropout(ones([50]), 0.5).toFlatArray();
    manualSeed(7); const b = F.dropout(ones([50]), 0.5).toFlatArray();
    assert.deepEqual(a, b);
  });
  it('gradient is the same mask and scale', () => {
    manualSeed(3);
    const x = ones([1000], { requiresGrad: true });
    const y = F.dropout(x, 0.5);
    y.sum().backward();
    assert.deepEqual(x.grad!.toFlatArray(), y.detach().toFlatArray());
  });
  it('Dropout2d drops whole channels', () => {
    manualSeed(1);
    const y = new Dropout2d(0.5).call(ones([4, 8, 3, 3]));
    const per = y.sum([2, 3]).toFlatArray() as number[];
    assert.ok(per.every((v) => v === 0 || Math.abs(v - 18) < 1e-5));
  });
  it('rejects p outside [0, 1]', () => assert.throws(() => new Dropout(1.5), /between 0 and 1/));
});
