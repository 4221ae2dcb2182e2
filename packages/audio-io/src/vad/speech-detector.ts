/** A stretch of speech, in seconds from the start of the clip (start < end). */
export interface SpeechSegment {
  start: number;
  end: number;
}

/**
 * Anything that finds speech in a mono clip: the energy detector here, or a model (the Silero VAD adapter in
 * @soundmind/omni-runtime). Segments are sorted and do not overlap. A detector that needs a fixed rate
 * resamples internally (e.g. with `resample`), so callers may pass any rate (Qwen2.5-Omni's talker: 24 kHz).
 */
export interface SpeechDetector {
  /** short name for logs and reports, e.g. 'energy' or 'silero-v5' */
  readonly name: string;
  detect(samples: Float32Array, sampleRate: number): Promise<SpeechSegment[]>;
}
