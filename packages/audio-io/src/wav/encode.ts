import { AudioFileError, WavEncodeError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';

export interface WavEncodeOptions {
  /** 'pcm16' (default): 16-bit PCM, value = round(x * 32768) clipped; 'float32': IEEE float, exact */
  format?: 'pcm16' | 'float32';
}

/**
 * A WAV file holding the given channels (one Float32Array per channel, or one array for mono).
 * PCM16 uses the decoder's scale (x * 32768), so decoding what this wrote gives back 16-bit values exactly.
 */
export function encodeWav(
  channels: Float32Array | readonly Float32Array[],
  sampleRate: number,
  options: WavEncodeOptions = {},
): Uint8Array {
  const list: readonly Float32Array[] = channels instanceof Float32Array ? [channels] : channels;
  const format = options.format ?? 'pcm16';
  if (format !== 'pcm16' && format !== 'float32') {
    throw new WavEncodeError(
      'BAD_OPTION',
      `format must be 'pcm16' or 'float32', got ${JSON.stringify(format)}`,
    );
  }
  if (!Array.isArray(list) || list.length === 0 || list.length > 65535) {
    throw new WavEncodeError(
      'BAD_CHANNELS',
      `need 1 to 65535 channels (Float32Arrays), got ${Array.isArray(list) ? list.length : typeof channels}`,
    );
  }
  const frames = list[0]!.length;
  list.forEach((ch, c) => {
    if (!(ch instanceof Float32Array))
      throw new WavEncodeError('BAD_CHANNELS', `channel ${c} is not a Float32Array`);
    if (ch.length !== frames) {
      throw new WavEncodeError(
        'BAD_CHANNELS',
        `channel ${c} has ${ch.length} samples, channel 0 has ${frames}`,
      );
    }
  });
  if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > 0xffffffff) {
    throw new WavEncodeError(
      'BAD_SAMPLE_RATE',
      `sampleRate must be a positive integer below 2^32, got ${sampleRate}`,
    );
  }
  const float = format === 'float32';
  const bytesPerSample = float ? 4 : 2;
  const blockAlign = list.length * bytesPerSample;
  const dataBytes = frames * blockAlign;
  // float files carry cbSize and a fact chunk, as the spec asks of non-PCM formats
  const fmtBytes = float ? 18 : 16;
  const factBytes = float ? 12 : 0;
  const headerBytes = 12 + 8 + fmtBytes + factBytes + 8;
  const riffSize = headerBytes - 8 + dataBytes + (dataBytes % 2);
  if (riffSize > 0xffffffff) {
    throw new WavEncodeError(
      'TOO_LARGE',
      `${dataBytes} bytes of samples do not fit a RIFF/WAVE file (4 GiB limit)`,
    );
  }
  if (blockAlign > 0xffff || sampleRate * blockAlign > 0xffffffff) {
    throw new WavEncodeError(
      'TOO_LARGE',
      `${list.length} channels at ${sampleRate} Hz overflow the WAV header fields`,
    );
  }
  const out = new Uint8Array(headerBytes + dataBytes + (dataBytes % 2));
  const view = new DataView(out.buffer);
  const ascii = (at: number, s: string) => {
    for (let i = 0; i < 4; i++) out[at + i] = s.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, riffSize, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, fmtBytes, true);
  view.setUint16(20, float ? 3 : 1, true);
  view.setUint16(22, list.length, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, bytesPerSample * 8, true);
  let at = 36;
  if (float) {
    view.setUint16(at, 0, true);
    ascii(at + 2, 'fact');
    view.setUint32(at + 6, 4, true);
    view.setUint32(at + 10, frames, true);
    at += 14;
  }
  ascii(at, 'data');
  view.setUint32(at + 4, dataBytes, true);
  at += 8;
  for (let c = 0; c < list.length; c++) {
    const ch = list[c]!;
    let p = at + c * bytesPerSample;
    for (let i = 0; i < frames; i++, p += blockAlign) {
      const v = ch[i]!;
      if (v - v !== 0) throw new WavEncodeError('NON_FINITE_SAMPLE', `channel ${c} sample ${i} is ${v}`);
      if (float) view.setFloat32(p, v, true);
      else view.setInt16(p, Math.max(-32768, Math.min(32767, Math.round(v * 32768))), true);
    }
  }
  return out;
}

/** encodeWav, written atomically (temporary file, fsync, rename): the path never holds a partial file. */
export async function writeWav(
  path: string,
  channels: Float32Array | readonly Float32Array[],
  sampleRate: number,
  options: WavEncodeOptions = {},
): Promise<void> {
  const bytes = encodeWav(channels, sampleRate, options);
  try {
    await writeFileAtomic(path, bytes);
  } catch (error) {
    throw new AudioFileError('WRITE_FAILED', `cannot write: ${(error as Error).message}`, path);
  }
}
