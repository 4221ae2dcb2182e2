import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { writeFileAtomicSync } from '@soundmind/audio-io';

/**
 * Writes a whole file atomically and durably (the workspace's one atomic writer, from @soundmind/audio-io:
 * temporary sibling, fsync, rename), then fsyncs its folder so the rename survives a crash too.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  writeFileAtomicSync(path, data, { syncFolder: true });
}

/** A sibling temporary name for a checkpoint folder: `${path}.tmp-<pid>-<random>` (same parent, atomic rename). */
export function tmpSibling(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Makes a rename inside `dir` durable. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
