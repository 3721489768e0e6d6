// test/io/files.test.ts — Tensor-level safetensors files: torch-written fixtures, byte equality, corrupt files, atomic saves, Module round trips.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { arange, slice, tensor, Tensor, type DType, TsgradError } from '../../src/index.js';
import { Module, Parameter } from '../../src/nn/module.js';
import { load, loadSafetensors, loadSafetensorsSync, readNpy, save, saveSafetensors, saveSafetensorsSync, saveSync, writeNpy } from '../../src/io/node.js';
import { SafetensorsError } from '../../src/io/safetensors.js';
import { NpyError } from '../../src/io/npy.js';
import { deserializeStateDict, serializeStateDict } from '../../src/io/state-dict.js';
import { TensorConversionError } from '../../src/io/tensor-bridge.js';
import { tempDir } from '../helpers.js';

const GOLDEN = join(process.cwd(), 'test', 'golden', 'io');
const UPDATE = process.env.TSGRAD_UPDATE_GOLDEN === '1';
const tmp = () => tempDir('io');
const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

interface Exp { metadata: Record<string, string> | null; order: string[]; tensors: Record<string, { dtype: string; shape: number[]; values: (number | string)[] }> }
const expected = (name: string): Exp => JSON.parse(readFileSync(join(GOLDEN, `${name}.expected.json`), 'utf8'));
const num = (v: number | string) => (typeof v === 'number' ? v : v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v));
const DT: Record<string, DType> = { F32: 'float32', F64: 'float64', I32: 'int32', BOOL: 'bool', F16: 'float16', BF16: 'bfloat16', I64: 'int32', I16: 'int32', I8: 'int32', U8: 'int32' };

function assertSame(a: Tensor, b: Tensor, what: string) {
  assert.equal(a.dtype, b.dtype, `${what} dtype`);
  assert.deepEqual(a.shape, b.shape, `${what} shape`);
  const x = a.toFlatArray(), y = b.toFlatArray();
  x.forEach((v, i) => assert.ok(Object.is(v, y[i]), `${what}[${i}]: ${v} vs ${y[i]}`));
}

/** The torch_native tensors rebuilt in tsgrad, with the same (non-)contiguity as on the torch side. */
function nativeTensors(): Record<string, Tensor> {
  const e = expected('torch_native').tensors;
  const mk = (k: string) => { const t = e[k]!; return tensor(t.values.map(num), { dtype: DT[t.dtype] }).reshape(t.shape); };
  const out: Record<string, Tensor> = {};
  for (const k of Object.keys(e)) out[k] = mk(k);
  out.w_t = arange(12).reshape([3, 4]).float().div(8).t();                       // non-contiguous, as in torch
  const hv = e.h_strided!.values.map(num);
  out.h_strided = slice(tensor([[hv[0]!, 9, hv[1]!, 9], [hv[2]!, 9, hv[3]!, 9]], { dtype: 'float16' }), 1, 0, null, 2);
  return out;
}

describe('io/files: safetensors written by torch-side tooling', () => {
  it('torch_native.safetensors loads to equal tensors of every tsgrad dtype', async () => {
    const { tensors, metadata } = await loadSafetensors(join(GOLDEN, 'torch_native.safetensors'));
    assert.equal(metadata, undefined);
    const want = nativeTensors();
    assert.deepEqual(Object.keys(tensors).sort(), Object.keys(want).sort());
    for (const [k, t] of Object.entries(want)) assertSame(tensors[k]!, t.contiguous(), k);
  });
  it('our file for the same tensors (incl. non-contiguous ones) is byte-identical to torch\'s', () => {
    assert.ok(!nativeTensors().w_t!.isContiguous() && !nativeTensors().h_strided!.isContiguous());
    const ours = serializeStateDict(nativeTensors());
    const path = join(GOLDEN, 'tsgrad_native.safetensors');
    // Verified once when written: /usr/bin/python3 tools/golden/data_io_fixtures.py (runs check_safetensors.py on it)
    if (UPDATE) saveSafetensorsSync(nativeTensors(), path);
    assert.equal(hex(ours), hex(readFileSync(join(GOLDEN, 'torch_native.safetensors'))));
    assert.equal(hex(ours), hex(readFileSync(path)));
  });
  it('torch_ints.safetensors: I64/I16/I8/U8 load as int32', () => {
    const { tensors } = loadSafetensorsSync(join(GOLDEN, 'torch_ints.safetensors'));
    for (const [k, e] of Object.entries(expected('torch_ints').tensors)) {
      assertSame(tensors[k]!, tensor(e.values.map(num), { dtype: 'int32' }).reshape(e.shape), k);
    }
  });
  it('an I64 value beyond int32 fails with the tensor name and the path', async () => {
    await assert.rejects(loadSafetensors(join(GOLDEN, 'mixed.safetensors')),
      (e: unknown) => e instanceof TensorConversionError && /mixed\.safetensors: rawToTensor: tensor "ids" \(I64, shape \[3\]\) holds 4611686018427387905/.test(e.message));
  });
});

describe('io/files: round trips', () => {
  it('every dtype, contiguous or not, survives save → load with metadata', async () => {
    const dir = tmp();
    const base = arange(24).reshape([2, 3, 4]).sub(7).div(3);
    const ts: Record<string, Tensor> = {};
    for (const d of ['float32', 'float64', 'int32', 'bool', 'float16', 'bfloat16'] as DType[]) {
      const t = d === 'bool' ? base.gt(0) : d === 'int32' ? base.mul(3).round().to('int32') : base.to(d);
      ts[d] = t;
      ts[`${d}.permuted`] = t.permute([2, 0, 1]);
      ts[`${d}.sliced`] = slice(t, 2, 1, null, 2);
    }
    await saveSafetensors(ts, join(dir, 'a.safetensors'), { note: 'hi' });
    const { tensors, metadata } = await loadSafetensors(join(dir, 'a.safetensors'));
    assert.deepEqual(metadata, { note: 'hi' });
    for (const [k, t] of Object.entries(ts)) assertSame(tensors[k]!, t.contiguous(), k);
  });
  it('serializeStateDict / deserializeStateDict on bytes', () => {
    const sd = { a: tensor([1, 2]), 'b.c': tensor([[true]]) };
    const back = deserializeStateDict(serializeStateDict(sd));
    assertSame(back.a!, sd.a, 'a');
    assertSame(back['b.c']!, sd['b.c'], 'b.c');
  });
  it('save/load: a single tensor or a state dict', async () => {
    const dir = tmp();
    const t = arange(6).reshape([2, 3]).t();
    await save(t, join(dir, 't.safetensors'));
    const back = await load(join(dir, 't.safetensors'));
    assert.ok(back instanceof Tensor);
    assertSame(back, t.contiguous(), 't');
    saveSync({ x: t }, join(dir, 'sd.safetensors'));
    const sd = await load(join(dir, 'sd.safetensors'));
    assert.ok(!(sd instanceof Tensor));
    assertSame(sd.x!, t.contiguous(), 'x');
  });

  class Net extends Module {
    w = new Parameter(tensor([[1, 2, 3], [4, 5, 6]]));
    b = new Parameter(tensor([0.5, -0.5]));
    inner = new (class Inner extends Module { v = new Parameter(tensor([7], { dtype: 'float64' })); forward() { return null; } })();
    constructor() { super(); this.registerBuffer('count', tensor([3], { dtype: 'int32' })); }
    forward(x: Tensor) { return x; }
  }
  it('Module.stateDict → save → load → loadStateDict round trip', async () => {
    const dir = tmp();
    const a = new Net();
    await saveSafetensors(a, join(dir, 'net.safetensors'));
    const b = new Net();
    for (const p of b.parameters()) p.detach().zero_();
    (b as unknown as { count: Tensor }).count.zero_();
    const { tensors } = await loadSafetensors(join(dir, 'net.safetensors'));
    assert.deepEqual(Object.keys(tensors).sort(), ['b', 'count', 'inner.v', 'w']);
    b.loadStateDict(tensors);
    for (const [k, t] of Object.entries(a.stateDict())) assertSame(b.stateDict()[k]!, t, k);
    assert.ok(b.w.requiresGrad);
  });
});

describe('io/files: corrupt files and failed saves', () => {
  it('truncated and corrupt files throw SafetensorsError naming the path', async () => {
    const dir = tmp();
    const good = serializeStateDict({ a: arange(10).float() });
    const p = join(dir, 'bad.safetensors');
    writeFileSync(p, good.subarray(0, good.length - 3));
    await assert.rejects(loadSafetensors(p), (e: unknown) => e instanceof SafetensorsError && e instanceof TsgradError &&
      e.message.includes(p) && /run past the end of the data buffer.*truncated file/.test(e.message));
    writeFileSync(p, good.subarray(0, 5));
    assert.throws(() => loadSafetensorsSync(p), /input is 5 bytes.*truncated/);
    const bad = good.slice();
    bad[8] = 0x20;
    writeFileSync(p, bad);
    await assert.rejects(load(p), /does not start with "\{"/);
    writeFileSync(p, 'not a safetensors file at all');
    await assert.rejects(loadSafetensors(p), SafetensorsError);
    await assert.rejects(loadSafetensors(join(dir, 'missing.safetensors')), /ENOENT/);
  });
  it('a failed save leaves the existing file untouched and no temporary files behind', async () => {
    const dir = tmp();
    const p = join(dir, 'model.safetensors');
    await saveSafetensors({ a: tensor([1, 2, 3]) }, p);
    const before = readFileSync(p);
    await assert.rejects(saveSafetensors({ a: tensor([9]), b: [1, 2] as unknown as Tensor }, p), /value for "b" is/);
    await assert.rejects(saveSafetensors({ a: tensor([9]) }, p, { n: 3 as unknown as string }), /metadata\["n"\] is a number/);
    assert.throws(() => saveSafetensorsSync({ __metadata__: tensor([1]) }, p), /reserved/);
    await assert.rejects(save(tensor([1]), join(dir, 'no-such-dir', 'x.safetensors')), /ENOENT/);
    assert.deepEqual(readFileSync(p), before);
    assert.deepEqual(readdirSync(dir), ['model.safetensors']);
  });
});

describe('io/files: .npy', () => {
  it('readNpy reads numpy files of any byte/memory order into tensors', () => {
    const npy = join(GOLDEN, 'npy');
    const f = readNpy(join(npy, 'f8_be_fortran_3d.npy'));
    assert.equal(f.dtype, 'float64');
    assert.deepEqual(f.shape, [2, 3, 4]);
    assertSame(f, readNpy(join(npy, 'f8_be_fortran_3d.canon.npy')), 'fortran vs C');
    assert.deepEqual(readNpy(join(npy, 'i4_fortran.npy')).tolist(), arange(24).reshape([2, 3, 4]).tolist());
    assert.equal(readNpy(join(npy, 'b1.npy')).dtype, 'bool');
    assert.equal(readNpy(join(npy, 'f2.npy')).dtype, 'float16');
    assert.throws(() => readNpy(join(npy, 'i8.npy')), TensorConversionError);
  });
  it('writeNpy → readNpy, and numpy\'s bytes for a C-order float32 array', () => {
    const dir = tmp();
    const t = arange(6).reshape([2, 3]).float().t();
    writeNpy(join(dir, 'a.npy'), t);
    assertSame(readNpy(join(dir, 'a.npy')), t.contiguous(), 'npy');
    writeNpy(join(dir, 'v.npy'), tensor([0.5, -0.25]));
    assert.deepEqual(readFileSync(join(dir, 'v.npy')), readFileSync(join(GOLDEN, 'npy', 'v3_f4.canon.npy')));
    writeFileSync(join(dir, 'bad.npy'), 'nope');
    assert.throws(() => readNpy(join(dir, 'bad.npy')), (e: unknown) => e instanceof NpyError && e.message.includes('bad.npy'));
  });
});
