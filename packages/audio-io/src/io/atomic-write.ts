import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { type FileHandle, mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

/** What {@link writeFileAtomic} writes: a whole string (UTF-8) or buffer, or a function that streams into the file. */
export type AtomicFileContent = string | Uint8Array | ((file: FileHandle) => Promise<void>);

export interface AtomicWriteOptions {
  /** Create the parent folder (and its parents) when missing. Default false: a missing folder is an error. */
  createFolder?: boolean;
  /** fsync the parent folder after the rename, so the rename itself survives a power loss. Default false. */
  syncFolder?: boolean;
}

/**
 * Writes a file so that readers see either the old file or the complete new one: the content goes to
 * `${path}.tmp-<pid>-<random>` in the same folder, which is fsynced, closed and renamed over `path`. On any
 * error the temporary file is removed, `path` is left as it was, and the error is rethrown.
 */
export async function writeFileAtomic(
  path: string,
  content: AtomicFileContent,
  options: AtomicWriteOptions = {},
): Promise<void> {
  if (options.createFolder) await mkdir(dirname(path), { recursive: true });
  const tmp = temporarySibling(path);
  const file = await open(tmp, 'wx');
  try {
    if (typeof content === 'function') await content(file);
    else await file.writeFile(content);
    await file.sync();
  } catch (error) {
    await file.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw error;
  }
  try {
    await file.close();
    await rename(tmp, path);
  } catch (error) {
    await unlink(tmp).catch(() => {});
    throw error;
  }
  if (options.syncFolder) {
    const folder = await open(dirname(path), 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  }
}

/** {@link writeFileAtomic} for a whole string or buffer, synchronously (same temporary file, same guarantees). */
export function writeFileAtomicSync(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): void {
  if (options.createFolder) mkdirSync(dirname(path), { recursive: true });
  const tmp = temporarySibling(path);
  const fd = openSync(tmp, 'wx');
  try {
    writeFileSync(fd, data);
    fsyncSync(fd);
  } catch (error) {
    closeQuietly(fd);
    unlinkQuietly(tmp);
    throw error;
  }
  try {
    closeSync(fd);
    renameSync(tmp, path);
  } catch (error) {
    unlinkQuietly(tmp);
    throw error;
  }
  if (options.syncFolder) {
    const folder = openSync(dirname(path), 'r');
    try {
      fsyncSync(folder);
    } finally {
      closeSync(folder);
    }
  }
}

/** A name in the same folder (so the rename is atomic) that no other writer, process or call picks. */
function temporarySibling(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {}
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {}
}
