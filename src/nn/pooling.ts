// Pooling layers: MaxPool1d/2d (optionally returning indices), AvgPool1d/2d, adaptive average and max pooling.
import type { Tensor } from '../tensor/tensor.js';
import type { Pair } from '../ops/conv.js';
import type { PoolWithIndices } from '../ops/pool.js';
import * as F from './functional.js';
import { Module, expectTensor } from './module.js';

const fmt = (v: unknown): string => (Array.isArray(v) ? `[${v.join(', ')}]` : String(v));

export interface MaxPoolLayerOptions<P> {
  stride?: P | null;
  padding?: P;
  dilation?: P;
  ceilMode?: boolean;
  /** forward returns { values, indices } instead of a tensor. */
  returnIndices?: boolean;
}

/** Max over kh×kw windows of (N, C, H, W); stride defaults to the kernel size. */
export class MaxPool2d extends Module {
  constructor(readonly kernelSize: Pair, readonly options: MaxPoolLayerOptions<Pair> = {}) { super(); }
  forward(x: Tensor): Tensor | PoolWithIndices {
    const r = F.maxPool2dWithIndices(expectTensor(x, 'MaxPool2d'), this.kernelSize, this.options);
    return this.options.returnIndices ? r : r.values;
  }
  override extraRepr(): string { return `kernelSize=${fmt(this.kernelSize)}, stride=${fmt(this.options.stride ?? this.kernelSize)}, padding=${fmt(this.options.padding ?? 0)}`; }
}

export class MaxPool1d extends Module {
  constructor(readonly kernelSize: number, readonly options: MaxPoolLayerOptions<number> = {}) { super(); }
  forward(x: Tensor): Tensor | PoolWithIndices {
    const r = F.maxPool1dWithIndices(expectTensor(x, 'MaxPool1d'), this.kernelSize, this.options);
    return this.options.returnIndices ? r : r.values;
  }
  override extraRepr(): string { return `kernelSize=${this.kernelSize}, stride=${this.options.stride ?? this.kernelSize}`; }
}

export interface AvgPoolLayerOptions<P> {
  stride?: P | null;
  padding?: P;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

export class AvgPool2d extends Module {
  constructor(readonly kernelSize: Pair, readonly options: AvgPoolLayerOptions<Pair> = {}) { super(); }
  forward(x: Tensor): Tensor { return F.avgPool2d(expectTensor(x, 'AvgPool2d'), this.kernelSize, this.options); }
  override extraRepr(): string { return `kernelSize=${fmt(this.kernelSize)}, stride=${fmt(this.options.stride ?? this.kernelSize)}, padding=${fmt(this.options.padding ?? 0)}`; }
}

export class AvgPool1d extends Module {
  constructor(readonly kernelSize: number, readonly options: AvgPoolLayerOptions<number> = {}) { super(); }
  forward(x: Tensor): Tensor { return F.avgPool1d(expectTensor(x, 'AvgPool1d'), this.kernelSize, this.options); }
  override extraRepr(): string { return `kernelSize=${this.kernelSize}, stride=${this.options.stride ?? this.kernelSize}`; }
}

type OutSize2 = number | null | readonly (number | null)[];

/** Averages over adaptive windows so the output is outputSize whatever the input size. */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: OutSize2) { super(); }
  forward(x: Tensor): Tensor { return F.adaptiveAvgPool2d(expectTensor(x, 'AdaptiveAvgPool2d'), this.outputSize); }
  override extraRepr(): string { return `outputSize=${fmt(this.outputSize)}`; }
}
export class AdaptiveAvgPool1d extends Module {
  constructor(readonly outputSize: number) { super(); }
  forward(x: Tensor): Tensor { return F.adaptiveAvgPool1d(expectTensor(x, 'AdaptiveAvgPool1d'), this.outputSize); }
  override extraRepr(): string { return `outputSize=${this.outputSize}`; }
}
export class AdaptiveMaxPool2d extends Module {
  constructor(readonly outputSize: OutSize2, readonly options: { returnIndices?: boolean } = {}) { super(); }
  forward(x: Tensor): Tensor | PoolWithIndices {
    const r = F.adaptiveMaxPool2dWithIndices(expectTensor(x, 'AdaptiveMaxPool2d'), this.outputSize);
    return this.options.returnIndices ? r : r.values;
  }
  override extraRepr(): string { return `outputSize=${fmt(this.outputSize)}`; }
}
export class AdaptiveMaxPool1d extends Module {
  constructor(readonly outputSize: number, readonly options: { returnIndices?: boolean } = {}) { super(); }
  forward(x: Tensor): Tensor | PoolWithIndices {
    const r = F.adaptiveMaxPool1dWithIndices(expectTensor(x, 'AdaptiveMaxPool1d'), this.outputSize);
    return this.options.returnIndices ? r : r.values;
  }
  override extraRepr(): string { return `outputSize=${this.outputSize}`; }
}
