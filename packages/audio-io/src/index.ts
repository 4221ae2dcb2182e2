export {
  type BatchProgressInfo,
  type ExtractBatchOptions,
  extractFeaturesBatch,
} from './batch/extract-batch.js';
export {
  AudioFileError,
  AudioIoError,
  InvalidAudioArgumentError,
  UnsupportedWavFormatError,
  WavDecodeError,
  WavEncodeError,
  WorkerFailedError,
} from './errors.js';
export { audioTokenCount, audioTokensForFrames, type FramingOptions } from './features/frames.js';
export { type LogMelOptions, type LogMelSpectrogram, logMelSpectrogram } from './features/log-mel.js';
export { type MelFilterBank, melFilterBank } from './features/mel-filter-bank.js';
export {
  type FeaturePreset,
  QWEN_OMNI_FEATURES,
  WHISPER_FEATURES,
  WHISPER_V3_FEATURES,
} from './features/presets.js';
export {
  type AtomicFileContent,
  type AtomicWriteOptions,
  writeFileAtomic,
  writeFileAtomicSync,
} from './io/atomic-write.js';
export { type LoadAudioOptions, loadAudio } from './load/load-audio.js';
export { resample, SOXR_HQ } from './resample/resample.js';
export type { AudioSamples } from './samples.js';
export { detectSpeech, EnergySpeechDetector, type EnergyVadOptions } from './vad/energy-vad.js';
export { type ReasoningDurationOptions, reasoningDuration } from './vad/reasoning-duration.js';
export type { SpeechDetector, SpeechSegment } from './vad/speech-detector.js';
export {
  type DecodedWav,
  decodeWav,
  type WavDecodeOptions,
  type WavEncoding,
  type WavFormat,
} from './wav/decode.js';
export { encodeWav, type WavEncodeOptions, writeWav } from './wav/encode.js';
