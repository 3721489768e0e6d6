// src/data/split.ts — trainTestSplit: shuffle rows of matching tensors into train and test parts (sklearn's train_test_split).
import { Generator } from '../random/generator.js';
import { ArgumentError, ShapeError, fmtShape } from '../tensor/errors.js';
import { Tensor, gatherStrided } from '../tensor/tensor.js';
import { indexSelect } from '../ops/index.js';

export interface TrainTestSplitOptions {
  /** Fraction (0, 1) or count of test samples. Default 0.25 (or the complement of trainSize). */
  testSize?: number;
  /** Fraction or count of train samples. Default: the rest. */
  trainSize?: number;
  /** Seed of the shuffle: same seed, same split. Default 0. */
  seed?: number;
  /** Or an explicit generator. */
  generator?: Generator;
  /** Shuffle before splitting (default true); false takes the first rows for train. */
  shuffle?: boolean;
  /** Class labels (1-D, int or bool): keep each class's proportion in both parts. */
  stratify?: Tensor | null;
}

function count(v: number, n: number, what: string): number {
  if (Number.isInteger(v) && v >= 1) {
    if (v >= n) throw new ArgumentError(`trainTestSplit: ${what}=${v} should be smaller than the number of samples ${n}`);
    return v;
  }
  if (v > 0 && v < 1) return v;
  throw new ArgumentError(`trainTestSplit: ${what}=${v} should be a fraction in (0, 1) or a positive integer`);
}

function shuffled(a: number[], g: Generator): number[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = g.below(i + 1);
    const t = a[i]!; a[i] = a[j]!; a[j] = t;
  }
  return a;
}

/**
 * Splits x and y (same first dim) into [xTrain, xTest, yTrain, yTest]. Sizes follow sklearn:
 * nTest = ceil(testSize·n), nTrain = n − nTest. With `stratify`, each class gets its share of the
 * test set by largest remainders (sklearn's StratifiedShuffleSplit allocation, different RNG).
 * @example const [xTrain, xTest, yTrain, yTest] = trainTestSplit(iris.data, iris.target, { testSize: 0.2, seed: 0, stratify: iris.target })
 */
export function trainTestSplit(x: Tensor, y: Tensor, opts: TrainTestSplitOptions = {}): [Tensor, Tensor, Tensor, Tensor] {
  for (const [t, name] of [[x, 'x'], [y, 'y']] as const) {
    if (!(t instanceof Tensor) || t.ndim === 0) throw new ArgumentError(`trainTestSplit: ${name} must be a tensor with a sample dim`);
  }
  const n = x.shape[0]!;
  if (y.shape[0] !== n) throw new ShapeError(`trainTestSplit: x and y have inconsistent numbers of samples: x ${fmtShape(x.shape)}, y ${fmtShape(y.shape)}`);
  const { shuffle = true, stratify = null } = opts;
  if (opts.generator && opts.seed !== undefined) throw new ArgumentError('trainTestSplit: give seed or generator, not both');
  const g = opts.generator ?? new Generator(opts.seed ?? 0);

  let nTest: number, nTrain: number;
  const test = opts.testSize === undefined ? undefined : count(opts.testSize, n, 'testSize');
  const train = opts.trainSize === undefined ? undefined : count(opts.trainSize, n, 'trainSize');
  const abs = (v: number) => (v < 1 ? v * n : v);
  if (test === undefined && train === undefined) { nTest = Math.ceil(0.25 * n); nTrain = n - nTest; }
  else if (test !== undefined) { nTest = test < 1 ? Math.ceil(test * n) : test; nTrain = train === undefined ? n - nTest : train < 1 ? Math.floor(train * n) : train; }
  else { nTrain = train! < 1 ? Math.floor(train! * n) : train!; nTest = n - nTrain; }
  if (test !== undefined && train !== undefined && abs(test) + abs(train) > n + 1e-9) {
    throw new ArgumentError(`trainTestSplit: testSize + trainSize (${nTest} + ${nTrain}) exceeds the ${n} samples`);
  }
  if (nTrain <= 0 || nTest <= 0) throw new ArgumentError(`trainTestSplit: with n=${n} samples the split gives ${nTrain} train and ${nTest} test samples; adjust testSize/trainSize`);

  let trainIdx: number[], testIdx: number[];
  if (stratify) {
    if (!shuffle) throw new ArgumentError('trainTestSplit: stratified splitting requires shuffle=true (as in sklearn)');
    if (stratify.ndim !== 1 || stratify.shape[0] !== n) throw new ShapeError(`trainTestSplit: stratify must be 1-D with ${n} labels, got ${fmtShape(stratify.shape)}`);
    const labels = gatherStrided(stratify);
    const byClass = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const c = labels[i]!;
      if (!byClass.has(c)) byClass.set(c, []);
      byClass.get(c)!.push(i);
    }
    const classes = [...byClass.keys()].sort((a, b) => a - b);
    if (classes.some((c) => byClass.get(c)!.length < 2)) throw new ArgumentError('trainTestSplit: the least populated class in stratify has only 1 member; each class needs at least 2');
    if (nTest < classes.length || nTrain < classes.length) throw new ArgumentError(`trainTestSplit: the test (${nTest}) and train (${nTrain}) sizes must be at least the number of classes (${classes.length})`);
    // Largest-remainder allocation of nTest and nTrain over the classes.
    const allot = (total: number, cap: (c: number) => number): Map<number, number> => {
      const exact = classes.map((c) => (byClass.get(c)!.length * total) / n);
      const m = new Map(classes.map((c, k) => [c, Math.min(Math.floor(exact[k]!), cap(c))]));
      let left = total - [...m.values()].reduce((a, b) => a + b, 0);
      const order = classes.map((c, k) => [exact[k]! - Math.floor(exact[k]!), k] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
      for (let r = 0; left > 0 && r < 10 * classes.length; r++) {
        const c = classes[order[r % order.length]![1]]!;
        if (m.get(c)! < cap(c)) { m.set(c, m.get(c)! + 1); left--; }
      }
      return m;
    };
    const testPer = allot(nTest, (c) => byClass.get(c)!.length - 1);
    const trainPer = allot(nTrain, (c) => byClass.get(c)!.length - testPer.get(c)!);
    trainIdx = [];
    testIdx = [];
    for (const c of classes) {
      const members = shuffled([...byClass.get(c)!], g);
      const t = testPer.get(c)!;
      testIdx.push(...members.slice(0, t));
      trainIdx.push(...members.slice(t, t + trainPer.get(c)!));
    }
    shuffled(trainIdx, g);
    shuffled(testIdx, g);
  } else {
    const perm = Array.from({ length: n }, (_, i) => i);
    if (shuffle) shuffled(perm, g);
    trainIdx = perm.slice(0, nTrain);
    testIdx = perm.slice(nTrain, nTrain + nTest);
  }
  const pick = (t: Tensor, idx: number[]) => indexSelect(t, 0, Tensor.fromArray(Int32Array.from(idx), [idx.length], 'int32'));
  return [pick(x, trainIdx), pick(x, testIdx), pick(y, trainIdx), pick(y, testIdx)];
}
