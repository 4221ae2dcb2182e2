import { describe, expect, it } from 'vitest';
import { frameLayout } from '../src/features/frames.js';
import {
  audioTokenCount,
  audioTokensForFrames,
  InvalidAudioArgumentError,
  type LogMelSpectrogram,
  logMelSpectrogram,
  melFilterBank,
  QWEN_OMNI_FEATURES,
  WHISPER_FEATURES,
} from '../src/index.js';
import { readF32, readJson } from './helpers/fixtures.js';
import { checksum, goldenSignal, makeSignal, type Recipe } from './helpers/recipes.js';

interface FeatureCase {
  name: string;
  recipe: Recipe;
  inputChecksum: string;
  options: { nMels: number; chunkLength: number; truncation: boolean };
  validFrames: number;
  computedFrames: number;
  paddedFrames: number;
  paddingValue: number | null;
  tokens: number;
  columns: number[] | 'all';
  file: string;
  rowSum: number[];
  rowMin: number[];
  rowMax: number[];
}

const manifest = readJson<{ golden: Record<string, number>; cases: FeatureCase[] }>(
  'features',
  'manifest.json',
);
const at = (f: LogMelSpectrogram, m: number, t: number) => f.data[m * f.frames + t]!;

/** Oracle parity: max |ours - oracle| over the stored columns, and per-row statistics over every valid frame. */
function compare(c: FeatureCase, ours: LogMelSpectrogram) {
  const expected = readF32('features', c.file);
  const cols = c.columns === 'all' ? Array.from({ length: c.computedFrames }, (_, t) => t) : c.columns;
  expect(expected.length).toBe(c.options.nMels * cols.length);
  let worst = 0;
  for (let m = 0; m < c.options.nMels; m++) {
    cols.forEach((t, j) => {
      worst = Math.max(worst, Math.abs(at(ours, m, t) - expected[m * cols.length + j]!));
    });
  }
  let rowWorst = 0;
  for (let m = 0; m < c.options.nMels; m++) {
    let sum = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let t = 0; t < c.validFrames; t++) {
      const v = at(ours, m, t);
      sum += v;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    rowWorst = Math.max(
      rowWorst,
      Math.abs(sum - c.rowSum[m]!) / c.validFrames,
      Math.abs(lo - c.rowMin[m]!),
      Math.abs(hi - c.rowMax[m]!),
    );
  }
  return { worst, rowWorst };
}

describe('logMelSpectrogram against feature_oracle.py (fixtures/make_feature_fixtures.py)', () => {
  it.each(manifest.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const x = makeSignal(c.recipe);
    expect(checksum(x)).toBe(c.inputChecksum); // the recipe regenerated the oracle's input bit for bit
    const f = logMelSpectrogram(x, c.options);
    expect(f.nMels).toBe(c.options.nMels);
    expect(f.validFrames).toBe(c.validFrames);
    expect(f.frames).toBe(c.computedFrames);
    expect(audioTokenCount(x, c.options)).toBe(c.tokens);
    const { worst, rowWorst } = compare(c, f);
    expect(worst).toBeLessThanOrEqual(1e-4); // the quality bar
    expect(worst).toBeLessThanOrEqual(2e-7); // in practice: float32 rounding of the same float64 value
    expect(rowWorst).toBeLessThanOrEqual(1e-6);
  });

  it('padded output equals transformers input_features width and padding value', () => {
    for (const name of ['golden', 'whisper-speech-5s', 'tiny-0.01s', 'silence-2s']) {
      const c = manifest.cases.find((k) => k.name === name)!;
      const f = logMelSpectrogram(makeSignal(c.recipe), { ...c.options, padded: true });
      expect(f.frames).toBe(c.paddedFrames);
      const pad = Math.fround(c.paddingValue ?? at(f, 0, c.computedFrames - 1));
      let off = 0;
      for (let m = 0; m < f.nMels; m++) {
        for (let t = c.computedFrames; t < f.frames; t++) if (at(f, m, t) !== pad) off++;
      }
      expect(off).toBe(0);
      expect(compare(c, f).worst).toBeLessThanOrEqual(2e-7);
    }
  });
});

describe('golden values (omni-audio-features.md section 7)', () => {
  const g = manifest.golden;
  const f = logMelSpectrogram(goldenSignal());

  it('shape, tokens and statistics', () => {
    expect(f.validFrames).toBe(124);
    expect(audioTokenCount(goldenSignal())).toBe(31);
    let sum = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let m = 0; m < 128; m++) {
      for (let t = 0; t < 124; t++) {
        sum += at(f, m, t);
        lo = Math.min(lo, at(f, m, t));
        hi = Math.max(hi, at(f, m, t));
      }
    }
    expect(sum).toBeCloseTo(g.sum!, 6);
    expect(lo).toBe(Math.fround(g.min!));
    expect(hi).toBe(Math.fround(g.max!));
  });

  it('single cells and the argmax of frame 60', () => {
    expect(at(f, 0, 0)).toBe(Math.fround(g['f[0,0]']!));
    expect(at(f, 10, 0)).toBe(Math.fround(g['f[10,0]']!));
    expect(at(f, 20, 50)).toBe(Math.fround(g['f[20,50]']!));
    expect(at(f, 64, 60)).toBe(Math.fround(g['f[64,60]']!));
    expect(at(f, 127, 123)).toBe(Math.fround(g['f[127,123]']!));
    let best = 0;
    for (let m = 1; m < 128; m++) if (at(f, m, 60) > at(f, best, 60)) best = m;
    expect(best).toBe(18);
  });

  it('valid features do not depend on chunkLength for clips under 30 s', () => {
    const a = logMelSpectrogram(goldenSignal(), { chunkLength: 300 });
    const b = logMelSpectrogram(goldenSignal(), { chunkLength: 30 });
    expect(b.data).toEqual(a.data);
  });

  it('a 1 kHz sine peaks in mel bin 42; silence is -1.5 everywhere', () => {
    const sine = Float32Array.from(
      { length: 32000 },
      (_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / 16000),
    );
    const s = logMelSpectrogram(sine);
    let best = 0;
    for (let m = 1; m < 128; m++) if (at(s, m, 100) > at(s, best, 100)) best = m;
    expect(best).toBe(42);
    const silent = logMelSpectrogram(new Float32Array(16000), { padded: true });
    expect(new Set(silent.data)).toEqual(new Set([-1.5]));
  });
});

describe('mel filter bank (Slaney), section 2 step 9 checks', () => {
  it('128 and 80 bins', () => {
    const b128 = melFilterBank(128, 400, 16000);
    const sum = b128.dense.reduce((a, v) => a + v, 0);
    expect(sum).toBeCloseTo(3.1909855285406996, 12);
    expect(b128.dense.filter((v) => v > 0).length).toBe(394);
    expect(b128.dense[0 * 201 + 1]).toBeCloseTo(0.012373986332636965, 15);
    expect(b128.dense[1 * 201 + 1]).toBeCloseTo(0.03039256487135522, 15);
    expect(b128.dense[127 * 201 + 195]).toBeCloseTo(0.005041601675024642, 15);
    expect(b128.dense[127 * 201 + 200]).toBe(0);
    for (let m = 0; m < 128; m++) expect(b128.count[m]).toBeGreaterThan(0);
    const b80 = melFilterBank(80, 400, 16000);
    expect(b80.dense.reduce((a, v) => a + v, 0)).toBeCloseTo(1.9990241029178577, 12);
  });
});

describe('frames and audio tokens (section 3)', () => {
  it.each([
    [1, 1, 0],
    [160, 1, 0],
    [161, 2, 0],
    [320, 2, 0],
    [321, 3, 1],
    [16000, 100, 25],
    [19750, 124, 31],
    [80000, 500, 125],
    [160000, 1000, 250],
    [480000, 3000, 750],
    [16000 * 400, 30000, 7500],
  ])('%i samples -> %i valid frames -> %i tokens', (n, frames, tokens) => {
    expect(frameLayout(n).validFrames).toBe(frames);
    expect(audioTokensForFrames(frames)).toBe(tokens);
    expect(audioTokenCount(n)).toBe(tokens);
  });

  it('without truncation: 300.01 s -> 30001 frames; L % 160 != 0 -> floor(L / 160)', () => {
    expect(frameLayout(4800160, { truncation: false }).validFrames).toBe(30001);
    expect(frameLayout(4800100, { truncation: false }).validFrames).toBe(30000);
    expect(frameLayout(0).validFrames).toBe(0);
    expect(audioTokensForFrames(0)).toBe(0);
  });

  it('presets', () => {
    expect(QWEN_OMNI_FEATURES).toEqual({ nMels: 128, chunkLength: 300 });
    expect(WHISPER_FEATURES).toEqual({ nMels: 80, chunkLength: 30 });
    const whisper = logMelSpectrogram(new Float32Array(16000 * 31), WHISPER_FEATURES);
    expect([whisper.nMels, whisper.validFrames]).toEqual([80, 3000]);
  });

  it('empty input gives no frames', () => {
    const f = logMelSpectrogram(new Float32Array(0));
    expect([f.frames, f.validFrames, f.data.length]).toEqual([0, 0, 0]);
  });
});

describe('input forms and bad input', () => {
  it('number[] and Float64Array are cast to float32 first, like the extractor', () => {
    const x = goldenSignal(3000);
    const ref = logMelSpectrogram(x);
    expect(logMelSpectrogram(Array.from(x)).data).toEqual(ref.data);
    const wide = Float64Array.from(x, (v, i) => v + (i % 2 ? 1e-12 : -1e-12));
    expect(logMelSpectrogram(wide).data).toEqual(ref.data);
  });

  it.each([
    [
      () => logMelSpectrogram(new Float32Array(10), { nMels: 0 }),
      /nMels must be an integer in \[1, 1024\], got 0/,
    ],
    [
      () => logMelSpectrogram(new Float32Array(10), { chunkLength: 2.5 }),
      /chunkLength must be a positive integer/,
    ],
    [
      () => logMelSpectrogram(new Float32Array(10), { padded: 'yes' as unknown as boolean }),
      /padded must be a boolean/,
    ],
    [() => logMelSpectrogram(Float32Array.from([0, 1, Number.NaN])), /samples\[2\] is NaN/],
    [() => logMelSpectrogram([0, Number.POSITIVE_INFINITY]), /samples\[1\] is Infinity/],
    [() => logMelSpectrogram('abc' as unknown as Float32Array), /samples must be a Float32Array/],
    [() => audioTokenCount(-5), /non-negative integer/],
  ])('%#: typed error', (fn, text) => {
    expect(fn).toThrow(InvalidAudioArgumentError);
    expect(fn).toThrow(text);
  });
});
