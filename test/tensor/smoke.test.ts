import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arange, tensor } from '../../src/index.js';
import { expectClose, forEachBackend } from '../helpers.js';

forEachBackend((backend) => describe(`tensor smoke [${backend}]`, () => {
  it('grad of sum of squares is 2x', () => {
    const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
    x.mul(x).sum().backward();
    expectClose(x.grad!, [[2, 4], [6, 8]]);
  });
  it('arange with a float step has ceil((end-start)/step) elements', () => {
    assert.equal(arange(1, 1.3, 0.1).numel(), 4);
  });
}));
