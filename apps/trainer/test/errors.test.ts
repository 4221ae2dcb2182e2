import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { logicVocabulary } from '@soundmind/alr-data';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/resolve.js';
import { ModelHost } from '../src/model/host.js';
import { tempDir, tinyOverrides } from './helpers.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'soundmind.js');

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args, '-q'], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

async function tinyCheckpoint(dir: string, hidden: number): Promise<void> {
  const config = resolveConfig({
    overrides: tinyOverrides([`actor_rollout_ref.model.embedded.hidden_size=${hidden}`]),
  });
  await ModelHost.createEmbedded(config, logicVocabulary()).save(dir);
}

describe('bad input stops the run at once with what to fix', () => {
  it('an unknown config key', () => {
    const out = join(tempDir(), 'run');
    const r = cli(['start', '--out', out, 'actor_rollout_ref.rollout.nn=4']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'actor_rollout_ref.rollout.nn: unknown key; did you mean "actor_rollout_ref.rollout.n"',
    );
    expect(existsSync(out)).toBe(false);
  });

  it('a config file with a bad value', () => {
    const r = cli(['start', '--config', join(import.meta.dirname, 'fixtures', 'bad-value.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /bad-value\.yaml: algorithm\.adv_estimator: "grpoo" is not one of .* \(did you mean "grpo"\?\)/,
    );
  });

  it('a missing data folder', () => {
    const r = cli(['train', '--data', join(tempDir(), 'nope')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'data folder not found; --data takes a folder with train.parquet and test.parquet',
    );
  });

  it('a missing model folder', () => {
    const out = join(tempDir(), 'run');
    const r = cli(['start', '--out', out, '--model', join(tempDir(), 'nope'), ...tinyOverrides()]);
    expect(r.code).toBe(1);
    expect(existsSync(out)).toBe(false);
    expect(r.stderr).toContain(
      'model folder not found; --model takes a Hugging Face Qwen2.5-Omni checkpoint folder',
    );
  });

  it('a checkpoint whose weights do not match its config names the tensor', async () => {
    const good = join(tempDir(), 'good');
    const other = join(tempDir(), 'other');
    await tinyCheckpoint(good, 16);
    await tinyCheckpoint(other, 32);
    copyFileSync(join(other, 'model.safetensors'), join(good, 'model.safetensors'));
    const r = cli(['start', '--out', join(tempDir(), 'run'), '--model', good, ...tinyOverrides()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot load this checkpoint');
    expect(r.stderr).toMatch(/embed_tokens|weight/);
  });

  it('a device the engine does not have', () => {
    const r = cli(['start', '--out', join(tempDir(), 'run'), ...tinyOverrides(), 'trainer.device=cuda']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('trainer.device=cuda: @soundmind/omni-runtime has no cuda backend yet');
  });

  it('a usage error names the fix', () => {
    expect(cli(['strat']).stderr).toContain('did you mean "start"');
    expect(cli(['start', '--minuts', '3']).stderr).toContain('did you mean --minutes');
    expect(cli(['start', 'oops']).stderr).toContain('dotted.key=value');
    expect(cli(['start', '--resume', join(tempDir(), 'none')]).stderr).toContain('no such run folder');
  });
});
