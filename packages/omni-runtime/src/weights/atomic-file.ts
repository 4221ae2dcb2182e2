import { randomBytes } from 'node:crypto';
import { access, type FileHandle, open, rename, unlink } from 'node:fs/promises';

/**
 * Writes a file atomically: `write` fills `${path}.tmp-<pid>-<random>` in the same folder, which is then
 * fsynced and renamed over `path`. On any error the temporary file is removed and `path` is untouched.
 */
export async function writeFileAtomic(
  path: string,
  write: (file: FileHandle) => Promise<void>,
): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const file = await open(tmp, 'wx');
  try {
    await write(file);
    await file.sync();
    await file.close();
  } catch (err) {
    await file.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw err;
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
}

/** Writes a whole string or buffer atomically. */
export function writeWholeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  return writeFileAtomic(path, async (file) => {
    await file.writeFile(data);
  });
}

/** Whether a path exists (and is visible to this process): the file helpers of the package live here. */
export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
