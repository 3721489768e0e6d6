// src/cli/progress.ts — progress bars for training loops: a live bar on a terminal, sparse log lines elsewhere.
import cliProgress from 'cli-progress';

export type Fields = Record<string, number | string | boolean | null | undefined>;

export interface ProgressOptions {
  /** Number of steps; omit (or 0) when unknown: the bar then shows count, rate and elapsed time. */
  total?: number;
  /** Text before the bar, e.g. `epoch 3/10`. */
  label?: string;
  /** What one step is called in the rate (`it/s`, `batch/s`, ...). Default 'it'. */
  unit?: string;
  /** Where to write. Default process.stdout. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Force the live bar (true) or plain log lines (false). Default: whether the stream is a terminal. */
  tty?: boolean;
  /** Plain mode: fewest milliseconds between two progress lines (a 10% step must also have passed). Default 2000. */
  minIntervalMs?: number;
  /** Plain mode: print a line after this long even without a 10% step (a heartbeat). Default 30000. */
  maxIntervalMs?: number;
  /** Clock in milliseconds; tests pass a fake one. */
  now?: () => number;
}

export interface Progress {
  /** Advance by `n` steps (default 1) and update the live fields (loss, acc, lr, ...). */
  tick(fields?: Fields, n?: number): void;
  /** Set the step count directly. */
  update(value: number, fields?: Fields): void;
  /** Print a message without breaking the bar. */
  log(message: string): void;
  /** Finish: draw the final state and move to a new line. Safe to call twice. */
  done(fields?: Fields): void;
  readonly value: number;
}

/**
 * A progress bar with count, rate, ETA and live fields.
 * On a terminal it redraws one line (cli-progress, at most 10 times a second); elsewhere (CI, a
 * file) it prints a plain line only when 10% more is done and at least `minIntervalMs` passed, or
 * after `maxIntervalMs` of silence, plus one final line: at most about 12 lines per bar plus one
 * per 30 s, whatever the step count.
 * @example
 * const bar = progress({ total: loader.length, label: `epoch ${epoch}` });
 * for (const [x, y] of loader) { ...; bar.tick({ loss: loss.item() }); }
 * bar.done();
 */
export function progress(opts: ProgressOptions = {}): Progress {
  const stream = opts.stream ?? process.stdout;
  const tty = opts.tty ?? (stream.isTTY === true && process.env.TERM !== 'dumb');
  const now = opts.now ?? (() => performance.now());
  const total = opts.total && opts.total > 0 ? opts.total : 0;
  if (opts.total !== undefined && !(Number.isFinite(opts.total) && opts.total >= 0)) {
    throw new RangeError(`progress: total must be a non-negative finite number, got ${opts.total}`);
  }
  const state: State = {
    label: opts.label ?? '', unit: opts.unit ?? 'it', total, value: 0, fields: {},
    start: now(), samples: [],
  };
  state.samples.push([state.start, 0]);
  return tty ? new TtyProgress(state, stream, now) : new PlainProgress(state, stream, now, opts);
}

interface State {
  label: string;
  unit: string;
  total: number;
  value: number;
  fields: Fields;
  start: number;
  /** (time, value) pairs of the last few seconds, for the rate. */
  samples: [number, number][];
}

const RATE_WINDOW_MS = 10_000;

abstract class Base implements Progress {
  protected finished = false;
  constructor(protected s: State, protected stream: NodeJS.WritableStream, protected now: () => number) {}
  get value(): number { return this.s.value; }

  tick(fields?: Fields, n = 1): void { this.update(this.s.value + n, fields); }

  update(value: number, fields?: Fields): void {
    if (this.finished) return;
    if (!Number.isFinite(value)) throw new RangeError(`progress: step count must be finite, got ${value}`);
    this.s.value = value;
    if (fields) Object.assign(this.s.fields, fields);
    const t = this.now(), smp = this.s.samples;
    smp.push([t, value]);
    while (smp.length > 2 && smp[1][0] < t - RATE_WINDOW_MS) smp.shift();
    this.changed(t);
  }

  done(fields?: Fields): void {
    if (this.finished) return;
    if (fields) Object.assign(this.s.fields, fields);
    this.finished = true;
    this.finish();
  }

  abstract log(message: string): void;
  protected abstract changed(t: number): void;
  protected abstract finish(): void;
}

/** Steps per second over the last few seconds (the whole run while it is shorter). */
function rate(s: State, t: number): number {
  const [t0, v0] = s.samples[0];
  const dt = (t - t0) / 1000;
  return dt > 0 ? (s.value - v0) / dt : 0;
}

/** "1:05" or "2:03:07", like tqdm. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const sec = Math.round(ms / 1000);
  const h = Math.floor(sec / 3600), m = Math.floor((sec % 3600) / 60), ss = sec % 60;
  const two = (v: number) => String(v).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(ss)}` : `${m}:${two(ss)}`;
}

function formatRate(r: number, unit: string): string {
  if (!(r > 0)) return `? ${unit}/s`;
  if (r < 1) return `${(1 / r).toFixed(2)} s/${unit}`;
  return `${r >= 100 ? r.toFixed(0) : r.toFixed(2)} ${unit}/s`;
}

/** `loss=0.3012 acc=0.91`: 4 significant digits, integers unchanged. */
export function formatFields(fields: Fields): string {
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? formatNumber(v) : String(v)}`)
    .join(' ');
}

function formatNumber(v: number): string {
  if (Number.isInteger(v) || !Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e6) return v.toExponential(3).replace(/\.?0+e/, 'e').replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}

/** The status text after the bar: `40/100 [0:05<0:07, 8.00 it/s] loss=0.3`. */
function status(s: State, t: number, final: boolean): string {
  const elapsed = t - s.start;
  const r = final ? (elapsed > 0 ? (s.value / elapsed) * 1000 : 0) : rate(s, t);
  const count = s.total ? `${s.value}/${s.total}` : `${s.value} ${s.unit}`;
  let time = formatDuration(elapsed);
  if (s.total && !final) time += `<${r > 0 ? formatDuration(((s.total - s.value) / r) * 1000) : '?'}`;
  const f = formatFields(s.fields);
  return `${count} [${time}, ${formatRate(r, s.unit)}]${f ? ' ' + f : ''}`;
}

function percent(s: State): string {
  return `${String(Math.floor((100 * Math.min(s.value, s.total)) / s.total)).padStart(3)}%`;
}

class PlainProgress extends Base {
  private lastLine: number;
  private lastDecile = 0;
  private readonly minGap: number;
  private readonly maxGap: number;

  constructor(s: State, stream: NodeJS.WritableStream, now: () => number, o: ProgressOptions) {
    super(s, stream, now);
    this.lastLine = s.start;
    this.minGap = o.minIntervalMs ?? 2000;
    this.maxGap = o.maxIntervalMs ?? 30_000;
  }

  log(message: string): void { this.stream.write(message + '\n'); }

  protected changed(t: number): void {
    const s = this.s;
    const decile = s.total ? Math.floor((10 * Math.min(s.value, s.total)) / s.total) : 0;
    const gap = t - this.lastLine;
    // The 100% line is left to done(), which also reports the mean rate.
    const step = decile > this.lastDecile && decile < 10 && gap >= this.minGap;
    if (step || gap >= this.maxGap) this.print(t, false);
    if (step) this.lastDecile = decile;
  }

  protected finish(): void { this.print(this.now(), true); }

  private print(t: number, final: boolean): void {
    const s = this.s;
    const pct = s.total ? ` ${percent(s).trim()}` : '';
    this.stream.write(`${s.label ? s.label + ':' : ''}${pct} ${status(s, t, final)}${final ? ' done' : ''}`.trimStart() + '\n');
    this.lastLine = t;
  }
}

const BAR_WIDTH = 24;

/** cli-progress's SingleBar whose redraw timer never keeps the process alive. */
class LiveBar extends cliProgress.SingleBar {
  override render(): void {
    super.render();
    (this as unknown as { timer?: NodeJS.Timeout }).timer?.unref?.();
  }
  /** Write a line above the bar, then redraw the bar below it. */
  printAbove(message: string): void {
    const internals = this as unknown as {
      terminal: { cursorTo(x: number, y: null): void; clearRight(): void; write(s: string): void; cursorSave(): void };
      lastDrawnString: string;
    };
    internals.terminal.cursorTo(0, null);
    internals.terminal.clearRight();
    internals.terminal.write(message + '\n');
    // stop() restores the cursor saved at start(); re-save it on the bar's new line.
    internals.terminal.cursorSave();
    internals.lastDrawnString = '';
    this.render();
  }
}

class TtyProgress extends Base {
  private bar: LiveBar;

  constructor(s: State, stream: NodeJS.WritableStream, now: () => number) {
    super(s, stream, now);
    this.bar = new LiveBar({
      stream,
      // We build the whole line ourselves; cli-progress handles redraw throttling and the terminal.
      format: (_o, params, payload: { line?: string }) => {
        const line = payload.line ?? '';
        return params.maxWidth > 10 && line.length > params.maxWidth - 1 ? line.slice(0, params.maxWidth - 2) + '…' : line;
      },
      hideCursor: false,        // a crashed run must not leave the cursor hidden
      linewrap: false,
      fps: 10,
      clearOnComplete: false,
      stopOnComplete: false,
    });
    this.bar.start(Math.max(1, s.total), 0, { line: this.line(s.start, false) });
  }

  log(message: string): void {
    if (this.finished) this.stream.write(message + '\n');
    else this.bar.printAbove(message);
  }

  protected changed(t: number): void {
    this.bar.update(Math.min(this.s.value, Math.max(1, this.s.total)), { line: this.line(t, false) });
  }

  protected finish(): void {
    this.bar.update(Math.min(this.s.value, Math.max(1, this.s.total)), { line: this.line(this.now(), true) });
    this.bar.stop();
  }

  private line(t: number, final: boolean): string {
    const s = this.s;
    const head = s.label ? `${s.label}: ` : '';
    if (!s.total) return head + status(s, t, final);
    const rest = ` ${status(s, t, final)}`;
    // Shrink the bar before the status text gets cut off on a narrow terminal.
    const columns = (this.stream as { columns?: number }).columns ?? 100;
    const width = Math.max(8, Math.min(BAR_WIDTH, columns - 1 - head.length - 6 - rest.length));
    const filled = (width * Math.min(s.value, s.total)) / s.total;
    const full = Math.floor(filled);
    // Eighth blocks give the bar sub-character resolution.
    const part = full < width ? ' ▏▎▍▌▋▊▉'[Math.floor((filled - full) * 8)] : '';
    const bar = '█'.repeat(full) + part + ' '.repeat(Math.max(0, width - full - part.length));
    return `${head}${percent(s)}|${bar}|${rest}`;
  }
}
