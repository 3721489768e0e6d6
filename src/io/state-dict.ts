// src/io/state-dict.ts — state dicts and checkpoints to and from safetensors bytes (browser-safe, no Node imports).
import { TsgradError } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { decodeSafetensors, encodeSafetensors, SafetensorsError } from './safetensors.js';
import { rawToTensor, tensorToRaw } from './tensor-bridge.js';
import type { RawTensor } from './raw-tensor.js';

/** Anything with PyTorch's state-dict protocol: a Module, an optimizer, a scheduler. */
export interface Stateful<S = unknown> {
  stateDict(): S;
  loadStateDict(state: S, ...rest: never[]): unknown;
}

export type StateDict = Record<string, Tensor>;

function isStateful(x: unknown): x is { stateDict(): unknown } {
  return typeof x === 'object' && x !== null && typeof (x as { stateDict?: unknown }).stateDict === 'function';
}

/** A state dict from a record of tensors or from anything with stateDict() (a Module). */
export function asStateDict(obj: StateDict | { stateDict(): StateDict }, op: string): StateDict {
  const sd = isStateful(obj) ? obj.stateDict() : obj;
  if (sd === null || typeof sd !== 'object' || Array.isArray(sd) || sd instanceof Tensor) {
    throw new SafetensorsError(`${op}: expected a record of tensors or a Module, got ${sd === null ? 'null' : Array.isArray(sd) ? 'an array' : typeof sd}`);
  }
  for (const [k, v] of Object.entries(sd)) {
    if (!(v instanceof Tensor)) {
      throw new SafetensorsError(`${op}: value for "${k}" is ${v === null ? 'null' : typeof v === 'object' ? (v as object).constructor?.name ?? 'an object' : `a ${typeof v}`}, not a Tensor`);
    }
  }
  return sd;
}

function rawRecord(sd: StateDict): Record<string, RawTensor> {
  const out: Record<string, RawTensor> = {};
  for (const [k, t] of Object.entries(sd)) {
    Object.defineProperty(out, k, { value: tensorToRaw(t, `tensor "${k}"`), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * A state dict (or a Module's) as safetensors bytes, byte-identical to what Python's
 * `safetensors.torch.save` writes for the same tensors. Non-contiguous tensors are gathered.
 * @example const bytes = serializeStateDict(model); localStorage.setItem('m', btoa(...))
 */
export function serializeStateDict(obj: StateDict | { stateDict(): StateDict }, metadata?: Record<string, string> | null): Uint8Array {
  return encodeSafetensors(rawRecord(asStateDict(obj, 'serializeStateDict')), metadata);
}

/** Tensors and metadata from safetensors bytes (integer types beyond int32 range throw). */
export function decodeTensors(bytes: Uint8Array): { tensors: StateDict; metadata?: Record<string, string> } {
  const { tensors: raw, metadata } = decodeSafetensors(bytes);
  const tensors: StateDict = {};
  for (const [k, r] of Object.entries(raw)) {
    Object.defineProperty(tensors, k, { value: rawToTensor(r, `tensor "${k}"`), enumerable: true, writable: true, configurable: true });
  }
  return metadata === undefined ? { tensors } : { tensors, metadata };
}

/** The inverse of serializeStateDict: name → Tensor. @example model.loadStateDict(deserializeStateDict(bytes)) */
export function deserializeStateDict(bytes: Uint8Array): StateDict {
  return decodeTensors(bytes).tensors;
}

// ---- checkpoints: model + optimizer tensors in the safetensors body, everything else as JSON metadata

export class CheckpointError extends TsgradError {}

export const CHECKPOINT_FORMAT = 'tsgrad.checkpoint.v1';

export interface CheckpointInput {
  /** A Module (or a record of tensors): stored under "model.<key>". */
  model: StateDict | { stateDict(): StateDict };
  /** Any object with stateDict(); its tensors go under "optimizer.<path>", the rest into the metadata. */
  optimizer?: { stateDict(): unknown } | null;
  epoch?: number;
  /** JSON-serialisable values (non-finite numbers survive). */
  metrics?: Record<string, unknown>;
  /** Anything else JSON-serialisable (a generator state, a config, ...). */
  extra?: unknown;
}

export interface Checkpoint {
  model: StateDict;
  optimizer: unknown;
  epoch: number | undefined;
  metrics: Record<string, unknown>;
  extra: unknown;
}

const TENSOR_REF = '__tensor__';
const NUMBER_REF = '__number__';

/** Replaces tensors inside a JSON-like value by {"__tensor__": key}, collecting them in `out`. */
function stripTensors(v: unknown, path: string, out: StateDict, seen: Set<unknown>): unknown {
  if (v instanceof Tensor) {
    let key = path;
    for (let n = 1; key in out; n++) key = `${path}#${n}`;
    out[key] = v;
    return { [TENSOR_REF]: key };
  }
  if (typeof v === 'number' && !Number.isFinite(v)) return { [NUMBER_REF]: String(v) };
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') {
      throw new CheckpointError(`saveCheckpoint: ${path} is a ${typeof v}, which a checkpoint cannot store`);
    }
    return v;
  }
  if (seen.has(v)) throw new CheckpointError(`saveCheckpoint: ${path} refers back to itself (circular structure)`);
  seen.add(v);
  let r: unknown;
  if (Array.isArray(v)) r = v.map((x, i) => stripTensors(x, `${path}.${i}`, out, seen));
  else if (v instanceof Map) r = { __map__: [...v].map(([k, x], i) => [k, stripTensors(x, `${path}.${i}`, out, seen)]) };
  else {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) o[k] = stripTensors(x, `${path}.${k}`, out, seen);
    r = o;
  }
  seen.delete(v);
  return r;
}

function restoreTensors(v: unknown, tensors: StateDict): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => restoreTensors(x, tensors));
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && keys[0] === TENSOR_REF) {
    const t = tensors[o[TENSOR_REF] as string];
    if (!t) throw new CheckpointError(`loadCheckpoint: metadata refers to tensor "${String(o[TENSOR_REF])}", which the file does not contain`);
    return t;
  }
  if (keys.length === 1 && keys[0] === NUMBER_REF) return Number(o[NUMBER_REF]);
  if (keys.length === 1 && keys[0] === '__map__' && Array.isArray(o.__map__)) {
    return new Map((o.__map__ as [unknown, unknown][]).map(([k, x]) => [k, restoreTensors(x, tensors)]));
  }
  const r: Record<string, unknown> = {};
  for (const k of keys) r[k] = restoreTensors(o[k], tensors);
  return r;
}

/**
 * A training checkpoint as safetensors bytes: model tensors as "model.<key>", optimizer tensors
 * as "optimizer.<path>", and epoch, metrics, the optimizer's non-tensor state and `extra` as JSON
 * strings in "__metadata__" (so the file still opens in Python's safetensors).
 */
export function encodeCheckpoint(c: CheckpointInput): Uint8Array {
  if (c === null || typeof c !== 'object') throw new CheckpointError('saveCheckpoint: expected { model, optimizer?, epoch?, metrics?, extra? }');
  if (c.epoch !== undefined && !Number.isFinite(c.epoch)) throw new CheckpointError(`saveCheckpoint: epoch must be a finite number, got ${c.epoch}`);
  const tensors: StateDict = {};
  for (const [k, t] of Object.entries(asStateDict(c.model, 'saveCheckpoint(model)'))) tensors[`model.${k}`] = t;
  const metadata: Record<string, string> = { format: CHECKPOINT_FORMAT };
  if (c.optimizer != null) {
    if (!isStateful(c.optimizer)) throw new CheckpointError('saveCheckpoint: optimizer must have a stateDict() method');
    metadata.optimizer = JSON.stringify(stripTensors(c.optimizer.stateDict(), 'optimizer', tensors, new Set()));
  }
  if (c.epoch !== undefined) metadata.epoch = String(c.epoch);
  metadata.metrics = JSON.stringify(stripTensors(c.metrics ?? {}, 'metrics', tensors, new Set()));
  if (c.extra !== undefined) metadata.extra = JSON.stringify(stripTensors(c.extra, 'extra', tensors, new Set()));
  return serializeStateDict(tensors, metadata);
}

/**
 * Reads checkpoint bytes. When `model` / `optimizer` are given, their loadStateDict is called
 * (model strictly unless strict: false).
 */
export function decodeCheckpoint(
  bytes: Uint8Array,
  into: { model?: { loadStateDict(s: StateDict, o?: { strict?: boolean }): unknown }; optimizer?: { loadStateDict(s: any): unknown }; strict?: boolean } = {},
): Checkpoint {
  const { tensors, metadata } = decodeTensors(bytes);
  if (metadata?.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(`loadCheckpoint: not a tsgrad checkpoint (metadata "format" is ${JSON.stringify(metadata?.format ?? null)}, expected "${CHECKPOINT_FORMAT}"); use load() for plain state dicts`);
  }
  const parse = (key: string): unknown => {
    const s = metadata[key];
    if (s === undefined) return undefined;
    try { return restoreTensors(JSON.parse(s), tensors); } catch (e) {
      if (e instanceof CheckpointError) throw e;
      throw new CheckpointError(`loadCheckpoint: metadata "${key}" is not valid JSON (${(e as Error).message})`);
    }
  };
  const model: StateDict = {};
  for (const [k, t] of Object.entries(tensors)) if (k.startsWith('model.')) model[k.slice(6)] = t;
  const c: Checkpoint = {
    model,
    optimizer: parse('optimizer'),
    epoch: metadata.epoch === undefined ? undefined : Number(metadata.epoch),
    metrics: (parse('metrics') ?? {}) as Record<string, unknown>,
    extra: parse('extra'),
  };
  if (into.model) into.model.loadStateDict(model, { strict: into.strict ?? true });
  if (into.optimizer) {
    if (c.optimizer === undefined) throw new CheckpointError('loadCheckpoint: an optimizer was given but the checkpoint holds no optimizer state');
    into.optimizer.loadStateDict(c.optimizer);
  }
  return c;
}
