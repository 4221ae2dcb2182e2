import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@soundmind/rl-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelConfigError, WeightMismatchError } from '../../src/errors.js';
import { embeddedThinkerConfig } from '../../src/model/config.js';
import { OmniThinker } from '../../src/model/thinker.js';
import { Checkpoint, saveCheckpoint } from '../../src/weights/checkpoint.js';
import { SafetensorsFile } from '../../src/weights/safetensors.js';

const tiny = join(import.meta.dirname, '..', 'fixtures', 'thinker-tiny');
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omni-thinker-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Rewrites the tiny checkpoint with `edit` applied to its tensor list. */
async function editedCheckpoint(
  edit: (tensors: Map<string, { shape: number[]; data: Float32Array }>) => void,
) {
  const f = await SafetensorsFile.open(join(tiny, 'model.safetensors'));
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const n of f.names()) tensors.set(n, { shape: [...f.info(n).shape], data: await f.read(n) });
  await f.close();
  edit(tensors);
  await cp(join(tiny, 'config.json'), join(dir, 'config.json'));
  await saveCheckpoint(
    dir,
    [...tensors].map(([n, t]) => [n, { dtype: 'F32' as const, shape: t.shape, data: t.data }] as const),
  );
}

describe('OmniThinker weights', () => {
  it('round-trips a checkpoint: same names, dtypes and values; unloaded tensors are copied', async () => {
    const thinker = await OmniThinker.fromPretrained(tiny);
    const out = join(dir, 'saved');
    await thinker.save(out, { maxShardBytes: 40_000 });
    const files = (await readdir(out)).sort();
    expect(files).toContain('model.safetensors.index.json');
    expect(files).toContain('config.json');
    const src = await Checkpoint.open(tiny);
    const dst = await Checkpoint.open(out);
    expect(dst.names().sort()).toEqual(src.names().sort()); // incl. the unused audio_bos_eos_token
    for (const n of src.names()) {
      expect(dst.info(n).shape).toEqual(src.info(n).shape);
      expect(await dst.read(n)).toEqual(await src.read(n));
    }
    await src.close();
    await dst.close();
    expect(JSON.parse(await readFile(join(out, 'config.json'), 'utf8'))).toEqual(
      JSON.parse(await readFile(join(tiny, 'config.json'), 'utf8')),
    );
    const again = await OmniThinker.fromPretrained(out);
    expect(again.logits([1, 2, 3])).toEqual(thinker.logits([1, 2, 3]));
    again.dispose();
    // bf16 storage: values rounded, names and shapes kept.
    await thinker.save(join(dir, 'bf16'), { dtype: 'BF16' });
    const bf = await Checkpoint.open(join(dir, 'bf16'));
    expect(bf.info('thinker.model.norm.weight').dtype).toBe('BF16');
    expect(bf.info('thinker.audio_tower.audio_bos_eos_token.weight').dtype).toBe('F32');
    await bf.close();
    thinker.dispose();
  });

  it('saves a fresh model with a transformers-style config.json that loads back', async () => {
    const config = embeddedThinkerConfig(40, { audioTokenId: 3, audioStartTokenId: 4, audioEndTokenId: 5 });
    const model = OmniThinker.create(config, { rng: new Rng(1) });
    expect(model.numParameters()).toBeGreaterThan(1.5e6);
    await model.save(dir);
    const loaded = await OmniThinker.fromPretrained(dir);
    expect(loaded.config).toEqual(config);
    expect(loaded.lm_head).toBeNull();
    expect(loaded.logits([6, 7, 8])).toEqual(model.logits([6, 7, 8]));
    const ck = await Checkpoint.open(dir);
    expect(ck.has('thinker.lm_head.weight')).toBe(false); // tied: transformers does not store it
    await ck.close();
    model.dispose();
    loaded.dispose();
  });

  it('names the tensor when a weight is missing or has the wrong shape, and loads nothing', async () => {
    await editedCheckpoint((t) => t.delete('thinker.model.layers.1.mlp.up_proj.weight'));
    const missing = await OmniThinker.fromPretrained(dir).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(WeightMismatchError);
    expect((missing as WeightMismatchError).tensor).toBe('thinker.model.layers.1.mlp.up_proj.weight');
    expect((missing as Error).message).toMatch(/missing/);

    await editedCheckpoint((t) => {
      t.set('thinker.audio_tower.conv2.bias', { shape: [17], data: new Float32Array(17) });
    });
    const shape = await OmniThinker.fromPretrained(dir).catch((e: unknown) => e);
    expect(shape).toBeInstanceOf(WeightMismatchError);
    expect((shape as WeightMismatchError).code).toBe('SHAPE_MISMATCH');
    expect((shape as Error).message).toContain("'thinker.audio_tower.conv2.bias'");
    expect((shape as Error).message).toContain('[17]');
  });

  it('names the config field that is wrong', async () => {
    const config = JSON.parse(await readFile(join(tiny, 'config.json'), 'utf8'));
    config.thinker_config.text_config.num_key_value_heads = 3;
    await writeFile(join(dir, 'config.json'), JSON.stringify(config));
    const err = await OmniThinker.fromPretrained(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelConfigError);
    expect((err as ModelConfigError).field).toBe('thinker_config.text_config.num_key_value_heads');
    delete config.thinker_config.text_config.hidden_size;
    await writeFile(join(dir, 'config.json'), JSON.stringify(config));
    await expect(OmniThinker.fromPretrained(dir)).rejects.toThrow(
      /thinker_config.text_config.hidden_size is missing/,
    );
    await expect(OmniThinker.fromPretrained(join(dir, 'none'))).rejects.toThrow(ModelConfigError);
  });
});

describe('other checkpoint layouts', () => {
  it('loads a thinker-only checkpoint (no thinker. prefix, configs at the top) and bf16 weights', async () => {
    const f = await SafetensorsFile.open(join(tiny, 'model.safetensors'));
    const tensors: [string, { dtype: 'BF16' | 'F32'; shape: number[]; data: Float32Array }][] = [];
    for (const n of f.names())
      tensors.push([
        n.replace(/^thinker\./, ''),
        { dtype: 'BF16', shape: [...f.info(n).shape], data: await f.read(n) },
      ]);
    await f.close();
    await saveCheckpoint(dir, tensors);
    const config = JSON.parse(await readFile(join(tiny, 'config.json'), 'utf8'));
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({ ...config.thinker_config, model_type: 'qwen2_5_omni_thinker' }),
    );
    const only = await OmniThinker.fromPretrained(dir);
    expect(only.prefix).toBe('');
    const full = await OmniThinker.fromPretrained(tiny);
    const a = only.logits([1, 2, 3, 4]);
    const b = full.logits([1, 2, 3, 4]);
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    expect(diff).toBeGreaterThan(0); // bf16 rounding changed the weights ...
    expect(diff).toBeLessThan(0.1); // ... a little
    await only.save(join(dir, 'out'));
    const again = await Checkpoint.open(join(dir, 'out'));
    expect(again.has('model.norm.weight')).toBe(true);
    expect(again.info('model.norm.weight').dtype).toBe('BF16');
    await again.close();
    only.dispose();
    full.dispose();
  });
});

describe('saving over the source folder', () => {
  it('rewrites a checkpoint in place (sharded -> single file) and it still loads', async () => {
    const src = await OmniThinker.fromPretrained(tiny);
    await src.save(dir, { maxShardBytes: 40_000 }); // a sharded copy to start from
    src.dispose();
    const loaded = await OmniThinker.fromPretrained(dir);
    const before = loaded.logits([1, 2, 3]);
    await loaded.save(dir); // single file now; the old index must go, the unloaded tensor must stay
    const files = await readdir(dir);
    expect(files).toContain('model.safetensors');
    expect(files).not.toContain('model.safetensors.index.json');
    const again = await OmniThinker.fromPretrained(dir);
    expect(again.logits([1, 2, 3])).toEqual(before);
    const ck = await Checkpoint.open(dir);
    expect(ck.has('thinker.audio_tower.audio_bos_eos_token.weight')).toBe(true);
    await ck.close();
    loaded.dispose();
    again.dispose();
  });
});
