// src/data/datasets.ts — the embedded toy datasets (digits, iris, wine) from their CSV text (browser-safe; files are read in ./node.ts).
import { ArgumentError } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { view } from '../ops/shape.js';
import { parseCsv } from './csv.js';

/** sklearn's Bunch: features, integer labels and their names. */
export interface TabularDataset {
  /** (nSamples, nFeatures) float32. */
  data: Tensor;
  /** (nSamples,) int32 class labels 0..nClasses−1. */
  target: Tensor;
  featureNames: string[];
  targetNames: string[];
  /** digits only: (nSamples, 8, 8) float32 view of `data`, like sklearn's `images`. */
  images?: Tensor;
}

export type EmbeddedDatasetName = 'digits' | 'iris' | 'wine';

/** Names as scikit-learn spells them (the CSV headers use file-safe spellings). */
const INFO: Record<EmbeddedDatasetName, { samples: number; features: number; featureNames: string[] | null; targetNames: string[] }> = {
  digits: { samples: 1797, features: 64, featureNames: null, targetNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] },
  iris: {
    samples: 150, features: 4,
    featureNames: ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)'],
    targetNames: ['setosa', 'versicolor', 'virginica'],
  },
  wine: {
    samples: 178, features: 13,
    featureNames: ['alcohol', 'malic_acid', 'ash', 'alcalinity_of_ash', 'magnesium', 'total_phenols', 'flavanoids',
      'nonflavanoid_phenols', 'proanthocyanins', 'color_intensity', 'hue', 'od280/od315_of_diluted_wines', 'proline'],
    targetNames: ['class_0', 'class_1', 'class_2'],
  },
};

/**
 * Builds a dataset from the text of data/<name>.csv (header row, features, then `target`), checking
 * its size. In a browser: `datasetFromCsv('iris', await (await fetch(url)).text())`.
 */
export function datasetFromCsv(name: EmbeddedDatasetName, text: string): TabularDataset {
  const info = INFO[name];
  if (!info) throw new ArgumentError(`datasetFromCsv: unknown dataset ${JSON.stringify(name)}; expected digits, iris or wine`);
  const { header, rows } = parseCsv(text, { header: true, numeric: true });
  if (!header || header.length !== info.features + 1 || header[info.features] !== 'target' || rows.length !== info.samples) {
    throw new ArgumentError(`datasetFromCsv(${name}): expected ${info.samples} rows of ${info.features} features plus "target", got ${rows.length} rows and columns ${JSON.stringify(header)}`);
  }
  const nf = info.features;
  const data = new Float32Array(rows.length * nf);
  const target = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    for (let j = 0; j < nf; j++) data[i * nf + j] = r[j]!;
    target[i] = r[nf]!;
  });
  const out: TabularDataset = {
    data: Tensor.fromArray(data, [rows.length, nf], 'float32'),
    target: Tensor.fromArray(target, [rows.length], 'int32'),
    featureNames: info.featureNames ? [...info.featureNames] : header.slice(0, nf),
    targetNames: [...info.targetNames],
  };
  if (name === 'digits') out.images = view(out.data, [rows.length, 8, 8]);
  return out;
}
