import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type ConfigLayer, resolveConfig } from '../config/resolve.js';
import type { TrainerConfig } from '../config/schema.js';
import { cacheDirOf, loadEmbeddedData } from '../data/embedded.js';
import { prepareAlr } from '../data/parquet.js';
import { DataError, InterruptedError, TrainerError, UsageError } from '../errors.js';
import { Ui } from '../pipeline/context.js';
import { FULL_PLAN, type PipelinePlan, runPipeline } from '../pipeline/pipeline.js';
import { RunFolder } from '../run/run-folder.js';
import { buildReport } from '../stages/report.js';
import { type CliArgs, type COMMANDS, parseCli, USAGE } from './args.js';

/** Config layer from the command-line flags that map onto config keys. */
function flagLayer(args: CliArgs): ConfigLayer {
  const f = args.flags;
  const layer: Record<string, Record<string, unknown>> = {};
  const set = (section: string, key: string, value: unknown) => {
    const parts = [section, ...key.split('.')];
    let node: Record<string, unknown> = layer;
    for (const p of parts.slice(0, -1)) {
      node[p] ??= {};
      node = node[p] as Record<string, unknown>;
    }
    node[parts[parts.length - 1] as string] = value;
  };
  if (f.minutes !== undefined) set('budget', 'minutes', f.minutes);
  if (f.model !== undefined) set('actor_rollout_ref', 'model.path', f.model);
  if (f.control !== undefined) set('trainer', 'control', f.control);
  if (f.seed !== undefined) set('trainer', 'seed', f.seed);
  if (f.data !== undefined) {
    if (!existsSync(f.data) || !statSync(f.data).isDirectory()) {
      throw new DataError(
        f.data,
        'data folder not found; --data takes a folder with train.parquet and test.parquet made by `soundmind prepare`',
      );
    }
    for (const name of ['train.parquet', 'test.parquet']) {
      if (!existsSync(join(f.data, name))) {
        throw new DataError(
          join(f.data, name),
          'missing; make it with `soundmind prepare --alr <ALR root> --out <this folder>`',
        );
      }
    }
    set('data', 'source', 'parquet');
    set('data', 'train_files', join(f.data, 'train.parquet'));
    set('data', 'val_files', join(f.data, 'test.parquet'));
  }
  return layer as ConfigLayer;
}

function configOf(args: CliArgs): TrainerConfig {
  return resolveConfig({
    ...(args.flags.preset !== undefined ? { preset: args.flags.preset } : {}),
    ...(args.flags.config !== undefined ? { file: args.flags.config } : {}),
    flags: flagLayer(args),
    overrides: args.overrides,
  });
}

function defaultOut(config: TrainerConfig): string {
  const t = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return join('runs', `${config.trainer.experiment_name}-${t}`);
}

/** Opens the run folder of a training command: --resume continues one, otherwise a new one is made. */
function openRun(args: CliArgs): RunFolder {
  if (args.flags.resume !== undefined) {
    if (args.flags.config !== undefined || args.flags.preset !== undefined || args.overrides.length > 0) {
      throw new UsageError(
        '--resume continues a run with its saved config.yaml; drop --config, --preset and key=value overrides',
      );
    }
    return RunFolder.open(args.flags.resume);
  }
  const config = configOf(args);
  const model = config.actor_rollout_ref.model.path;
  if (model !== 'embedded' && !(existsSync(model) && statSync(model).isDirectory())) {
    throw new DataError(
      model,
      'model folder not found; --model takes a Hugging Face Qwen2.5-Omni checkpoint folder',
    );
  }
  return RunFolder.create(args.flags.out ?? defaultOut(config), config);
}

const PLANS: Partial<Record<keyof typeof COMMANDS, PipelinePlan>> = {
  start: FULL_PLAN,
  sft: { sft: true, grpo: false, control: false, report: false },
  train: { sft: true, grpo: true, control: false, report: true },
  eval: { sft: false, grpo: false, control: false, report: true, evalOnly: true },
};

/** Runs one CLI invocation; returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const args = parseCli(argv);
  if (args.command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const ui = Ui.forProcess(args.flags.quiet ?? false);
  switch (args.command) {
    case 'start':
    case 'sft':
    case 'train':
    case 'eval': {
      const run =
        args.command === 'eval' &&
        args.flags.out !== undefined &&
        existsSync(join(args.flags.out, 'run-state.json'))
          ? RunFolder.open(args.flags.out)
          : openRun(args);
      resumeHint = run.dir;
      ui.log(`run folder ${run.dir}`);
      const out = await runPipeline(run.config, run, ui, PLANS[args.command], {
        ...(args.flags.preset ? { preset: args.flags.preset } : {}),
      });
      if (out) process.stdout.write(`\n${out.table}\nreport: ${run.path('report.html')}\n`);
      return 0;
    }
    case 'report': {
      const dir = args.flags.out ?? args.flags.resume;
      if (!dir) throw new UsageError('report needs the run folder: soundmind report --out DIR');
      const run = RunFolder.open(dir);
      const { table } = buildReport(run, {
        wallSeconds: run.state.elapsedSeconds,
        status: run.stage('grpo') ? 'complete' : 'interrupted',
        model: run.config.actor_rollout_ref.model.path,
        data: run.config.data.source,
      });
      process.stdout.write(`${table}\nreport: ${run.path('report.html')}\n`);
      return 0;
    }
    case 'synth': {
      const config = configOf(args);
      const bar = ui.bar('synth', undefined, 'problems');
      const data = loadEmbeddedData(config, (done, total, info) =>
        bar.update(done, { set: info.set }, done / total),
      );
      bar.finish();
      process.stdout.write(
        `embedded dataset ${data.cached ? 'already cached' : 'written'}: ${data.cacheFile}\n` +
          `  sft ${data.sft.length} traced, rl ${data.rl.length} label-only, test ${data.test.length} (cache dir ${cacheDirOf(config)})\n`,
      );
      return 0;
    }
    case 'prepare': {
      if (!args.flags.alr || !args.flags.out) {
        throw new UsageError('prepare needs --alr <ALR root> and --out <folder>; see soundmind --help');
      }
      const layout = args.flags.layout;
      if (layout !== undefined && layout !== 'github' && layout !== 'huggingface') {
        throw new UsageError(`--layout takes github or huggingface, got "${layout}"`);
      }
      const r = await prepareAlr({
        root: args.flags.alr,
        out: args.flags.out,
        ...(args.flags.split ? { splits: args.flags.split.split(',') } : {}),
        ...(layout ? { layout } : {}),
        variant: args.flags.variant ?? 'improved-text',
        embedAudio: args.flags.embedAudio ?? false,
        onProgress: (split, rows) => ui.log(`${split}: ${rows} rows`),
      });
      for (const f of r.files) {
        process.stdout.write(
          `${f.path}: ${f.rows} rows${f.issues ? `, ${f.issues} bad lines reported` : ''}\n`,
        );
      }
      return 0;
    }
  }
}

/** Entry point of the `soundmind` bin: typed errors print one actionable line, no stack. */
let resumeHint: string | undefined;

export async function cli(argv: readonly string[]): Promise<void> {
  try {
    process.exitCode = await main(argv);
  } catch (err) {
    if (err instanceof InterruptedError) {
      process.stderr.write(`\n${err.message}\n`);
      if (resumeHint) process.stderr.write(`continue with: soundmind start --resume ${resumeHint}\n`);
      process.exitCode = 130;
    } else if (err instanceof TrainerError) {
      process.stderr.write(`soundmind: ${err.message}\n`);
      process.exitCode = err instanceof UsageError ? 2 : 1;
    } else if (err instanceof Error && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
      // a typed error from a workspace package: its message names the file / field / tensor
      process.stderr.write(`soundmind: ${err.name}: ${err.message}\n`);
      process.exitCode = 1;
    } else {
      throw err;
    }
  }
}
