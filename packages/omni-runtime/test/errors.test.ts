import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PolicyBatch, Rng } from '@soundmind/rl-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GenerationError,
  ModelConfigError,
  SafetensorsError,
  TokenizerError,
  WeightMismatchError,
} from '../src/errors.js';
import {
  embeddedConfigForTokenizer,
  embeddedThinkerConfig,
  parseThinkerConfig,
} from '../src/model/config.js';
import { OmniThinker } from '../src/model/thinker.js';
import { OnnxModel } from '../src/onnx/onnx-model.js';
import { sileroVadModelPath } from '../src/onnx/silero-vad.js';
import { OmniPolicy, type OmniPrompt } from '../src/policy/omni-policy.js';
import { encodeChat } from '../src/sampling/chat.js';
import { renderChatTemplate } from '../src/tokenizer/chat-template.js';
import { OmniTokenizer } from '../src/tokenizer/tokenizer.js';
import { buildWordLevelTokenizer } from '../src/tokenizer/word-level.js';
import { saveCheckpoint } from '../src/weights/checkpoint.js';
import { SafetensorsFile, writeSafetensors } from '../src/weights/safetensors.js';

// Bad-input paths not covered by the feature tests: each must give a typed error that names the culprit.
const tiny = join(import.meta.dirname, 'fixtures', 'thinker-tiny');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omni-errors-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('config errors name the field', () => {
  type Section = Record<string, unknown>;
  const base = async () =>
    JSON.parse(await readFile(join(tiny, 'config.json'), 'utf8')).thinker_config as Record<string, Section>;
  // [case, section, key, bad value (undefined = delete the key)]
  const cases: [string, string, string | null, unknown][] = [
    ['output_dim', 'audio_config', 'output_dim', 7],
    ['activation', 'audio_config', 'activation_function', 'relu'],
    ['odd head_dim', 'text_config', 'head_dim', 7],
    ['heads', 'audio_config', 'encoder_attention_heads', 3],
    ['type', 'text_config', 'rms_norm_eps', 'small'],
    ['tie', 'text_config', 'tie_word_embeddings', 1],
    ['no audio_config', 'audio_config', null, undefined],
  ];
  it.each(cases)('%s', async (_, section, key, value) => {
    const thinker = await base();
    if (key === null) delete thinker[section];
    else (thinker[section] as Section)[key] = value;
    const field = `thinker_config.${section}${key === null ? '' : `.${key}`}`;
    const c = { thinker_config: thinker };
    let err: unknown;
    try {
      parseThinkerConfig(c, 'config.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModelConfigError);
    expect((err as ModelConfigError).field).toBe(field);
    expect((err as Error).message).toContain(field);
  });
  it('reports a config.json that is not JSON', async () => {
    await writeFile(join(dir, 'config.json'), '{ nope');
    await expect(OmniThinker.fromPretrained(dir)).rejects.toThrow(/config.json is not valid JSON/);
  });
});

describe('weights errors name the tensor', () => {
  it('a non-float tensor where a weight belongs', async () => {
    const f = await SafetensorsFile.open(join(tiny, 'model.safetensors'));
    const tensors: [string, { dtype: 'F32'; shape: number[]; data: Float32Array }][] = [];
    for (const n of f.names())
      tensors.push([n, { dtype: 'F32', shape: [...f.info(n).shape], data: await f.read(n) }]);
    await f.close();
    const d = join(dir, 'int');
    await saveCheckpoint(d, tensors);
    await writeFile(join(d, 'config.json'), await readFile(join(tiny, 'config.json')));
    // Rewrite one tensor as I32 by hand (same bytes count).
    const st = await SafetensorsFile.open(join(d, 'model.safetensors'));
    const raw = await readFile(join(d, 'model.safetensors'));
    await st.close();
    const text = raw
      .toString('latin1')
      .replace('"thinker.model.norm.weight":{"dtype":"F32"', '"thinker.model.norm.weight":{"dtype":"I32"');
    await writeFile(join(d, 'model.safetensors'), Buffer.from(text, 'latin1'));
    const err = await OmniThinker.fromPretrained(d).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WeightMismatchError);
    expect((err as WeightMismatchError).tensor).toBe('thinker.model.norm.weight');
    expect((err as Error).message).toContain('I32');
  });
  it('duplicate names when writing, reads after close', async () => {
    const t = { dtype: 'F32' as const, shape: [1], data: new Float32Array(1) };
    const path = join(dir, 'dup.safetensors');
    await expect(
      writeSafetensors(path, [
        ['a', t],
        ['a', t],
      ]),
    ).rejects.toMatchObject({ code: 'BAD_NAME', tensor: 'a' });
    await writeSafetensors(path, [['a', t]]);
    const f = await SafetensorsFile.open(path);
    await f.close();
    await expect(f.read('a')).rejects.toBeInstanceOf(SafetensorsError);
  });
});

describe('generation and policy errors', () => {
  const { tokenizerJson, tokenizerConfig } = buildWordLevelTokenizer(['cats']);
  const tokenizer = OmniTokenizer.fromJson(tokenizerJson, tokenizerConfig);
  const s = tokenizer.specialIds;
  const config = embeddedConfigForTokenizer(tokenizer);
  let thinker: OmniThinker;
  beforeAll(() => {
    thinker = OmniThinker.create(config, { rng: new Rng(0) });
  });

  it('features with the wrong number of mel bins, or inconsistent sizes', () => {
    const ids = Int32Array.from([s.audio]);
    expect(() => thinker.embed(ids, 1, [{ nMels: 80, frames: 4, data: new Float32Array(320) }])).toThrow(
      /80 mel bins; the encoder expects 128/,
    );
    expect(() => thinker.embed(ids, 1, [{ nMels: 128, frames: 4, data: new Float32Array(5) }])).toThrow(
      GenerationError,
    );
  });

  it('a tokenizer whose audio id differs from the model', async () => {
    const other = embeddedThinkerConfig(tokenizer.size, {
      audioTokenId: 9,
      audioStartTokenId: 4,
      audioEndTokenId: 5,
    });
    const m = OmniThinker.create(other, { rng: new Rng(0) });
    expect(() =>
      encodeChat(m, tokenizer, [
        { role: 'user', content: [{ type: 'audio', audio: new Float32Array(1600) }] },
      ]),
    ).toThrow(/<\|AUDIO\|> id 3 differs from the model's audio_token_index 9/);
    m.dispose();
  });

  it('chat parts of the wrong kind', () => {
    expect(() =>
      renderChatTemplate([{ role: 'user', content: [{ type: 'audio', audio: [1, 2] as never }] }]),
    ).toThrow(/content\[0\].audio must be a Float32Array/);
    expect(() => renderChatTemplate([{ role: 'user', content: [{ type: 'image' } as never] }])).toThrow(
      TokenizerError,
    );
  });

  it('malformed policy batches and an entropy gradient without entropies', async () => {
    const policy = new OmniPolicy(thinker.copy(), tokenizer, { lr: 1e-3 });
    const row = Int32Array.from([7, 8]);
    const batch = (over: Partial<PolicyBatch<OmniPrompt>>): PolicyBatch<OmniPrompt> => ({
      prompts: [{ ids: row }],
      promptIds: [row],
      responseIds: [row],
      cols: 2,
      temperature: 1,
      ...over,
    });
    await expect(policy.logProbs(batch({ promptIds: [] }))).rejects.toThrow(/1 responses/);
    await expect(policy.logProbs(batch({ cols: 1 }))).rejects.toThrow(
      /2 response tokens but the batch is 1 wide/,
    );
    await expect(policy.logProbs(batch({ promptIds: [new Int32Array(0)] }))).rejects.toThrow(/empty prompt/);
    const b = batch({});
    await policy.logProbs(b, { requiresGrad: true });
    const g = { data: new Float64Array(2), rows: 1, cols: 2 };
    await expect(policy.backward(b, g, g)).rejects.toMatchObject({ code: 'NO_ENTROPY' });
    policy.dispose();
  });
});

describe('onnx', () => {
  it('a disposed model', async () => {
    const m = await OnnxModel.load(sileroVadModelPath());
    await m.dispose();
    await expect(m.run({})).rejects.toMatchObject({ code: 'DISPOSED' });
  });
});
