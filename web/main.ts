// The browser playground: picks the backend (wasm after async init, else js), prints a few tensors and
// gradients, runs a large matmul on one thread and on the worker pool, and trains a small MLP on iris
// with a live loss readout. `?threads=N` sets the pool size. Bundled by web/build.mjs.
import * as tsgrad from '../src/index.js';
import { type Backend } from '../src/backend/index.js';
import { WasmBackend } from '../src/backend/wasm/wasm-backend.js';
import * as data from '../src/data/index.js';
import * as nn from '../src/nn/index.js';
import * as optim from '../src/optim/index.js';

/** What the page found, for people in the console and for test/web/browser.test.ts. */
export interface PlaygroundResults {
  backendBeforeReady: string;
  backend: string;
  wasmBuild: string | null;
  crossOriginIsolated: boolean;
  /** y = Σ a², a = [[1, 2], [3, 4]]: y = 30, ∂y/∂a = 2a. */
  small: { y: number; grad: number[][] };
  /** L = Σ tanh(X·Xᵀ), X = linspace(−1, 1, 4096) as 64×64 (large enough for the wasm kernels). */
  large: { loss: number; grad: number[] };
  /** C = A·B, A and B 512×512 randn, on one thread and then on `numThreads` (the pool, if it started). */
  threads: {
    hardwareConcurrency: number; numThreads: number; poolReady: boolean;
    singleMillis: number; pooledMillis: number; maxAbsDiff: number; maxAbs: number;
  } | null;
  losses: number[];
  accuracy: number | null;
  trainMillis: number;
  done: boolean;
  error: string | null;
}

const results: PlaygroundResults = {
  backendBeforeReady: tsgrad.getBackend().name, backend: '', wasmBuild: null,
  crossOriginIsolated: globalThis.crossOriginIsolated === true,
  small: { y: NaN, grad: [] }, large: { loss: NaN, grad: [] }, threads: null,
  losses: [], accuracy: null, trainMillis: 0, done: false, error: null,
};
Object.assign(globalThis, { tsgrad: { ...tsgrad, nn, optim, data }, playground: results });

const $ = (id: string) => document.getElementById(id)!;
const nextFrame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

function describeBackend(be: Backend): void {
  results.backend = be.name;
  results.wasmBuild = be instanceof WasmBackend ? be.kernels.build : null;
  $('backend').textContent = be.name;
  $('backend-details').textContent = [
    results.wasmBuild ? `WebAssembly ${results.wasmBuild === 'relaxed' ? 'relaxed SIMD' : 'SIMD128'} kernels` : 'JavaScript reference kernels',
    `before ready(): ${results.backendBeforeReady}`,
    `cross-origin isolated: ${results.crossOriginIsolated ? 'yes' : 'no'}`,
  ].join(' · ');
}

function tensorDemo(): void {
  const out: string[] = [];
  const a = tsgrad.tensor([[1, 2], [3, 4]], { requiresGrad: true });
  const y = a.mul(a).sum();
  y.backward();
  results.small = { y: y.item(), grad: a.grad!.tolist() as number[][] };
  out.push('a = tensor([[1, 2], [3, 4]], { requiresGrad: true })', tsgrad.formatTensor(a));
  out.push('', 'y = a.mul(a).sum(); y.backward()', `y = ${tsgrad.formatTensor(y)}`, `a.grad = ${tsgrad.formatTensor(a.grad!)}`);

  const b = tsgrad.arange(12).reshape([3, 4]);
  out.push('', 'b = arange(12).reshape([3, 4]);  b.T  (a view: no copy)', tsgrad.formatTensor(b.T));
  out.push('', 'b.softmax(-1).sum(1)', tsgrad.formatTensor(b.softmax(-1).sum(1)));

  const x = tsgrad.linspace(-1, 1, 64 * 64).reshape([64, 64]).requiresGrad_();
  const t0 = performance.now();
  const loss = x.matmul(x.T).tanh().sum();
  loss.backward();
  const ms = performance.now() - t0;
  results.large = { loss: loss.item(), grad: Array.from(x.grad!.contiguous().storage.data as Float32Array) };
  out.push('', 'X = linspace(-1, 1, 4096).reshape([64, 64]); L = X.matmul(X.T).tanh().sum(); L.backward()',
    `L = ${loss.item().toFixed(4)}   (${ms.toFixed(1)} ms forward + backward on ${results.backend})`,
    `X.grad[0, :4] = ${tsgrad.formatTensor(x.grad!.index(0, ':4'))}`);
  $('tensors').textContent = out.join('\n');
}

/** Best of five runs of `fn` in milliseconds, after five warm-up runs, and its last result. Warm-up
 *  matters: the pool's kernels are a second, freshly compiled module, which V8 tiers up on first use. */
function timed<T>(fn: () => T): { ms: number; out: T } {
  let ms = Infinity, out = fn();
  for (let i = 0; i < 4; i++) fn();
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    out = fn();
    ms = Math.min(ms, performance.now() - t0);
  }
  return { ms, out };
}

/** The same 512×512 matmul on one thread and on the pool (`?threads=N`, else navigator.hardwareConcurrency). */
async function threadsDemo(): Promise<void> {
  const requested = Number(new URLSearchParams(location.search).get('threads'));
  if (requested) tsgrad.setNumThreads(requested);
  const numThreads = tsgrad.getNumThreads();
  tsgrad.manualSeed(0);
  const a = tsgrad.randn([512, 512]), b = tsgrad.randn([512, 512]);
  const product = () => a.matmul(b).storage.data as Float32Array;
  tsgrad.setNumThreads(1);
  const single = timed(product);
  tsgrad.setNumThreads(numThreads);
  const poolReady = await tsgrad.threadsReady(); // workers start asynchronously; until then GEMMs run here
  const pooled = timed(product);
  let maxAbsDiff = 0, maxAbs = 0;
  single.out.forEach((v, i) => {
    maxAbsDiff = Math.max(maxAbsDiff, Math.abs(v - pooled.out[i]!));
    maxAbs = Math.max(maxAbs, Math.abs(v));
  });
  const hardwareConcurrency = navigator.hardwareConcurrency;
  results.threads = { hardwareConcurrency, numThreads, poolReady, singleMillis: single.ms, pooledMillis: pooled.ms, maxAbsDiff, maxAbs };
  $('threads').textContent = `${numThreads} (navigator.hardwareConcurrency ${hardwareConcurrency})` +
    (numThreads > 1 ? `, workers ${poolReady ? 'ready' : 'not ready: single-threaded'}` : '');
  $('matmul').textContent = `1 thread ${single.ms.toFixed(1)} ms, ${numThreads} threads ${pooled.ms.toFixed(1)} ms` +
    ` (max |difference| ${maxAbsDiff.toExponential(1)})`;
}

function plot(losses: number[]): void {
  const c = $('plot') as HTMLCanvasElement;
  const g = c.getContext('2d')!;
  g.clearRect(0, 0, c.width, c.height);
  if (losses.length < 2) return;
  const max = Math.max(...losses), pad = 8;
  g.strokeStyle = '#2a6fdb';
  g.lineWidth = 2;
  g.beginPath();
  losses.forEach((l, i) => {
    const px = pad + (i / (losses.length - 1)) * (c.width - 2 * pad);
    const py = c.height - pad - (l / max) * (c.height - 2 * pad);
    if (i === 0) g.moveTo(px, py); else g.lineTo(px, py);
  });
  g.stroke();
  g.fillStyle = '#666';
  g.fillText(`loss (max ${max.toFixed(3)})`, pad + 4, pad + 10);
}

async function trainIris(): Promise<void> {
  $('status').textContent = 'fetching data/iris.csv…';
  const res = await fetch(new URL('../data/iris.csv', document.baseURI));
  if (!res.ok) throw new Error(`fetching data/iris.csv: HTTP ${res.status}`);
  const iris = data.datasetFromCsv('iris', await res.text());

  tsgrad.manualSeed(0);
  const [xTrain, xTest, yTrain, yTest] = data.trainTestSplit(iris.data, iris.target, { testSize: 0.2, seed: 0, stratify: iris.target });
  const mean = xTrain.mean(0), std = xTrain.std(0);
  const norm = (x: tsgrad.Tensor) => x.sub(mean).div(std);
  const model = new nn.Sequential(new nn.Linear(4, 32), new nn.ReLU(), new nn.Linear(32, 32), new nn.ReLU(), new nn.Linear(32, 3));
  const lossFn = new nn.CrossEntropyLoss();
  const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
  const xs = norm(xTrain), xt = norm(xTest);

  const epochs = 150;
  const t0 = performance.now();
  for (let epoch = 1; epoch <= epochs; epoch++) {
    opt.zeroGrad();
    const loss = lossFn.call(model.call(xs), yTrain) as tsgrad.Tensor;
    loss.backward();
    opt.step();
    results.losses.push(loss.item());
    if (epoch % 10 === 0 || epoch === epochs) { // let the page repaint: a live readout
      $('status').textContent = 'training…';
      $('epoch').textContent = `${epoch} / ${epochs}`;
      $('loss').textContent = loss.item().toFixed(4);
      plot(results.losses);
      await nextFrame();
    }
  }
  results.trainMillis = performance.now() - t0;
  model.eval();
  const pred = tsgrad.noGrad(() => model.call(xt) as tsgrad.Tensor).argmax(1);
  results.accuracy = pred.eq(yTest).float().mean().item();
  $('accuracy').textContent = `${(results.accuracy * 100).toFixed(1)}% (${xTest.shape[0]} held-out flowers)`;
  $('status').textContent = `done: ${epochs} epochs in ${results.trainMillis.toFixed(0)} ms`;
}

async function main(): Promise<void> {
  try {
    describeBackend(await tsgrad.ready()); // wasm, compiled asynchronously if the sync load was refused
    tensorDemo();
    await threadsDemo();
    await trainIris();
  } catch (e) {
    results.error = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e);
    $('error').textContent = results.error;
    console.error(e);
  } finally {
    results.done = true;
    document.body.dataset.done = 'true';
  }
}

void main();
