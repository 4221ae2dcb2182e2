import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary folder. */
export function tempDir(prefix = 'soundmind-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Shared cache of the small embedded datasets the tests generate (problem generation is slow). */
export const TEST_CACHE = join(tmpdir(), 'soundmind-test-cache');

/** key=value overrides for a run that takes seconds: a tiny model, a few problems, step caps, no budget. */
export function tinyOverrides(extra: readonly string[] = []): string[] {
  return [
    `data.embedded.cache_dir=${TEST_CACHE}`,
    'data.embedded.sft_size=64',
    'data.embedded.rl_size=32',
    'data.embedded.test_size=16',
    'data.train_batch_size=4',
    'data.max_response_length=24',
    'actor_rollout_ref.rollout.n=2',
    'actor_rollout_ref.actor.ppo_mini_batch_size=2',
    'actor_rollout_ref.actor.ppo_micro_batch_size_per_gpu=4',
    'actor_rollout_ref.model.embedded.hidden_size=16',
    'actor_rollout_ref.model.embedded.num_hidden_layers=1',
    'actor_rollout_ref.model.embedded.num_attention_heads=2',
    'actor_rollout_ref.model.embedded.num_key_value_heads=1',
    'actor_rollout_ref.model.embedded.intermediate_size=32',
    'actor_rollout_ref.model.embedded.audio_layers=1',
    'actor_rollout_ref.model.embedded.audio_d_model=16',
    'sft.batch_size=8',
    'sft.micro_batch_size=8',
    'sft.max_steps=4',
    'sft.warmup_steps=1',
    'trainer.total_training_steps=3',
    'trainer.save_freq=2',
    'eval.batch_size=16',
    'eval.samples=2',
    'eval.modalities=text',
    'sft.audio_fraction=0',
    'budget.minutes=null',
    ...extra,
  ];
}
