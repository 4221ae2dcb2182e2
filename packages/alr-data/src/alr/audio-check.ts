import { open } from 'node:fs/promises';
import { type AlrLocation, AlrRecordError } from '../errors.js';

/**
 * Checks that an audio file exists and is a non-empty regular file; with 'readable', also that it opens
 * and starts with a RIFF/RF64 WAVE header. Decoding is left to @soundmind/audio-io when the audio is used.
 */
export async function checkAudioFile(
  path: string,
  check: 'exists' | 'readable',
  at: AlrLocation,
): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new AlrRecordError('MISSING_AUDIO', at, `audio file ${path} does not exist`);
    }
    throw new AlrRecordError('UNREADABLE_AUDIO', at, `cannot open audio file ${path} (${code ?? error})`, {
      cause: error,
    });
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new AlrRecordError('UNREADABLE_AUDIO', at, `audio path ${path} is not a file`);
    if (stats.size === 0) throw new AlrRecordError('UNREADABLE_AUDIO', at, `audio file ${path} is empty`);
    if (check === 'readable') {
      const header = Buffer.alloc(12);
      const { bytesRead } = await handle.read(header, 0, 12, 0);
      const riff = header.toString('latin1', 0, 4);
      if (
        bytesRead < 12 ||
        (riff !== 'RIFF' && riff !== 'RF64') ||
        header.toString('latin1', 8, 12) !== 'WAVE'
      ) {
        throw new AlrRecordError(
          'UNREADABLE_AUDIO',
          at,
          `audio file ${path} is not a WAV file (no RIFF/WAVE header)`,
        );
      }
    }
  } catch (error) {
    if (error instanceof AlrRecordError) throw error;
    throw new AlrRecordError(
      'UNREADABLE_AUDIO',
      at,
      `cannot read audio file ${path} (${(error as Error).message})`,
      {
        cause: error,
      },
    );
  } finally {
    await handle.close();
  }
}
