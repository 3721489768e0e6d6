// src/data/node.ts — Node-only data loaders: the embedded datasets in data/ and CSV files from disk.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type CsvTable, type CsvTensorOptions, csvToTensor } from './csv-tensor.js';
import { type EmbeddedDatasetName, type TabularDataset, datasetFromCsv } from './datasets.js';

/** data/ at the package root: this file compiles to dist/src/data/node.js. */
const DATA_DIR = new URL('../../../data/', import.meta.url);

/** Absolute path of a file shipped in the package's data/ folder. */
export function embeddedDataPath(file: string): string {
  return fileURLToPath(new URL(file, DATA_DIR));
}

function readEmbedded(file: string): string {
  try {
    return readFileSync(embeddedDataPath(file), 'utf8');
  } catch (e) {
    throw new Error(`tsgrad: cannot read the embedded dataset ${embeddedDataPath(file)} (${(e as Error).message}); is the package's data/ folder installed?`);
  }
}

const load = (name: EmbeddedDatasetName) => datasetFromCsv(name, readEmbedded(`${name}.csv`));

/** sklearn's load_digits: 1797 8x8 images, data (1797, 64) float32 with pixel values 0..16, target 0..9 int32. */
export const loadDigits = (): TabularDataset => load('digits');
/** sklearn's load_iris: data (150, 4) float32 in cm, target 0..2 (setosa, versicolor, virginica). */
export const loadIris = (): TabularDataset => load('iris');
/** sklearn's load_wine: data (178, 13) float32, target 0..2 (class_0..class_2). */
export const loadWine = (): TabularDataset => load('wine');

/** Karpathy's tinyshakespeare corpus (1,115,394 characters) as one string. */
export function loadTinyShakespeare(): string {
  return readEmbedded('tinyshakespeare.txt');
}

/** Reads a numeric CSV file into a tensor. @example const { data, column } = readCsv('x.csv', { header: true }) */
export function readCsv(path: string, opts: CsvTensorOptions = {}): CsvTable {
  return csvToTensor(readFileSync(path, 'utf8'), opts);
}
