import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@soundmind/rl-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GenerationError } from '../../src/errors.js';
import type { AudioFeatures } from '../../src/model/audio-encoder.js';
import { OmniThinker } from '../../src/model/thinker.js';
import { generateIds, type StreamedToken } from '../../src/sampling/generate.js';
import { argmax, sampleToken, tokenLogProb } from '../../src/sampling/sampler.js';

interface Case {
  name: string;
  inputIds: number[];
  features: { nMels: number; frames: number; data: number[] }[];
  greedy: number[];
}
const dir = join(import.meta.dirname, '..', 'fixtures', 'thinker-tiny');
const ref = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as { cases: Case[] };
const prompt = (c: Case) => ({
  ids: Int32Array.from(c.inputIds),
  audio: c.features.map(
    (f): AudioFeatures => ({ nMels: f.nMels, frames: f.frames, data: Float32Array.from(f.data) }),
  ),
});

describe('generateIds', () => {
  let thinker: OmniThinker;
  beforeAll(async () => {
    thinker = await OmniThinker.fromPretrained(dir);
  });
  afterAll(() => thinker.dispose());

  it('reproduces the PyTorch greedy continuations, one at a time and batched with left padding', () => {
    const single = ref.cases.map(
      (c) => generateIds(thinker, [prompt(c)], { maxNewTokens: 12, doSample: false })[0]!,
    );
    single.forEach((g, i) => {
      expect(Array.from(g.tokens)).toEqual(ref.cases[i]!.greedy);
      expect(g.finishReason).toBe('length');
    });
    const batched = generateIds(thinker, ref.cases.map(prompt), { maxNewTokens: 12, doSample: false });
    batched.forEach((g, i) => {
      expect(Array.from(g.tokens)).toEqual(ref.cases[i]!.greedy);
      for (let t = 0; t < 12; t++) expect(g.logProbs[t]).toBeCloseTo(single[i]!.logProbs[t]!, 5);
    });
  });

  it('returns log-probs equal to log softmax(logits / T) of a full forward pass', () => {
    const c = ref.cases[0]!;
    const [g] = generateIds(thinker, [prompt(c)], { maxNewTokens: 6, temperature: 0.7, rng: new Rng(3) });
    const seq = [...c.inputIds, ...g!.tokens];
    const logits = thinker.logits(seq);
    const V = thinker.config.text.vocabSize;
    for (let t = 0; t < 6; t++) {
      const pos = c.inputIds.length - 1 + t;
      const row = logits.subarray(pos * V, (pos + 1) * V);
      expect(g!.logProbs[t]).toBeCloseTo(tokenLogProb(row, g!.tokens[t]!, 0.7), 4);
    }
  });

  it('is deterministic by seed, stops at stop tokens, streams every token and drops finished rows', () => {
    const prompts = [prompt(ref.cases[0]!), prompt(ref.cases[1]!), prompt(ref.cases[0]!)];
    const opts = { maxNewTokens: 20, temperature: 1.3, topK: 20, topP: 0.95 };
    const a = generateIds(thinker, prompts, { ...opts, rng: new Rng(42) });
    const b = generateIds(thinker, prompts, { ...opts, rng: new Rng(42) });
    expect(a.map((g) => Array.from(g.tokens))).toEqual(b.map((g) => Array.from(g.tokens)));
    const stop = a[0]!.tokens[3]!;
    const streamed: StreamedToken[] = [];
    const progress: number[] = [];
    const s = generateIds(thinker, prompts, {
      ...opts,
      rng: new Rng(42),
      stopTokenIds: [stop],
      onToken: (t) => streamed.push(t),
      onProgress: (d) => progress.push(d),
    });
    const first = s[0]!;
    expect(first.finishReason).toBe('stop');
    expect(first.tokens[first.tokens.length - 1]).toBe(stop);
    expect(first.tokens.length).toBeLessThanOrEqual(4);
    for (const g of s) {
      if (g.finishReason === 'length') expect(g.tokens.length).toBe(20);
      expect(g.tokens.slice(0, -1).includes(stop)).toBe(false);
    }
    expect(streamed.length).toBe(s.reduce((n, g) => n + g.tokens.length, 0));
    for (const t of streamed) expect(s[t.row]!.tokens[t.step]).toBe(t.token);
    expect(progress[progress.length - 1]).toBe(3);
  });

  it('rejects bad options and inputs', () => {
    const p = [prompt(ref.cases[0]!)];
    expect(() => generateIds(thinker, p, { maxNewTokens: 0, doSample: false })).toThrow(/maxNewTokens/);
    expect(() => generateIds(thinker, p, { maxNewTokens: 3 })).toThrow(/rng/);
    expect(() => generateIds(thinker, p, { maxNewTokens: 3, temperature: 0, rng: new Rng(1) })).toThrow(
      GenerationError,
    );
    expect(() => generateIds(thinker, p, { maxNewTokens: 3, topP: 1.5, rng: new Rng(1) })).toThrow(/topP/);
    expect(() =>
      generateIds(thinker, [{ ids: new Int32Array(0) }], { maxNewTokens: 3, doSample: false }),
    ).toThrow(/empty/);
    expect(() =>
      generateIds(thinker, [{ ids: Int32Array.from([1, 999]) }], { maxNewTokens: 3, doSample: false }),
    ).toThrow(/999/);
    const audioCase = prompt(ref.cases[1]!);
    expect(() =>
      generateIds(thinker, [{ ids: audioCase.ids }], { maxNewTokens: 3, doSample: false }),
    ).toThrow(/<\|AUDIO\|> token\(s\) but the 0 audio clip/);
  });
});

describe('sampler', () => {
  const logits = Float32Array.from([0.5, 2, -1, 2, 1.5, 0]);
  it('greedy picks the first maximum; top-k 1 is greedy; top-p keeps the most likely', () => {
    expect(argmax(logits)).toBe(1);
    const rng = new Rng(5);
    for (let i = 0; i < 20; i++) expect([1, 3]).toContain(sampleToken(logits, { topK: 1 }, rng)); // tie kept
    for (let i = 0; i < 20; i++) expect([1, 3]).toContain(sampleToken(logits, { topP: 0.1 }, rng));
  });
  it('samples from softmax(logits / T): empirical frequencies match', () => {
    const rng = new Rng(9);
    const counts = new Array(6).fill(0);
    const N = 20000;
    for (let i = 0; i < N; i++) counts[sampleToken(logits, { temperature: 0.8 }, rng)]++;
    for (let k = 0; k < 6; k++) expect(counts[k] / N).toBeCloseTo(Math.exp(tokenLogProb(logits, k, 0.8)), 1);
    const top3 = new Array(6).fill(0);
    for (let i = 0; i < 3000; i++) top3[sampleToken(logits, { topK: 3 }, rng)]++;
    expect(top3[0] + top3[2] + top3[5]).toBe(0);
  });
});

describe('generateIds with repeated prompts and early stops', () => {
  it('gives every row the same tokens as generating it alone (greedy), whatever the batch layout', async () => {
    const thinker = await OmniThinker.fromPretrained(dir);
    const [a, b] = ref.cases.map(prompt) as [ReturnType<typeof prompt>, ReturnType<typeof prompt>];
    const stop = ref.cases[1]!.greedy[3]!; // ends the audio prompt's row early
    const opts = { maxNewTokens: 12, doSample: false, stopTokenIds: [stop] };
    const alone = [a, b].map((p) => generateIds(thinker, [p], opts)[0]!);
    const layout = [a, b, a, b, b, a, a, b];
    const batch = generateIds(thinker, layout, opts);
    batch.forEach((g, i) => {
      const want = layout[i] === a ? alone[0]! : alone[1]!;
      expect(Array.from(g.tokens)).toEqual(Array.from(want.tokens));
      expect(g.finishReason).toBe(want.finishReason);
      for (let t = 0; t < g.tokens.length; t++) expect(g.logProbs[t]).toBeCloseTo(want.logProbs[t]!, 5);
    });
    expect(alone[1]!.finishReason).toBe('stop');
    thinker.dispose();
  });
});

describe('top-k / top-p candidate sets', () => {
  it('match a brute-force reference on random logits, ties at the k-th value included', () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 200; trial++) {
      const V = 5 + rng.int(60);
      // Coarse values so that ties happen.
      const logits = Float32Array.from({ length: V }, () => Math.round(rng.normal() * 4) / 2);
      const k = 1 + rng.int(V);
      const p = [1, 0.9, 0.5][rng.int(3)]!;
      const sorted = Array.from(logits).sort((a, b) => b - a);
      const kth = sorted[k - 1]!;
      const allowedK = new Set(Array.from(logits.keys()).filter((i) => logits[i]! >= kth));
      const seen = new Set<number>();
      const r = new Rng(trial);
      for (let d = 0; d < 40; d++) seen.add(sampleToken(logits, { topK: k, topP: p }, r));
      for (const t of seen) expect(allowedK.has(t)).toBe(true);
      if (p === 1 && k === 1) expect(seen.size).toBeLessThanOrEqual(allowedK.size);
    }
  });
});
