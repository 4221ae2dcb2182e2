import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OmniTokenizer } from '@soundmind/omni-runtime';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/resolve.js';
import { prepareAlr, readParquetProblems } from '../src/data/parquet.js';
import { ModelHost } from '../src/model/host.js';
import { Ui } from '../src/pipeline/context.js';
import { runPipeline } from '../src/pipeline/pipeline.js';
import { RunFolder } from '../src/run/run-folder.js';
import { tempDir, tinyOverrides } from './helpers.js';

const ALR = join(import.meta.dirname, '..', '..', '..', 'test-data', 'alr');

/** A small ALR copy in the GitHub layout (text only): the first lines of the real dev and test files. */
function smallAlr(): string {
  const root = tempDir('soundmind-alr-');
  const lines = (f: string, n: number) =>
    readFileSync(join(ALR, f), 'utf8').split('\n').filter(Boolean).slice(0, n);
  writeFileSync(join(root, 'train.jsonl'), `${lines('dev.jsonl', 8).join('\n')}\n`);
  writeFileSync(join(root, 'test.jsonl'), `${lines('test.jsonl', 6).join('\n')}\n`);
  return root;
}

/** A tiny random Qwen2.5-Omni-architecture checkpoint with the real Qwen2.5 tokenizer (shipped offline). */
async function tinyQwenCheckpoint(dir: string): Promise<void> {
  const config = resolveConfig({ overrides: tinyOverrides() });
  mkdirSync(dir, { recursive: true });
  await ModelHost.create(config, await OmniTokenizer.qwen25()).save(dir);
}

describe('the real path: prepared ALR Parquet and a Hugging Face-style checkpoint', () => {
  it('prepare writes verl Parquet that reads back with labels and the improved prompt', async () => {
    const out = tempDir();
    const r = await prepareAlr({ root: smallAlr(), out, variant: 'improved-text', embedAudio: false });
    expect(r.files.map((f) => [f.split, f.rows])).toEqual([
      ['train', 8],
      ['test', 6],
    ]);
    const rows = await readParquetProblems(join(out, 'test.parquet'));
    expect(rows).toHaveLength(6);
    expect(rows.every((p) => p.label === 0 || p.label === 1)).toBe(true);
    expect(rows[0]?.hasAudio).toBe(false);
    expect(rows[0]?.response).toMatch(/^<think>[\s\S]*<\/think>\n<answer>(not-)?entailed<\/answer>$/);
  });

  it('trains and evaluates --model on --data end to end (soundmind preset, KL loss on)', {
    timeout: 300_000,
  }, async () => {
    const data = tempDir();
    await prepareAlr({ root: smallAlr(), out: data, variant: 'improved-text', embedAudio: false });
    const model = join(tempDir(), 'tiny-qwen');
    await tinyQwenCheckpoint(model);
    const config = resolveConfig({
      preset: 'soundmind',
      flags: {
        actor_rollout_ref: { model: { path: model } },
        data: { train_files: join(data, 'train.parquet'), val_files: join(data, 'test.parquet') },
      },
      overrides: [
        ...tinyOverrides(),
        'data.max_prompt_length=2048',
        'data.max_response_length=6',
        'data.train_batch_size=2',
        'actor_rollout_ref.actor.ppo_micro_batch_size_per_gpu=2',
        'trainer.total_training_steps=2',
      ],
    });
    const run = RunFolder.create(join(tempDir(), 'run'), config);
    const out = await runPipeline(config, run, new Ui(null));
    expect(out?.summary.stages.grpo?.eval.text?.n).toBe(6);
    expect(out?.summary.stages.grpo?.steps).toBe(2);
    expect(out?.summary.run.model).toBe(model);
    const grpo = run.metrics.read().filter((r) => r.stage === 'grpo');
    expect(grpo).toHaveLength(2);
    expect(typeof grpo[0]?.['actor/kl_loss']).toBe('number');
  });
});
