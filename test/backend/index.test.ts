// Backend selection: ready() resolves with the active backend and keeps an explicit setBackend choice.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getBackend, listBackends, ready, setBackend } from '../../src/index.js';

describe('backend/index: ready()', () => {
  it('resolves with the active backend (wasm by default where the sync load works, as in Node)', async () => {
    const be = await ready();
    assert.equal(be, getBackend());
    if (!process.env.TSGRAD_BACKEND && listBackends().includes('wasm')) assert.equal(be.name, 'wasm');
  });
  it('keeps the backend setBackend chose', async () => {
    const prev = getBackend().name;
    try {
      setBackend('js');
      assert.equal((await ready()).name, 'js');
      assert.equal(getBackend().name, 'js');
    } finally {
      setBackend(prev);
    }
  });
});
