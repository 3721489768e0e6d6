// Optimizers vs PyTorch (test/golden/optim/optimizers.json from tools/golden/optim.py): parameters
// after each of 6 steps on a small float64 regression, plus the base class's groups, state dicts,
// zeroGrad and gradient accumulation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Tensor, tensor, ArgumentError, manualSeed, noGrad, randn } from '../../src/index.js';
import { Parameter } from '../../src/nn/module.js';
import * as optim from '../../src/optim/index.js';
import { expectClose, forEachBackend, golden } from '../helpers.js';

type Nested = number | Nested[];
interface Case { name: string; optimizer: string; options: Record<string, unknown>; groups: boolean; groupLr?: number; trajectory: { W: Nested; b: Nested }[] }
const fix = golden<{ X: Nested; Y: Nested; W: Nested; b: Nested; steps: number; cases: Case[] }>('optim/optimizers.json');

const CLASSES = optim as unknown as Record<string, new (params: unknown, o: Record<string, unknown>) => optim.Optimizer>;
const X = tensor(fix.X, { dtype: 'float64' });
const Y = tensor(fix.Y, { dtype: 'float64' });
const lossFn = (W: Tensor, b: Tensor): Tensor => X.matmul(W.T).add(b).tanh().sub(Y).square().mean();

function setup(): { W: Parameter; b: Parameter } {
  return { W: new Parameter(tensor(fix.W, { dtype: 'float64' })), b: new Parameter(tensor(fix.b, { dtype: 'float64' })) };
}

forEachBackend((backend) => describe(`optimizers vs PyTorch, step for step [${backend}]`, () => {
  for (const c of fix.cases) {
    it(c.name, () => {
      const { W, b } = setup();
      const params = c.groups ? [{ params: [W] }, { params: [b], lr: c.groupLr, weightDecay: 0 }] : [W, b];
      const opt = new CLASSES[c.optimizer]!(params, c.options);
      c.trajectory.forEach((exp, i) => {
        opt.zeroGrad();
        lossFn(W, b).backward();
        opt.step();
        expectClose(W, exp.W, { atol: 1e-10, rtol: 1e-8, msg: `${c.name} step ${i + 1} W` });
        expectClose(b, exp.b, { atol: 1e-10, rtol: 1e-8, msg: `${c.name} step ${i + 1} b` });
      });
      assert.equal(opt.stepCount, c.trajectory.length);
    });
  }
}));

// float32 contiguous parameters take the fused backend kernel (Backend.sgdStep / adamStep); the
// subclass below forces the op-based update, which the kernel must reproduce bit for bit.
forEachBackend((backend) => describe(`fused float32 SGD / Adam / AdamW updates [${backend}]`, () => {
  const unfused = (name: string) => {
    const Base = CLASSES[name]!;
    return class extends (Base as unknown as new (p: unknown, o: Record<string, unknown>) => { fusedUpdate(): boolean }) {
      override fusedUpdate(): boolean { return false; }
    } as unknown as new (params: unknown, o: Record<string, unknown>) => optim.Optimizer;
  };
  const f32 = (t: Nested) => new Parameter(tensor(t));
  for (const c of fix.cases.filter((k) => ['SGD', 'Adam', 'AdamW'].includes(k.optimizer))) {
    it(`${c.name}: same bits as the op-based update, and PyTorch's trajectory within float32 tolerance`, () => {
      const run = (Cls: new (params: unknown, o: Record<string, unknown>) => optim.Optimizer) => {
        const W = f32(fix.W), b = f32(fix.b);
        const params = c.groups ? [{ params: [W] }, { params: [b], lr: c.groupLr, weightDecay: 0 }] : [W, b];
        const opt = new Cls(params, c.options);
        const Xf = X.to('float32'), Yf = Y.to('float32');
        return c.trajectory.map(() => {
          opt.zeroGrad();
          Xf.matmul(W.T).add(b).tanh().sub(Yf).square().mean().backward();
          opt.step();
          return [W.clone(), b.clone()] as const;
        });
      };
      const fused = run(CLASSES[c.optimizer]!);
      const ops = run(unfused(c.optimizer));
      fused.forEach(([W, b], i) => {
        assert.deepEqual(Array.from(W.toTypedArray()), Array.from(ops[i]![0].toTypedArray()), `${c.name} step ${i + 1} W`);
        assert.deepEqual(Array.from(b.toTypedArray()), Array.from(ops[i]![1].toTypedArray()), `${c.name} step ${i + 1} b`);
        expectClose(W, c.trajectory[i]!.W, { msg: `${c.name} step ${i + 1} W` });
        expectClose(b, c.trajectory[i]!.b, { msg: `${c.name} step ${i + 1} b` });
      });
    });
  }
  it('large parameters (wasm kernel sizes), momentum and maximize: same bits as the op-based update', () => {
    const cases: [string, Record<string, unknown>][] = [
      ['SGD', { lr: 0.1 }], ['SGD', { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 }],
      ['SGD', { lr: 0.05, momentum: 0.9, nesterov: true, maximize: true }],
      ['Adam', { lr: 1e-2, weightDecay: 0.1 }], ['AdamW', { lr: 1e-2, betas: [0.8, 0.99], maximize: true }],
    ];
    for (const [name, o] of cases) {
      manualSeed(1);
      const p0 = randn([70, 90]);
      const grads = [0, 1, 2].map(() => randn([70, 90]));
      const run = (Cls: new (params: unknown, o: Record<string, unknown>) => optim.Optimizer) => {
        const p = new Parameter(p0.clone());
        const opt = new Cls([p], o);
        for (const g of grads) { p.grad = g.clone(); opt.step(); }
        return p;
      };
      const a = run(CLASSES[name]!), b = run(unfused(name));
      assert.deepEqual(Array.from(a.toTypedArray()), Array.from(b.toTypedArray()), `${name} ${JSON.stringify(o)}`);
      assert.ok(!noGrad(() => a.equal(p0)));
    }
  });
}));

describe('optim/optimizer base class', () => {
  it('stateDict → loadStateDict into a fresh optimizer continues the same trajectory', () => {
    const ref = fix.cases.find((c) => c.name === 'adam_wd_amsgrad')!;
    const a = setup();
    const opt = new optim.Adam([a.W, a.b], ref.options);
    for (let i = 0; i < 3; i++) { opt.zeroGrad(); lossFn(a.W, a.b).backward(); opt.step(); }
    const sd = opt.stateDict();
    assert.deepEqual(sd.paramGroups.map((g) => g.params), [[0, 1]]);
    assert.equal(sd.state[0]!.step, 3);
    // A fresh model with the same weights and a fresh optimizer loaded from the state dict.
    const b2 = { W: new Parameter(a.W.detach().clone()), b: new Parameter(a.b.detach().clone()) };
    const opt2 = new optim.Adam([b2.W, b2.b], { lr: 123 });
    opt2.loadStateDict(sd);
    assert.equal(opt2.paramGroups[0]!.lr, ref.options.lr);
    assert.notEqual(opt2.state.get(b2.W)!.expAvg, opt.state.get(a.W)!.expAvg, 'state tensors are copied');
    for (let i = 3; i < 6; i++) {
      opt2.zeroGrad(); lossFn(b2.W, b2.b).backward(); opt2.step();
      expectClose(b2.W, ref.trajectory[i]!.W, { atol: 1e-10, rtol: 1e-8, msg: `resumed step ${i + 1}` });
    }
    assert.throws(() => new optim.Adam([b2.W], {}).loadStateDict(sd), /doesn't match the size/);
  });
  it('per-group options, addParamGroup and its checks', () => {
    const { W, b } = setup();
    const opt = new optim.SGD([W], { lr: 0.1, momentum: 0.9 });
    opt.addParamGroup({ params: [b], lr: 0.01 });
    assert.equal(opt.paramGroups[1]!.lr, 0.01);
    assert.equal(opt.paramGroups[1]!.momentum, 0.9);
    assert.throws(() => opt.addParamGroup({ params: [b] }), /more than one parameter group/);
    assert.throws(() => new optim.SGD([], { lr: 0.1 }), /empty parameter list/);
    assert.throws(() => new optim.SGD([W], { lr: -1 }), ArgumentError);
    assert.throws(() => new optim.SGD([W], { lr: 0.1, nesterov: true }), /Nesterov/);
    assert.throws(() => new optim.Adam([W], { betas: [1.0, 0.9] }), /beta parameter at index 0/);
    assert.throws(() => new optim.SGD([W.mul(2)], { lr: 0.1 }), /non-leaf/);
  });
  it('zeroGrad sets grads to null by default or zero-fills them; parameters without grad are skipped', () => {
    const { W, b } = setup();
    const opt = new optim.SGD([W, b], { lr: 0.1 });
    W.sum().backward();
    const before = b.clone();
    opt.step(); // b has no grad: untouched, no state
    assert.ok(b.equal(before));
    assert.equal(opt.state.has(b), false);
    opt.zeroGrad({ setToNone: false });
    expectClose(W.grad!, new Array(3).fill(new Array(4).fill(0)));
    opt.zeroGrad();
    assert.equal(W.grad, null);
  });
  it('gradient accumulation: two backward() calls before step = one backward of the summed loss', () => {
    const a = setup();
    const b = setup();
    const oa = new optim.SGD([a.W, a.b], { lr: 0.1, momentum: 0.9 });
    const ob = new optim.SGD([b.W, b.b], { lr: 0.1, momentum: 0.9 });
    const half = (W: Tensor, bb: Tensor, k: number) => X.narrow(0, k * 2, 2).matmul(W.T).add(bb).tanh().sub(Y.narrow(0, k * 2, 2)).square().sum();
    for (let step = 0; step < 3; step++) {
      oa.zeroGrad(); half(a.W, a.b, 0).backward(); half(a.W, a.b, 1).backward(); oa.step();
      ob.zeroGrad(); half(b.W, b.b, 0).add(half(b.W, b.b, 1)).backward(); ob.step();
      expectClose(a.W, b.W, { atol: 1e-12, rtol: 1e-10 });
      expectClose(a.b, b.b, { atol: 1e-12, rtol: 1e-10 });
    }
  });
  it('step(closure) returns the loss; the update runs without recording a graph', () => {
    const { W, b } = setup();
    const opt = new optim.Adam([W, b], { lr: 0.01 });
    const loss = opt.step(() => { opt.zeroGrad(); const l = lossFn(W, b); l.backward(); return l; }) as Tensor;
    assert.ok(loss.item() > 0);
    assert.ok(W.isLeaf && W.gradFn === null);
    assert.match(opt.toString(), /Adam \(\nParameter Group 0\n {4}lr: 0.01/);
  });
  it('works on float32 parameters and descends', () => {
    const w = new Parameter(tensor([3, -2]));
    for (const make of [(p: Parameter[]) => new optim.AdamW(p, { lr: 0.1 }), (p: Parameter[]) => new optim.Yogi(p, { lr: 0.1 }), (p: Parameter[]) => new optim.RMSprop(p, { lr: 0.05, centered: true })]) {
      w.detach().copy_(tensor([3, -2]));
      const opt = make([w]);
      const f0 = w.square().sum().item();
      for (let i = 0; i < 20; i++) { opt.zeroGrad(); w.square().sum().backward(); opt.step(); }
      assert.ok(w.square().sum().item() < f0 / 2, `${opt.constructor.name} descends`);
      assert.equal(w.dtype, 'float32');
    }
  });
});
