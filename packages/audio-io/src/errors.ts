/**
 * Typed errors of @soundmind/audio-io. Every error has a stable `code` and a message that names the file
 * (when there is one) and the field or argument at fault.
 */
export class AudioIoError extends Error {
  readonly code: string;
  /** The file the error is about, when the input came from a path. */
  readonly path: string | undefined;

  constructor(code: string, message: string, path?: string) {
    super(path === undefined ? message : `${path}: ${message}`);
    this.name = new.target.name;
    this.code = code;
    this.path = path;
  }
}

/** The bytes are not a WAV file we can read: bad magic, truncated, inconsistent header fields. */
export class WavDecodeError extends AudioIoError {}

/** A well-formed WAV whose sample format we do not decode (ADPCM, MP3-in-WAV, 12-bit PCM, ...). */
export class UnsupportedWavFormatError extends AudioIoError {}

/** Encoding was asked for something WAV cannot hold (no channels, mismatched lengths, bad rate). */
export class WavEncodeError extends AudioIoError {}

/** A function argument is out of its domain (sample rate, option value, non-finite sample). */
export class InvalidAudioArgumentError extends AudioIoError {}

/** Reading a file failed (missing, unreadable); wraps the system error. */
export class AudioFileError extends AudioIoError {}

/** A batch extraction worker died or could not start. */
export class WorkerFailedError extends AudioIoError {}

const ERROR_CLASSES = {
  AudioIoError,
  WavDecodeError,
  UnsupportedWavFormatError,
  WavEncodeError,
  InvalidAudioArgumentError,
  AudioFileError,
  WorkerFailedError,
} as const;

/** Plain-object form of an AudioIoError, for crossing a worker boundary. */
export interface SerializedAudioIoError {
  name: string;
  code: string;
  message: string;
  path: string | undefined;
}

export function serializeError(error: unknown): SerializedAudioIoError {
  if (error instanceof AudioIoError) {
    const bare = error.path === undefined ? error.message : error.message.slice(error.path.length + 2);
    return { name: error.name, code: error.code, message: bare, path: error.path };
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { name: 'AudioIoError', code: 'INTERNAL', message, path: undefined };
}

export function deserializeError(plain: SerializedAudioIoError): AudioIoError {
  const Class = ERROR_CLASSES[plain.name as keyof typeof ERROR_CLASSES] ?? AudioIoError;
  return new Class(plain.code, plain.message, plain.path);
}
