import { parseArgs } from 'node:util';
import { closestKeys } from '../config/suggest.js';
import { UsageError } from '../errors.js';

export const COMMANDS = {
  start: 'the whole embedded pipeline: synth (cached) -> tiny Omni model -> SFT -> GRPO -> eval -> report',
  prepare: 'ALR annotations (+ audio) -> verl Parquet, in any of the prompt variants',
  synth: 'make (or reuse from the cache) the embedded spoken logic dataset',
  sft: 'supervised warm start on reasoning traces (a run folder stage)',
  train: 'GRPO from the run folder SFT checkpoint, --model, or a fresh model',
  eval: 'held-out accuracy by input modality (Wilson intervals, format rate, majority floor, samples)',
  report: 'rebuild summary.json, report.html and the summary table of a run folder',
} as const;
export type Command = keyof typeof COMMANDS;

/** Flags every command understands (each one only where it makes sense; see the help text). */
const OPTIONS = {
  config: { type: 'string', short: 'c' },
  preset: { type: 'string' },
  out: { type: 'string', short: 'o' },
  resume: { type: 'string' },
  minutes: { type: 'string' },
  model: { type: 'string' },
  data: { type: 'string' },
  control: { type: 'string' },
  seed: { type: 'string' },
  stage: { type: 'string' },
  alr: { type: 'string' },
  split: { type: 'string' },
  layout: { type: 'string' },
  variant: { type: 'string' },
  'embed-audio': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface CliArgs {
  readonly command: Command | 'help';
  readonly flags: {
    readonly config?: string;
    readonly preset?: string;
    readonly out?: string;
    readonly resume?: string;
    readonly minutes?: number;
    readonly model?: string;
    readonly data?: string;
    readonly control?: 'none' | 'sft';
    readonly seed?: number;
    readonly stage?: string;
    readonly alr?: string;
    readonly split?: string;
    readonly layout?: string;
    readonly variant?: string;
    readonly embedAudio?: boolean;
    readonly quiet?: boolean;
  };
  /** `dotted.key=value` config overrides. */
  readonly overrides: readonly string[];
}

/** Parses `soundmind <command> [flags] [key=value ...]`; throws UsageError with a fix. */
export function parseCli(argv: readonly string[]): CliArgs {
  // `pnpm --filter trainer start -- --minutes 5` hands the `--` separator through: drop it.
  const [first, ...rest] = argv.filter((a) => a !== '--');
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') {
    return { command: 'help', flags: {}, overrides: [] };
  }
  if (!Object.hasOwn(COMMANDS, first)) {
    const near = closestKeys(first, Object.keys(COMMANDS));
    throw new UsageError(
      `unknown command "${first}"${near.length ? ` (did you mean "${near[0]}"?)` : ''}; commands: ${Object.keys(COMMANDS).join(', ')}`,
    );
  }
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: [...rest], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    const m = /'(--?[\w-]+)'/.exec((err as Error).message);
    const flag = m?.[1]?.replace(/^-+/, '') ?? '';
    const near = flag ? closestKeys(flag, Object.keys(OPTIONS)) : [];
    throw new UsageError(
      `${(err as Error).message}${near.length ? ` (did you mean --${near[0]}?)` : ''}; see soundmind ${first} --help`,
    );
  }
  const v = parsed.values;
  if (v.help) return { command: 'help', flags: {}, overrides: [first] };
  const overrides: string[] = [];
  for (const p of parsed.positionals) {
    if (!p.includes('=')) {
      throw new UsageError(`unexpected argument "${p}": config overrides are written dotted.key=value`);
    }
    overrides.push(p);
  }
  const control = v.control;
  if (control !== undefined && control !== 'sft' && control !== 'none') {
    throw new UsageError(`--control takes "sft" or "none", got "${control}"`);
  }
  return {
    command: first as Command,
    flags: {
      config: v.config,
      preset: v.preset,
      out: v.out,
      resume: v.resume,
      minutes: v.minutes === undefined ? undefined : positiveNumber('--minutes', v.minutes),
      model: v.model,
      data: v.data,
      control,
      seed: v.seed === undefined ? undefined : integer('--seed', v.seed),
      stage: v.stage,
      alr: v.alr,
      split: v.split,
      layout: v.layout,
      variant: v.variant,
      embedAudio: v['embed-audio'],
      quiet: v.quiet,
    },
    overrides,
  };
}

function positiveNumber(flag: string, s: string): number {
  const n = Number(s);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} takes a positive number, got "${s}"`);
  return n;
}

function integer(flag: string, s: string): number {
  const n = Number(s);
  if (!Number.isInteger(n)) throw new UsageError(`${flag} takes an integer, got "${s}"`);
  return n;
}

export const USAGE = `soundmind <command> [options] [dotted.key=value ...]

Commands:
${Object.entries(COMMANDS)
  .map(([k, d]) => `  ${k.padEnd(8)} ${d}`)
  .join('\n')}

Options:
  -c, --config FILE   YAML or JSON config (verl key names; see apps/trainer/README.md)
  --preset NAME       embedded (default) or soundmind (main_grpo.sh settings)
  -o, --out DIR       run folder (default runs/<experiment_name>); prepare/synth: output folder
  --resume DIR        continue a run folder exactly where it stopped (its saved config is used)
  --minutes M         wall-clock budget of the pipeline (default 15); stages get their shares
  --model DIR         Hugging Face Qwen2.5-Omni checkpoint folder (its thinker is trained)
  --data DIR          folder with train.parquet and test.parquet made by \`soundmind prepare\`
  --control sft       also run continued SFT for the GRPO budget, reported beside GRPO
  --seed N            trainer.seed
  --stage NAME        eval: which checkpoint of the run folder (sft, grpo, control; default latest)
  --alr DIR           prepare: ALR root (annotation JSONL + audio folders)
  --split NAME        prepare: train, dev or test (default: every split found)
  --layout NAME       prepare: github or huggingface (default github)
  --variant NAME      prepare: prompt variant (text, audio, audio-text, improved, ...)
  --embed-audio       prepare: store audio bytes in the Parquet instead of paths
  -q, --quiet         no progress bars
  -h, --help          this help

Examples:
  pnpm --filter trainer start                         # the embedded default, about 15 minutes
  pnpm --filter trainer start -- --minutes 5 --control sft
  soundmind start --resume runs/embedded              # continue after Ctrl-C or a crash
  soundmind train --preset soundmind --model ~/Qwen2.5-Omni-7B --data data/alr actor_rollout_ref.rollout.n=4
`;
