// Recurrent layers: RNN (tanh/relu), LSTM, GRU (multi-layer, bidirectional, batchFirst, inter-layer
// dropout) and their single-step cells. Parameter names and gate order match PyTorch
// (weight_ih_l0, weight_hh_l0_reverse, ...; LSTM gates i, f, g, o; GRU gates r, z, n).
import { zeros } from '../tensor/creation.js';
import { ArgumentError, ShapeError, fmtShape } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { cat, stack } from '../ops/shape.js';
import * as F from './functional.js';
import { Module, Parameter, expectTensor } from './module.js';
import { uniform } from './uniform.js';

export type RnnMode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';
const GATES: Record<RnnMode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

/**
 * One time step. xw = x·W_ihᵀ + b_ih (precomputed for all steps); h, c (LSTM only) the state.
 * RNN: h' = act(xw + h·W_hhᵀ + b_hh).
 * LSTM: i, f, g, o = σ, σ, tanh, σ of (xw + h·W_hhᵀ + b_hh) chunks; c' = f⊙c + i⊙g; h' = o⊙tanh(c').
 * GRU: r, z = σ(x_{r,z} + h_{r,z}); n = tanh(x_n + r⊙h_n); h' = (1 − z)⊙n + z⊙h.
 */
function step(mode: RnnMode, xw: Tensor, h: Tensor, c: Tensor | null, wHh: Tensor, bHh: Tensor | null): [Tensor, Tensor | null] {
  let hw = h.matmul(wHh.T);
  if (bHh) hw = hw.add(bHh);
  if (mode === 'RNN_TANH') return [xw.add(hw).tanh(), null];
  if (mode === 'RNN_RELU') return [xw.add(hw).relu(), null];
  if (mode === 'LSTM') {
    const [i, f, g, o] = xw.add(hw).chunk(4, -1) as [Tensor, Tensor, Tensor, Tensor];
    const c2 = f.sigmoid().mul(c!).add(i.sigmoid().mul(g.tanh()));
    return [o.sigmoid().mul(c2.tanh()), c2];
  }
  const [xr, xz, xn] = xw.chunk(3, -1) as [Tensor, Tensor, Tensor];
  const [hr, hz, hn] = hw.chunk(3, -1) as [Tensor, Tensor, Tensor];
  const r = xr.add(hr).sigmoid();
  const z = xz.add(hz).sigmoid();
  const n = xn.add(r.mul(hn)).tanh();
  return [n.sub(n.mul(z)).add(z.mul(h)), null];
}

export interface RnnOptions {
  numLayers?: number;
  /** For RNN: 'tanh' (default) or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
  bias?: boolean;
  /** Input and output as (N, L, features) instead of (L, N, features). */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, while training. */
  dropout?: number;
  bidirectional?: boolean;
}

type Params = Record<string, Parameter | null>;

/** Shared machinery of RNN, LSTM and GRU. */
export abstract class RNNBase extends Module {
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  protected abstract readonly mode: RnnMode;

  constructor(mode: RnnMode, readonly inputSize: number, readonly hiddenSize: number, o: RnnOptions = {}) {
    super();
    this.numLayers = o.numLayers ?? 1;
    this.bias = o.bias ?? true;
    this.batchFirst = o.batchFirst ?? false;
    this.dropout = o.dropout ?? 0;
    this.bidirectional = o.bidirectional ?? false;
    if (!Number.isInteger(this.numLayers) || this.numLayers < 1) throw new ArgumentError(`${this.constructor.name}: numLayers must be a positive integer, got ${this.numLayers}`);
    if (!(this.dropout >= 0 && this.dropout <= 1)) throw new ArgumentError(`${this.constructor.name}: dropout should be a number in range [0, 1], got ${this.dropout}`);
    const g = GATES[mode] * hiddenSize;
    const k = 1 / Math.sqrt(hiddenSize);
    const dirs = this.bidirectional ? 2 : 1;
    const p = this as unknown as Params;
    // Declaration order matches PyTorch's _flat_weights_names: per layer, per direction: w_ih, w_hh, b_ih, b_hh.
    for (let l = 0; l < this.numLayers; l++) {
      const inSize = l === 0 ? inputSize : hiddenSize * dirs;
      for (let d = 0; d < dirs; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        p[`weight_ih${sfx}`] = new Parameter(uniform([g, inSize], -k, k));
        p[`weight_hh${sfx}`] = new Parameter(uniform([g, hiddenSize], -k, k));
        if (this.bias) {
          p[`bias_ih${sfx}`] = new Parameter(uniform([g], -k, k));
          p[`bias_hh${sfx}`] = new Parameter(uniform([g], -k, k));
        }
      }
    }
  }

  protected param(name: string): Parameter | null {
    return (this as unknown as Params)[name] ?? null;
  }

  /** Runs the stack over a sequence; returns (output, hN, cN). */
  protected run(input: Tensor, hx: Tensor | null, cx: Tensor | null): [Tensor, Tensor, Tensor | null] {
    const who = this.constructor.name;
    expectTensor(input, who);
    if (input.ndim !== 2 && input.ndim !== 3) throw new ShapeError(`${who}: expected a 2-D (unbatched) or 3-D input, got shape ${fmtShape(input.shape)}`);
    if (input.shape[input.ndim - 1] !== this.inputSize) throw new ShapeError(`${who}: input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${input.shape[input.ndim - 1]} (input shape ${fmtShape(input.shape)})`);
    const batched = input.ndim === 3;
    let x = batched ? (this.batchFirst ? input.transpose(0, 1) : input) : input.unsqueeze(1); // (L, N, Hin)
    const [L, N] = x.shape as [number, number];
    const dirs = this.bidirectional ? 2 : 1;
    const stateShape = [this.numLayers * dirs, N, this.hiddenSize];
    const prep = (s: Tensor | null, what: string): Tensor => {
      if (!s) return zeros(stateShape, { dtype: input.dtype });
      const t = batched ? s : s.unsqueeze(1);
      if (t.ndim !== 3 || t.shape.some((v, i) => v !== stateShape[i])) {
        throw new ShapeError(`${who}: expected ${what} of shape ${fmtShape(batched ? stateShape : [stateShape[0]!, stateShape[2]!])}, got ${fmtShape(s.shape)}`);
      }
      return t;
    };
    const h0 = prep(hx, 'hidden state');
    const c0 = this.mode === 'LSTM' ? prep(cx, 'cell state') : null;
    const hN: Tensor[] = [];
    const cN: Tensor[] = [];
    for (let l = 0; l < this.numLayers; l++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < dirs; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        const wIh = this.param(`weight_ih${sfx}`)!, wHh = this.param(`weight_hh${sfx}`)!;
        const bIh = this.param(`bias_ih${sfx}`), bHh = this.param(`bias_hh${sfx}`);
        let xw = x.matmul(wIh.T); // (L, N, G·H), all steps at once
        if (bIh) xw = xw.add(bIh);
        let h = h0.select(0, l * dirs + d);
        let c = c0 ? c0.select(0, l * dirs + d) : null;
        const ys = new Array<Tensor>(L);
        for (let s = 0; s < L; s++) {
          const t = d === 0 ? s : L - 1 - s;
          [h, c] = step(this.mode, xw.select(0, t), h, c, wHh, bHh);
          ys[t] = h;
        }
        outs.push(L > 0 ? stack(ys, 0) : zeros([0, N, this.hiddenSize], { dtype: input.dtype }));
        hN.push(h);
        if (c) cN.push(c);
      }
      x = dirs === 2 ? cat(outs, 2) : outs[0]!;
      if (this.dropout > 0 && this.training && l < this.numLayers - 1) x = F.dropout(x, this.dropout, { training: true });
    }
    const out = batched ? (this.batchFirst ? x.transpose(0, 1) : x) : x.squeeze(1);
    let hOut = stack(hN, 0);
    let cOut = c0 ? stack(cN, 0) : null;
    if (!batched) { hOut = hOut.squeeze(1); cOut = cOut ? cOut.squeeze(1) : null; }
    return [out, hOut, cOut];
  }
  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.numLayers !== 1 ? `, numLayers=${this.numLayers}` : ''}${this.bias ? '' : ', bias=false'}` +
      `${this.batchFirst ? ', batchFirst=true' : ''}${this.dropout ? `, dropout=${this.dropout}` : ''}${this.bidirectional ? ', bidirectional=true' : ''}`;
  }
}

/**
 * Elman RNN: h_t = act(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh). input (L, N, Hin) → [output (L, N, D·H), h_n (layers·D, N, H)].
 */
export class RNN extends RNNBase {
  protected readonly mode: RnnMode;
  constructor(inputSize: number, hiddenSize: number, o: RnnOptions = {}) {
    const nl = o.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new ArgumentError(`RNN: unknown nonlinearity '${String(nl)}' (use 'tanh' or 'relu')`);
    super(nl === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, o);
    this.mode = nl === 'tanh' ? 'RNN_TANH' : 'RNN_RELU';
  }
  forward(input: Tensor, hx: Tensor | null = null): [Tensor, Tensor] {
    const [out, h] = this.run(input, hx, null);
    return [out, h];
  }
}

/** LSTM (Hochreiter & Schmidhuber, 1997). forward(input, [h0, c0]?) → [output, [h_n, c_n]]. */
export class LSTM extends RNNBase {
  protected readonly mode: RnnMode = 'LSTM';
  constructor(inputSize: number, hiddenSize: number, o: Omit<RnnOptions, 'nonlinearity'> = {}) { super('LSTM', inputSize, hiddenSize, o); }
  forward(input: Tensor, hx: readonly [Tensor, Tensor] | null = null): [Tensor, [Tensor, Tensor]] {
    const [out, h, c] = this.run(input, hx ? hx[0] : null, hx ? hx[1] : null);
    return [out, [h, c!]];
  }
}

/** GRU (Cho et al., 2014). forward(input, h0?) → [output, h_n]. */
export class GRU extends RNNBase {
  protected readonly mode: RnnMode = 'GRU';
  constructor(inputSize: number, hiddenSize: number, o: Omit<RnnOptions, 'nonlinearity'> = {}) { super('GRU', inputSize, hiddenSize, o); }
  forward(input: Tensor, hx: Tensor | null = null): [Tensor, Tensor] {
    const [out, h] = this.run(input, hx, null);
    return [out, h];
  }
}

// ---------------------------------------------------------------- cells

abstract class CellBase extends Module {
  readonly weight_ih: Parameter;
  readonly weight_hh: Parameter;
  readonly bias_ih: Parameter | null;
  readonly bias_hh: Parameter | null;
  constructor(protected readonly mode: RnnMode, readonly inputSize: number, readonly hiddenSize: number, bias: boolean) {
    super();
    const g = GATES[mode] * hiddenSize;
    const k = 1 / Math.sqrt(hiddenSize);
    this.weight_ih = new Parameter(uniform([g, inputSize], -k, k));
    this.weight_hh = new Parameter(uniform([g, hiddenSize], -k, k));
    this.bias_ih = bias ? new Parameter(uniform([g], -k, k)) : null;
    this.bias_hh = bias ? new Parameter(uniform([g], -k, k)) : null;
  }
  protected cell(x: Tensor, h: Tensor | null, c: Tensor | null): [Tensor, Tensor | null] {
    const who = this.constructor.name;
    expectTensor(x, who);
    if ((x.ndim !== 1 && x.ndim !== 2) || x.shape[x.ndim - 1] !== this.inputSize) {
      throw new ShapeError(`${who}(${this.inputSize}, ${this.hiddenSize}): expected input of shape (N, ${this.inputSize}) or (${this.inputSize}), got ${fmtShape(x.shape)}`);
    }
    const batched = x.ndim === 2;
    const xb = batched ? x : x.unsqueeze(0);
    const st = [xb.shape[0]!, this.hiddenSize];
    const prep = (s: Tensor | null): Tensor => {
      if (!s) return zeros(st, { dtype: x.dtype });
      const t = batched ? s : s.unsqueeze(0);
      if (t.ndim !== 2 || t.shape[0] !== st[0] || t.shape[1] !== st[1]) throw new ShapeError(`${who}: expected hidden state of shape ${fmtShape(batched ? st : [this.hiddenSize])}, got ${fmtShape(s.shape)}`);
      return t;
    };
    let xw = xb.matmul(this.weight_ih.T);
    if (this.bias_ih) xw = xw.add(this.bias_ih);
    const [h2, c2] = step(this.mode, xw, prep(h), this.mode === 'LSTM' ? prep(c) : null, this.weight_hh, this.bias_hh);
    return batched ? [h2, c2] : [h2.squeeze(0), c2 ? c2.squeeze(0) : null];
  }
  override extraRepr(): string { return `${this.inputSize}, ${this.hiddenSize}${this.bias_ih ? '' : ', bias=false'}`; }
}

/** One Elman step: h' = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh). */
export class RNNCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, { bias = true, nonlinearity = 'tanh' }: { bias?: boolean; nonlinearity?: 'tanh' | 'relu' } = {}) {
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') throw new ArgumentError(`RNNCell: unknown nonlinearity '${String(nonlinearity)}'`);
    super(nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, bias);
  }
  forward(x: Tensor, hx: Tensor | null = null): Tensor { return this.cell(x, hx, null)[0]; }
}
/** One LSTM step: forward(x, [h, c]?) → [h', c']. */
export class LSTMCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, { bias = true }: { bias?: boolean } = {}) { super('LSTM', inputSize, hiddenSize, bias); }
  forward(x: Tensor, hx: readonly [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    const [h, c] = this.cell(x, hx ? hx[0] : null, hx ? hx[1] : null);
    return [h, c!];
  }
}
/** One GRU step: forward(x, h?) → h'. */
export class GRUCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, { bias = true }: { bias?: boolean } = {}) { super('GRU', inputSize, hiddenSize, bias); }
  forward(x: Tensor, hx: Tensor | null = null): Tensor { return this.cell(x, hx, null)[0]; }
}
