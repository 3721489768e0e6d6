// src/data/csv-tensor.ts — numeric CSV text → a 2-D tensor plus its column names (browser-safe).
import { type DType, allocate, checkDType, roundInPlace } from '../tensor/dtype.js';
import { ArgumentError, IndexError } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { select } from '../ops/shape.js';
import { type CsvOptions, parseCsv } from './csv.js';

export interface CsvTensorOptions extends Omit<CsvOptions, 'numeric'> {
  /** Element type of the result (default float32). int32 and bool columns must hold integers / 0-1. */
  dtype?: DType;
}

/** A numeric table: `data` is (rows, columns); `column(name | index)` is a 1-D view of one column. */
export interface CsvTable {
  header: string[] | null;
  data: Tensor;
  column(which: string | number): Tensor;
}

/**
 * Parses numeric CSV into a tensor (every field must be a number; nan/inf allowed for floats).
 * @example const { data, column } = csvToTensor('x,y\n1,2\n3,4\n', { header: true }); column('y') // [2, 4]
 */
export function csvToTensor(text: string, opts: CsvTensorOptions = {}): CsvTable {
  const { dtype: d = 'float32', ...csv } = opts;
  const dtype = checkDType(d, 'readCsv');
  const { header, rows } = parseCsv(text, { ...csv, numeric: true });
  const width = rows.length ? rows[0]!.length : header?.length ?? 0;
  const out = allocate(dtype, rows.length * width);
  rows.forEach((r, i) => r.forEach((v, j) => {
    if ((dtype === 'int32' && !Number.isInteger(v)) || (dtype === 'bool' && v !== 0 && v !== 1)) {
      throw new ArgumentError(`readCsv: row ${i + 1}, column ${j + 1}${header ? ` ("${header[j]}")` : ''}: ${v} is not a valid ${dtype} value`);
    }
    out[i * width + j] = v;
  }));
  roundInPlace(dtype, out);
  const data = Tensor.fromArray(out, [rows.length, width], dtype);
  return {
    header,
    data,
    column(which) {
      const j = typeof which === 'number' ? (which < 0 ? which + width : which) : header ? header.indexOf(which) : -1;
      if (!Number.isInteger(j) || j < 0 || j >= width) {
        throw new IndexError(`readCsv: no column ${JSON.stringify(which)} (columns: ${header ? header.join(', ') : `0..${width - 1}`})`);
      }
      return select(data, 1, j);
    },
  };
}
