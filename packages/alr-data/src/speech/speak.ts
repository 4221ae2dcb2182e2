import { encodeWav, resample } from '@soundmind/audio-io';
import { EspeakEngine } from './espeak-engine.js';
import type { SpeechVoice } from './voices.js';

/** ALR's audio rate, and what Qwen2.5-Omni's feature extractor expects. */
export const SPEECH_SAMPLE_RATE = 16_000;

/** The utterance at `sampleRate` (eSpeak's 22,050 Hz output resampled to soxr-HQ's spec by @soundmind/audio-io). */
export function speakWith(
  engine: EspeakEngine,
  text: string,
  voice: SpeechVoice,
  sampleRate = SPEECH_SAMPLE_RATE,
): Float32Array {
  return resample(engine.synthesize(text, voice), engine.sampleRate, sampleRate);
}

/** The utterance as a 16-bit PCM mono WAV file's bytes, and its length in samples. */
export function speakToWav(
  engine: EspeakEngine,
  text: string,
  voice: SpeechVoice,
  sampleRate = SPEECH_SAMPLE_RATE,
): { wav: Uint8Array; samples: number } {
  const samples = speakWith(engine, text, voice, sampleRate);
  return { wav: encodeWav(samples, sampleRate), samples: samples.length };
}

/**
 * Reads `text` aloud with eSpeak NG on this thread and returns mono samples at `sampleRate` (16 kHz by
 * default). Each call starts a fresh engine (~0.1 s) so the result depends on nothing spoken before;
 * for many utterances use synthesizeSpokenDataset, which spreads the work over worker threads.
 */
export async function synthesizeSpeech(
  text: string,
  voice: SpeechVoice = { voice: 'en-us', rate: 175, pitch: 50 },
  sampleRate = SPEECH_SAMPLE_RATE,
): Promise<Float32Array> {
  return speakWith(await EspeakEngine.create(), text, voice, sampleRate);
}
