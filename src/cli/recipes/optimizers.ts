// Recipe `optimizers`: d2l's optimization-chapter experiments. Each optimizer from tsgrad/optim
// walks f(x) = 0.1·x1² + 2·x2² (and f(x) = x1² + 2·x2²) from (−5, −2); trajectories are drawn on
// contour plots, and the LR schedules are drawn as curves.
import { join } from 'node:path';
import { noGrad } from '../../autograd/grad-mode.js';
import { Parameter } from '../../nn/module.js';
import {
  Adadelta, Adagrad, Adam, CosineAnnealingLR, CosineAnnealingWarmRestarts, ExponentialLR, LambdaLR, LinearLR, MultiStepLR,
  OneCycleLR, type Optimizer, PolynomialLR, RMSprop, SGD, SequentialLR, StepLR, Yogi,
} from '../../optim/index.js';
import { Generator, randn } from '../../random/generator.js';
import { tensor } from '../../tensor/creation.js';
import type { Tensor } from '../../tensor/tensor.js';
import { type Panel, gridPlots } from '../plot.js';
import { type Recipe, type RunContext, assertLossFell } from '../recipe.js';

type F2 = { name: string; f: (x1: number, x2: number) => number; t: (x: Tensor) => Tensor };
const ill: F2 = { name: '0.1·x1² + 2·x2²', f: (a, b) => 0.1 * a * a + 2 * b * b, t: (x) => x.square().mul(tensor([0.1, 2])).sum() };
const quad: F2 = { name: 'x1² + 2·x2²', f: (a, b) => a * a + 2 * b * b, t: (x) => x.square().mul(tensor([1, 2])).sum() };

interface Experiment {
  label: string;
  fn: F2;
  steps: number;
  make: (p: Parameter[]) => Optimizer;
  /** d2l's SGD experiment: the gradient gets N(0, 1) noise. */
  noise?: boolean;
}

/** The d2l settings (chapter 11): step sizes chosen to show each method's behaviour. */
const experiments: Experiment[] = [
  { label: 'GD (η=0.1)', fn: quad, steps: 20, make: (p) => new SGD(p, { lr: 0.1 }) },
  { label: 'SGD, noisy grad (η=0.1)', fn: quad, steps: 50, noise: true, make: (p) => new SGD(p, { lr: 0.1 }) },
  { label: 'GD (η=0.4)', fn: ill, steps: 20, make: (p) => new SGD(p, { lr: 0.4 }) },
  { label: 'momentum (η=0.6, β=0.5)', fn: ill, steps: 20, make: (p) => new SGD(p, { lr: 0.6, momentum: 0.5 }) },
  { label: 'AdaGrad (η=0.4)', fn: ill, steps: 20, make: (p) => new Adagrad(p, { lr: 0.4 }) },
  { label: 'RMSProp (η=0.4, γ=0.9)', fn: ill, steps: 20, make: (p) => new RMSprop(p, { lr: 0.4, alpha: 0.9 }) },
  { label: 'Adadelta (ρ=0.9, lr=10)', fn: ill, steps: 60, make: (p) => new Adadelta(p, { lr: 10, rho: 0.9 }) },
  { label: 'Adam (η=0.5)', fn: ill, steps: 40, make: (p) => new Adam(p, { lr: 0.5 }) },
  { label: 'Yogi (η=0.5)', fn: ill, steps: 40, make: (p) => new Yogi(p, { lr: 0.5 }) },
];

/** Runs one optimizer from (−5, −2); returns the path and f along it. */
export function trajectory(e: Experiment, gen: Generator): { points: [number, number][]; values: number[] } {
  const x = new Parameter(tensor([-5, -2]));
  const opt = e.make([x]);
  const points: [number, number][] = [[-5, -2]];
  const values: number[] = [e.fn.f(-5, -2)];
  for (let i = 0; i < e.steps; i++) {
    const loss = e.fn.t(x);
    opt.zeroGrad();
    loss.backward();
    if (e.noise) noGrad(() => x.grad!.add_(randn([2], { generator: gen })));
    opt.step();
    const [a, b] = x.toFlatArray() as [number, number];
    points.push([a, b]);
    values.push(e.fn.f(a, b));
  }
  return { points, values };
}

/** LR of each scheduler over 100 epochs, starting from lr 0.1 (one dummy parameter each). */
export function scheduleCurves(epochs = 100): { name: string; x: number[]; y: number[] }[] {
  const mk = (): SGD => new SGD([new Parameter(tensor([0]))], { lr: 0.1 });
  const scheds: [string, (o: SGD) => { step(): void; getLastLr(): number[] }][] = [
    ['StepLR(30, 0.5)', (o) => new StepLR(o, { stepSize: 30, gamma: 0.5 })],
    ['MultiStepLR([20, 60], 0.3)', (o) => new MultiStepLR(o, { milestones: [20, 60], gamma: 0.3 })],
    ['ExponentialLR(0.97)', (o) => new ExponentialLR(o, { gamma: 0.97 })],
    ['PolynomialLR(100, 2)', (o) => new PolynomialLR(o, { totalIters: 100, power: 2 })],
    ['CosineAnnealingLR(100)', (o) => new CosineAnnealingLR(o, { tMax: 100 })],
    ['CosineAnnealingWarmRestarts(25)', (o) => new CosineAnnealingWarmRestarts(o, { t0: 25 })],
    ['warmup 10 → cosine', (o) => new SequentialLR(o, { schedulers: [new LinearLR(o, { startFactor: 0.1, totalIters: 10 }), new CosineAnnealingLR(o, { tMax: 90 })], milestones: [10] })],
    ['OneCycleLR', (o) => new OneCycleLR(o, { maxLr: 0.1, totalSteps: epochs })],
    ['LambdaLR(1/√t)', (o) => new LambdaLR(o, { lrLambda: (e: number) => 1 / Math.sqrt(e + 1) })],
  ];
  return scheds.map(([name, make]) => {
    const s = make(mk());
    const x: number[] = [];
    const y: number[] = [];
    for (let e = 0; e < epochs; e++) { x.push(e); y.push(s.getLastLr()[0]!); s.step(); }
    return { name, x, y };
  });
}

export const optimizers: Recipe = {
  name: 'optimizers',
  description: "d2l's optimizer trajectories (GD, SGD, momentum, AdaGrad, RMSProp, Adadelta, Adam, Yogi) and LR schedules as plots",
  options: [],
  async run(ctx: RunContext) {
    const gen = new Generator(ctx.seed);
    const panels: Panel[] = [];
    const summary: Record<string, { start: number; end: number; steps: number }> = {};
    for (const e of experiments) {
      const { points, values } = trajectory(e, gen);
      summary[e.label] = { start: values[0]!, end: values[values.length - 1]!, steps: e.steps };
      ctx.log(`${e.label.padEnd(28)} f: ${values[0]!.toFixed(3)} → ${values[values.length - 1]!.toExponential(3)} (${e.steps} steps, x = (${points[points.length - 1]!.map((v) => v.toFixed(4)).join(', ')}))`);
      if (ctx.smoke) assertLossFell(`optimizers/${e.label}`, values[0]!, values[values.length - 1]!);
      panels.push({ kind: 'contour', title: `${e.label} on ${e.fn.name}`, f: e.fn.f, xRange: [-5.5, 2], yRange: [-3, 3], trajectories: [{ name: e.label, points }], legend: 'none' });
    }
    const traj = join(ctx.outDir, 'trajectories.png');
    gridPlots(traj, panels, { cols: 3, title: 'Optimizer trajectories from (−5, −2) (d2l chapter 11)' });
    const curves = scheduleCurves(ctx.smoke ? 40 : 100);
    const sched = join(ctx.outDir, 'lr-schedules.png');
    gridPlots(sched, curves.map((c) => ({ kind: 'line', title: c.name, xlabel: 'epoch', ylabel: 'lr', series: [c], legend: 'none' })), { cols: 3, title: 'Learning-rate schedules from tsgrad/optim (base lr 0.1)' });
    const metrics = { recipe: 'optimizers', trajectories: summary, schedules: Object.fromEntries(curves.map((c) => [c.name, c.y])) };
    ctx.writeMetrics(metrics);
    ctx.log(`plots: ${traj}, ${sched}`);
    return { outDir: ctx.outDir };
  },
};
