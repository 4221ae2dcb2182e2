import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type PolicyBatch, Rng } from '@soundmind/rl-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedConfigForTokenizer } from '../../src/model/config.js';
import { OmniThinker } from '../../src/model/thinker.js';
import { OmniPolicy, type OmniPrompt } from '../../src/policy/omni-policy.js';
import { OmniTokenizer } from '../../src/tokenizer/tokenizer.js';
import { buildWordLevelTokenizer } from '../../src/tokenizer/word-level.js';
import { SafetensorsFile } from '../../src/weights/safetensors.js';

const dir = join(import.meta.dirname, '..', 'fixtures', 'thinker-tiny');
const ref = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8'));
const audioCase = ref.cases.find((c: { name: string }) => c.name === 'audio');
const features = audioCase.features.map((f: { nMels: number; frames: number; data: number[] }) => ({
  nMels: f.nMels,
  frames: f.frames,
  data: Float32Array.from(f.data),
}));
const total = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0);
const words = [
  'all',
  'some',
  'cats',
  'dogs',
  'are',
  'not',
  'entailed',
  'not-entailed',
  '<answer>',
  '</answer>',
];
const embeddedTokenizer = () => {
  const { tokenizerJson, tokenizerConfig } = buildWordLevelTokenizer(words);
  return OmniTokenizer.fromJson(tokenizerJson, tokenizerConfig);
};

/** The fixture's loss as a policy batch: prompt = the ids up to the last audio run, response = the rest + one target. */
const cut: number = ref.gradLoss.promptLength;
function fixtureBatch(): PolicyBatch<OmniPrompt> {
  const ids: number[] = audioCase.inputIds;
  const targets: number[] = ref.gradLoss.targets;
  const prompt = { ids: Int32Array.from(ids.slice(0, cut)), audio: features };
  return {
    prompts: [prompt],
    promptIds: [prompt.ids],
    responseIds: [Int32Array.from([...ids.slice(cut), targets[targets.length - 1]])],
    cols: ids.length - cut + 3,
    temperature: ref.gradLoss.temperature,
  };
}

describe('OmniPolicy on the tiny reference checkpoint', () => {
  let policy: OmniPolicy;
  beforeAll(async () => {
    const thinker = await OmniThinker.fromPretrained(dir);
    policy = new OmniPolicy(thinker, embeddedTokenizer(), { lr: 1e-2 });
  });
  afterAll(() => policy.dispose());

  it('logProbs + backward(gradLogProb) reproduce the PyTorch log-probs and parameter gradients', async () => {
    const batch = fixtureBatch();
    policy.zeroGrad();
    const { logProbs } = await policy.logProbs(batch, { requiresGrad: true });
    const n = batch.responseIds[0]!.length;
    for (let t = 0; t < n; t++) expect(logProbs.data[t]).toBeCloseTo(ref.gradLoss.logProbs[cut - 1 + t], 4);
    for (let t = n; t < batch.cols; t++) expect(logProbs.data[t]).toBe(0);
    const grad = { data: new Float64Array(batch.cols), rows: 1, cols: batch.cols };
    grad.data.set(ref.gradLoss.weights.slice(cut - 1));
    await policy.backward(batch, grad);
    const grads = await SafetensorsFile.open(join(dir, 'grads.safetensors'));
    for (const [name, p] of policy.thinker.namedParameters()) {
      const want = await grads.read(`thinker.${name}`);
      const got = p.grad!.toArray();
      let scale = 1e-6;
      let diff = 0;
      for (let i = 0; i < want.length; i++) {
        scale = Math.max(scale, Math.abs(want[i]!));
        diff = Math.max(diff, Math.abs(got[i]! - want[i]!));
      }
      expect(diff / scale, name).toBeLessThan(1e-3);
    }
    await grads.close();
    await expect(policy.backward(batch, grad)).rejects.toThrow(/logProbs\(batch, \{ requiresGrad: true \}\)/);
    policy.zeroGrad();
  });

  it('returns entropies of softmax(logits / T) and back-propagates gradEntropy (finite differences)', async () => {
    const batch = fixtureBatch();
    const { entropy } = await policy.logProbs(batch, { withEntropy: true });
    const ids = [...batch.promptIds[0]!, ...batch.responseIds[0]!];
    const logits = policy.thinker.logits(ids, { audio: features });
    const V = policy.thinker.config.text.vocabSize;
    for (const t of [0, 2, 5]) {
      const pos = cut - 1 + t;
      const row = Array.from(logits.subarray(pos * V, (pos + 1) * V), (x) => x / batch.temperature);
      const m = Math.max(...row);
      const z = row.reduce((s, x) => s + Math.exp(x - m), 0);
      const h = -row.reduce((s, x) => s + (Math.exp(x - m) / z) * (x - m - Math.log(z)), 0);
      expect(entropy!.data[t]).toBeCloseTo(h, 4);
    }
    // d(sum of entropies)/d(one weight) against a central difference.
    const zero = { data: new Float64Array(batch.cols), rows: 1, cols: batch.cols };
    const ones = { data: new Float64Array(batch.cols).fill(1), rows: 1, cols: batch.cols };
    policy.zeroGrad();
    await policy.logProbs(batch, { requiresGrad: true, withEntropy: true });
    await policy.backward(batch, zero, ones);
    const w = policy.thinker.model.layers.at(1).mlp.up_proj.w;
    const entropySum = async () => total((await policy.logProbs(batch, { withEntropy: true })).entropy!.data);
    for (const i of [3, 100]) {
      const data = w.cpuData();
      const x0 = data[i]!;
      const eps = 1e-2;
      data[i] = x0 + eps;
      const up = await entropySum();
      data[i] = x0 - eps;
      const down = await entropySum();
      data[i] = x0;
      expect(w.grad!.cpuData()[i]).toBeCloseTo((up - down) / (2 * eps), 2);
    }
    policy.zeroGrad();
  });

  it('steps with clipping, skips non-finite steps, and keeps a frozen reference', async () => {
    const batch = fixtureBatch();
    const reference = policy.referencePolicy();
    const before = (await reference.logProbs(batch)).logProbs.data.slice();
    expect((await policy.logProbs(batch)).logProbs.data).toEqual(before);
    const nan = { data: new Float64Array(batch.cols).fill(Number.NaN), rows: 1, cols: batch.cols };
    await policy.logProbs(batch, { requiresGrad: true });
    await policy.backward(batch, nan);
    const skipped = await policy.step({ maxGradNorm: 1 });
    expect(skipped.skipped).toBe(true);
    expect(policy.thinker.model.norm.w.grad!.toArray().every((g) => g === 0)).toBe(true);
    // Raise the log-prob of the sampled response: its log-prob must go up, the reference's must not move.
    const up = { data: new Float64Array(batch.cols), rows: 1, cols: batch.cols };
    up.data.fill(-1, 0, batch.responseIds[0]!.length);
    await policy.logProbs(batch, { requiresGrad: true });
    await policy.backward(batch, up);
    const report = await policy.step({ maxGradNorm: 1 });
    expect(report.skipped).toBe(false);
    expect(report.gradNorm).toBeGreaterThan(1);
    expect(report.lr).toBe(1e-2);
    policy.zeroGrad();
    const after = (await policy.logProbs(batch)).logProbs.data;
    expect(total(after)).toBeGreaterThan(total(before));
    expect((await reference.logProbs(batch)).logProbs.data).toEqual(before);
    reference.dispose();
  });

  it('encodes a clip shared by repeated prompts once; gradients add up over the repeats', async () => {
    const one = fixtureBatch();
    const two: PolicyBatch<OmniPrompt> = {
      ...one,
      prompts: [one.prompts[0]!, one.prompts[0]!],
      promptIds: [one.promptIds[0]!, one.promptIds[0]!],
      responseIds: [one.responseIds[0]!, one.responseIds[0]!],
    };
    const g1 = { data: new Float64Array(one.cols).fill(0.1), rows: 1, cols: one.cols };
    const g2 = { data: new Float64Array(2 * one.cols).fill(0.1), rows: 2, cols: one.cols };
    policy.zeroGrad();
    const single = await policy.logProbs(one, { requiresGrad: true });
    await policy.backward(one, g1);
    const conv = policy.thinker.audio_tower.conv1.w;
    const once = conv.grad!.toArray();
    policy.zeroGrad();
    const double = await policy.logProbs(two, { requiresGrad: true });
    await policy.backward(two, g2);
    const twice = conv.grad!.toArray();
    for (let t = 0; t < one.cols; t++) {
      expect(double.logProbs.data[t]).toBeCloseTo(single.logProbs.data[t]!, 5);
      expect(double.logProbs.data[one.cols + t]).toBeCloseTo(single.logProbs.data[t]!, 5);
    }
    for (let i = 0; i < once.length; i += 37) expect(twice[i]).toBeCloseTo(2 * once[i]!, 5);
    policy.zeroGrad();
  });

  it('rejects gradients of the wrong shape', async () => {
    const batch = fixtureBatch();
    await policy.logProbs(batch, { requiresGrad: true });
    await expect(policy.backward(batch, { data: new Float64Array(3), rows: 1, cols: 3 })).rejects.toThrow(
      /gradLogProb is \[1, 3\] but the batch is \[1, /,
    );
  });
});

describe('OmniPolicy on the embedded model with chat prompts', () => {
  it('generates from text + audio conversations and scores its own samples consistently', async () => {
    const tokenizer = embeddedTokenizer();
    const s = tokenizer.specialIds;
    const config = embeddedConfigForTokenizer(tokenizer);
    const policy = new OmniPolicy(OmniThinker.create(config, { rng: new Rng(0), initStd: 0.3 }), tokenizer, {
      lr: 1e-3,
      schedule: (step) => 1 / (1 + step),
    });
    const clip = Float32Array.from(
      { length: 16000 },
      (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / 16000),
    );
    const prompts: OmniPrompt[] = [
      { messages: [{ role: 'user', content: 'all cats are dogs' }] },
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'audio', audio: clip },
              { type: 'text', text: 'some dogs' },
            ],
          },
        ],
      },
    ];
    const seqs = await policy.generate(prompts, {
      maxNewTokens: 8,
      temperature: 1,
      topP: 1,
      topK: -1,
      doSample: true,
      stopTokenIds: [],
      rng: new Rng(7),
    });
    expect(seqs.length).toBe(2);
    expect(Array.from(seqs[1]!.promptIds).filter((id) => id === s.audio).length).toBe(25); // 1 s of audio
    for (const q of seqs) {
      expect(typeof q.text).toBe('string');
      expect(q.responseIds.length).toBeGreaterThan(0);
    }
    const cols = Math.max(...seqs.map((q) => q.responseIds.length));
    const batch: PolicyBatch<OmniPrompt> = {
      prompts,
      promptIds: seqs.map((q) => q.promptIds),
      responseIds: seqs.map((q) => q.responseIds),
      cols,
      temperature: 1,
    };
    const { logProbs } = await policy.logProbs(batch);
    seqs.forEach((q, i) => {
      for (let t = 0; t < q.responseIds.length; t++)
        expect(logProbs.data[i * cols + t]).toBeCloseTo(q.logProbs[t]!, 4);
    });
    expect((await policy.step({ maxGradNorm: 1 })).lr).toBe(1e-3);
    policy.lrSchedulerStep();
    expect(policy.optimizer.currentLr()).toBeCloseTo(5e-4, 12);
    policy.dispose();
  });
});

describe('OmniPolicy log-probs over rows that share prompts', () => {
  it('equal each row computed alone (log-probs, entropies, gradients), empty responses included', async () => {
    const tokenizer = embeddedTokenizer();
    const config = embeddedConfigForTokenizer(tokenizer);
    const policy = new OmniPolicy(OmniThinker.create(config, { rng: new Rng(3), initStd: 0.2 }), tokenizer, {
      lr: 1e-3,
    });
    const rng = new Rng(5);
    const V = tokenizer.size;
    const ids = (n: number) => Int32Array.from({ length: n }, () => 6 + rng.int(V - 6));
    const a = { ids: ids(7) };
    const b = { ids: ids(4) };
    // b again, as another object with equal ids: shared too
    const prompts = [a, a, b, a, { ids: b.ids.slice() }, a];
    const lengths = [3, 0, 1, 5, 2, 6];
    const cols = 6;
    const batch: PolicyBatch<OmniPrompt> = {
      prompts,
      promptIds: prompts.map((p) => p.ids),
      responseIds: lengths.map((n) => ids(n)),
      cols,
      temperature: 0.8,
    };
    const grad = {
      data: Float64Array.from({ length: prompts.length * cols }, () => rng.normal()),
      rows: 6,
      cols,
    };
    const gradH = {
      data: Float64Array.from({ length: prompts.length * cols }, () => rng.normal()),
      rows: 6,
      cols,
    };
    const params = policy.thinker.model.namedParameters();
    policy.zeroGrad();
    const all = await policy.logProbs(batch, { requiresGrad: true, withEntropy: true });
    await policy.backward(batch, grad, gradH);
    const together = params.map(([, p]) => p.grad!.toArray());
    policy.zeroGrad();
    for (let i = 0; i < prompts.length; i++) {
      const row = (m: Float64Array) => ({ data: m.slice(i * cols, (i + 1) * cols), rows: 1, cols });
      const one: PolicyBatch<OmniPrompt> = {
        ...batch,
        prompts: [prompts[i]!],
        promptIds: [batch.promptIds[i]!],
        responseIds: [batch.responseIds[i]!],
      };
      const r = await policy.logProbs(one, { requiresGrad: true, withEntropy: true });
      for (let t = 0; t < cols; t++) {
        expect(all.logProbs.data[i * cols + t]).toBeCloseTo(r.logProbs.data[t]!, 4);
        expect(all.entropy!.data[i * cols + t]).toBeCloseTo(r.entropy!.data[t]!, 4);
      }
      await policy.backward(one, row(grad.data), row(gradH.data));
    }
    params.forEach(([name, p], j) => {
      const alone = p.grad!.toArray();
      let scale = 1e-6;
      let diff = 0;
      alone.forEach((x, i) => {
        scale = Math.max(scale, Math.abs(x));
        diff = Math.max(diff, Math.abs(x - together[j]![i]!));
      });
      expect(diff / scale, name).toBeLessThan(1e-4);
    });
    policy.dispose();
  });
});

describe('OmniPolicy.fromPretrained', () => {
  it('loads weights and tokenizer from one folder, and reports a folder without a tokenizer', async () => {
    const { mkdtemp, rm, cp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const d = await mkdtemp(join(tmpdir(), 'omni-policy-'));
    try {
      await cp(dir, d, { recursive: true });
      await expect(OmniPolicy.fromPretrained(d, { lr: 1e-3 })).rejects.toMatchObject({
        code: 'NO_TOKENIZER',
      });
      const { tokenizerJson, tokenizerConfig } = buildWordLevelTokenizer(words);
      const p = new OmniPolicy(
        await OmniThinker.fromPretrained(d),
        OmniTokenizer.fromJson(tokenizerJson, tokenizerConfig),
        {
          lr: 1e-3,
        },
      );
      await p.save(d);
      const loaded = await OmniPolicy.fromPretrained(d, { lr: 1e-3 });
      expect(loaded.tokenizer.size).toBe(p.tokenizer.size);
      expect(loaded.thinker.logits([1, 2])).toEqual(p.thinker.logits([1, 2]));
      loaded.dispose();
      p.dispose();
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });
});
