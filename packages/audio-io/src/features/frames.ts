import { InvalidAudioArgumentError } from '../errors.js';
import type { AudioSamples } from '../samples.js';
import { FEATURE_SAMPLE_RATE, HOP_LENGTH, N_FFT, QWEN_OMNI_FEATURES } from './presets.js';

/** How the processor pads and frames one clip (WhisperFeatureExtractor with padding="max_length"). */
export interface FrameLayout {
  /** length of the zero-padded (or truncated) waveform */
  paddedLength: number;
  /** samples of the clip that are kept */
  keptSamples: number;
  /** width of input_features (STFT frames after dropping the last one) */
  frames: number;
  /** frames the attention mask marks as real audio */
  validFrames: number;
  /** frames [0, computedFrames) see real samples or are valid; every later frame is exactly silent */
  computedFrames: number;
}

export interface FramingOptions {
  /** seconds every clip is padded to; default 300 (Qwen2.5-Omni) */
  chunkLength?: number;
  /** cut clips longer than chunkLength (the processor's default); false keeps the whole clip */
  truncation?: boolean;
}

export function checkChunkLength(chunkLength: number): void {
  if (!Number.isInteger(chunkLength) || chunkLength < 1) {
    throw new InvalidAudioArgumentError(
      'BAD_OPTION',
      `chunkLength must be a positive integer (seconds), got ${chunkLength}`,
    );
  }
}

export function frameLayout(numSamples: number, options: FramingOptions = {}): FrameLayout {
  const chunkLength = options.chunkLength ?? QWEN_OMNI_FEATURES.chunkLength;
  const truncation = options.truncation ?? true;
  checkChunkLength(chunkLength);
  if (!Number.isSafeInteger(numSamples) || numSamples < 0) {
    throw new InvalidAudioArgumentError(
      'BAD_OPTION',
      `number of samples must be a non-negative integer, got ${numSamples}`,
    );
  }
  const maxSamples = chunkLength * FEATURE_SAMPLE_RATE;
  const paddedLength = numSamples <= maxSamples || truncation ? maxSamples : numSamples;
  const keptSamples = Math.min(numSamples, paddedLength);
  const frames = Math.floor(paddedLength / HOP_LENGTH);
  let validFrames = Math.ceil(keptSamples / HOP_LENGTH);
  // the processor drops the last entry of the frame mask when the padded length is not a multiple of the hop
  if (paddedLength % HOP_LENGTH !== 0)
    validFrames = Math.min(validFrames, Math.ceil(paddedLength / HOP_LENGTH) - 1);
  // frames past the mask still overlap real samples (they can hold the clip's maximum)
  const lastTouch = keptSamples > 0 ? Math.floor((keptSamples - 1 + N_FFT / 2) / HOP_LENGTH) : -1;
  const computedFrames = Math.min(frames, Math.max(validFrames, lastTouch + 1));
  return { paddedLength, keptSamples, frames, validFrames, computedFrames };
}

/** <|AUDIO|> placeholders for a clip with this many valid frames: conv stride 2, then average pool 2. */
export function audioTokensForFrames(validFrames: number): number {
  if (validFrames <= 0) return 0;
  const afterConv = Math.floor((validFrames - 1) / 2) + 1;
  return Math.floor((afterConv - 2) / 2) + 1;
}

/**
 * Number of <|AUDIO|> tokens Qwen2.5-Omni spends on a 16 kHz clip (25 per second; 7500 at the 300 s cap).
 * Takes the samples or just their count.
 */
export function audioTokenCount(samples: AudioSamples | number, options: FramingOptions = {}): number {
  const n = typeof samples === 'number' ? samples : samples.length;
  return audioTokensForFrames(frameLayout(n, options).validFrames);
}
