import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/resolve.js';
import { Ui } from '../src/pipeline/context.js';
import { runPipeline } from '../src/pipeline/pipeline.js';
import { RunFolder } from '../src/run/run-folder.js';
import { tempDir, tinyOverrides } from './helpers.js';

describe('the pipeline end to end on a tiny model', () => {
  it('synth -> SFT -> eval -> GRPO -> eval -> report, with checkpoints and verl metric names', async () => {
    const dir = join(tempDir(), 'run');
    const config = resolveConfig({
      overrides: tinyOverrides(['trainer.control=sft', 'trainer.test_freq=2']),
    });
    const run = RunFolder.create(dir, config);
    const out = await runPipeline(config, run, new Ui(null));
    expect(out).toBeDefined();
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    for (const stage of ['sft', 'grpo', 'control']) {
      const text = summary.stages[stage].eval.text;
      expect(text.n).toBe(16);
      expect(text.accuracy).toBeGreaterThanOrEqual(0);
      expect(text.ci95[0]).toBeLessThanOrEqual(text.accuracy);
      expect(text.ci95[1]).toBeGreaterThanOrEqual(text.accuracy);
    }
    expect(summary.stages.grpo.steps).toBe(3);
    expect(summary.stages.sft.steps).toBe(4);
    expect(typeof summary.wallSeconds).toBe('number');
    const records = run.metrics.read();
    const grpo = records.filter((r) => r.stage === 'grpo');
    expect(grpo.map((r) => r.step)).toEqual([1, 2, 3]);
    expect(typeof grpo[1]?.['val/text/acc']).toBe('number');
    expect(grpo[0]?.['val/text/acc']).toBeUndefined();
    for (const k of [
      'critic/score/mean',
      'actor/pg_loss',
      'actor/pg_clipfrac',
      'actor/grad_norm',
      'response_length/mean',
      'rehearsal/loss',
      'rehearsal/grad_norm',
    ]) {
      expect(typeof grpo[0]?.[k]).toBe('number');
    }
    // the rehearsal step is a supervised step on traced examples: a finite, positive NLL
    expect(grpo.every((r) => (r['rehearsal/loss'] as number) > 0)).toBe(true);
    expect(existsSync(join(dir, 'checkpoints', 'grpo', 'global_step_3', 'model.safetensors'))).toBe(true);
    expect(existsSync(join(dir, 'checkpoints', 'grpo', 'global_step_3', 'optimizer.bin'))).toBe(true);
    expect(
      readFileSync(join(dir, 'checkpoints', 'grpo', 'latest_checkpointed_iteration.txt'), 'utf8').trim(),
    ).toBe('3');
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(out?.table).toContain('GRPO');
  });

  it('the audio path: spoken questions (eSpeak NG) in SFT batches and an audio-input evaluation', async () => {
    const dir = join(tempDir(), 'run');
    const config = resolveConfig({
      overrides: tinyOverrides([
        'eval.modalities=text,audio',
        'sft.audio_fraction=0.25',
        'data.embedded.audio_size=24',
        'eval.audio_size=8',
        'trainer.total_training_steps=1',
      ]),
    });
    const run = RunFolder.create(dir, config);
    const t0 = performance.now();
    const out = await runPipeline(config, run, new Ui(null));
    const audio = out?.summary.stages.grpo?.eval.audio;
    expect(audio?.n).toBe(8);
    expect(out?.summary.stages.sft?.eval.audio?.n).toBe(8);
    // spoken test problem k is text test problem k: audio and text are evaluated on the same problems
    const rec = run.readJson<{ items: { text: { ids: string[] }; audio: { ids: string[] } } }>(
      'eval/sft.json',
    );
    expect(rec?.items.audio.ids).toEqual(rec?.items.text.ids.slice(0, 8));
    expect(out?.table).toContain('audio');
    console.log(`audio e2e ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  });
});
