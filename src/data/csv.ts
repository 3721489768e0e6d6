// src/data/csv.ts — a small RFC 4180 CSV parser with optional header row and strict numeric conversion.

/** Thrown for malformed CSV; the message names the line and column. */
export class CsvError extends Error {
  constructor(message: string, readonly line: number, readonly column: number) {
    super(message);
    this.name = 'CsvError';
  }
}

export interface CsvOptions {
  /** Field separator (one character). Default ','. */
  delimiter?: string;
  /** Treat the first record as column names. Default false. */
  header?: boolean;
  /**
   * Convert fields to numbers: true for every column, or a list of column names (needs `header`)
   * or 0-based indices. Accepts decimal and exponent notation, surrounding spaces, and
   * nan / inf / -inf / infinity in any case; anything else (including an empty field) throws.
   */
  numeric?: boolean | (string | number)[];
  /** Skip lines that are completely empty. Default true. */
  skipEmptyLines?: boolean;
}

export interface CsvResult<T = string | number> {
  /** Column names when `header` was set, otherwise null. */
  header: string[] | null;
  rows: T[][];
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL: Record<string, number> = {
  nan: NaN, '+nan': NaN, '-nan': NaN, inf: Infinity, '+inf': Infinity, '-inf': -Infinity,
  infinity: Infinity, '+infinity': Infinity, '-infinity': -Infinity,
};

/** Parses one numeric field strictly (Number('') is 0 and Number('0x1f') is 31; we want neither). */
export function parseNumber(field: string): number | null {
  const s = field.trim();
  if (NUMBER.test(s)) return Number(s);
  const special = SPECIAL[s.toLowerCase()];
  return special === undefined ? null : special;
}

interface Field { text: string; line: number; column: number; quoted: boolean }

/** Splits text into records of fields, tracking where each field starts (1-based line and column). */
function tokenize(text: string, delimiter: string, skipEmptyLines: boolean): Field[][] {
  const records: Field[][] = [];
  let record: Field[] = [];
  let i = 0, line = 1, lineStart = 0;
  const n = text.length;
  if (text.charCodeAt(0) === 0xfeff) i = lineStart = 1;       // byte-order mark
  if (i >= n) return records;
  for (;;) {
    const fieldLine = line, fieldColumn = i - lineStart + 1;
    let value = '';
    const quoted = text[i] === '"';
    if (quoted) {
      i++;
      for (;;) {
        if (i >= n) {
          throw new CsvError(`CSV: unterminated quoted field opened at line ${fieldLine}, column ${fieldColumn}`, fieldLine, fieldColumn);
        }
        const c = text[i];
        if (c === '"') {
          if (text[i + 1] === '"') { value += '"'; i += 2; continue; }
          i++;
          break;
        }
        if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) { line++; lineStart = i + 1; }
        value += c;
        i++;
      }
      if (i < n && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') {
        const col = i - lineStart + 1;
        throw new CsvError(`CSV: unexpected ${JSON.stringify(text[i])} after the closing quote at line ${line}, column ${col}; ` +
          'a quoted field must be followed by a delimiter or the end of the line', line, col);
      }
    } else {
      const start = i;
      while (i < n && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') i++;
      value = text.slice(start, i);
    }
    record.push({ text: value, line: fieldLine, column: fieldColumn, quoted });
    if (i < n && text[i] === delimiter) { i++; continue; }
    // end of record: newline (\n, \r\n or \r) or end of input
    const empty = record.length === 1 && record[0].text === '' && !record[0].quoted;
    if (!(skipEmptyLines && empty)) records.push(record);
    record = [];
    if (i >= n) break;
    i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
    line++; lineStart = i;
    if (i >= n) break;                                    // trailing newline ends the file
  }
  return records;
}

/**
 * Parses CSV text. Quoted fields may contain delimiters, newlines and doubled quotes ("").
 * Every record must have as many fields as the first one.
 * @example parseCsv('x,y\n1,2\n3,4\n', { header: true, numeric: true }) // { header: ['x','y'], rows: [[1,2],[3,4]] }
 */
export function parseCsv(text: string, options: CsvOptions & { numeric: true }): CsvResult<number>;
export function parseCsv(text: string, options?: CsvOptions & { numeric?: false }): CsvResult<string>;
export function parseCsv(text: string, options?: CsvOptions): CsvResult;
export function parseCsv(text: string, options: CsvOptions = {}): CsvResult {
  const { delimiter = ',', header = false, numeric = false, skipEmptyLines = true } = options;
  if (typeof text !== 'string') throw new TypeError('parseCsv: text must be a string');
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new TypeError(`parseCsv: delimiter must be one character other than a quote or newline, got ${JSON.stringify(delimiter)}`);
  }
  const records = tokenize(text, delimiter, skipEmptyLines);
  const width = records.length > 0 ? records[0].length : 0;
  for (const r of records) {
    if (r.length !== width) {
      throw new CsvError(`CSV: line ${r[0].line} has ${r.length} fields but line ${records[0][0].line} has ${width}`, r[0].line, 1);
    }
  }
  const names = header && records.length > 0 ? records.shift()!.map((f) => f.text) : header ? [] : null;

  const convert = new Array<boolean>(width).fill(numeric === true);
  if (Array.isArray(numeric)) {
    for (const col of numeric) {
      const k = typeof col === 'number' ? col : names ? names.indexOf(col) : -1;
      if (typeof col === 'string' && !names) throw new TypeError(`parseCsv: numeric column "${col}" named but header is false`);
      if (!Number.isInteger(k) || k < 0 || (records.length > 0 && k >= width)) {
        throw new TypeError(`parseCsv: numeric column ${JSON.stringify(col)} does not exist (columns: ${names ? names.join(', ') : width})`);
      }
      convert[k] = true;
    }
  }
  const rows = records.map((r) => r.map((f, k) => {
    if (!convert[k]) return f.text;
    const v = parseNumber(f.text);
    if (v === null) {
      const col = names ? `column ${k + 1} ("${names[k]}")` : `column ${k + 1}`;
      throw new CsvError(`CSV: line ${f.line}, ${col}: ${f.text.trim() === '' ? 'empty field' : JSON.stringify(f.text)} is not a number`,
        f.line, f.column);
    }
    return v;
  }));
  return { header: names, rows };
}
