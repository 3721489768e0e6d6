// Recipe `digits-cnn` (the default `npm start`): a LeNet-style CNN with BatchNorm and Dropout on
// scikit-learn's embedded 8x8 digits; prints the test confusion matrix and saves a checkpoint.
import { join } from 'node:path';
import { noGrad } from '../../autograd/grad-mode.js';
import { DataLoader, TensorDataset } from '../../data/index.js';
import { loadDigits } from '../../data/node.js';
import { loadCheckpointSync as loadCheckpoint, saveCheckpointSync as saveCheckpoint } from '../../io/node.js';
import * as nn from '../../nn/index.js';
import { Adam, CosineAnnealingLR } from '../../optim/index.js';
import { Generator } from '../../random/generator.js';
import { Tensor } from '../../tensor/tensor.js';
import { confusionMatrix, formatConfusion } from '../confusion.js';
import { heatmap } from '../plot.js';
import { type Recipe, type RunContext, assertLossFell } from '../recipe.js';

/** Config first: the model and the run, as in nanoGPT. */
export const digitsConfig = { channels: [16, 32], hidden: 64, dropout: 0.25, testFraction: 0.2 };

/** LeNet-style: (B, 1, 8, 8) → conv-bn-relu-pool ×2 → (B, 32·2·2) → MLP → (B, 10) logits. */
export function digitsModel(cfg = digitsConfig): nn.Sequential {
  const [c1, c2] = cfg.channels as [number, number];
  return new nn.Sequential(
    new nn.Conv2d(1, c1, 3, { padding: 1 }), new nn.BatchNorm2d(c1), new nn.ReLU(), new nn.MaxPool2d(2), // (B, c1, 4, 4)
    new nn.Conv2d(c1, c2, 3, { padding: 1 }), new nn.BatchNorm2d(c2), new nn.ReLU(), new nn.MaxPool2d(2), // (B, c2, 2, 2)
    new nn.Flatten(), // (B, c2·4)
    new nn.Linear(c2 * 4, cfg.hidden), new nn.ReLU(), new nn.Dropout(cfg.dropout),
    new nn.Linear(cfg.hidden, 10), // (B, 10)
  );
}

/** The fixed stratified split of the embedded digits: pixels scaled to [0, 1], shape (N, 1, 8, 8). */
export function digitsSplit(seed = 0): { xTrain: Tensor; yTrain: Tensor; xTest: Tensor; yTest: Tensor } {
  const { data, target } = loadDigits();
  const x = data.div(16).view([-1, 1, 8, 8]);
  const labels = target.toFlatArray() as number[];
  // Stratified: a fixed fraction of each class goes to the test set, chosen with a seeded shuffle.
  const g = new Generator(seed + 12345);
  const train: number[] = [];
  const test: number[] = [];
  for (let c = 0; c < 10; c++) {
    const idx = labels.map((l, i) => (l === c ? i : -1)).filter((i) => i >= 0);
    for (let i = idx.length - 1; i > 0; i--) { const j = g.below(i + 1); [idx[i], idx[j]] = [idx[j]!, idx[i]!]; }
    const nTest = Math.round(idx.length * digitsConfig.testFraction);
    test.push(...idx.slice(0, nTest));
    train.push(...idx.slice(nTest));
  }
  const pick = (t: Tensor, ids: number[]): Tensor => t.indexSelect(0, Tensor.fromArray(Int32Array.from(ids), [ids.length], 'int32'));
  return { xTrain: pick(x, train), yTrain: pick(target, train), xTest: pick(x, test), yTest: pick(target, test) };
}

/** Accuracy and predictions of a model on (x, y), in eval mode without a graph. */
export function evaluate(model: nn.Module, x: Tensor, y: Tensor): { acc: number; loss: number; pred: number[] } {
  model.eval();
  return noGrad(() => {
    const logits = model.call(x) as Tensor;
    const loss = nn.F.crossEntropy(logits, y).item();
    const pred = logits.argmax(1).toFlatArray() as number[];
    const truth = y.toFlatArray() as number[];
    const acc = pred.filter((p, i) => p === truth[i]).length / truth.length;
    return { acc, loss, pred };
  });
}

export const digitsCnn: Recipe = {
  name: 'digits-cnn',
  description: 'LeNet-style CNN with BatchNorm + Dropout on the embedded 8x8 digits (target: test accuracy >= 97%)',
  options: [
    { name: 'epochs', description: 'training epochs', default: 30, min: 1, max: 1000 },
    { name: 'batchSize', description: 'minibatch size', default: 64, min: 1, max: 4096 },
    { name: 'lr', description: 'Adam learning rate', default: 0.003, min: 0, max: 10 },
  ],
  async run(ctx: RunContext) {
    const epochs = ctx.smoke ? 2 : (ctx.opts.epochs as number);
    const { xTrain, yTrain, xTest, yTest } = digitsSplit(ctx.seed);
    const model = digitsModel();
    const opt = new Adam(model.parameters(), { lr: ctx.opts.lr as number });
    const sched = new CosineAnnealingLR(opt, { tMax: epochs });
    const loader = new DataLoader(new TensorDataset(xTrain, yTrain), {
      batchSize: ctx.opts.batchSize as number, shuffle: true, generator: new Generator(ctx.seed),
    });
    ctx.log(`model: ${model.numParameters()} parameters; train ${xTrain.shape[0]} / test ${xTest.shape[0]} images`);
    const steps: number[] = [];
    const losses: number[] = [];
    const history: { epoch: number; trainLoss: number; testLoss: number; testAcc: number; lr: number }[] = [];
    const bar = ctx.progress({ total: epochs * loader.length, label: 'digits-cnn', unit: 'step' });
    let step = 0;
    for (let epoch = 1; epoch <= epochs; epoch++) {
      model.train();
      let sum = 0;
      let n = 0;
      for (const [x, y] of loader) {
        const loss = nn.F.crossEntropy(model.call(x) as Tensor, y);
        opt.zeroGrad();
        loss.backward();
        opt.step();
        const l = loss.item();
        sum += l * y.shape[0]!;
        n += y.shape[0]!;
        steps.push(++step);
        losses.push(l);
        bar.tick({ loss: l.toFixed(4), epoch });
      }
      const lr = sched.getLastLr()[0]!;
      sched.step();
      const ev = evaluate(model, xTest, yTest);
      history.push({ epoch, trainLoss: sum / n, testLoss: ev.loss, testAcc: ev.acc, lr });
    }
    bar.done();
    const final = evaluate(model, xTest, yTest);
    const truth = yTest.toFlatArray() as number[];
    const cm = confusionMatrix(truth, final.pred, 10);
    ctx.log(`\ntest accuracy ${(final.acc * 100).toFixed(2)}% (${truth.length} images)\n${formatConfusion(cm)}`);
    ctx.plotCurves('loss', 'digits-cnn training loss', [{ name: 'train loss (per step)', x: steps, y: losses }], { xlabel: 'step', ylabel: 'cross-entropy' });
    ctx.plotCurves('accuracy', 'digits-cnn test accuracy', [{ name: 'test accuracy', x: history.map((h) => h.epoch), y: history.map((h) => h.testAcc) }], { xlabel: 'epoch', ylabel: 'accuracy' });
    heatmap(join(ctx.outDir, 'confusion.png'), { title: 'digits-cnn confusion (rows: true, cols: predicted)', matrix: cm, rowLabels: [...'0123456789'], colLabels: [...'0123456789'] });
    const ckpt = join(ctx.outDir, 'checkpoint.safetensors');
    saveCheckpoint(ckpt, { model, optimizer: opt, epoch: epochs, metrics: { recipe: 'digits-cnn', testAcc: final.acc, seed: ctx.seed } });
    const metrics = { recipe: 'digits-cnn', seed: ctx.seed, epochs, testAccuracy: final.acc, testLoss: final.loss, history, confusion: cm, checkpoint: ckpt };
    ctx.writeMetrics(metrics);
    const firstLoss = losses.slice(0, 5).reduce((a, b) => a + b, 0) / Math.min(5, losses.length);
    const lastLoss = losses.slice(-5).reduce((a, b) => a + b, 0) / Math.min(5, losses.length);
    if (ctx.smoke) assertLossFell('digits-cnn', firstLoss, lastLoss);
    else if (final.acc < 0.97) ctx.log(`warning: test accuracy ${(final.acc * 100).toFixed(2)}% is below the 97% target`);
    return { testAccuracy: final.acc, outDir: ctx.outDir };
  },
};

/** `tsgrad eval <checkpoint>` for digits-cnn: rebuild the model, load weights, score the test split. */
export async function evalDigits(path: string): Promise<void> {
  const model = digitsModel();
  const meta = loadCheckpoint(path, { model });
  const { xTest, yTest } = digitsSplit(Number((meta.metrics as Record<string, unknown> | undefined)?.seed ?? 0));
  const ev = evaluate(model, xTest, yTest);
  const truth = yTest.toFlatArray() as number[];
  console.log(`checkpoint ${path}: test accuracy ${(ev.acc * 100).toFixed(2)}%, loss ${ev.loss.toFixed(4)}`);
  console.log(formatConfusion(confusionMatrix(truth, ev.pred, 10)));
}
