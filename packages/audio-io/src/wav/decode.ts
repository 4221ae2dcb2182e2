import { UnsupportedWavFormatError, WavDecodeError } from '../errors.js';
import { A_LAW_TABLE, MU_LAW_TABLE } from './g711.js';

/** How the samples are stored. */
export type WavEncoding =
  | 'pcm-u8'
  | 'pcm-s16'
  | 'pcm-s24'
  | 'pcm-s32'
  | 'float32'
  | 'float64'
  | 'alaw'
  | 'mulaw';

export interface WavFormat {
  encoding: WavEncoding;
  sampleRate: number;
  channels: number;
  /** container bits per sample (8, 16, 24, 32 or 64) */
  bitsPerSample: number;
  /** meaningful bits (WAVE_FORMAT_EXTENSIBLE's wValidBitsPerSample, else the header's bits) */
  validBitsPerSample: number;
  /** speaker positions of WAVE_FORMAT_EXTENSIBLE, else undefined */
  channelMask: number | undefined;
  extensible: boolean;
  /** RIFF, or RF64 / BW64 for files over 4 GiB */
  container: 'RIFF' | 'RF64' | 'BW64';
}

export interface DecodedWav {
  format: WavFormat;
  sampleRate: number;
  /** number of sample frames (samples per channel) */
  frames: number;
  /** one Float32Array per channel, full scale = 1 (PCM16 / 32768, PCM24 / 2^23, PCM32 / 2^31, u8 (v-128)/128) */
  channelData: Float32Array[];
}

export interface WavDecodeOptions {
  /** file name to put in error messages */
  path?: string;
}

/** Where the samples are, once the header has been checked. */
export interface WavLayout {
  format: WavFormat;
  bytes: Uint8Array;
  view: DataView;
  dataOffset: number;
  frames: number;
  blockAlign: number;
  bytesPerSample: number;
  path: string | undefined;
}

const FORMAT_PCM = 0x0001;
const FORMAT_FLOAT = 0x0003;
const FORMAT_ALAW = 0x0006;
const FORMAT_MULAW = 0x0007;
const FORMAT_EXTENSIBLE = 0xfffe;
/** KSDATAFORMAT_SUBTYPE_* GUIDs are the format tag followed by these 14 bytes */
const GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];
const KNOWN_TAGS: Record<number, string> = {
  2: 'Microsoft ADPCM',
  17: 'IMA ADPCM',
  49: 'GSM 6.10',
  64: 'G.721 ADPCM',
  80: 'MPEG',
  85: 'MPEG Layer 3',
  146: 'Dolby AC-3 SPDIF',
  255: 'AAC',
  5648: 'HE-AAC',
  8192: 'Dolby AC-3',
  61868: 'FLAC',
};

function fourcc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
}

function printable(id: string): string {
  return JSON.stringify(id);
}

/** Reads and checks the header; does not touch the samples. */
export function parseWav(bytes: Uint8Array, options: WavDecodeOptions = {}): WavLayout {
  const path = options.path;
  if (!(bytes instanceof Uint8Array)) {
    throw new WavDecodeError('BAD_INPUT', 'expected the file contents as a Uint8Array or Buffer', path);
  }
  const fail = (code: string, message: string): never => {
    throw new WavDecodeError(code, message, path);
  };
  const len = bytes.length;
  if (len < 12) fail('TRUNCATED', `file is ${len} bytes, too short for a RIFF/WAVE header (12 bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = fourcc(bytes, 0);
  if (magic === 'RIFX' || magic === 'RIFZ') {
    throw new UnsupportedWavFormatError(
      'UNSUPPORTED_FORMAT',
      `big-endian ${magic} files are not supported`,
      path,
    );
  }
  if (magic !== 'RIFF' && magic !== 'RF64' && magic !== 'BW64') {
    fail('NOT_WAV', `not a WAV file: starts with ${printable(magic)}, expected "RIFF"`);
  }
  if (fourcc(bytes, 8) !== 'WAVE')
    fail('NOT_WAV', `not a WAV file: RIFF form type is ${printable(fourcc(bytes, 8))}, expected "WAVE"`);
  const container = magic as WavFormat['container'];

  let ds64DataSize: number | undefined;
  let fmt: WavFormat | undefined;
  let data: { at: number; size: number } | undefined;
  let pos = 12;
  while (pos + 8 <= len) {
    const id = fourcc(bytes, pos);
    const size = view.getUint32(pos + 4, true);
    const body = pos + 8;
    const remaining = len - body;
    if (id === 'ds64' && container !== 'RIFF' && ds64DataSize === undefined) {
      if (size < 28 || size > remaining)
        fail('BAD_CHUNK', `ds64 chunk at offset ${pos} is ${size} bytes (needs 28, ${remaining} left)`);
      const lo = view.getUint32(body + 8, true);
      const hi = view.getUint32(body + 12, true);
      ds64DataSize = hi * 2 ** 32 + lo;
    } else if (id === 'fmt ') {
      if (fmt !== undefined) fail('DUPLICATE_CHUNK', `second fmt chunk at offset ${pos}`);
      if (size > remaining)
        fail('TRUNCATED', `fmt chunk at offset ${pos} declares ${size} bytes but only ${remaining} remain`);
      fmt = parseFmt(view, body, size, container, path);
    } else if (id === 'data') {
      if (data !== undefined) fail('DUPLICATE_CHUNK', `second data chunk at offset ${pos}`);
      let dataSize = size;
      if (size === 0xffffffff) {
        // RF64 keeps the real size in ds64; a plain RIFF writer that could not seek marks "to end of file"
        dataSize =
          container === 'RIFF'
            ? remaining
            : (ds64DataSize ?? fail('BAD_CHUNK', 'RF64 data chunk without a ds64 size'));
      }
      if (dataSize > remaining) {
        fail(
          'TRUNCATED',
          `data chunk at offset ${pos} declares ${dataSize} bytes but only ${remaining} remain (file cut short?)`,
        );
      }
      data = { at: body, size: dataSize };
      if (fmt !== undefined) break;
      pos = body + dataSize + (dataSize % 2);
      continue;
    }
    pos = body + size + (size % 2);
  }
  if ((fmt === undefined || data === undefined) && pos < len && pos + 8 > len) {
    fail('TRUNCATED', `file ends inside a chunk header at offset ${pos}`);
  }
  if (fmt === undefined)
    fail('MISSING_CHUNK', data === undefined ? 'no fmt chunk and no data chunk' : 'no fmt chunk');
  if (data === undefined) fail('MISSING_CHUNK', 'no data chunk');
  const format = fmt!;
  const bytesPerSample = format.bitsPerSample / 8;
  const blockAlign = format.channels * bytesPerSample;
  return {
    format,
    bytes,
    view,
    dataOffset: data!.at,
    frames: Math.floor(data!.size / blockAlign),
    blockAlign,
    bytesPerSample,
    path,
  };
}

function parseFmt(
  view: DataView,
  at: number,
  size: number,
  container: WavFormat['container'],
  path: string | undefined,
): WavFormat {
  const fail = (code: string, message: string): never => {
    throw new WavDecodeError(code, message, path);
  };
  const unsupported = (message: string): never => {
    throw new UnsupportedWavFormatError('UNSUPPORTED_FORMAT', message, path);
  };
  if (size < 16) fail('BAD_FIELD', `fmt chunk is ${size} bytes, needs at least 16`);
  let tag = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const blockAlign = view.getUint16(at + 12, true);
  let bits = view.getUint16(at + 14, true);
  let validBits = bits;
  let channelMask: number | undefined;
  const extensible = tag === FORMAT_EXTENSIBLE;
  if (extensible) {
    if (size < 40) fail('BAD_FIELD', `WAVE_FORMAT_EXTENSIBLE fmt chunk is ${size} bytes, needs 40`);
    const cbSize = view.getUint16(at + 16, true);
    if (cbSize < 22) fail('BAD_FIELD', `fmt.cbSize is ${cbSize}, WAVE_FORMAT_EXTENSIBLE needs 22`);
    validBits = view.getUint16(at + 18, true) || bits;
    channelMask = view.getUint32(at + 20, true);
    tag = view.getUint16(at + 24, true);
    for (let i = 0; i < GUID_TAIL.length; i++) {
      if (view.getUint8(at + 26 + i) !== GUID_TAIL[i]) {
        const hex = Array.from({ length: 16 }, (_, k) =>
          view
            .getUint8(at + 24 + k)
            .toString(16)
            .padStart(2, '0'),
        ).join('');
        unsupported(`WAVE_FORMAT_EXTENSIBLE sub-format ${hex} is not a PCM/float/G.711 sub-format`);
      }
    }
    if (validBits > bits)
      fail('BAD_FIELD', `fmt.validBitsPerSample (${validBits}) exceeds fmt.bitsPerSample (${bits})`);
  }
  if (channels === 0) fail('BAD_FIELD', 'fmt.channels is 0');
  if (sampleRate === 0) fail('BAD_FIELD', 'fmt.sampleRate is 0');
  let encoding: WavEncoding;
  switch (tag) {
    case FORMAT_PCM:
      if (bits === 0 || bits > 32) unsupported(`${bits}-bit PCM is not supported (1 to 32 bits)`);
      // bits that are not a whole number of bytes sit left-justified in the next container size
      bits = Math.ceil(bits / 8) * 8;
      encoding = bits === 8 ? 'pcm-u8' : bits === 16 ? 'pcm-s16' : bits === 24 ? 'pcm-s24' : 'pcm-s32';
      break;
    case FORMAT_FLOAT:
      if (bits !== 32 && bits !== 64) unsupported(`${bits}-bit IEEE float is not supported (32 or 64)`);
      encoding = bits === 32 ? 'float32' : 'float64';
      break;
    case FORMAT_ALAW:
    case FORMAT_MULAW:
      if (bits !== 8) unsupported(`${bits}-bit G.711 is not supported (8)`);
      encoding = tag === FORMAT_ALAW ? 'alaw' : 'mulaw';
      break;
    default:
      unsupported(
        `format tag 0x${tag.toString(16).padStart(4, '0')} (${KNOWN_TAGS[tag] ?? 'unknown'}) is not supported; PCM, IEEE float, A-law and mu-law are`,
      );
  }
  const expectedAlign = channels * (bits / 8);
  if (blockAlign !== expectedAlign) {
    fail(
      'BAD_FIELD',
      `fmt.blockAlign is ${blockAlign}, expected ${expectedAlign} (${channels} channels x ${bits / 8} bytes)`,
    );
  }
  return {
    encoding: encoding!,
    sampleRate,
    channels,
    bitsPerSample: bits,
    validBitsPerSample: Math.min(validBits, bits),
    channelMask,
    extensible,
    container,
  };
}

/**
 * Decodes `count` frames of one channel starting at frame `first` into out[outAt ...], as float32 values at
 * full scale 1. Non-finite float samples are an error (a corrupt file, not audio).
 */
export function decodeChannel(
  layout: WavLayout,
  channel: number,
  first: number,
  count: number,
  out: Float32Array,
  outAt: number,
): void {
  const { view, blockAlign, bytes } = layout;
  let p = layout.dataOffset + first * blockAlign + channel * layout.bytesPerSample;
  const end = outAt + count;
  const encoding = layout.format.encoding;
  // typed-array views are several times faster than DataView reads; usable when the samples are aligned
  if (LITTLE_ENDIAN && encoding === 'pcm-s16' && (bytes.byteOffset + p) % 2 === 0) {
    const stride = blockAlign / 2;
    const samples = new Int16Array(
      bytes.buffer,
      bytes.byteOffset + p,
      count > 0 ? (count - 1) * stride + 1 : 0,
    );
    for (let i = 0, k = 0; i < count; i++, k += stride) out[outAt + i] = samples[k]! / 32768;
    return;
  }
  switch (encoding) {
    case 'pcm-u8':
      for (let i = outAt; i < end; i++, p += blockAlign) out[i] = (bytes[p]! - 128) / 128;
      break;
    case 'pcm-s16':
      for (let i = outAt; i < end; i++, p += blockAlign) out[i] = view.getInt16(p, true) / 32768;
      break;
    case 'pcm-s24':
      for (let i = outAt; i < end; i++, p += blockAlign) {
        const v = bytes[p]! | (bytes[p + 1]! << 8) | (bytes[p + 2]! << 16);
        out[i] = ((v << 8) >> 8) / 8388608;
      }
      break;
    case 'pcm-s32':
      for (let i = outAt; i < end; i++, p += blockAlign) out[i] = view.getInt32(p, true) / 2147483648;
      break;
    case 'alaw':
      for (let i = outAt; i < end; i++, p += blockAlign) out[i] = A_LAW_TABLE[bytes[p]!]!;
      break;
    case 'mulaw':
      for (let i = outAt; i < end; i++, p += blockAlign) out[i] = MU_LAW_TABLE[bytes[p]!]!;
      break;
    case 'float32':
      for (let i = outAt; i < end; i++, p += blockAlign) {
        const v = view.getFloat32(p, true);
        if (v - v !== 0) nonFinite(layout, channel, first + i - outAt, v);
        out[i] = v;
      }
      break;
    case 'float64':
      for (let i = outAt; i < end; i++, p += blockAlign) {
        const v = view.getFloat64(p, true);
        if (v - v !== 0 || Math.abs(v) > 3.4028234663852886e38)
          nonFinite(layout, channel, first + i - outAt, v);
        out[i] = v;
      }
      break;
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function nonFinite(layout: WavLayout, channel: number, frame: number, value: number): never {
  throw new WavDecodeError(
    'NON_FINITE_SAMPLE',
    `sample at frame ${frame}, channel ${channel} is ${value} (not finite in float32)`,
    layout.path,
  );
}

/** Decodes a whole WAV file (every kind listed in WavEncoding, plain or WAVE_FORMAT_EXTENSIBLE). */
export function decodeWav(bytes: Uint8Array, options: WavDecodeOptions = {}): DecodedWav {
  const layout = parseWav(bytes, options);
  const { format, frames } = layout;
  const channelData: Float32Array[] = [];
  for (let c = 0; c < format.channels; c++) {
    const out = new Float32Array(frames);
    decodeChannel(layout, c, 0, frames, out, 0);
    channelData.push(out);
  }
  return { format, sampleRate: format.sampleRate, frames, channelData };
}

const MIX_BLOCK = 16_384;
const mixBlock = new Float32Array(MIX_BLOCK);

/**
 * Frames [first, first + count) as one mono channel into out[outAt ...]: the float32 mean over channels,
 * accumulated channel by channel in float32 like librosa's to_mono (numpy mean over axis 0). Each frame's value
 * depends on that frame alone, so any range gives the same samples.
 */
export function decodeMonoRange(
  layout: WavLayout,
  first: number,
  count: number,
  out: Float32Array,
  outAt = 0,
): void {
  const channels = layout.format.channels;
  if (channels === 1) {
    decodeChannel(layout, 0, first, count, out, outAt);
    return;
  }
  for (let f0 = 0; f0 < count; f0 += MIX_BLOCK) {
    const n = Math.min(MIX_BLOCK, count - f0);
    const at = outAt + f0;
    decodeChannel(layout, 0, first + f0, n, out, at);
    for (let c = 1; c < channels; c++) {
      decodeChannel(layout, c, first + f0, n, mixBlock, 0);
      for (let i = 0; i < n; i++) out[at + i] = out[at + i]! + mixBlock[i]!; // float32 store rounds each sum
    }
    for (let i = at; i < at + n; i++) out[i] = out[i]! / channels;
  }
}

/** The file as one mono channel (see decodeMonoRange); `allocate` places the samples. */
export function decodeWavMono(
  bytes: Uint8Array,
  options: WavDecodeOptions = {},
  allocate: (frames: number, sampleRate: number) => Float32Array = (frames) => new Float32Array(frames),
): { samples: Float32Array; sampleRate: number } {
  const layout = parseWav(bytes, options);
  const samples = allocate(layout.frames, layout.format.sampleRate);
  decodeMonoRange(layout, 0, layout.frames, samples);
  return { samples, sampleRate: layout.format.sampleRate };
}
