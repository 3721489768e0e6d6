import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randn } from '../../src/index.js';
import {
  BatchNorm2d, Conv2d, Flatten, Identity, Linear, MaxPool2d, ModuleDict, ModuleList, ReLU, Sequential, Unflatten,
} from '../../src/nn/index.js';
import { runCase } from './nn-golden.js';

describe('nn/containers', () => {
  it('Sequential CNN matches PyTorch with numbered state-dict keys (golden)', () => {
    const m = new Sequential(new Conv2d(1, 2, 3, { padding: 1 }), new BatchNorm2d(2), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(8, 3));
    assert.deepEqual(Object.keys(m.stateDict()), ['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked', '5.weight', '5.bias']);
    runCase('Sequential_cnn', m, (x) => m.call(x));
  });
  it('Sequential indexing, append, insert, iteration and named children', () => {
    const s = new Sequential(new Linear(2, 3), new ReLU());
    s.append(new Linear(3, 1));
    assert.equal(s.length, 3);
    assert.ok(s.at(-1) instanceof Linear);
    s.insert(1, new Identity());
    assert.deepEqual([...s].map((m) => m.constructor.name), ['Linear', 'Identity', 'ReLU', 'Linear']);
    assert.deepEqual(s.call(randn([4, 2])).shape, [4, 1]);
    const named = new Sequential({ fc: new Linear(2, 2), act: new ReLU() });
    assert.deepEqual(Object.keys(named.stateDict()), ['fc.weight', 'fc.bias']);
  });
  it('ModuleList registers parameters and has no forward', () => {
    const l = new ModuleList([new Linear(2, 2), new Linear(2, 2, { bias: false })]);
    assert.deepEqual(Object.keys(l.stateDict()), ['0.weight', '0.bias', '1.weight']);
    assert.throws(() => l.call(randn([1, 2])), /no forward/);
    class Net extends Sequential {}
    assert.equal(new Net(new Linear(1, 1)).numParameters(), 2);
  });
  it('ModuleDict by key', () => {
    const d = new ModuleDict({ enc: new Linear(2, 3), dec: new Linear(3, 2) });
    assert.deepEqual(d.keys(), ['enc', 'dec']);
    assert.ok(d.get('enc') instanceof Linear);
    assert.deepEqual(Object.keys(d.stateDict()), ['enc.weight', 'enc.bias', 'dec.weight', 'dec.bias']);
    assert.throws(() => d.set('keys', new ReLU()), /conflicts/);
  });
  it('Flatten and Unflatten', () => {
    const x = randn([2, 3, 4, 5]);
    assert.deepEqual(new Flatten().call(x).shape, [2, 60]);
    assert.deepEqual(new Flatten(0, 1).call(x).shape, [6, 4, 5]);
    assert.deepEqual(new Unflatten(1, [3, 20]).call(new Flatten().call(x)).shape, [2, 3, 20]);
    assert.equal(new Identity().call(x), x);
  });
  it('train/eval propagates through containers', () => {
    const s = new Sequential(new Sequential(new BatchNorm2d(1)));
    s.eval();
    assert.equal((s.at(0) as Sequential).at(0).training, false);
  });
});
