import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradcheck, manualSeed, randn } from '../../src/index.js';
import { GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell } from '../../src/nn/index.js';
import { runCase } from './nn-golden.js';

const tol = { atol: 2e-5, rtol: 2e-4 };
describe('nn/rnn', () => {
  it('2-layer tanh RNN with h0 (golden)', () => { const m = new RNN(3, 4, { numLayers: 2 }); runCase('RNN_tanh', m, (x, h) => m.call(x, h), tol); });
  it('bidirectional relu RNN, batchFirst (golden)', () => {
    const m = new RNN(3, 4, { nonlinearity: 'relu', bidirectional: true, batchFirst: true });
    runCase('RNN_relu_bidir_bf', m, (x) => m.call(x), tol);
  });
  it('2-layer bidirectional LSTM with (h0, c0) (golden)', () => {
    const m = new LSTM(3, 4, { numLayers: 2, bidirectional: true });
    assert.deepEqual(Object.keys(m.stateDict()).slice(0, 8), ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_ih_l0_reverse', 'weight_hh_l0_reverse', 'bias_ih_l0_reverse', 'bias_hh_l0_reverse']);
    runCase('LSTM_bidir', m, (x, h, c) => m.call(x, [h, c]), tol);
  });
  it('LSTM on an unbatched sequence (golden)', () => { const m = new LSTM(3, 5, { batchFirst: true }); runCase('LSTM_bf_unbatched', m, (x) => m.call(x), tol); });
  it('2-layer GRU batchFirst with h0 (golden)', () => { const m = new GRU(3, 4, { numLayers: 2, batchFirst: true }); runCase('GRU', m, (x, h) => m.call(x, h), tol); });
  it('bidirectional GRU without bias (golden)', () => { const m = new GRU(2, 3, { bidirectional: true, bias: false }); runCase('GRU_bidir_nobias', m, (x) => m.call(x), tol); });
  it('cells (golden)', () => {
    const r = new RNNCell(3, 4); runCase('RNNCell', r, (x, h) => r.call(x, h), tol);
    const l = new LSTMCell(3, 4); runCase('LSTMCell', l, (x, h, c) => l.call(x, [h, c]), tol);
    const g = new GRUCell(3, 4); runCase('GRUCell', g, (x) => g.call(x), tol);
  });
  it('gradchecks LSTM and GRU in float64', () => {
    manualSeed(1);
    const d = { dtype: 'float64' as const, requiresGrad: true };
    const lstm = new LSTM(2, 3);
    for (const p of lstm.parameters()) { p.requiresGrad = false; }
    const state = Object.fromEntries(Object.entries(lstm.stateDict()).map(([k, v]) => [k, v.double()]));
    const l64 = new LSTM(2, 3);
    for (const [k, v] of Object.entries(state)) (l64 as unknown as Record<string, unknown>)[k] = v;
    gradcheck((x) => l64.call(x)[0], [randn([3, 1, 2], d)]);
    const gru = new GRU(2, 2, { bidirectional: true });
    for (const [k, v] of Object.entries(gru.stateDict())) (gru as unknown as Record<string, unknown>)[k] = v.double();
    gradcheck((x) => gru.call(x)[0], [randn([3, 2, 2], d)]);
  });
  it('init is U(±1/√hidden)', () => {
    const m = new LSTM(10, 100);
    for (const p of m.parameters()) assert.ok(p.abs().max().item() <= 0.1);
  });
  it('rejects wrong input size naming the layer', () => {
    assert.throws(() => new GRU(3, 4).call(randn([5, 2, 2])), /GRU: input.size\(-1\) must be equal to input_size. Expected 3, got 2/);
  });
});
