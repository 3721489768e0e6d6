// The training workloads of the benchmark suite, written with tsgrad's ops: each builder returns one
// step (forward, backward, and for the MLP the SGD update) that bench/run.ts times. The PyTorch and
// tfjs peers (bench/peers/torch_workloads.py, bench/tfjs-workloads.ts) build the same shapes.
import { type Tensor, randn, randint, manualSeed } from '../src/index.js';
import { SGD } from '../src/optim/index.js';
import { conv2d } from '../src/ops/conv.js';
import { crossEntropy } from '../src/nn/functional-loss.js';
import { layerNorm, linear } from '../src/nn/functional.js';

export const WORKLOADS = {
  mlp: 'MLP 784-256-10, batch 64: forward, cross-entropy, backward, SGD update',
  conv: 'conv2d 32x1x28x28 → 16 filters 3x3: forward + backward',
  transformer: 'transformer encoder block B=8 T=64 d=128 4 heads FFN 512 (LayerNorm, GELU): forward + backward',
} as const;
export type WorkloadName = keyof typeof WORKLOADS;

const param = (shape: number[], scale: number): Tensor => randn(shape).mul(scale).requiresGrad_();

/** MLP 784-256-10 SGD step on a batch of 64 (lr 0.01), written as a user would: F.linear, optim.SGD. */
export function mlpStep(): () => void {
  manualSeed(0);
  const x = randn([64, 784]);
  const y = randint(0, 10, [64], { dtype: 'int32' });
  const w1 = param([256, 784], 1 / 28), b1 = param([256], 0.01);
  const w2 = param([10, 256], 1 / 16), b2 = param([10], 0.01);
  const opt = new SGD([w1, b1, w2, b2], { lr: 0.01 });
  return () => {
    opt.zeroGrad();
    const h = linear(x, w1, b1).relu();
    const logits = linear(h, w2, b2);
    const loss = crossEntropy(logits, y);
    loss.backward();
    opt.step();
  };
}

/** conv2d forward + backward (input and weight grads) of a 32x1x28x28 batch with 16 3x3 filters. */
export function convStep(): () => void {
  manualSeed(0);
  const x = randn([32, 1, 28, 28]).requiresGrad_();
  const w = param([16, 1, 3, 3], 1 / 3), b = param([16], 0.01);
  return () => {
    conv2d(x, w, b).sum().backward();
    x.grad = null; w.grad = null; b.grad = null;
  };
}

/** One pre-LN transformer encoder block, forward + backward. */
export function transformerStep(): () => void {
  manualSeed(0);
  const B = 8, T = 64, d = 128, H = 4, F = 512, hd = d / H;
  const x = randn([B, T, d]).requiresGrad_();
  const s = 1 / Math.sqrt(d);
  const wqkv = param([3 * d, d], s), bqkv = param([3 * d], 0.01);
  const wo = param([d, d], s), bo = param([d], 0.01);
  const w1 = param([F, d], s), b1 = param([F], 0.01);
  const w2 = param([d, F], 1 / Math.sqrt(F)), b2 = param([d], 0.01);
  const g1 = param([d], 0).add(1).detach().requiresGrad_(), be1 = param([d], 0);
  const g2 = param([d], 0).add(1).detach().requiresGrad_(), be2 = param([d], 0);
  const params = [x, wqkv, bqkv, wo, bo, w1, b1, w2, b2, g1, be1, g2, be2];
  return () => {
    const h = layerNorm(x, d, g1, be1);                                   // (B, T, d)
    const qkv = linear(h, wqkv, bqkv);                                    // (B, T, 3d)
    const [q, k, v] = qkv.split(d, -1).map((t) => t.reshape([B, T, H, hd]).transpose(1, 2)) as [Tensor, Tensor, Tensor]; // (B, H, T, hd)
    const att = q.matmul(k.transpose(-2, -1)).mul(1 / Math.sqrt(hd)).softmax(-1); // (B, H, T, T)
    const o = att.matmul(v).transpose(1, 2).reshape([B, T, d]);
    const x1 = x.add(linear(o, wo, bo));
    const f = linear(linear(layerNorm(x1, d, g2, be2), w1, b1).gelu(), w2, b2);
    x1.add(f).sum().backward();
    for (const p of params) p.grad = null;
  };
}

export const BUILDERS: Record<WorkloadName, () => () => void> = { mlp: mlpStep, conv: convStep, transformer: transformerStep };
