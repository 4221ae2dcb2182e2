import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfigFile, parseOverride, resolveConfig, serializeConfig } from '../src/config/resolve.js';
import { ConfigError } from '../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'soundmind-config-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('defaults are the embedded preset and pass validation', () => {
    const c = resolveConfig();
    expect(c.algorithm.adv_estimator).toBe('grpo');
    expect(c.data.source).toBe('embedded');
    expect(c.actor_rollout_ref.model.path).toBe('embedded');
  });

  it('the soundmind preset reproduces main_grpo.sh', () => {
    const c = resolveConfig({ preset: 'soundmind', flags: { data: { train_files: '/x/train.parquet' } } });
    expect(c.data.train_batch_size).toBe(4);
    expect(c.actor_rollout_ref.rollout.n).toBe(2);
    expect(c.actor_rollout_ref.actor.ppo_mini_batch_size).toBe(2);
    expect(c.actor_rollout_ref.actor.optim.lr).toBe(3e-7);
    expect(c.actor_rollout_ref.actor.use_kl_loss).toBe(true);
    expect(c.actor_rollout_ref.actor.kl_loss_coef).toBe(0.001);
    expect(c.actor_rollout_ref.actor.kl_loss_type).toBe('low_var_kl');
    expect(c.actor_rollout_ref.actor.loss_agg_mode).toBe('token-mean');
    expect(c.data.max_prompt_length).toBe(400);
    expect(c.data.max_response_length).toBe(2048);
    expect(c.trainer.total_epochs).toBe(10);
    expect(c.trainer.save_freq).toBe(100);
    expect(c.sft.enable).toBe(false);
    expect(c.sft.rehearsal_batch_size).toBe(0); // GRPO alone, as main_grpo.sh
  });

  it('reads YAML and JSON files with verl key names', () => {
    const y = file(
      'a.yaml',
      'actor_rollout_ref:\n  rollout:\n    n: 4\n  actor:\n    clip_ratio_high: 0.28\n    optim:\n      lr: 1.0e-4\n',
    );
    const c = resolveConfig({ file: y });
    expect(c.actor_rollout_ref.rollout.n).toBe(4);
    expect(c.actor_rollout_ref.actor.clip_ratio_high).toBe(0.28);
    expect(c.actor_rollout_ref.actor.optim.lr).toBe(1e-4);
    const j = file('b.json', JSON.stringify({ algorithm: { norm_adv_by_std_in_grpo: false } }));
    expect(resolveConfig({ file: j }).algorithm.norm_adv_by_std_in_grpo).toBe(false);
  });

  it('key=value overrides win over the file and are typed', () => {
    const y = file('c.yaml', 'actor_rollout_ref:\n  rollout:\n    n: 4\n');
    const c = resolveConfig({
      file: y,
      overrides: [
        'actor_rollout_ref.rollout.n=8',
        'actor_rollout_ref.actor.use_kl_loss=false',
        'actor_rollout_ref.actor.optim.betas=[0.9, 0.95]',
        'eval.modalities=text',
        'trainer.experiment_name=1e-3',
        'budget.minutes=null',
      ],
    });
    expect(c.actor_rollout_ref.rollout.n).toBe(8);
    expect(c.actor_rollout_ref.actor.use_kl_loss).toBe(false);
    expect(c.actor_rollout_ref.actor.optim.betas).toEqual([0.9, 0.95]);
    expect(c.eval.modalities).toEqual(['text']);
    expect(c.trainer.experiment_name).toBe('1e-3');
    expect(c.budget.minutes).toBeNull();
  });

  it('an unknown key names the key, the file and the likely fix', () => {
    const y = file('bad-key.yaml', 'actor_rollout_ref:\n  actor:\n    clip_ratoi: 0.3\n');
    const e = configError(() => resolveConfig({ file: y }));
    expect(e.key).toBe('actor_rollout_ref.actor.clip_ratoi');
    expect(e.message).toContain(y);
    expect(e.message).toContain('did you mean "actor_rollout_ref.actor.clip_ratio"');
    const o = configError(() => parseOverride('algorithm.adv_estimatr=grpo'));
    expect(o.message).toContain('algorithm.adv_estimator');
  });

  it('a bad value names the key and the expected type or values', () => {
    expect(configError(() => parseOverride('actor_rollout_ref.rollout.n=two')).message).toMatch(
      /actor_rollout_ref\.rollout\.n: expected an integer >= 1/,
    );
    expect(configError(() => parseOverride('actor_rollout_ref.rollout.n=2.5')).message).toContain(
      'expected an integer',
    );
    expect(configError(() => parseOverride('algorithm.adv_estimator=grpoo')).message).toContain(
      'did you mean "grpo"',
    );
    expect(configError(() => parseOverride('actor_rollout_ref.actor.optim.betas=[0.9]')).message).toContain(
      'exactly 2 items',
    );
    expect(configError(() => parseOverride('actor_rollout_ref.actor=3')).message).toContain('is a section');
    expect(configError(() => parseOverride('no-equals-sign')).message).toContain('dotted.key=value');
  });

  it('cross-key rules give verl-style errors', () => {
    expect(
      configError(() =>
        resolveConfig({
          overrides: ['data.train_batch_size=10', 'actor_rollout_ref.actor.ppo_mini_batch_size=4'],
        }),
      ).message,
    ).toContain('multiple of ppo_mini_batch_size');
    expect(
      configError(() => resolveConfig({ overrides: ['actor_rollout_ref.rollout.n=1'] })).message,
    ).toContain('rollout.n >= 2');
    expect(configError(() => resolveConfig({ overrides: ['data.source=parquet'] })).message).toContain(
      '--data DIR',
    );
  });

  it('broken files fail with the file and line', () => {
    const y = file('dup.yaml', 'trainer:\n  seed: 1\n  seed: 2\n');
    expect(configError(() => loadConfigFile(y)).message).toMatch(/dup\.yaml:3/);
    const j = file('bad.json', '{"trainer": ');
    expect(configError(() => loadConfigFile(j)).message).toContain('invalid JSON');
    expect(configError(() => loadConfigFile(join(dir, 'missing.yaml'))).message).toContain('ENOENT');
    expect(configError(() => loadConfigFile(file('x.toml', ''))).message).toContain('.yaml, .yml or .json');
    expect(configError(() => resolveConfig({ preset: 'soundmid' })).message).toContain(
      'did you mean "soundmind"',
    );
  });

  it('the saved resolved config round-trips through --config', () => {
    const c = resolveConfig({ overrides: ['actor_rollout_ref.rollout.n=4'] });
    const p = file('resolved.yaml', serializeConfig(c));
    expect(resolveConfig({ file: p })).toEqual(c);
    expect(parse(serializeConfig(c))).toEqual(c);
  });
});
