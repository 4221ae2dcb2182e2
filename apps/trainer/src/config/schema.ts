import {
  ADVANTAGE_ESTIMATORS,
  KL_CONTROLLER_TYPES,
  KL_PENALTY_TYPES,
  LOSS_AGG_MODES,
  POLICY_LOSS_MODES,
} from '@soundmind/rl-core';
import { bool, int, num, numList, oneOf, type Resolved, type Section, str, strList } from './schema-dsl.js';

/** Input modalities the embedded pipeline trains and evaluates. */
export const MODALITIES = ['text', 'audio'] as const;
export type Modality = (typeof MODALITIES)[number];

/**
 * The trainer's config tree. Keys that exist in verl's ppo_trainer.yaml keep verl's names and meaning
 * (data.*, actor_rollout_ref.*, algorithm.*, trainer.*); our additions are documented as such.
 */
export const CONFIG_SCHEMA = {
  data: {
    source: oneOf(
      ['embedded', 'parquet'] as const,
      'embedded',
      'embedded: the synthesised spoken-logic dataset; parquet: ALR Parquet made by `soundmind prepare` (ours)',
    ),
    train_files: str(null, 'Training Parquet (verl: data.train_files)', true),
    val_files: str(null, 'Evaluation Parquet (verl: data.val_files)', true),
    train_batch_size: int(32, 'Prompts per GRPO step (verl: data.train_batch_size)', { min: 1 }),
    max_prompt_length: int(128, 'Prompt limit for prompt_length/clip_ratio; prompts are not cut (verl)', {
      min: 1,
    }),
    max_response_length: int(64, 'Most tokens generated per response (verl)', { min: 1 }),
    shuffle: bool(true, 'Shuffle the prompts each epoch (verl: data.shuffle)'),
    seed: int(1, 'Seed of the data order (verl: data.seed)'),
    variant: str('improved', 'Prompt variant for Parquet data (alr-data variant name; ours)'),
    embedded: {
      cache_dir: str(null, 'Cache of the synthesised dataset; null = <repo>/.cache/soundmind (ours)', true),
      seed: int(7, 'Generator seed (ours)'),
      sft_size: int(40000, 'Traced problems for the SFT warm start, easy families only (ours)', { min: 0 }),
      rl_size: int(20000, 'Label-only problems for GRPO, harder families (ours)', { min: 0 }),
      test_size: int(6000, 'Held-out problems per evaluation set (>= 1000 for the quality bar; ours)', {
        min: 1,
      }),
      audio_size: int(800, 'Spoken training problems (trace families) for SFT with audio input (ours)', {
        min: 0,
      }),
      trace_families: strList(
        ['chain2', 'chain2-distractor', 'chain3'],
        'Problem families with reasoning traces, for SFT: chain<K>[-distractor[<N>]] (ours)',
      ),
      label_families: strList(
        ['chain3-distractor', 'chain4', 'chain2-distractor2'],
        'Harder families held out from SFT, trained by GRPO from labels alone (ours)',
      ),
    },
  },
  actor_rollout_ref: {
    model: {
      path: str('embedded', '"embedded" (tiny Omni model) or a Hugging Face Qwen2.5-Omni folder (verl)'),
      embedded: {
        hidden_size: int(128, 'Decoder width (ours)', { min: 8 }),
        num_hidden_layers: int(4, 'Decoder layers (ours)', { min: 1 }),
        num_attention_heads: int(4, 'Query heads (ours)', { min: 1 }),
        num_key_value_heads: int(4, 'Key/value heads (GQA; ours)', { min: 1 }),
        intermediate_size: int(384, 'SwiGLU width (ours)', { min: 1 }),
        audio_layers: int(2, 'Audio encoder layers (ours)', { min: 1 }),
        audio_d_model: int(96, 'Audio encoder width (ours)', { min: 8 }),
        num_mel_bins: int(80, 'Log-mel bins of the embedded audio path (ours)', { min: 8 }),
        seed: int(0, 'Initialisation seed (ours)'),
      },
    },
    actor: {
      ppo_mini_batch_size: int(32, 'Prompts per optimizer step; rows = this x rollout.n (verl)', { min: 1 }),
      ppo_micro_batch_size_per_gpu: int(64, 'Rows per forward/backward call (verl)', { min: 1 }),
      ppo_micro_batch_size: int(
        null,
        'Deprecated global micro-batch in rows; overrides the per-GPU one (verl)',
        {
          min: 1,
          nullable: true,
        },
      ),
      ppo_epochs: int(1, 'Passes over each batch (verl)', { min: 1 }),
      shuffle: bool(false, 'Shuffle rows before mini-batching (verl)'),
      clip_ratio: num(0.2, 'PPO clip epsilon (verl)', { min: 0 }),
      clip_ratio_low: num(null, 'Lower clip epsilon; null = clip_ratio (verl)', { min: 0, nullable: true }),
      clip_ratio_high: num(null, 'Upper clip epsilon (DAPO clip-higher 0.28); null = clip_ratio (verl)', {
        min: 0,
        nullable: true,
      }),
      clip_ratio_c: num(3, 'Dual-clip bound, > 1 (verl)', { min: 1, above: true }),
      loss_agg_mode: oneOf(LOSS_AGG_MODES, 'token-mean', 'Loss aggregation (verl)'),
      entropy_coeff: num(0, 'Entropy bonus coefficient (verl)'),
      use_kl_loss: bool(true, 'Add kl_loss_coef x KL(pi || ref) to the loss (verl; embedded default on)'),
      kl_loss_coef: num(0.05, 'KL loss coefficient (verl default 0.001; embedded 0.05)', { min: 0 }),
      kl_loss_type: oneOf(KL_PENALTY_TYPES, 'low_var_kl', 'KL estimator of the KL loss (verl)'),
      grad_clip: num(1, 'Global grad-norm clip (verl: actor.grad_clip / optim.clip_grad)', {
        min: 0,
        above: true,
      }),
      policy_loss: {
        loss_mode: oneOf(POLICY_LOSS_MODES, 'vanilla', 'Policy loss (verl)'),
      },
      optim: {
        lr: num(5e-5, 'AdamW learning rate (verl)', { min: 0, above: true }),
        weight_decay: num(0.01, 'AdamW decoupled weight decay (verl)', { min: 0 }),
        betas: numList([0.9, 0.999], 'AdamW betas (verl)', { length: 2, min: 0 }),
        lr_warmup_steps: int(0, 'Linear warm-up steps (verl; -1 = use the ratio)', { min: -1 }),
        lr_warmup_steps_ratio: num(0, 'Warm-up as a fraction of total steps (verl)', { min: 0, max: 1 }),
        warmup_style: oneOf(['constant', 'cosine'] as const, 'constant', 'LR schedule after warm-up (verl)'),
        min_lr_ratio: num(0, 'Cosine floor as a fraction of lr (verl)', { min: 0, max: 1 }),
      },
    },
    rollout: {
      n: int(8, 'Responses per prompt (verl)', { min: 1 }),
      temperature: num(1, 'Sampling temperature (verl)', { min: 0, above: true }),
      top_p: num(1, 'Nucleus sampling mass (verl)', { min: 0, max: 1, above: true }),
      top_k: int(-1, 'Top-k sampling, -1 = off (verl)', { min: -1 }),
      log_prob_micro_batch_size_per_gpu: int(128, 'Rows per old-log-prob forward (verl)', { min: 1 }),
    },
    ref: {
      log_prob_micro_batch_size_per_gpu: int(128, 'Rows per reference forward (verl)', { min: 1 }),
    },
  },
  algorithm: {
    adv_estimator: oneOf(ADVANTAGE_ESTIMATORS, 'grpo', 'Advantage estimator (verl)'),
    norm_adv_by_std_in_grpo: bool(true, 'Divide GRPO advantages by the group std; false = Dr.GRPO (verl)'),
    gamma: num(1, 'Discount (verl)', { min: 0, max: 1 }),
    lam: num(1, 'GAE lambda (verl)', { min: 0, max: 1 }),
    use_kl_in_reward: bool(false, 'Subtract a KL penalty from the rewards (verl)'),
    kl_penalty: oneOf(KL_PENALTY_TYPES, 'kl', 'KL estimator in the reward (verl)'),
    kl_ctrl: {
      type: oneOf(KL_CONTROLLER_TYPES, 'fixed', 'KL controller (verl)'),
      kl_coef: num(0.001, 'KL-in-reward coefficient (verl)', { min: 0 }),
      horizon: int(10000, 'Adaptive controller horizon (verl)', { min: 1 }),
      target_kl: num(0.1, 'Adaptive controller target (verl)', { min: 0 }),
    },
    filter_groups: {
      enable: bool(false, 'DAPO dynamic sampling: drop zero-variance groups and refill (verl)'),
      metric: oneOf(
        ['acc', 'score', 'seq_reward', 'seq_final_reward'] as const,
        'acc',
        'Filter metric (verl)',
      ),
      max_num_gen_batches: int(4, 'Most generation rounds per step, 0 = unlimited (verl)', { min: 0 }),
    },
  },
  reward: {
    format_weight: num(1, 'Reward for a well-formed <think>...</think> + answer (paper: 1.0; ours)'),
    answer_weight: num(2, 'Reward for the correct answer (paper: 2.0; ours)'),
    wrong_answer_penalty: num(0, 'Subtracted for a wrong or missing answer (ours)', { min: 0 }),
  },
  sft: {
    enable: bool(true, 'Supervised warm start on reasoning traces before GRPO (ours)'),
    lr: num(1e-3, 'Peak AdamW learning rate (ours)', { min: 0, above: true }),
    weight_decay: num(0.01, 'AdamW weight decay (ours)', { min: 0 }),
    batch_size: int(64, 'Sequences per optimizer step (ours)', { min: 1 }),
    micro_batch_size: int(64, 'Sequences per forward/backward call (ours)', { min: 1 }),
    warmup_steps: int(50, 'Linear warm-up steps (ours)', { min: 0 }),
    lr_schedule: oneOf(
      ['cosine', 'constant'] as const,
      'cosine',
      'After warm-up: cosine to min_lr_ratio over the stage (its length estimated from the time budget) or constant (ours)',
    ),
    min_lr_ratio: num(0.05, 'End of the cosine as a fraction of lr (ours)', { min: 0, max: 1 }),
    max_steps: int(null, 'Step cap; null = until its time share runs out (ours)', { min: 1, nullable: true }),
    audio_fraction: num(
      0.02,
      'Share of every SFT batch drawn from spoken questions (rounded to whole examples; 0.02 = 1 of 64), so the model answers spoken questions in the trained format (ours)',
      { min: 0, max: 1 },
    ),
    rehearsal_batch_size: int(
      64,
      'During GRPO, after each step, one supervised step at the GRPO lr on this many traced examples, so that GRPO on the label families does not erode the traced ones; 0 = off (ours)',
      { min: 0 },
    ),
    control_lr: num(3e-4, 'Learning rate of the same-budget continued-SFT control (ours)', {
      min: 0,
      above: true,
    }),
  },
  eval: {
    modalities: strList(['text', 'audio'], 'Input modalities to evaluate (ours)', MODALITIES),
    batch_size: int(256, 'Prompts per generation batch (ours)', { min: 1 }),
    samples: int(12, 'Sample responses kept for the report (ours)', { min: 0 }),
    audio_size: int(
      300,
      'Spoken held-out problems to evaluate: the first N text test problems, read aloud (ours)',
      {
        min: 1,
      },
    ),
  },
  trainer: {
    project_name: str('soundmind', 'Project name (verl)'),
    experiment_name: str('embedded', 'Experiment name (verl)'),
    seed: int(0, 'Seed of sampling, uids and shuffles (ours; verl seeds per component)'),
    total_training_steps: int(null, 'GRPO step cap; null = until its time share runs out (verl)', {
      min: 1,
      nullable: true,
    }),
    total_epochs: int(100, 'Passes over the GRPO prompts (verl)', { min: 1 }),
    save_freq: int(25, 'Checkpoint every N steps, -1 = only at the end (verl)', { min: -1 }),
    test_freq: int(
      -1,
      'Every N GRPO steps, accuracy on the first 500 held-out text problems as val/text/acc (verl)',
      {
        min: -1,
      },
    ),
    max_actor_ckpt_to_keep: int(2, 'Checkpoints kept per stage (verl)', { min: 1 }),
    val_before_train: bool(true, 'Evaluate the SFT start before GRPO (verl)'),
    device: oneOf(['cpu', 'cuda'] as const, 'cpu', 'Where the policy runs (verl: trainer.device)'),
    verl_variant: oneOf(
      ['current', 'jan2026', 'soundmind'] as const,
      'current',
      'verl numerics to reproduce where versions differ (rl-core variant; ours)',
    ),
    control: oneOf(
      ['none', 'sft'] as const,
      'none',
      'sft: also run continued SFT for the GRPO budget (ours)',
    ),
  },
  budget: {
    minutes: num(15, 'Wall-clock budget in minutes, null = none; stages get shares of it (ours)', {
      min: 0,
      above: true,
      nullable: true,
    }),
    sft_share: num(0.5, 'Share of the budget for SFT (ours)', { min: 0, max: 1 }),
    grpo_share: num(0.38, 'Share of the budget for GRPO (and for the control; ours)', { min: 0, max: 1 }),
  },
} satisfies Section;

export type TrainerConfig = Resolved<typeof CONFIG_SCHEMA>;
