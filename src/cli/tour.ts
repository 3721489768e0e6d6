#!/usr/bin/env node
// A short tour of tsgrad's tensor semantics and autograd, printed with real values (`npm run tour`).
import * as tg from '../index.js';

const say = (title: string, ...vals: unknown[]): void => {
  console.log(`\n# ${title}`);
  for (const v of vals) console.log(String(v));
};

tg.manualSeed(0);
const x = tg.arange(12, undefined, 1, { dtype: 'float32' }).view([3, 4]);
say('arange(12).view([3, 4])', x);
const xt = x.t();
say('x.t() is a view: shares storage, not contiguous', `isContiguous: ${xt.isContiguous()}, same storage: ${xt.storage === x.storage}`);
try {
  xt.view([12]);
} catch (e) {
  say('x.t().view([12]) throws like PyTorch', (e as Error).message);
}
say('x.t().reshape([12]) copies because it must', xt.reshape([12]));
say('repeat vs repeatInterleave', tg.tensor([1, 2, 3]).repeat([2]), tg.tensor([1, 2, 3]).repeatInterleave(2));
say('arange(1, 1.3, 0.1) has ceil(0.3/0.1) = 4 elements (float rounding)', tg.arange(1, 1.3, 0.1));
say('randperm(6): a permutation of 0..5', tg.randperm(6));
say('broadcasting: (3,1) + (4,) → (3,4)', tg.tensor([[0], [10], [20]]).add(tg.tensor([1, 2, 3, 4])));
say('indexing: x.index(\'1:\', [0, 3]) and a boolean mask', x.index('1:', [0, 3]), x.index(x.gt(8)));

const w = tg.randn([4, 2], { requiresGrad: true });
const b = tg.zeros([2], { requiresGrad: true });
const y = tg.softmax(x.matmul(w).add(b), -1);
const loss = y.index(':', 0).log().neg().mean();
loss.backward();
say('autograd: loss = mean(−log softmax(xW + b)[:, 0])', loss, w.grad, b.grad);
const ok = tg.gradcheck((a: tg.Tensor) => a.tanh().mul(a.sigmoid()).sum(0), [tg.randn([3, 2], { dtype: 'float64', requiresGrad: true })]);
say('gradcheck(tanh(a)·σ(a)) in float64', ok);
const v = tg.tensor([1, 2, 3], { requiresGrad: true });
const e = v.exp();
e.add_(1);
try {
  e.sum().backward();
} catch (err) {
  say('in-place change of a saved tensor is caught', (err as Error).message);
}
say('einsum(\'ij,jk->ik\') equals matmul', tg.einsum('ij,jk->ik', x, w).sub(x.matmul(w)).abs().max());
console.log(`\nbackend: ${tg.getBackend().name}`);
