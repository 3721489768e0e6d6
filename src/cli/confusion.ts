// src/cli/confusion.ts — confusion matrices as aligned terminal tables with per-class precision and recall.

export interface ClassStats {
  precision: number[];
  recall: number[];
  f1: number[];
  /** True examples per class (row sums). */
  support: number[];
  accuracy: number;
  macro: { precision: number; recall: number; f1: number };
}

/**
 * Count matrix from labels: m[t][p] = number of examples of true class t predicted as p.
 * @example confusionMatrix([0, 1, 1], [0, 1, 0]) // [[1, 0], [1, 1]]
 */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses?: number): number[][] {
  if (yTrue.length !== yPred.length) {
    throw new RangeError(`confusionMatrix: yTrue has ${yTrue.length} labels but yPred has ${yPred.length}`);
  }
  let k = numClasses ?? 0;
  if (numClasses === undefined) for (let i = 0; i < yTrue.length; i++) k = Math.max(k, yTrue[i] + 1, yPred[i] + 1);
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i], p = yPred[i];
    if (!Number.isInteger(t) || !Number.isInteger(p) || t < 0 || p < 0 || t >= k || p >= k) {
      throw new RangeError(`confusionMatrix: label pair ${i} is (${t}, ${p}); expected integers in [0, ${k})`);
    }
    m[t][p]++;
  }
  return m;
}

/**
 * Per-class precision = m[c][c] / Σₜ m[t][c], recall = m[c][c] / Σₚ m[c][p], F1 their harmonic mean;
 * 0 where the denominator is 0 (scikit-learn's zero_division default).
 */
export function classStats(matrix: ArrayLike<ArrayLike<number>>): ClassStats {
  const k = checkSquare(matrix, 'classStats');
  const precision: number[] = [], recall: number[] = [], f1: number[] = [], support: number[] = [];
  let correct = 0, all = 0;
  for (let c = 0; c < k; c++) {
    let row = 0, col = 0;
    for (let j = 0; j < k; j++) { row += matrix[c][j]; col += matrix[j][c]; }
    const tp = matrix[c][c];
    const p = col > 0 ? tp / col : 0, r = row > 0 ? tp / row : 0;
    precision.push(p); recall.push(r); f1.push(p + r > 0 ? (2 * p * r) / (p + r) : 0); support.push(row);
    correct += tp; all += row;
  }
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / k;
  return {
    precision, recall, f1, support,
    accuracy: all > 0 ? correct / all : 0,
    macro: { precision: mean(precision), recall: mean(recall), f1: mean(f1) },
  };
}

export interface FormatConfusionOptions {
  /** Class names; default 0, 1, 2, ... */
  labels?: string[];
  /** Also print each row as fractions of its total. Default false. */
  normalize?: boolean;
  /** Digits after the point for precision/recall/F1. Default 3. */
  digits?: number;
}

/**
 * An aligned table, rows = true class, columns = predicted class, followed by precision, recall,
 * F1 and support per class, and accuracy and macro averages at the bottom.
 * @example console.log(formatConfusion(confusionMatrix(yTrue, yPred), { labels: ['cat', 'dog'] }))
 */
export function formatConfusion(matrix: ArrayLike<ArrayLike<number>>, opts: FormatConfusionOptions = {}): string {
  const k = checkSquare(matrix, 'formatConfusion');
  const labels = opts.labels ?? Array.from({ length: k }, (_, i) => String(i));
  if (labels.length !== k) throw new RangeError(`formatConfusion: ${labels.length} labels for a ${k}x${k} matrix`);
  const d = opts.digits ?? 3;
  const st = classStats(matrix);
  const cell = (i: number, j: number): string => {
    const v = matrix[i][j];
    if (!opts.normalize) return String(v);
    return st.support[i] > 0 ? (v / st.support[i]).toFixed(2) : '-';
  };

  const corner = 'true \\ pred';
  const head = [corner, ...labels, '', 'precision', 'recall', 'f1', 'support'];
  const rows: string[][] = [];
  for (let i = 0; i < k; i++) {
    rows.push([labels[i], ...labels.map((_, j) => cell(i, j)), '',
      st.precision[i].toFixed(d), st.recall[i].toFixed(d), st.f1[i].toFixed(d), String(st.support[i])]);
  }
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  // Text columns (the row label) align left, numbers right; the blank column separates the two blocks.
  const fmt = (r: string[]) => r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ').trimEnd();
  const rule = '-'.repeat(fmt(head).length);
  const total = st.support.reduce((a, b) => a + b, 0);
  let correct = 0;
  for (let i = 0; i < k; i++) correct += matrix[i][i];
  const foot = [
    `accuracy ${st.accuracy.toFixed(d)} (${correct}/${total})`,
    `macro avg: precision ${st.macro.precision.toFixed(d)}  recall ${st.macro.recall.toFixed(d)}  f1 ${st.macro.f1.toFixed(d)}`,
  ];
  return [fmt(head), rule, ...rows.map(fmt), rule, ...foot].join('\n');
}

function checkSquare(m: ArrayLike<ArrayLike<number>>, op: string): number {
  const k = m.length;
  if (k === 0) throw new RangeError(`${op}: expected a non-empty square matrix, got 0 rows`);
  for (let i = 0; i < k; i++) {
    if (m[i].length !== k) throw new RangeError(`${op}: expected a square matrix, row ${i} has ${m[i].length} values for ${k} rows`);
  }
  return k;
}
