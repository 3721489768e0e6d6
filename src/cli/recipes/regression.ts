// Recipe `regression`: d2l's model-selection experiments. Polynomial regression that under- and
// over-fits, L2 weight decay on a high-dimensional linear model, and early stopping on validation
// loss that keeps the best weights — each with train/validation curves.
import { noGrad } from '../../autograd/grad-mode.js';
import { DataLoader, TensorDataset } from '../../data/index.js';
import * as nn from '../../nn/index.js';
import { SGD } from '../../optim/index.js';
import { Generator, normal, randn } from '../../random/generator.js';
import { arange, ones, tensor } from '../../tensor/creation.js';
import type { Tensor } from '../../tensor/tensor.js';
import { type Recipe, type RunContext, assertLossFell } from '../recipe.js';

interface Curves { train: number[]; val: number[] }

/** Mean squared error of a model over a whole split, without a graph. */
function mse(model: nn.Module, x: Tensor, y: Tensor): number {
  return noGrad(() => nn.F.mseLoss(model.call(x) as Tensor, y).item());
}

/** Minibatch SGD on MSE; returns per-epoch train/val losses, and the best weights if asked. */
function fit(
  model: nn.Linear, data: { xTrain: Tensor; yTrain: Tensor; xVal: Tensor; yVal: Tensor },
  o: { epochs: number; lr: number; batchSize: number; weightDecay?: number; seed: number; keepBest?: boolean },
): Curves & { bestEpoch: number; best: Record<string, Tensor> | null } {
  // d2l decays only the weight, not the bias: two parameter groups.
  const opt = new SGD([
    { params: [model.weight], weightDecay: o.weightDecay ?? 0 },
    { params: model.bias ? [model.bias] : [] },
  ], { lr: o.lr });
  const loader = new DataLoader(new TensorDataset(data.xTrain, data.yTrain), { batchSize: o.batchSize, shuffle: true, generator: new Generator(o.seed) });
  const curves: Curves = { train: [], val: [] };
  let best: Record<string, Tensor> | null = null;
  let bestEpoch = 0;
  let bestVal = Infinity;
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    for (const [x, y] of loader) {
      const loss = nn.F.mseLoss(model.call(x) as Tensor, y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
    }
    curves.train.push(mse(model, data.xTrain, data.yTrain));
    const v = mse(model, data.xVal, data.yVal);
    curves.val.push(v);
    if (o.keepBest && v < bestVal) {
      bestVal = v;
      bestEpoch = epoch;
      best = Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, t.clone()]));
    }
  }
  return { ...curves, bestEpoch, best };
}

/** y = 5 + 1.2x − 3.4x²/2! + 5.6x³/3! + ε, features xⁱ/i! for i < 20 (d2l 3.6). */
function polynomialData(n: number, gen: Generator): { x: Tensor; y: Tensor } {
  const maxDegree = 20;
  const x = normal(0, 1, [n, 1], { generator: gen });
  const powers = arange(maxDegree, undefined, 1, { dtype: 'float32' }).view([1, maxDegree]);
  let fact = 1;
  const facts = [1];
  for (let i = 1; i < maxDegree; i++) facts.push((fact *= i));
  const features = x.pow(powers).div(tensor(facts).view([1, maxDegree])); // (n, 20)
  const w = tensor([5, 1.2, -3.4, 5.6, ...new Array(maxDegree - 4).fill(0)]).view([maxDegree, 1]);
  const y = features.matmul(w).add(normal(0, 0.1, [n, 1], { generator: gen }));
  return { x: features, y };
}

function lastMean(a: number[], k = 3): number {
  const s = a.slice(-k);
  return s.reduce((p, q) => p + q, 0) / s.length;
}

export const regression: Recipe = {
  name: 'regression',
  description: 'linear/polynomial regression: under- and over-fitting, L2 weight decay and early stopping (d2l 3.6-3.7)',
  options: [
    { name: 'epochs', description: 'epochs for the polynomial fits', default: 400, min: 1, max: 100000 },
    { name: 'lambda', description: 'L2 weight decay for the high-dimensional model', default: 3, min: 0, max: 1000 },
  ],
  async run(ctx: RunContext) {
    const gen = new Generator(ctx.seed);
    const epochs = ctx.smoke ? 20 : (ctx.opts.epochs as number);
    const metrics: Record<string, unknown> = { recipe: 'regression', seed: ctx.seed };

    // 1. Polynomial degree: 3 (right), 1 (underfit: linear), 19 (overfit), 100 samples each way as in d2l.
    const train = polynomialData(100, gen);
    const val = polynomialData(100, gen);
    const fits: { name: string; k: number }[] = [{ name: 'degree 3 (right)', k: 4 }, { name: 'degree 1 (underfit)', k: 2 }, { name: 'degree 19 (overfit)', k: 20 }];
    const polySeries: { name: string; x: number[]; y: number[] }[] = [];
    const poly: Record<string, unknown> = {};
    for (const { name, k } of fits) {
      const model = new nn.Linear(k, 1, { bias: false });
      const cut = (t: Tensor): Tensor => t.narrow(1, 0, k);
      const ep = k === 20 && !ctx.smoke ? Math.round(epochs * 3.75) : epochs; // d2l trains the degree-19 model for 1500 epochs
      const r = fit(model, { xTrain: cut(train.x), yTrain: train.y, xVal: cut(val.x), yVal: val.y }, { epochs: ep, lr: 0.01, batchSize: 10, seed: ctx.seed, keepBest: k === 20 });
      const xs = r.train.map((_, i) => i + 1);
      polySeries.push({ name: `${name} train`, x: xs, y: r.train }, { name: `${name} val`, x: xs, y: r.val });
      poly[name] = { trainLoss: lastMean(r.train), valLoss: lastMean(r.val), weights: model.weight.toFlatArray().slice(0, 4) };
      ctx.log(`${name.padEnd(22)} train ${lastMean(r.train).toFixed(4)}  val ${lastMean(r.val).toFixed(4)}  w[0:4] = ${(model.weight.toFlatArray() as number[]).slice(0, 4).map((v) => v.toFixed(3)).join(', ')}`);
      if (ctx.smoke) assertLossFell(`regression/${name}`, r.train[0]!, r.train[r.train.length - 1]!);
      if (k === 20 && r.best) {
        // 3. Early stopping: restore the weights of the best validation epoch.
        const lastVal = r.val[r.val.length - 1]!;
        model.loadStateDict(r.best);
        const restored = mse(model, cut(val.x), val.y);
        metrics.earlyStopping = { bestEpoch: r.bestEpoch, bestValLoss: Math.min(...r.val), lastValLoss: lastVal, restoredValLoss: restored };
        ctx.log(`early stopping: best val ${Math.min(...r.val).toFixed(4)} at epoch ${r.bestEpoch} (last epoch ${lastVal.toFixed(4)}); restored weights give ${restored.toFixed(4)}`);
      }
    }
    metrics.polynomial = poly;
    ctx.plotCurves('polynomial', 'Polynomial regression: train vs validation MSE', polySeries, { xlabel: 'epoch', ylabel: 'MSE', logY: true });

    // 2. Weight decay: 200 inputs, 20 training samples, y = 0.05 + Σ 0.01·xᵢ + ε (d2l 3.7).
    const d = 200;
    const make = (n: number): { x: Tensor; y: Tensor } => {
      const x = randn([n, d], { generator: gen });
      return { x, y: x.matmul(ones([d, 1]).mul(0.01)).add(0.05).add(normal(0, 0.01, [n, 1], { generator: gen })) };
    };
    const wtrain = make(20);
    const wval = make(100);
    const wdSeries: { name: string; x: number[]; y: number[] }[] = [];
    const wd: Record<string, unknown> = {};
    for (const lambda of [0, ctx.opts.lambda as number]) {
      const model = new nn.Linear(d, 1);
      noGrad(() => { model.weight.normal_(0, 1, { generator: gen }); model.bias!.zero_(); });
      const r = fit(model, { xTrain: wtrain.x, yTrain: wtrain.y, xVal: wval.x, yVal: wval.y }, { epochs: ctx.smoke ? 20 : 100, lr: 0.003, batchSize: 5, weightDecay: lambda, seed: ctx.seed, keepBest: true });
      const xs = r.train.map((_, i) => i + 1);
      wdSeries.push({ name: `λ=${lambda} train`, x: xs, y: r.train }, { name: `λ=${lambda} val`, x: xs, y: r.val });
      const wNorm = model.weight.norm().item();
      wd[`lambda=${lambda}`] = { trainLoss: lastMean(r.train), valLoss: lastMean(r.val), weightL2Norm: wNorm, bestEpoch: r.bestEpoch, bestValLoss: Math.min(...r.val) };
      ctx.log(`  early stopping would keep epoch ${r.bestEpoch} (val ${Math.min(...r.val).toExponential(3)} vs ${r.val[r.val.length - 1]!.toExponential(3)} at the end)`);
      ctx.log(`weight decay λ=${lambda}: train ${lastMean(r.train).toExponential(3)}  val ${lastMean(r.val).toExponential(3)}  ‖w‖ = ${wNorm.toFixed(4)}`);
      if (ctx.smoke) assertLossFell(`regression/weight-decay λ=${lambda}`, r.train[0]!, r.train[r.train.length - 1]!);
    }
    metrics.weightDecay = wd;
    ctx.plotCurves('weight-decay', 'L2 weight decay: 200 features, 20 samples', wdSeries, { xlabel: 'epoch', ylabel: 'MSE', logY: true });
    ctx.writeMetrics(metrics);
    return { outDir: ctx.outDir };
  },
};
