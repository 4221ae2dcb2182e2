import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { audioTokensForFrames } from '@soundmind/audio-io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backward } from '../../src/autograd/backward.js';
import type { AudioFeatures } from '../../src/model/audio-encoder.js';
import { OmniThinker } from '../../src/model/thinker.js';
import { gatherLogProbs } from '../../src/ops/softmax.js';
import { fromArray } from '../../src/tensor/create.js';
import { tidy } from '../../src/tensor/scope.js';
import { SafetensorsFile } from '../../src/weights/safetensors.js';

interface Case {
  name: string;
  inputIds: number[];
  features: { nMels: number; frames: number; data: number[] }[];
  logits: number[];
  greedy: number[];
  audioEmbeddings?: number[];
}
interface Reference {
  cases: Case[];
  gradLoss: { temperature: number; targets: number[]; weights: number[]; logProbs: number[]; loss: number };
  audioTokenCounts: { frames: number; tokens: number }[];
}

const fixture = (name: string) => join(import.meta.dirname, '..', 'fixtures', name);
const features = (c: Case): AudioFeatures[] =>
  c.features.map((f) => ({ nMels: f.nMels, frames: f.frames, data: Float32Array.from(f.data) }));

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

for (const name of ['thinker-tiny', 'thinker-tiny-tied']) {
  describe(`thinker parity with the PyTorch reference (${name})`, () => {
    let thinker: OmniThinker;
    const ref = JSON.parse(readFileSync(join(fixture(name), 'reference.json'), 'utf8')) as Reference;
    beforeAll(async () => {
      thinker = await OmniThinker.fromPretrained(fixture(name));
    });
    afterAll(() => thinker.dispose());

    it('gives the same logits (within 1e-4) for text-only and audio+text inputs', () => {
      for (const c of ref.cases) {
        const logits = thinker.logits(c.inputIds, { audio: features(c) });
        expect(maxAbsDiff(logits, c.logits), c.name).toBeLessThan(1e-4);
      }
    });

    it('gives the same audio embeddings and audio-token counts', () => {
      const c = ref.cases.find((x) => x.audioEmbeddings)!;
      const emb = tidy(() => thinker.audio_tower.forward(features(c)).toArray());
      expect(maxAbsDiff(emb, c.audioEmbeddings!)).toBeLessThan(1e-4);
      for (const { frames, tokens } of ref.audioTokenCounts) {
        const f: AudioFeatures = {
          nMels: thinker.config.audio.numMelBins,
          frames,
          data: new Float32Array(thinker.config.audio.numMelBins * frames),
        };
        expect(
          tidy(() => thinker.audio_tower.forward([f]).dim(0)),
          `frames ${frames}`,
        ).toBe(tokens);
        expect(audioTokensForFrames(frames)).toBe(tokens);
      }
    });

    it('gives parameter gradients within 1e-3 relative of torch', async () => {
      const c = ref.cases.find((x) => x.name === 'audio')!;
      const g = ref.gradLoss;
      thinker.zeroGrad();
      tidy(() => {
        const ids = Int32Array.from(c.inputIds);
        const h = thinker.hidden(thinker.embed(ids, 1, features(c)), { positions: ids.map((_, i) => i) });
        const logits = thinker.head(h);
        const logp = gatherLogProbs(logits, g.targets, { temperature: g.temperature });
        expect(maxAbsDiff(logp.toArray(), g.logProbs)).toBeLessThan(1e-4);
        backward(logp, fromArray(Float32Array.from(g.weights), logp.shape));
      });
      const grads = await SafetensorsFile.open(join(fixture(name), 'grads.safetensors'));
      try {
        for (const [pname, p] of thinker.namedParameters()) {
          const want = await grads.read(`thinker.${pname}`);
          const got = p.grad ? p.grad.toArray() : new Float32Array(p.size);
          let scale = 0;
          for (const v of want) scale = Math.max(scale, Math.abs(v));
          expect(maxAbsDiff(got, want) / Math.max(scale, 1e-6), pname).toBeLessThan(1e-3);
        }
      } finally {
        await grads.close();
      }
      thinker.zeroGrad();
    });
  });
}
