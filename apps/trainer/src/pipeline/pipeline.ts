import { rmSync } from 'node:fs';
import { logicVocabulary } from '@soundmind/alr-data';
import type { OmniPrompt } from '@soundmind/omni-runtime';
import type { PromptItem } from '@soundmind/rl-core';
import type { TrainerConfig } from '../config/schema.js';
import { type EmbeddedData, loadEmbeddedData } from '../data/embedded.js';
import { readParquetProblems } from '../data/parquet.js';
import { loadSpokenData, type SpokenData } from '../data/spoken.js';
import { TrainerError } from '../errors.js';
import { alrReward, type EvalItem, evaluatePolicy } from '../eval/evaluate.js';
import { ModelHost } from '../model/host.js';
import type { RunSummary } from '../report/summary.js';
import { StopSignal } from '../run/interrupt.js';
import type { RunFolder } from '../run/run-folder.js';
import { type EvalSets, runEvalStage } from '../stages/eval.js';
import { type RlMeta, runGrpoStage } from '../stages/grpo.js';
import { buildReport } from '../stages/report.js';
import { runSftStage } from '../stages/sft.js';
import type { SftSource } from '../train/sft-examples.js';
import { Budget } from './budget.js';
import type { RunContext, Ui } from './context.js';

/** Which parts of the pipeline a command runs. */
export interface PipelinePlan {
  readonly sft: boolean;
  readonly grpo: boolean;
  readonly control: boolean;
  readonly report: boolean;
  /** `eval`: evaluate the run's newest finished stage again (or the starting model when none). */
  readonly evalOnly?: boolean;
}

export const FULL_PLAN: PipelinePlan = { sft: true, grpo: true, control: true, report: true };

/** Everything the stages train and evaluate on, as prompts for the model host. */
interface StageData {
  readonly sft: SftSource[];
  readonly sftAudio: SftSource[];
  readonly rl: PromptItem<OmniPrompt, RlMeta>[];
  readonly eval: EvalSets;
  readonly describe: { sft: string; grpo: string; control: string; data: string };
}

function embeddedStageData(host: ModelHost, data: EmbeddedData, spoken: SpokenData | undefined): StageData {
  const famNames = (fs: readonly { name: string }[]) => fs.map((f) => f.name).join(', ');
  const text: EvalItem<OmniPrompt>[] = data.test.map((p) => ({
    id: p.id,
    family: p.family,
    prompt: host.textPrompt(p.question),
    promptText: p.question,
    label: p.label,
  }));
  return {
    sft: data.sft.map((p) => ({ prompt: host.textPrompt(p.question), response: p.trace })),
    rl: data.rl.map((p) => ({
      id: p.id,
      prompt: host.textPrompt(p.question),
      meta: { label: p.label, family: p.family },
    })),
    sftAudio: (spoken?.train ?? []).map((p) => ({ prompt: host.audioPrompt(p.samples), response: p.trace })),
    eval: {
      text,
      ...(spoken
        ? {
            audio: spoken.test.map((p) => ({
              id: p.id,
              family: p.family,
              prompt: host.audioPrompt(p.samples),
              promptText: `(spoken) ${p.question}`,
              label: p.label,
            })),
          }
        : {}),
    },
    describe: {
      sft: `supervised on ${data.sft.length} problems with reasoning traces (families ${famNames(data.traceFamilies)})`,
      grpo: `GRPO from labels alone on ${data.rl.length} problems of families held out from SFT (${famNames(data.labelFamilies)})`,
      control: `continued SFT on the traced families for the same time as GRPO (no traces exist for ${famNames(data.labelFamilies)})`,
      data: `embedded logic problems (${data.test.length} held-out, all families)`,
    },
  };
}

async function loadEmbeddedStageData(config: TrainerConfig, host: ModelHost, ui: Ui): Promise<StageData> {
  const genBar = ui.bar('data', undefined, 'problems');
  const data = loadEmbeddedData(config, (done, total, info) =>
    genBar.update(done, { set: info.set }, done / total),
  );
  genBar.finish({ cache: data.cached ? 'hit' : 'written' });
  const wantsAudio = config.eval.modalities.includes('audio') || config.sft.audio_fraction > 0;
  let spoken: SpokenData | undefined;
  if (wantsAudio) {
    const speechBar = ui.bar('speech', undefined, 'clips');
    spoken = await loadSpokenData(config, (done, total) => speechBar.update(done, {}, done / total));
    speechBar.finish({ cache: spoken.cached ? 'hit' : 'written' });
  }
  return embeddedStageData(host, data, spoken);
}

/** Prepared ALR Parquet (data.train_files / data.val_files): prompts as written, gold from the label. */
async function parquetStageData(config: TrainerConfig, ui: Ui): Promise<StageData> {
  const train = await readParquetProblems(config.data.train_files as string);
  const test = config.data.val_files ? await readParquetProblems(config.data.val_files) : [];
  ui.log(`data: ${train.length} training rows, ${test.length} evaluation rows`);
  const evalSets: Record<string, EvalItem<OmniPrompt>[]> = {};
  for (const p of test) {
    const m = p.hasAudio ? 'audio' : 'text';
    evalSets[m] ??= [];
    evalSets[m].push({
      id: p.id,
      family: 'alr',
      prompt: { messages: p.messages },
      promptText: p.question,
      label: p.label,
    });
  }
  return {
    sft: train.map((p) => ({ prompt: { messages: p.messages }, response: p.response })),
    sftAudio: [],
    rl: train.map((p) => ({
      id: p.id,
      prompt: { messages: p.messages },
      meta: { label: p.label, family: 'alr' },
    })),
    eval: evalSets,
    describe: {
      sft: `supervised on the ${train.length} reference responses of ${config.data.train_files}`,
      grpo: `GRPO on ${train.length} prompts of ${config.data.train_files}`,
      control: 'continued SFT on the reference responses for the same time as GRPO',
      data: `${config.data.train_files} -> ${config.data.val_files ?? '(no evaluation file)'}`,
    },
  };
}

/**
 * Runs the pipeline on a run folder: data -> model -> SFT -> eval -> GRPO -> eval -> (control -> eval) ->
 * report. Finished stages (run-state.json) are skipped and an unfinished one resumes from its latest
 * checkpoint, so the same call continues a stopped run. Stage times come from the budget.
 */
export async function runPipeline(
  config: TrainerConfig,
  run: RunFolder,
  ui: Ui,
  plan: PipelinePlan = FULL_PLAN,
  opts: { preset?: string; stop?: StopSignal } = {},
): Promise<{ summary: RunSummary; table: string } | undefined> {
  const stop = opts.stop ?? new StopSignal((l) => ui.log(l)).install();
  const budget = Budget.fromMinutes(config.budget.minutes, run.state.elapsedSeconds);
  const ctx: RunContext = { config, run, budget, stop, ui };
  try {
    // The model first: a bad --model folder or checkpoint stops the run before any data work.
    let host = await initialHost(config, logicVocabulary());
    const sd =
      config.data.source === 'embedded'
        ? await loadEmbeddedStageData(config, host, ui)
        : await parquetStageData(config, ui);

    if (plan.evalOnly) {
      const stage = ['control', 'grpo', 'sft'].find((st) => run.stage(st)) ?? 'base';
      if (stage !== 'base') host = await hostOf(run, stage, host);
      rmSync(run.path('eval', `${stage}.json`), { force: true });
      await runEvalStage(ctx, host, stage, sd.eval);
      return buildReport(run, {
        wallSeconds: budget.elapsed(),
        status: 'complete',
        model: host.source,
        data: sd.describe.data,
      });
    }
    if (plan.sft && config.sft.enable) {
      if (!run.stage('sft')) {
        host = await runSftStage(ctx, host, {
          stage: 'sft',
          examples: sd.sft,
          audio: { examples: sd.sftAudio, fraction: config.sft.audio_fraction },
          lr: config.sft.lr,
          warmupSteps: config.sft.warmup_steps,
          maxSeconds: (spent) => budget.stageSeconds(config.budget.sft_share, 0, spent),
          maxSteps: config.sft.max_steps,
          description: sd.describe.sft,
        });
      } else {
        host = await hostOf(run, 'sft', host);
      }
      if (config.trainer.val_before_train) await runEvalStage(ctx, host, 'sft', sd.eval);
    }
    if (plan.grpo) {
      if (!run.stage('grpo')) {
        const evalSeconds = run.readJson<{ seconds: number }>('eval/sft.json')?.seconds ?? 0;
        // The final evaluation can take longer than the first (longer responses after GRPO): keep room.
        const reserve = evalSeconds * 2 + 30;
        host = await runGrpoStage(ctx, host, {
          prompts: sd.rl,
          ...(config.sft.enable ? { rehearsal: sd.sft } : {}),
          validate: async (h) => {
            const items = (sd.eval.text ?? []).slice(0, 500);
            const r = await evaluatePolicy(h.inferencePolicy(), items, {
              modality: 'text',
              batchSize: config.eval.batch_size,
              maxNewTokens: config.data.max_response_length,
              samples: 0,
              score: alrReward(config),
            });
            return { 'val/text/acc': r.eval.accuracy };
          },
          startWeights: async () => {
            const sft = run.stage('sft')?.checkpoint;
            return sft ? ModelHost.load(sft) : initialHost(config, logicVocabulary());
          },
          maxSeconds: (spent) => budget.stageSeconds(config.budget.grpo_share, reserve, spent),
          maxSteps: config.trainer.total_training_steps,
          description: sd.describe.grpo,
        });
      } else {
        host = await hostOf(run, 'grpo', host);
      }
      await runEvalStage(ctx, host, 'grpo', sd.eval);
    }
    if (plan.control && config.trainer.control === 'sft') {
      const sftCkpt = run.stage('sft')?.checkpoint;
      const grpo = run.stage('grpo');
      if (!sftCkpt || !grpo)
        throw new TrainerError('NO_SFT', '--control sft needs the SFT and GRPO stages of this run');
      let control = await ModelHost.load(sftCkpt);
      if (!run.stage('control')) {
        control = await runSftStage(ctx, control, {
          stage: 'control',
          examples: sd.sft,
          audio: { examples: sd.sftAudio, fraction: config.sft.audio_fraction },
          lr: config.sft.control_lr,
          warmupSteps: 0,
          maxSeconds: () => grpo.seconds,
          maxSteps: config.trainer.total_training_steps === null ? null : grpo.steps,
          description: sd.describe.control,
        });
      } else {
        control = await hostOf(run, 'control', control);
      }
      await runEvalStage(ctx, control, 'control', sd.eval);
    }
    if (!plan.report) return undefined;
    return buildReport(run, {
      wallSeconds: budget.elapsed(),
      status: 'complete',
      model: host.source,
      data: sd.describe.data,
      ...(opts.preset ? { preset: opts.preset } : {}),
    });
  } finally {
    run.addElapsed(budget.sessionSeconds());
    if (!opts.stop) stop.uninstall();
  }
}

/** The model a run starts from: --model / actor_rollout_ref.model.path, or the new embedded model. */
async function initialHost(config: TrainerConfig, vocabulary: readonly string[]): Promise<ModelHost> {
  if (config.trainer.device !== 'cpu') {
    throw new TrainerError(
      'NO_DEVICE',
      `trainer.device=${config.trainer.device}: @soundmind/omni-runtime has no ${config.trainer.device} backend yet; use trainer.device=cpu`,
    );
  }
  const path = config.actor_rollout_ref.model.path;
  return path === 'embedded' ? ModelHost.createEmbedded(config, vocabulary) : ModelHost.load(path);
}

/** The final weights of a finished stage. */
async function hostOf(run: RunFolder, stage: string, fallback: ModelHost): Promise<ModelHost> {
  const ckpt = run.stage(stage)?.checkpoint;
  return ckpt ? ModelHost.load(ckpt) : fallback;
}
