import { describe, expect, it } from 'vitest';
import {
  detectSpeech,
  EnergySpeechDetector,
  InvalidAudioArgumentError,
  loadAudio,
  reasoningDuration,
  resample,
  type SpeechDetector,
  type SpeechSegment,
} from '../src/index.js';
import { fixturePath, readJson } from './helpers/fixtures.js';
import { lcgNoise } from './helpers/recipes.js';

interface SpeechFixtures {
  pause: { file: string; speech: [number, number][]; duration: number };
  continuous: { file: string; duration: number };
}

const fixtures = readJson<{ speech: SpeechFixtures }>('wav', 'manifest.json').speech;
const pause = await loadAudio(fixturePath('wav', fixtures.pause.file));
const continuous = await loadAudio(fixturePath('wav', fixtures.continuous.file));
const SR = 16000;

const seconds = (s: number) => Math.round(s * SR);
function concat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
/** `s` seconds of continuous real speech (the espeak clip, repeated as needed, without a pause) */
function talk(s: number): Float32Array {
  const n = seconds(s);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = continuous[i % continuous.length]!;
  return out;
}
const quiet = (s: number) => new Float32Array(seconds(s));

function expectSegments(got: SpeechSegment[], want: [number, number][], tolerance: number) {
  expect(got).toHaveLength(want.length);
  got.forEach((seg, i) => {
    expect(Math.abs(seg.start - want[i]![0])).toBeLessThanOrEqual(tolerance);
    expect(Math.abs(seg.end - want[i]![1])).toBeLessThanOrEqual(tolerance);
  });
}

describe('detectSpeech (energy, adaptive threshold) on real speech', () => {
  it('finds the two utterances around a 1.2 s pause', () => {
    expectSegments(detectSpeech(pause, SR), fixtures.pause.speech, 0.08);
  });

  it('keeps speech without pauses as one segment', () => {
    expectSegments(detectSpeech(continuous, SR), [[0, fixtures.continuous.duration]], 0.08);
  });

  it('works at 24 kHz (Qwen2.5-Omni talker output) and 44.1 kHz', () => {
    for (const rate of [24000, 44100]) {
      const up = resample(pause, SR, rate);
      expectSegments(detectSpeech(up, rate), fixtures.pause.speech, 0.08);
    }
  });

  it('adapts to background noise and ignores a DC offset', () => {
    const noise = lcgNoise(pause.length, 77);
    const noisy = Float32Array.from(pause, (v, i) => v + 0.03 * noise[i]! + 0.2);
    expectSegments(detectSpeech(noisy, SR), fixtures.pause.speech, 0.1);
  });

  it('silence, stationary noise and an empty clip hold no speech', () => {
    expect(detectSpeech(quiet(3), SR)).toEqual([]);
    expect(
      detectSpeech(
        Float32Array.from(lcgNoise(SR * 3, 5), (v) => 0.2 * v),
        SR,
      ),
    ).toEqual([]);
    expect(detectSpeech(new Float32Array(0), SR)).toEqual([]);
  });

  it('accepts plain arrays and Float64Array', () => {
    const want = detectSpeech(pause, SR);
    expect(detectSpeech(Array.from(pause), SR)).toEqual(want);
    expect(detectSpeech(Float64Array.from(pause), SR)).toEqual(want);
  });

  it('min durations: short blips are dropped, short gaps are joined', () => {
    const blip = concat(quiet(1), talk(0.05), quiet(1));
    expect(detectSpeech(blip, SR)).toEqual([]);
    const gapped = concat(quiet(0.5), talk(1), quiet(0.2), talk(1), quiet(0.5));
    expect(detectSpeech(gapped, SR)).toHaveLength(1);
    expect(detectSpeech(gapped, SR, { minSilenceMs: 100, hangoverMs: 50 })).toHaveLength(2);
  });

  it('EnergySpeechDetector is a SpeechDetector', async () => {
    const detector: SpeechDetector = new EnergySpeechDetector({ minSilenceMs: 250 });
    expect(detector.name).toBe('energy');
    expect(await detector.detect(pause, SR)).toEqual(detectSpeech(pause, SR, { minSilenceMs: 250 }));
  });
});

describe('reasoningDuration: the audit cases (alr-reward-audit.md D3-D7), done right', () => {
  const within = (value: number, want: number) => expect(Math.abs(value - want)).toBeLessThanOrEqual(0.1);

  it('10 s of continuous speech counts up to the 85% cut (SoundMind: 0)', () => {
    within(reasoningDuration(talk(10), SR), 8.5);
  });

  it('9 s of speech + 1 s of silence (SoundMind: 0)', () => {
    within(reasoningDuration(concat(talk(9), quiet(1)), SR), 8.5);
  });

  it('8 s + 0.2 s pause + 1.8 s: one segment, clipped (SoundMind: 0)', () => {
    within(reasoningDuration(concat(talk(8), quiet(0.2), talk(1.8)), SR), 8.5);
  });

  it('8 s + 0.5 s pause + 1.5 s: the first segment (SoundMind: 8.01)', () => {
    within(reasoningDuration(concat(talk(8), quiet(0.5), talk(1.5)), SR), 8);
  });

  it('silence is 0, not NaN; arrays and 24 kHz input work', () => {
    expect(reasoningDuration(quiet(3), SR)).toBe(0);
    expect(reasoningDuration(new Float32Array(0), SR)).toBe(0);
    within(reasoningDuration(Array.from(talk(3)), SR), 2.55);
    within(reasoningDuration(resample(talk(10), SR, 24000), 24000), 8.5);
  });

  it('answerStart (e.g. from ASR word timestamps) replaces the 85% heuristic', () => {
    within(reasoningDuration(talk(10), SR, { answerStart: 6.2 }), 6.2);
    within(reasoningDuration(concat(talk(2), quiet(1), talk(2)), SR, { answerStart: 4 }), 3);
    within(reasoningDuration(talk(4), SR, { cutoffFraction: 0.5 }), 2);
  });

  it('segments from another detector (e.g. Silero) are used as given, overlaps counted once', () => {
    const segments = [
      { start: 0.5, end: 2 },
      { start: 1.5, end: 3 },
      { start: 9, end: 9.5 },
    ];
    expect(reasoningDuration(quiet(10), SR, { segments })).toBeCloseTo(2.5, 12);
    expect(reasoningDuration(quiet(10), SR, { segments, answerStart: 2 })).toBeCloseTo(1.5, 12);
  });

  it.each([
    [() => reasoningDuration(quiet(1), 0), /sampleRate must be a positive number/],
    [() => reasoningDuration(quiet(1), SR, { answerStart: -1 }), /answerStart must be a time >= 0/],
    [() => reasoningDuration(quiet(1), SR, { cutoffFraction: 1.5 }), /cutoffFraction must be in \(0, 1\]/],
    [
      () => reasoningDuration(quiet(1), SR, { segments: [{ start: 2, end: 1 }] }),
      /segments\[0\] is \{start: 2, end: 1\}/,
    ],
    [() => detectSpeech(Float32Array.from([0, Number.NaN]), SR), /samples\[1\] is NaN/],
    [() => detectSpeech(quiet(1), Number.NaN), /sampleRate must be a positive number/],
    [
      () => detectSpeech(quiet(1), SR, { keepMarginDb: 20 }),
      /keepMarginDb \(20\) must not exceed startMarginDb/,
    ],
    [() => detectSpeech(quiet(1), SR, { hopMs: 0 }), /hopMs must be positive/],
    [() => new EnergySpeechDetector({ minSpeechMs: -1 }), /minSpeechMs must be >= 0/],
  ])('%#: typed error', (fn, text) => {
    expect(fn).toThrow(InvalidAudioArgumentError);
    expect(fn).toThrow(text);
  });
});
