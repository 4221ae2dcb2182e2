/**
 * Test signals defined by recipes that fixtures/recipes.py reproduces bit for bit (same float64 operations in
 * the same order; float32, or the 16-bit grid where sin() of two libms could differ in the last bit, at the end), so fixtures store a recipe and a checksum instead of megabytes of input.
 */

export type Recipe =
  | { kind: 'golden'; n: number }
  | { kind: 'speech'; n: number; rate: number; seed: number }
  | { kind: 'noise'; n: number; seed: number; amplitude: number }
  | { kind: 'silence'; n: number }
  | { kind: 'clipped'; n: number }
  | { kind: 'loud-tail'; n: number; seed: number }
  | { kind: 'probe'; n: number; rate: number; seed: number };

const TWO_PI = 2 * Math.PI;

/** The spec's LCG (feature_oracle.golden_signal): s <- 1664525 s + 1013904223 mod 2^32, value s / 2^32 - 0.5. */
export function lcgNoise(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(1664525, s) + 1013904223) >>> 0;
    out[i] = s / 4294967296 - 0.5;
  }
  return out;
}

/** feature_oracle.golden_signal(n) */
export function goldenSignal(n = 19_750): Float32Array {
  const noise = lcgNoise(n, 12345);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] =
      0.5 * Math.sin((TWO_PI * 440 * i) / 16000) +
      0.25 * Math.sin((TWO_PI * 3000 * i) / 16000 + 0.3) * (i / n) +
      0.05 * noise[i]!;
  }
  return x;
}

/** Quantise to the 16-bit grid: a last-bit difference between two libm sin()s cannot survive it. */
function pcm16(v: number): number {
  return Math.floor(v * 32768 + 0.5) / 32768;
}

/**
 * A voiced source with intonation and vibrato, harmonics up to `topHz`, syllable envelope and pauses, as float64.
 * The phase is wrapped every sample to keep sin's argument small.
 */
const voicedCache = new Map<string, Float64Array>();

function voiced(n: number, rate: number, topHz: number): Float64Array {
  const key = `${n}:${rate}:${topHz}`;
  const cached = voicedCache.get(key);
  if (cached !== undefined) return cached;
  const out = new Float64Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const f0 = 110 + 25 * Math.sin(TWO_PI * 0.7 * t) + 8 * Math.sin(TWO_PI * 5.5 * t);
    phase = (phase + (TWO_PI * f0) / rate) % TWO_PI;
    let v = 0;
    for (let h = 1; h <= 24; h++) {
      if (h * f0 < topHz) v += Math.sin(h * phase) / h;
    }
    const syllable = 0.5 - 0.5 * Math.cos(TWO_PI * 3.1 * t);
    const pause = t % 2.3 > 1.9 ? 0 : 1;
    out[i] = v * syllable * pause;
  }
  if (voicedCache.size > 16) voicedCache.clear();
  voicedCache.set(key, out);
  return out;
}

const SPEECH_BASE_SECONDS = 7.3;

/** Speech-like clip: a 7.3 s voiced base tiled with changing gains, plus LCG noise (louder in "fricatives"). */
function speech(n: number, rate: number, seed: number): Float32Array {
  const baseLength = Math.min(n, Math.round(SPEECH_BASE_SECONDS * rate));
  const base = voiced(baseLength, rate, 7600);
  const noise = lcgNoise(n, seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const k = Math.floor(i / baseLength);
    const gain = 0.4 + ((k * 7) % 10) / 10;
    const t = i / rate;
    const fricative = t % 0.77 < 0.08 ? 5 : 1;
    x[i] = pcm16(0.3 * gain * base[i % baseLength]! + 0.02 * fricative * noise[i]!);
  }
  return x;
}

/** Resampling probe (omni-audio-features.md section 5): voice with full-band harmonics, noise bursts, 7.9/9 kHz tones. */
function probe(n: number, rate: number, seed: number): Float32Array {
  const base = voiced(n, rate, rate / 2);
  const noise = lcgNoise(n, seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const burst = t % 0.5 < 0.2 ? 0.15 : 0;
    let v = 0.2 * base[i]! + burst * noise[i]!;
    if (7900 < 0.45 * rate) v += 0.05 * Math.sin(TWO_PI * 7900 * t);
    if (9000 < 0.45 * rate) v += 0.05 * Math.sin(TWO_PI * 9000 * t);
    x[i] = pcm16(v);
  }
  return x;
}

export function makeSignal(recipe: Recipe): Float32Array {
  switch (recipe.kind) {
    case 'golden':
      return goldenSignal(recipe.n);
    case 'speech':
      return speech(recipe.n, recipe.rate, recipe.seed);
    case 'noise': {
      const noise = lcgNoise(recipe.n, recipe.seed);
      return Float32Array.from(noise, (v) => recipe.amplitude * v);
    }
    case 'silence':
      return new Float32Array(recipe.n);
    case 'clipped': {
      const x = new Float32Array(recipe.n);
      for (let i = 0; i < recipe.n; i++) {
        const t = i / 16000;
        const v = 3 * (0.6 * Math.sin(TWO_PI * 220 * t) + 0.3 * Math.sin(TWO_PI * 1330 * t));
        x[i] = Math.min(1, Math.max(-1, v));
      }
      return x;
    }
    case 'loud-tail': {
      const noise = lcgNoise(recipe.n, recipe.seed);
      const x = new Float32Array(recipe.n);
      for (let i = 0; i < recipe.n; i++) x[i] = (i >= recipe.n - 50 ? 2 : 0.1) * noise[i]!;
      return x;
    }
    case 'probe':
      return probe(recipe.n, recipe.rate, recipe.seed);
  }
}

/** sum_i bits(x_i) * ((2i + 1) * 0x9E3779B1) mod 2^32 (fixtures/recipes.py `checksum`): any changed sample changes it. */
export function checksum(x: Float32Array): string {
  const bits = new Uint32Array(x.buffer, x.byteOffset, x.length);
  let total = 0;
  for (let i = 0; i < bits.length; i++) {
    const mult = Math.imul(2 * i + 1, 0x9e3779b1) >>> 0;
    total = (total + (Math.imul(bits[i]!, mult) >>> 0)) >>> 0;
  }
  return total.toString(16).padStart(8, '0');
}
