// Helpers for the nn golden tests: decode fixtures from tools/golden/nn.py, load a case's state dict
// into a tsgrad module, run forward and backward, and compare outputs, gradients and buffers.
import assert from 'node:assert/strict';
import { Tensor, tensor } from '../../src/index.js';
import type { Module } from '../../src/nn/index.js';
import { expectClose, golden } from '../helpers.js';

export interface Enc { shape: number[]; dtype: 'float32' | 'float64' | 'int32' | 'bool'; data: number[] }
export interface Case {
  state: Record<string, Enc>;
  inputs: (Enc | unknown)[];
  gouts: (Enc | null)[];
  outs: Enc[];
  grads: Record<string, Enc>;
  stateAfter: Record<string, Enc>;
  trainInputs?: Enc[];
}

let cache: Record<string, Case> | null = null;
export function nnCase(name: string): Case {
  cache ??= golden<{ cases: Record<string, Case> }>('nn.json').cases;
  const c = cache[name];
  if (!c) throw new Error(`no golden case ${name} in test/golden/nn.json`);
  return c;
}

export function dec(e: Enc, requiresGrad = false): Tensor {
  const t = tensor(e.data, { dtype: e.dtype }).reshape(e.shape).contiguous();
  if (requiresGrad) t.requiresGrad = true;
  return t;
}

export function flatOuts(out: unknown): Tensor[] {
  if (out instanceof Tensor) return [out];
  if (Array.isArray(out)) return out.flatMap(flatOuts);
  if (out && typeof out === 'object' && 'values' in out && 'indices' in out) return [(out as { values: Tensor }).values, (out as { indices: Tensor }).indices];
  throw new Error(`unexpected output ${String(out)}`);
}

export interface RunOptions { atol?: number; rtol?: number }

/**
 * Loads the case's state into `module` (strict: key names must match PyTorch), runs fn on the case's
 * inputs, and checks outputs, gradients of Σ out·gout for float inputs and parameters, and the state after.
 */
export function runCase(name: string, module: Module | null, fn: (...xs: Tensor[]) => unknown, { atol = 1e-5, rtol = 1e-4 }: RunOptions = {}): Tensor[] {
  const c = nnCase(name);
  if (module) {
    const state: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(c.state)) state[k] = dec(v);
    module.loadStateDict(state);
  }
  const xs = c.inputs.map((e) => dec(e as Enc, (e as Enc).dtype === 'float32' || (e as Enc).dtype === 'float64'));
  const outs = flatOuts(fn(...xs));
  assert.equal(outs.length, c.outs.length, `${name}: number of outputs`);
  outs.forEach((o, i) => expectClose(o, dec(c.outs[i]!), { atol, rtol, msg: `${name} out${i}` }));
  let loss: Tensor | null = null;
  outs.forEach((o, i) => {
    const g = c.gouts[i];
    if (!g || !o.requiresGrad) return;
    const term = o.mul(dec(g)).sum();
    loss = loss ? loss.add(term) : term;
  });
  if (loss) (loss as Tensor).backward();
  for (const [k, e] of Object.entries(c.grads)) {
    let got: Tensor | null;
    if (k.startsWith('input')) got = xs[Number(k.slice(5))]!.grad;
    else got = [...module!.namedParameters()].find(([n]) => n === k)?.[1].grad ?? null;
    assert.ok(got, `${name}: missing gradient for ${k}`);
    expectClose(got!, dec(e), { atol, rtol, msg: `${name} grad ${k}` });
  }
  if (module) {
    const sd = module.stateDict();
    for (const [k, e] of Object.entries(c.stateAfter)) expectClose(sd[k]!, dec(e), { atol, rtol, msg: `${name} state ${k}` });
  }
  return outs;
}
