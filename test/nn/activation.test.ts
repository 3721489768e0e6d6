import { describe, it } from 'node:test';
import * as nn from '../../src/nn/index.js';
import { runCase } from './nn-golden.js';

describe('nn/activation (golden)', () => {
  const cases: [string, nn.Module][] = [
    ['ReLU', new nn.ReLU()], ['GELU', new nn.GELU()], ['GELU_tanh', new nn.GELU('tanh')], ['Sigmoid', new nn.Sigmoid()],
    ['Tanh', new nn.Tanh()], ['SiLU', new nn.SiLU()], ['Softmax', new nn.Softmax(1)], ['LogSoftmax', new nn.LogSoftmax(1)],
    ['LeakyReLU', new nn.LeakyReLU(0.2)], ['ELU', new nn.ELU(0.7)], ['Softplus', new nn.Softplus(2, 3)], ['Hardtanh', new nn.Hardtanh(-0.5, 0.8)],
    ['ReLU6', new nn.ReLU6()], ['Mish', new nn.Mish()], ['SELU', new nn.SELU()], ['Hardswish', new nn.Hardswish()], ['Softmin', new nn.Softmin(1)],
  ];
  for (const [name, m] of cases) it(name, () => { runCase(`act_${name}`, m, (x) => m.call(x)); });
});
