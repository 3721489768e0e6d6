// LR schedulers vs PyTorch (test/golden/optim/schedulers.json): the lr of two param groups before
// each of 30 epochs, plus OneCycleLR's momentum and state-dict round trips.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tensor } from '../../src/index.js';
import { Parameter } from '../../src/nn/module.js';
import * as optim from '../../src/optim/index.js';
import { golden } from '../helpers.js';

interface Case { name: string; options: Record<string, unknown>; lrs: number[][]; momentums?: number[][]; metrics?: number[]; optimizer?: string }
const fix = golden<{ lr: number; secondGroupFactor: number; cases: Case[] }>('optim/schedulers.json');

function makeOpt(kind = 'SGD'): optim.Optimizer {
  const groups = [{ params: [new Parameter(tensor([0, 0]))] }, { params: [new Parameter(tensor([0, 0]))], lr: fix.lr * fix.secondGroupFactor }];
  return kind === 'Adam' ? new optim.Adam(groups, { lr: fix.lr }) : new optim.SGD(groups, { lr: fix.lr, momentum: 0.9 });
}

type Sched = { step(m?: number): void; getLastLr(): number[] };
function make(c: Case, opt: optim.Optimizer): Sched {
  const base = c.name.split('_')[0]!;
  const o = c.options;
  switch (base) {
    case 'LambdaLR': return new optim.LambdaLR(opt, { lrLambda: (e) => 0.95 ** e });
    case 'SequentialLR': return new optim.SequentialLR(opt, {
      schedulers: [new optim.LinearLR(opt, { startFactor: 0.1, totalIters: 5 }), new optim.CosineAnnealingLR(opt, { tMax: 20, etaMin: 0 })], milestones: [5] });
    default: return new (optim as unknown as Record<string, new (o: optim.Optimizer, x: unknown) => Sched>)[base]!(opt, o);
  }
}

const close = (a: number, b: number, msg: string): void => assert.ok(Math.abs(a - b) <= 1e-12 + 1e-10 * Math.abs(b), `${msg}: got ${a}, expected ${b}`);

describe('lr schedulers vs PyTorch over 30 epochs', () => {
  for (const c of fix.cases) {
    it(c.name, () => {
      const opt = makeOpt(c.optimizer);
      const s = make(c, opt);
      c.lrs.forEach((exp, e) => {
        opt.paramGroups.forEach((g, i) => close(g.lr, exp[i]!, `epoch ${e} group ${i} lr`));
        if (c.momentums) {
          opt.paramGroups.forEach((g, i) => close(c.optimizer === 'Adam' ? (g.betas as number[])[0]! : (g.momentum as number), c.momentums![e]![i]!, `epoch ${e} group ${i} momentum`));
        }
        if (e === 0 && !c.name.startsWith('ReduceLROnPlateau')) assert.deepEqual(s.getLastLr(), opt.paramGroups.map((g) => g.lr));
        opt.step();
        s.step(c.metrics?.[e]);
      });
    });
  }
});

describe('lr scheduler state', () => {
  it('stateDict (JSON-safe) / loadStateDict resumes CosineAnnealingWarmRestarts, StepLR, MultiStepLR', () => {
    for (const mk of [(o: optim.Optimizer) => new optim.CosineAnnealingWarmRestarts(o, { t0: 3, tMult: 2 }), (o: optim.Optimizer) => new optim.StepLR(o, { stepSize: 4, gamma: 0.5 }),
      (o: optim.Optimizer) => new optim.MultiStepLR(o, { milestones: [9, 3, 9, 12] })]) {
      const o1 = makeOpt();
      const s1 = mk(o1);
      for (let i = 0; i < 7; i++) s1.step();
      const sd = JSON.parse(JSON.stringify(s1.stateDict())) as optim.SchedulerStateDict;
      const optSd = o1.stateDict();
      const o2 = makeOpt();
      const s2 = mk(o2);
      o2.loadStateDict(optSd);
      s2.loadStateDict(sd);
      for (let i = 0; i < 10; i++) {
        s1.step(); s2.step();
        assert.deepEqual(s2.getLastLr(), s1.getLastLr());
      }
    }
  });
  it('SequentialLR and ReduceLROnPlateau state dicts round-trip', () => {
    const o = makeOpt();
    const seq = new optim.SequentialLR(o, { schedulers: [new optim.ExponentialLR(o, { gamma: 0.9 }), new optim.StepLR(o, { stepSize: 2 })], milestones: [3] });
    for (let i = 0; i < 4; i++) seq.step();
    const sd = seq.stateDict();
    assert.equal((sd.schedulers as unknown[]).length, 2);
    const p = new optim.ReduceLROnPlateau(makeOpt(), { patience: 0 });
    p.step(1); p.step(2);
    assert.deepEqual(p.getLastLr(), [fix.lr * 0.1, fix.lr * fix.secondGroupFactor * 0.1]);
    const p2 = new optim.ReduceLROnPlateau(makeOpt(), { patience: 0 });
    p2.loadStateDict(p.stateDict());
    assert.equal(p2.best, 1);
    p.step(tensor(3));
  });
  it('argument errors', () => {
    assert.throws(() => new optim.OneCycleLR(makeOpt(), { maxLr: 1 }), /totalSteps OR/);
    const oc = new optim.OneCycleLR(makeOpt(), { maxLr: 1, totalSteps: 2 });
    oc.step(); oc.step();
    assert.throws(() => oc.step(), /Tried to step 4 times/);
    assert.throws(() => new optim.CosineAnnealingWarmRestarts(makeOpt(), { t0: 0 }), /positive integer t0/);
    assert.throws(() => new optim.ReduceLROnPlateau(makeOpt(), { factor: 1 }), /Factor should be < 1.0/);
  });
});
