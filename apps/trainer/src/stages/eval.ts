import type { OmniPrompt } from '@soundmind/omni-runtime';
import type { Modality } from '../config/schema.js';
import { alrReward, type EvalItem, evaluatePolicy } from '../eval/evaluate.js';
import type { StageEvalRecord } from '../eval/types.js';
import type { ModelHost } from '../model/host.js';
import type { RunContext } from '../pipeline/context.js';

/** Held-out items per input modality. */
export type EvalSets = Partial<Record<Modality, readonly EvalItem<OmniPrompt>[]>>;

/**
 * Evaluates the host's current weights on every configured modality (greedy decoding) and saves
 * eval/<stage>.json. An evaluation already saved for this stage is reused (resume).
 */
export async function runEvalStage(
  ctx: RunContext,
  host: ModelHost,
  stage: string,
  sets: EvalSets,
): Promise<StageEvalRecord> {
  const { config, run, ui } = ctx;
  const saved = run.readJson<StageEvalRecord>(`eval/${stage}.json`);
  if (saved) return saved;
  run.metrics.retain((r) => r.stage !== `eval-${stage}`);
  const t0 = performance.now();
  const policy = host.inferencePolicy();
  const record: {
    eval: StageEvalRecord['eval'];
    items: StageEvalRecord['items'];
    samples: StageEvalRecord['samples'][number][];
  } = {
    eval: {},
    items: {},
    samples: [],
  };
  for (const modality of config.eval.modalities) {
    const items = sets[modality];
    if (!items || items.length === 0) continue;
    const bar = ui.bar(`eval ${stage} ${modality}`, items.length, 'problems');
    const r = await evaluatePolicy(policy, items, {
      modality,
      batchSize: config.eval.batch_size,
      maxNewTokens: config.data.max_response_length,
      samples: Math.ceil(config.eval.samples / config.eval.modalities.length),
      score: alrReward(config),
      decode: (ids) => host.decode(ids),
      onProgress: (done, _total, acc) => bar.update(done, { acc }),
    });
    bar.finish({ acc: r.eval.accuracy });
    record.eval[modality] = r.eval;
    record.items[modality] = { ids: r.ids, correct: r.correct };
    record.samples.push(...r.samples);
    run.metrics.append({
      stage: `eval-${stage}`,
      step: 0,
      [`val/${modality}/acc`]: r.eval.accuracy,
      [`val/${modality}/n`]: r.eval.n,
    });
  }
  const out: StageEvalRecord = { stage, ...record, seconds: (performance.now() - t0) / 1000 };
  run.writeJson(`eval/${stage}.json`, out);
  return out;
}
