// test/data/csv.test.ts — CSV parsing: quoting, line endings, numeric conversion, errors, and the embedded datasets.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CsvError, parseCsv, parseNumber } from '../../src/data/csv.js';

function throwsCsv(fn: () => unknown, message: RegExp, line?: number, column?: number) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof CsvError, `expected CsvError, got ${e}`);
    assert.match(e.message, message);
    if (line !== undefined) assert.equal(e.line, line);
    if (column !== undefined) assert.equal(e.column, column);
    return true;
  });
}

describe('data/csv: parsing', () => {
  it('plain rows, with and without a trailing newline', () => {
    assert.deepEqual(parseCsv('a,b\n1,2\n'), { header: null, rows: [['a', 'b'], ['1', '2']] });
    assert.deepEqual(parseCsv('a,b\n1,2').rows, [['a', 'b'], ['1', '2']]);
    assert.deepEqual(parseCsv('').rows, []);
    assert.deepEqual(parseCsv('\n\n').rows, []);
  });
  it('header row and numeric conversion', () => {
    assert.deepEqual(parseCsv('x,y\n1,2.5\n-3,1e3\n', { header: true, numeric: true }),
      { header: ['x', 'y'], rows: [[1, 2.5], [-3, 1000]] });
    assert.deepEqual(parseCsv('x,y\n', { header: true }), { header: ['x', 'y'], rows: [] });
    assert.deepEqual(parseCsv('', { header: true }), { header: [], rows: [] });
  });
  it('quoted fields with delimiters, newlines and doubled quotes', () => {
    const text = 'name,quote\n"Smith, J","He said ""hi""\nthen left"\n"",x\n';
    assert.deepEqual(parseCsv(text).rows, [['name', 'quote'], ['Smith, J', 'He said "hi"\nthen left'], ['', 'x']]);
  });
  it('CRLF, CR, BOM, and empty lines', () => {
    assert.deepEqual(parseCsv('\ufeffa,b\r\n1,2\r\n\r\n3,4\r5,6').rows, [['a', 'b'], ['1', '2'], ['3', '4'], ['5', '6']]);
    assert.deepEqual(parseCsv('a\n\nb', { skipEmptyLines: false }).rows, [['a'], [''], ['b']]);
    assert.deepEqual(parseCsv('a\n""\nb').rows, [['a'], [''], ['b']]);             // a quoted empty field is data
  });
  it('other delimiters and empty fields', () => {
    assert.deepEqual(parseCsv('a;b;;\n', { delimiter: ';' }).rows, [['a', 'b', '', '']]);
    assert.deepEqual(parseCsv('1\t2\n', { delimiter: '\t', numeric: true }).rows, [[1, 2]]);
  });
  it('numeric columns chosen by name or index', () => {
    const r = parseCsv('id,label,score\n7,cat,0.5\n', { header: true, numeric: ['score', 0] });
    assert.deepEqual(r.rows, [[7, 'cat', 0.5]]);
  });
  it('strict numbers', () => {
    for (const [s, v] of [['1', 1], [' 2.5 ', 2.5], ['-.5', -0.5], ['3.', 3], ['+1E-2', 0.01], ['NaN', NaN], ['-inf', -Infinity], ['Infinity', Infinity]] as const) {
      assert.ok(Object.is(parseNumber(s), v), s);
    }
    for (const s of ['', ' ', '0x10', '1,5', '1e', 'e5', '1.2.3', '--1', 'one', '.']) assert.equal(parseNumber(s), null, s);
  });
});

describe('data/csv: errors name the line and column', () => {
  it('a bad number', () => {
    throwsCsv(() => parseCsv('x,y\n1,2\n3,abc\n', { header: true, numeric: true }), /line 3, column 2 \("y"\): "abc" is not a number/, 3, 3);
    throwsCsv(() => parseCsv('1,2\n3,0x1\n', { numeric: true }), /line 2, column 2: "0x1" is not a number/);
  });
  it('an empty numeric field', () => throwsCsv(() => parseCsv('1,,3', { numeric: true }), /line 1, column 2: empty field is not a number/));
  it('line numbers count newlines inside quoted fields', () =>
    throwsCsv(() => parseCsv('"a\nb",1\nc,x\n', { numeric: [1] }), /line 3, column 2: "x"/, 3));
  it('an unterminated quote', () => throwsCsv(() => parseCsv('a,b\n1,"2\n3,4\n'), /unterminated quoted field opened at line 2, column 3/, 2, 3));
  it('text after a closing quote', () => throwsCsv(() => parseCsv('a,"b"c\n'), /unexpected "c" after the closing quote at line 1, column 6/, 1, 6));
  it('rows of different widths', () => throwsCsv(() => parseCsv('a,b\n1,2,3\n'), /line 2 has 3 fields but line 1 has 2/, 2));
  it('bad options', () => {
    assert.throws(() => parseCsv('a', { delimiter: '::' }), TypeError);
    assert.throws(() => parseCsv('a', { delimiter: '"' }), TypeError);
    assert.throws(() => parseCsv('a,b\n1,2', { header: true, numeric: ['c'] }), /numeric column "c" does not exist/);
    assert.throws(() => parseCsv('1,2', { numeric: ['a'] }), /named but header is false/);
  });
});

describe('data/: embedded datasets parse', () => {
  const load = (f: string) => parseCsv(readFileSync(join(process.cwd(), 'data', f), 'utf8'), { header: true, numeric: true });
  const counts = (rows: number[][]) => {
    const c: Record<number, number> = {};
    for (const r of rows) c[r[r.length - 1]] = (c[r[r.length - 1]] ?? 0) + 1;
    return c;
  };
  it('iris: 150 × 4 features, 50 per class', () => {
    const { header, rows } = load('iris.csv');
    assert.equal(header!.length, 5);
    assert.equal(rows.length, 150);
    assert.deepEqual(counts(rows), { 0: 50, 1: 50, 2: 50 });
    assert.deepEqual(rows[0], [5.1, 3.5, 1.4, 0.2, 0]);
  });
  it('wine: 178 × 13 features, classes 59/71/48', () => {
    const { header, rows } = load('wine.csv');
    assert.equal(header!.length, 14);
    assert.equal(rows.length, 178);
    assert.deepEqual(counts(rows), { 0: 59, 1: 71, 2: 48 });
  });
  it('digits: 1797 × 64 integer pixels in 0..16, ten classes', () => {
    const { header, rows } = load('digits.csv');
    assert.equal(header!.length, 65);
    assert.equal(rows.length, 1797);
    assert.ok(rows.every((r) => r.slice(0, 64).every((v) => Number.isInteger(v) && v >= 0 && v <= 16)));
    assert.equal(Object.keys(counts(rows)).length, 10);
  });
  it('tinyshakespeare: 1,115,394 characters', () => {
    const text = readFileSync(join(process.cwd(), 'data', 'tinyshakespeare.txt'), 'utf8');
    assert.equal(text.length, 1115394);
    assert.ok(text.startsWith('First Citizen:\n'));
  });
});
