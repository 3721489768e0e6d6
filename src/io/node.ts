// src/io/node.ts — Node-only file I/O: safetensors, save/load, checkpoints (all written atomically) and .npy.
import { readFileSync } from 'node:fs';
import { TsgradError } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { decodeNpy, encodeNpy } from './npy.js';
import { readFileBytes, writeFileAtomic, writeFileAtomicSync } from './node-fs.js';
import { SafetensorsError } from './safetensors.js';
import {
  type Checkpoint, type CheckpointInput, type StateDict, decodeCheckpoint, decodeTensors, encodeCheckpoint, serializeStateDict,
} from './state-dict.js';
import { rawToTensor, tensorToRaw } from './tensor-bridge.js';

type StateLike = StateDict | { stateDict(): StateDict };

/** Re-throws a decode error with the file's path in front, keeping its class. */
function withPath<T>(op: string, path: string, fn: () => T): T {
  try { return fn(); } catch (e) {
    if (e instanceof TsgradError) {
      const err = new (e.constructor as new (m: string) => TsgradError)(`${op}: ${path}: ${e.message}`);
      throw err;
    }
    throw e;
  }
}

async function readBytes(op: string, path: string): Promise<Uint8Array> {
  if (typeof path !== 'string' || path === '') throw new TsgradError(`${op}: path must be a non-empty string`);
  return readFileBytes(path);
}
function readBytesSync(op: string, path: string): Uint8Array {
  if (typeof path !== 'string' || path === '') throw new TsgradError(`${op}: path must be a non-empty string`);
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * Writes tensors (a record or a Module's state dict) as a .safetensors file, atomically: on any
 * error the previous file at `path` is left untouched. Loadable by `safetensors.torch.load_file`.
 * @example await saveSafetensors(model, 'model.safetensors', { epoch: '3' })
 */
export async function saveSafetensors(tensors: StateLike, path: string, metadata?: Record<string, string> | null): Promise<void> {
  await writeFileAtomic(path, serializeStateDict(tensors, metadata));
}
export function saveSafetensorsSync(tensors: StateLike, path: string, metadata?: Record<string, string> | null): void {
  writeFileAtomicSync(path, serializeStateDict(tensors, metadata));
}

/** Reads a .safetensors file: { tensors, metadata }. A truncated or corrupt file throws SafetensorsError naming the path. */
export async function loadSafetensors(path: string): Promise<{ tensors: StateDict; metadata?: Record<string, string> }> {
  const bytes = await readBytes('loadSafetensors', path);
  return withPath('loadSafetensors', path, () => decodeTensors(bytes));
}
export function loadSafetensorsSync(path: string): { tensors: StateDict; metadata?: Record<string, string> } {
  const bytes = readBytesSync('loadSafetensors', path);
  return withPath('loadSafetensors', path, () => decodeTensors(bytes));
}

const SINGLE = { 'tsgrad.kind': 'tensor' };

function encodeSaveable(obj: Tensor | StateLike): Uint8Array {
  return obj instanceof Tensor ? serializeStateDict({ tensor: obj }, SINGLE) : serializeStateDict(obj);
}
function decodeSaveable(bytes: Uint8Array): Tensor | StateDict {
  const { tensors, metadata } = decodeTensors(bytes);
  if (metadata?.['tsgrad.kind'] === 'tensor') {
    if (!tensors.tensor) throw new SafetensorsError('load: file is marked as a single tensor but holds no tensor named "tensor"');
    return tensors.tensor;
  }
  return tensors;
}

/**
 * torch.save / torch.load for what tsgrad can store portably: a single tensor, a state dict, or
 * a Module (saved as its state dict). The file is safetensors; the write is atomic.
 * @example await save(model, 'm.safetensors'); model.loadStateDict(await load('m.safetensors') as StateDict)
 */
export async function save(obj: Tensor | StateLike, path: string): Promise<void> {
  await writeFileAtomic(path, encodeSaveable(obj));
}
export function saveSync(obj: Tensor | StateLike, path: string): void {
  writeFileAtomicSync(path, encodeSaveable(obj));
}
export async function load(path: string): Promise<Tensor | StateDict> {
  const bytes = await readBytes('load', path);
  return withPath('load', path, () => decodeSaveable(bytes));
}
export function loadSync(path: string): Tensor | StateDict {
  const bytes = readBytesSync('load', path);
  return withPath('load', path, () => decodeSaveable(bytes));
}

/**
 * Saves { model, optimizer?, epoch, metrics, extra? } atomically as one safetensors file (see
 * encodeCheckpoint for the layout). @example await saveCheckpoint('ckpt.safetensors', { model, optimizer: opt, epoch, metrics: { loss } })
 */
export async function saveCheckpoint(path: string, c: CheckpointInput): Promise<void> {
  await writeFileAtomic(path, encodeCheckpoint(c));
}
export function saveCheckpointSync(path: string, c: CheckpointInput): void {
  writeFileAtomicSync(path, encodeCheckpoint(c));
}

type LoadInto = Parameters<typeof decodeCheckpoint>[1];
/** Reads a checkpoint; with { model, optimizer } it also loads their state. */
export async function loadCheckpoint(path: string, into: LoadInto = {}): Promise<Checkpoint> {
  const bytes = await readBytes('loadCheckpoint', path);
  return withPath('loadCheckpoint', path, () => decodeCheckpoint(bytes, into));
}
export function loadCheckpointSync(path: string, into: LoadInto = {}): Checkpoint {
  const bytes = readBytesSync('loadCheckpoint', path);
  return withPath('loadCheckpoint', path, () => decodeCheckpoint(bytes, into));
}

/** A .npy file as a Tensor (any byte or memory order; integer types load as int32, range-checked). */
export function readNpy(path: string): Tensor {
  const bytes = readBytesSync('readNpy', path);
  return withPath('readNpy', path, () => rawToTensor(decodeNpy(bytes), 'array'));
}

/** Writes a tensor as a .npy file (numpy.save's bytes), atomically. float16 → '<f2'; bfloat16 has no NumPy dtype. */
export function writeNpy(path: string, t: Tensor): void {
  writeFileAtomicSync(path, encodeNpy(tensorToRaw(t)));
}
