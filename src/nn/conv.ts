// Convolution layers: Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d (weights in PyTorch's layout,
// PyTorch's default init U(±1/√fanIn)).
import { ArgumentError, ShapeError, fmtShape } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { type Pair, pair } from '../ops/conv.js';
import * as F from './functional.js';
import { Module, Parameter, expectTensor } from './module.js';
import { uniform } from './uniform.js';

export interface ConvLayerOptions<P> {
  stride?: P;
  padding?: P | 'same' | 'valid';
  dilation?: P;
  groups?: number;
  bias?: boolean;
  /** Only 'zeros' is supported (PyTorch's default). */
  paddingMode?: 'zeros';
}

function checkChannels(who: string, inC: number, outC: number, groups: number): void {
  if (!Number.isInteger(groups) || groups < 1) throw new ArgumentError(`${who}: groups must be a positive integer, got ${groups}`);
  if (inC % groups !== 0) throw new ArgumentError(`${who}: in_channels (${inC}) must be divisible by groups (${groups})`);
  if (outC % groups !== 0) throw new ArgumentError(`${who}: out_channels (${outC}) must be divisible by groups (${groups})`);
}

/** Checks (N, C, *spatial) or (C, *spatial) with C = inChannels, naming the layer on failure. */
function checkInput(layer: Module, x: Tensor, spatial: number, inC: number, desc: string): void {
  expectTensor(x, layer.constructor.name);
  const ok = (x.ndim === spatial + 1 && x.shape[0] === inC) || (x.ndim === spatial + 2 && x.shape[1] === inC);
  if (!ok) {
    const dims = spatial === 1 ? 'L' : 'H, W';
    throw new ShapeError(`${desc}: expected input of shape (N, ${inC}, ${dims}) or (${inC}, ${dims}), got ${fmtShape(x.shape)}`);
  }
}

/**
 * 2-D convolution. x (N, Cin, H, W) → (N, Cout, H', W'), H' = ⌊(H + 2p − d(k − 1) − 1)/s⌋ + 1.
 * weight (Cout, Cin/groups, kh, kw), bias (Cout).
 * @example new Conv2d(1, 8, 3, { padding: 1 }).call(randn([2, 1, 28, 28])) // [2, 8, 28, 28]
 */
export class Conv2d extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number] | 'same' | 'valid';
  readonly dilation: [number, number];
  readonly groups: number;
  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Pair, o: ConvLayerOptions<Pair> = {}) {
    super();
    this.kernelSize = pair(kernelSize, 'Conv2d', 'kernelSize');
    this.stride = pair(o.stride ?? 1, 'Conv2d', 'stride');
    const p = o.padding ?? 0;
    this.padding = p === 'same' || p === 'valid' ? p : pair(p, 'Conv2d', 'padding');
    this.dilation = pair(o.dilation ?? 1, 'Conv2d', 'dilation');
    this.groups = o.groups ?? 1;
    if ((o.paddingMode ?? 'zeros') !== 'zeros') throw new ArgumentError(`Conv2d: paddingMode '${o.paddingMode}' is not supported (only 'zeros')`);
    checkChannels('Conv2d', inChannels, outChannels, this.groups);
    if (p === 'same' && (this.stride[0] !== 1 || this.stride[1] !== 1)) throw new ArgumentError("Conv2d: padding='same' is not supported for strided convolutions");
    const fanIn = (inChannels / this.groups) * this.kernelSize[0] * this.kernelSize[1];
    const k = 1 / Math.sqrt(fanIn);
    this.weight = new Parameter(uniform([outChannels, inChannels / this.groups, ...this.kernelSize], -k, k));
    this.bias = (o.bias ?? true) ? new Parameter(uniform([outChannels], -k, k)) : null;
  }
  forward(x: Tensor): Tensor {
    checkInput(this, x, 2, this.inChannels, this.toString());
    return F.conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }
  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize.join(', ')}], stride=[${this.stride.join(', ')}]` +
      `${this.padding === 'same' || this.padding === 'valid' ? `, padding='${this.padding}'` : this.padding.some((v) => v) ? `, padding=[${this.padding.join(', ')}]` : ''}` +
      `${this.dilation.some((v) => v !== 1) ? `, dilation=[${this.dilation.join(', ')}]` : ''}${this.groups !== 1 ? `, groups=${this.groups}` : ''}${this.bias ? '' : ', bias=false'}`;
  }
}

/** 1-D convolution. x (N, Cin, L) → (N, Cout, L'). weight (Cout, Cin/groups, k). */
export class Conv1d extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly stride: number;
  readonly padding: number | 'same' | 'valid';
  readonly dilation: number;
  readonly groups: number;
  constructor(readonly inChannels: number, readonly outChannels: number, readonly kernelSize: number, o: ConvLayerOptions<number> = {}) {
    super();
    this.stride = o.stride ?? 1;
    this.padding = o.padding ?? 0;
    this.dilation = o.dilation ?? 1;
    this.groups = o.groups ?? 1;
    if ((o.paddingMode ?? 'zeros') !== 'zeros') throw new ArgumentError(`Conv1d: paddingMode '${o.paddingMode}' is not supported (only 'zeros')`);
    checkChannels('Conv1d', inChannels, outChannels, this.groups);
    const k = 1 / Math.sqrt((inChannels / this.groups) * kernelSize);
    this.weight = new Parameter(uniform([outChannels, inChannels / this.groups, kernelSize], -k, k));
    this.bias = (o.bias ?? true) ? new Parameter(uniform([outChannels], -k, k)) : null;
  }
  forward(x: Tensor): Tensor {
    checkInput(this, x, 1, this.inChannels, this.toString());
    return F.conv1d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }
  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=${this.kernelSize}, stride=${this.stride}${this.padding ? `, padding=${typeof this.padding === 'string' ? `'${this.padding}'` : this.padding}` : ''}` +
      `${this.dilation !== 1 ? `, dilation=${this.dilation}` : ''}${this.groups !== 1 ? `, groups=${this.groups}` : ''}${this.bias ? '' : ', bias=false'}`;
  }
}

export interface ConvTransposeLayerOptions<P> {
  stride?: P;
  padding?: P;
  outputPadding?: P;
  groups?: number;
  bias?: boolean;
  dilation?: P;
}

/**
 * Transposed 2-D convolution ("deconvolution"). x (N, Cin, H, W) → (N, Cout, H', W'),
 * H' = (H − 1)s − 2p + d(k − 1) + outputPadding + 1. weight (Cin, Cout/groups, kh, kw).
 */
export class ConvTranspose2d extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly outputPadding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;
  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Pair, o: ConvTransposeLayerOptions<Pair> = {}) {
    super();
    this.kernelSize = pair(kernelSize, 'ConvTranspose2d', 'kernelSize');
    this.stride = pair(o.stride ?? 1, 'ConvTranspose2d', 'stride');
    this.padding = pair(o.padding ?? 0, 'ConvTranspose2d', 'padding');
    this.outputPadding = pair(o.outputPadding ?? 0, 'ConvTranspose2d', 'outputPadding');
    this.dilation = pair(o.dilation ?? 1, 'ConvTranspose2d', 'dilation');
    this.groups = o.groups ?? 1;
    checkChannels('ConvTranspose2d', inChannels, outChannels, this.groups);
    // PyTorch's fan_in for a (Cin, Cout/g, kh, kw) weight is Cout/g·kh·kw.
    const k = 1 / Math.sqrt((outChannels / this.groups) * this.kernelSize[0] * this.kernelSize[1]);
    this.weight = new Parameter(uniform([inChannels, outChannels / this.groups, ...this.kernelSize], -k, k));
    this.bias = (o.bias ?? true) ? new Parameter(uniform([outChannels], -k, k)) : null;
  }
  forward(x: Tensor): Tensor {
    checkInput(this, x, 2, this.inChannels, this.toString());
    return F.convTranspose2d(x, this.weight, this.bias, {
      stride: this.stride, padding: this.padding, outputPadding: this.outputPadding, groups: this.groups, dilation: this.dilation,
    });
  }
  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize.join(', ')}], stride=[${this.stride.join(', ')}]` +
      `${this.padding.some((v) => v) ? `, padding=[${this.padding.join(', ')}]` : ''}${this.outputPadding.some((v) => v) ? `, outputPadding=[${this.outputPadding.join(', ')}]` : ''}` +
      `${this.groups !== 1 ? `, groups=${this.groups}` : ''}${this.bias ? '' : ', bias=false'}`;
  }
}

/** Transposed 1-D convolution. x (N, Cin, L) → (N, Cout, L'). weight (Cin, Cout/groups, k). */
export class ConvTranspose1d extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly stride: number;
  readonly padding: number;
  readonly outputPadding: number;
  readonly dilation: number;
  readonly groups: number;
  constructor(readonly inChannels: number, readonly outChannels: number, readonly kernelSize: number, o: ConvTransposeLayerOptions<number> = {}) {
    super();
    this.stride = o.stride ?? 1;
    this.padding = o.padding ?? 0;
    this.outputPadding = o.outputPadding ?? 0;
    this.dilation = o.dilation ?? 1;
    this.groups = o.groups ?? 1;
    checkChannels('ConvTranspose1d', inChannels, outChannels, this.groups);
    const k = 1 / Math.sqrt((outChannels / this.groups) * kernelSize);
    this.weight = new Parameter(uniform([inChannels, outChannels / this.groups, kernelSize], -k, k));
    this.bias = (o.bias ?? true) ? new Parameter(uniform([outChannels], -k, k)) : null;
  }
  forward(x: Tensor): Tensor {
    checkInput(this, x, 1, this.inChannels, this.toString());
    return F.convTranspose1d(x, this.weight, this.bias, {
      stride: this.stride, padding: this.padding, outputPadding: this.outputPadding, groups: this.groups, dilation: this.dilation,
    });
  }
  override extraRepr(): string { return `${this.inChannels}, ${this.outChannels}, kernelSize=${this.kernelSize}, stride=${this.stride}`; }
}
