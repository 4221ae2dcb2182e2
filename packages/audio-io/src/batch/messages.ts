import type { SerializedAudioIoError } from '../errors.js';
import type { LogMelOptions } from '../features/log-mel.js';

/** main -> worker: one file to turn into features */
export interface FeatureJob {
  index: number;
  /** a path the worker reads, or the file's bytes */
  source: string | Uint8Array;
  features: LogMelOptions;
}

/** worker -> main */
export type FeatureJobResult =
  | { index: number; ok: true; data: Float32Array; nMels: number; frames: number; validFrames: number }
  | { index: number; ok: false; error: SerializedAudioIoError };
