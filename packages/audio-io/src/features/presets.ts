/** Whisper-family front-end constants (16 kHz, 25 ms window, 10 ms hop), shared by every preset. */
export const FEATURE_SAMPLE_RATE = 16_000;
export const N_FFT = 400;
export const HOP_LENGTH = 160;

/** Settings of a Whisper-style log-mel extractor. */
export interface FeaturePreset {
  /** mel bins (`feature_size`) */
  nMels: number;
  /** seconds every clip is padded (or cut) to (`chunk_length`) */
  chunkLength: number;
}

/** Qwen2.5-Omni's preprocessor_config.json: 128 bins, 300-second chunks (not the class default of 80 / 30). */
export const QWEN_OMNI_FEATURES: Readonly<FeaturePreset> = Object.freeze({ nMels: 128, chunkLength: 300 });

/** openai/whisper tiny ... large-v2: 80 bins, 30-second chunks. */
export const WHISPER_FEATURES: Readonly<FeaturePreset> = Object.freeze({ nMels: 80, chunkLength: 30 });

/** openai/whisper large-v3 and large-v3-turbo: 128 bins, 30-second chunks. */
export const WHISPER_V3_FEATURES: Readonly<FeaturePreset> = Object.freeze({ nMels: 128, chunkLength: 30 });
