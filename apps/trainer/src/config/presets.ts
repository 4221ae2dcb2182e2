import type { CONFIG_SCHEMA } from './schema.js';
import type { Partial } from './schema-dsl.js';

type Preset = Partial<typeof CONFIG_SCHEMA>;

/**
 * The embedded default: the schema's defaults, which are tuned for `pnpm --filter trainer start` on a
 * 2-core CPU (SFT with traces on easy families, GRPO from labels alone on harder families held out from SFT).
 */
const embedded: Preset = {};

/**
 * SoundMind's main_grpo.sh (verl-grpo-spec §10.3): Qwen2.5-Omni-7B, audio + text prompts, GRPO with n = 2,
 * 4 prompts per step in mini-batches of 2, lr 3e-7, low-variance KL loss 0.001, 10 epochs, validation and
 * checkpoints every 100 steps. Its deprecated global micro-batch of 2 only works on 1-2 GPUs (§15): here it
 * is the per-device micro-batch. No SFT stage and no wall-clock budget; point --model and --data at a real
 * checkpoint and a prepared Parquet.
 */
const soundmind: Preset = {
  data: {
    source: 'parquet',
    variant: 'audio-text',
    train_batch_size: 4,
    max_prompt_length: 400,
    max_response_length: 2048,
    shuffle: true,
  },
  actor_rollout_ref: {
    actor: {
      ppo_mini_batch_size: 2,
      ppo_micro_batch_size_per_gpu: 2,
      ppo_epochs: 1,
      clip_ratio: 0.2,
      clip_ratio_c: 3,
      loss_agg_mode: 'token-mean',
      entropy_coeff: 0,
      use_kl_loss: true,
      kl_loss_coef: 0.001,
      kl_loss_type: 'low_var_kl',
      grad_clip: 1,
      optim: { lr: 3e-7, weight_decay: 0.01, warmup_style: 'constant', lr_warmup_steps: 0 },
    },
    rollout: { n: 2, temperature: 1, top_p: 1, top_k: -1, log_prob_micro_batch_size_per_gpu: 20 },
    ref: { log_prob_micro_batch_size_per_gpu: 20 },
  },
  algorithm: {
    adv_estimator: 'grpo',
    use_kl_in_reward: false,
    kl_ctrl: { type: 'fixed', kl_coef: 0.001 },
  },
  sft: { enable: false, rehearsal_batch_size: 0 },
  trainer: {
    experiment_name: 'soundmind-main-grpo',
    total_epochs: 10,
    save_freq: 100,
    test_freq: 100,
    val_before_train: true,
  },
  budget: { minutes: null },
};

export const PRESETS = { embedded, soundmind } as const;
export type PresetName = keyof typeof PRESETS;
