// src/io/node-fs.ts — Node-only file helpers: atomic writes (for checkpoints) and whole-file reads.

import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** What `writeFileAtomic` accepts: bytes, text (written as UTF-8), or chunks streamed in order. */
export type AtomicWriteData = Uint8Array | string | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

async function existingMode(path: string): Promise<number | undefined> {
  try { return (await stat(path)).mode & 0o7777; } catch { return undefined; }
}

/** fsync the directory so the rename itself survives a crash; not every platform allows it. */
async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try { await fh.sync(); } finally { await fh.close(); }
  } catch { /* Windows and some filesystems refuse to open or fsync directories */ }
}

/**
 * Writes `data` to `path` so that readers see either the old file or the complete new one, never
 * a torn mix: write a temporary file in the same directory, fsync it, then rename it over `path`.
 * On any failure the temporary file is removed and an existing `path` is left untouched. A file
 * being replaced keeps its permission bits.
 * @example await writeFileAtomic('model.safetensors', encodeSafetensors(tensors))
 */
export async function writeFileAtomic(path: string, data: AtomicWriteData): Promise<void> {
  const tmp = tempPathFor(path);
  const oldMode = await existingMode(path);
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open(tmp, 'wx', oldMode ?? 0o666);
    if (oldMode !== undefined) await fh.chmod(oldMode);      // open's mode is filtered by umask
    if (typeof data === 'string' || data instanceof Uint8Array) {
      await fh.writeFile(data);
    } else {
      for await (const chunk of data as AsyncIterable<Uint8Array>) {
        let done = 0;
        while (done < chunk.length) done += (await fh.write(chunk, done, chunk.length - done)).bytesWritten;
      }
    }
    await fh.sync();
    await fh.close();
    fh = undefined;
    await rename(tmp, path);
  } catch (err) {
    if (fh) await fh.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await syncDir(dirname(path));
}

/** Synchronous `writeFileAtomic`, for exit handlers and simple scripts. */
export function writeFileAtomicSync(path: string, data: Uint8Array | string | Iterable<Uint8Array>): void {
  const tmp = tempPathFor(path);
  let oldMode: number | undefined;
  try { oldMode = statSync(path).mode & 0o7777; } catch { /* new file */ }
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', oldMode ?? 0o666);
    if (oldMode !== undefined) fchmodSync(fd, oldMode);
    const chunks = typeof data === 'string' ? [new TextEncoder().encode(data)] : data instanceof Uint8Array ? [data] : data;
    for (const chunk of chunks) {
      let done = 0;
      while (done < chunk.length) done += writeSync(fd, chunk, done, chunk.length - done);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) { try { closeSync(fd); } catch { /* already failing */ } }
    try { unlinkSync(tmp); } catch { /* never created */ }
    throw err;
  }
  try {
    const dirFd = openSync(dirname(path), 'r');
    try { fsyncSync(dirFd); } finally { closeSync(dirFd); }
  } catch { /* see syncDir */ }
}

/** Reads a whole file as a Uint8Array (a Node Buffer, which is one). */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  const buf = await readFile(path);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
