// src/data/index.ts — tsgrad/data: datasets, loaders and the CSV parser used by the embedded-dataset loaders.
export { parseCsv, parseNumber, CsvError, type CsvOptions, type CsvResult } from './csv.js';
