// Activation layers: thin modules over the functional activations (src/ops/activation.ts, elementwise).
import type { Tensor } from '../tensor/tensor.js';
import * as F from './functional.js';
import { Module, expectTensor } from './module.js';

export class ReLU extends Module { forward(x: Tensor): Tensor { return expectTensor(x, 'ReLU').relu(); } }
export class Sigmoid extends Module { forward(x: Tensor): Tensor { return expectTensor(x, 'Sigmoid').sigmoid(); } }
export class Tanh extends Module { forward(x: Tensor): Tensor { return expectTensor(x, 'Tanh').tanh(); } }
export class SiLU extends Module { forward(x: Tensor): Tensor { return expectTensor(x, 'SiLU').silu(); } }
export class Mish extends Module { forward(x: Tensor): Tensor { return F.mish(expectTensor(x, 'Mish')); } }
export class ReLU6 extends Module { forward(x: Tensor): Tensor { return F.relu6(expectTensor(x, 'ReLU6')); } }
export class SELU extends Module { forward(x: Tensor): Tensor { return F.selu(expectTensor(x, 'SELU')); } }
export class Hardsigmoid extends Module { forward(x: Tensor): Tensor { return F.hardsigmoid(expectTensor(x, 'Hardsigmoid')); } }
export class Hardswish extends Module { forward(x: Tensor): Tensor { return F.hardswish(expectTensor(x, 'Hardswish')); } }
export class LogSigmoid extends Module { forward(x: Tensor): Tensor { return F.logsigmoid(expectTensor(x, 'LogSigmoid')); } }
export class Softsign extends Module { forward(x: Tensor): Tensor { return F.softsign(expectTensor(x, 'Softsign')); } }
export class Tanhshrink extends Module { forward(x: Tensor): Tensor { return F.tanhshrink(expectTensor(x, 'Tanhshrink')); } }

/** GELU: x·Φ(x), or the tanh approximation with approximate 'tanh'. */
export class GELU extends Module {
  constructor(readonly approximate: 'none' | 'tanh' = 'none') { super(); }
  forward(x: Tensor): Tensor { return expectTensor(x, 'GELU').gelu({ approximate: this.approximate }); }
  override extraRepr(): string { return `approximate='${this.approximate}'`; }
}
export class Softmax extends Module {
  constructor(readonly dim = -1) { super(); }
  forward(x: Tensor): Tensor { return F.softmax(expectTensor(x, 'Softmax'), this.dim); }
  override extraRepr(): string { return `dim=${this.dim}`; }
}
export class LogSoftmax extends Module {
  constructor(readonly dim = -1) { super(); }
  forward(x: Tensor): Tensor { return F.logSoftmax(expectTensor(x, 'LogSoftmax'), this.dim); }
  override extraRepr(): string { return `dim=${this.dim}`; }
}
/** softmin(x) = softmax(−x). */
export class Softmin extends Module {
  constructor(readonly dim = -1) { super(); }
  forward(x: Tensor): Tensor { return F.softmax(expectTensor(x, 'Softmin').neg(), this.dim); }
}
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) { super(); }
  forward(x: Tensor): Tensor { return F.leakyRelu(expectTensor(x, 'LeakyReLU'), this.negativeSlope); }
  override extraRepr(): string { return `negativeSlope=${this.negativeSlope}`; }
}
export class ELU extends Module {
  constructor(readonly alpha = 1) { super(); }
  forward(x: Tensor): Tensor { return F.elu(expectTensor(x, 'ELU'), this.alpha); }
  override extraRepr(): string { return `alpha=${this.alpha}`; }
}
export class CELU extends Module {
  constructor(readonly alpha = 1) { super(); }
  forward(x: Tensor): Tensor { return F.celu(expectTensor(x, 'CELU'), this.alpha); }
}
export class Softplus extends Module {
  constructor(readonly beta = 1, readonly threshold = 20) { super(); }
  forward(x: Tensor): Tensor { return F.softplus(expectTensor(x, 'Softplus'), { beta: this.beta, threshold: this.threshold }); }
  override extraRepr(): string { return `beta=${this.beta}, threshold=${this.threshold}`; }
}
export class Hardtanh extends Module {
  constructor(readonly minVal = -1, readonly maxVal = 1) { super(); }
  forward(x: Tensor): Tensor { return F.hardtanh(expectTensor(x, 'Hardtanh'), this.minVal, this.maxVal); }
  override extraRepr(): string { return `minVal=${this.minVal}, maxVal=${this.maxVal}`; }
}
export class GLU extends Module {
  constructor(readonly dim = -1) { super(); }
  forward(x: Tensor): Tensor { return F.glu(expectTensor(x, 'GLU'), this.dim); }
}
