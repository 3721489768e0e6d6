// src/data/index.ts — tsgrad/data: datasets, samplers, the DataLoader, splits, CSV parsing (browser-safe).
// File-reading loaders (loadDigits, loadIris, loadWine, loadTinyShakespeare, readCsv) live in ./node.js (entry tsgrad/node).
export { parseCsv, parseNumber, CsvError, type CsvOptions, type CsvResult } from './csv.js';
export { csvToTensor, type CsvTable, type CsvTensorOptions } from './csv-tensor.js';
export { Dataset, TensorDataset, Subset, ConcatDataset, randomSplit, type DatasetLike } from './dataset.js';
export { Sampler, SequentialSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler, BatchSampler, type RandomSamplerOptions } from './sampler.js';
export { DataLoader, defaultCollate, type Collated, type DataLoaderOptions } from './dataloader.js';
export { trainTestSplit, type TrainTestSplitOptions } from './split.js';
export { datasetFromCsv, type TabularDataset, type EmbeddedDatasetName } from './datasets.js';
