import { InvalidAudioArgumentError } from '../errors.js';
import { type AudioSamples, toFloat32 } from '../samples.js';
import { detectSpeech } from './energy-vad.js';
import type { SpeechSegment } from './speech-detector.js';

export interface ReasoningDurationOptions {
  /** speech found by any SpeechDetector (e.g. Silero); default: detectSpeech(samples, sampleRate) */
  segments?: readonly SpeechSegment[];
  /**
   * Where the spoken answer starts, in seconds (e.g. the ASR timestamp of "Answer:"); speech after it is not
   * reasoning. The best cut when a transcript is available.
   */
  answerStart?: number;
  /** Without answerStart: reasoning ends at this fraction of the clip (default 0.85, SoundMind's heuristic). */
  cutoffFraction?: number;
}

/**
 * Seconds of speech before the answer: the total length of the speech segments, each clipped at the cut
 * (answerStart, else cutoffFraction of the clip). Fixes SoundMind's version (audit D3-D7): arrays and every
 * sample rate are accepted (24 kHz included), silence is 0 without NaN, and speech that runs past the cut
 * without a pause counts up to the cut instead of not at all. Overlapping segments are counted once.
 */
export function reasoningDuration(
  samples: AudioSamples,
  sampleRate: number,
  options: ReasoningDurationOptions = {},
): number {
  if (typeof sampleRate !== 'number' || !Number.isFinite(sampleRate) || sampleRate <= 0) {
    throw new InvalidAudioArgumentError(
      'BAD_SAMPLE_RATE',
      `sampleRate must be a positive number, got ${sampleRate}`,
    );
  }
  const x = toFloat32(samples, 'samples');
  const clip = x.length / sampleRate;
  const { answerStart, cutoffFraction = 0.85 } = options;
  if (answerStart !== undefined && !(Number.isFinite(answerStart) && answerStart >= 0)) {
    throw new InvalidAudioArgumentError(
      'BAD_OPTION',
      `answerStart must be a time >= 0 in seconds, got ${answerStart}`,
    );
  }
  if (!(Number.isFinite(cutoffFraction) && cutoffFraction > 0 && cutoffFraction <= 1)) {
    throw new InvalidAudioArgumentError(
      'BAD_OPTION',
      `cutoffFraction must be in (0, 1], got ${cutoffFraction}`,
    );
  }
  const cut = Math.min(clip, answerStart ?? cutoffFraction * clip);
  const segments = options.segments ?? detectSpeech(x, sampleRate);
  segments.forEach((seg, i) => {
    if (!(Number.isFinite(seg.start) && Number.isFinite(seg.end) && seg.start <= seg.end)) {
      throw new InvalidAudioArgumentError(
        'BAD_SEGMENT',
        `segments[${i}] is {start: ${seg.start}, end: ${seg.end}}`,
      );
    }
  });
  const sorted = [...segments].sort((a, b) => a.start - b.start);
  let total = 0;
  let covered = 0; // end of the union so far
  for (const seg of sorted) {
    const start = Math.max(seg.start, covered, 0);
    const end = Math.min(seg.end, cut);
    if (end > start) total += end - start;
    covered = Math.max(covered, seg.end);
  }
  return total;
}
