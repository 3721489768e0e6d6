// test/data/datasets.test.ts — the embedded dataset loaders against sklearn's values (test/golden/data/datasets.json).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { golden, tempDir } from '../helpers.js';
import { loadDigits, loadIris, loadTinyShakespeare, loadWine, readCsv } from '../../src/data/node.js';
import { datasetFromCsv } from '../../src/data/datasets.js';
import { DataLoader } from '../../src/data/dataloader.js';
import { TensorDataset } from '../../src/data/dataset.js';
import { IndexError } from '../../src/index.js';

interface G {
  shape: [number, number]; feature_names: string[]; target_names: string[]; class_counts: number[];
  target_weighted_sum: number; data_sum: number; data_weighted_sum: number; data_min: number; data_max: number;
  first_row: number[]; last_row: number[];
}
const G = golden<Record<string, G>>('data/datasets.json');

const close = (a: number, b: number, rel = 1e-9) => assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

describe('data/datasets: embedded loaders match sklearn', () => {
  for (const [name, load] of [['digits', loadDigits], ['iris', loadIris], ['wine', loadWine]] as const) {
    it(`${name}: shapes, dtypes, names, label range and checksums`, () => {
      const g = G[name]!;
      const ds = load();
      assert.deepEqual(ds.data.shape, g.shape);
      assert.equal(ds.data.dtype, 'float32');
      assert.deepEqual(ds.target.shape, [g.shape[0]]);
      assert.equal(ds.target.dtype, 'int32');
      assert.deepEqual(ds.featureNames, g.feature_names);
      assert.deepEqual(ds.targetNames, g.target_names);
      const x = Array.from(ds.data.storage.data as Float32Array);
      const t = Array.from(ds.target.storage.data as Int32Array);
      const counts = g.target_names.map((_, c) => t.filter((v) => v === c).length);
      assert.deepEqual(counts, g.class_counts);
      assert.ok(t.every((v) => v >= 0 && v < g.target_names.length));
      assert.equal(t.reduce((s, v, i) => s + v * ((i % 13) + 1), 0), g.target_weighted_sum);
      const f = g.shape[1];
      let sum = 0, wsum = 0;
      x.forEach((v, k) => { const i = Math.floor(k / f), j = k % f; sum += v; wsum += v * (((i * 7 + j * 3) % 11) + 1); });
      close(sum, g.data_sum);
      close(wsum, g.data_weighted_sum);
      close(Math.min(...x), g.data_min);
      close(Math.max(...x), g.data_max);
      assert.deepEqual(x.slice(0, f), g.first_row);
      assert.deepEqual(x.slice(-f), g.last_row);
    });
  }
  it('digits: pixel values are integers 0..16 and images is an (n, 8, 8) view', () => {
    const d = loadDigits();
    assert.ok(Array.from(d.data.storage.data).every((v) => Number.isInteger(v) && v >= 0 && v <= 16));
    assert.deepEqual(d.images!.shape, [1797, 8, 8]);
    assert.equal(d.images!.storage, d.data.storage);
    assert.deepEqual(d.images!.select(0, 5).select(0, 2).tolist(), d.data.select(0, 5).narrow(0, 16, 8).tolist());
  });
  it('loaders return fresh tensors each call', () => {
    const a = loadIris(), b = loadIris();
    assert.notEqual(a.data.storage, b.data.storage);
  });
  it('tinyshakespeare: size, vocabulary and SHA-256 from data/README.md', () => {
    const text = loadTinyShakespeare();
    assert.equal(text.length, 1115394);
    assert.equal(new Set(text).size, 65);
    assert.equal(createHash('sha256').update(text).digest('hex'), '86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed');
  });
  it('feeds a DataLoader end to end', () => {
    const { data, target } = loadWine();
    const batches = [...new DataLoader(new TensorDataset(data, target), { batchSize: 64, shuffle: true, seed: 0 })];
    assert.deepEqual(batches.map(([x]) => x.shape[0]), [64, 64, 50]);
  });
  it('datasetFromCsv rejects text of the wrong size', () => {
    assert.throws(() => datasetFromCsv('iris', 'a,b,c,d,target\n1,2,3,4,0\n'), /expected 150 rows/);
  });
});

describe('data/node: readCsv', () => {
  const dir = tempDir('csv');
  it('reads a numeric CSV into a tensor with named columns', () => {
    const p = join(dir, 'a.csv');
    writeFileSync(p, 'x,y,label\n1.5,2,0\n-3,1e3,1\n');
    const t = readCsv(p, { header: true });
    assert.deepEqual(t.header, ['x', 'y', 'label']);
    assert.deepEqual(t.data.shape, [2, 3]);
    assert.equal(t.data.dtype, 'float32');
    assert.deepEqual(t.column('y').tolist(), [2, 1000]);
    assert.deepEqual(t.column(-1).tolist(), [0, 1]);
    assert.throws(() => t.column('z'), IndexError);
    const i = readCsv(p, { header: true, dtype: 'float64' });
    assert.equal(i.data.dtype, 'float64');
    assert.throws(() => readCsv(p, { header: true, dtype: 'int32' }), /1.5 is not a valid int32 value/);
    writeFileSync(p, '1;2\n3;4\n');
    assert.deepEqual(readCsv(p, { delimiter: ';', dtype: 'int32' }).data.tolist(), [[1, 2], [3, 4]]);
  });
});
