import type { SerializedAudioIoError } from '../errors.js';
import type { LogMelOptions } from '../features/log-mel.js';

/** Log-mel features of a WAV file (path or bytes) or of 16 kHz mono samples. */
export interface FeaturesJob {
  kind: 'features';
  source: string | Uint8Array | Float32Array;
  features: LogMelOptions;
}

/** Outputs [start, end) of the WAV file (shared bytes) resampled to `sampleRate`, into the shared `output`. */
export interface ResampleJob {
  kind: 'resample';
  wav: Uint8Array;
  path: string | undefined;
  output: Float32Array;
  sampleRate: number;
  start: number;
  end: number;
}

export type WorkerJob = FeaturesJob | ResampleJob;

export interface WorkerRequest {
  index: number;
  job: WorkerJob;
}

export type WorkerReply =
  | { index: number; ok: true; value: unknown }
  | { index: number; ok: false; error: SerializedAudioIoError };
