import { pairedComparison } from '@soundmind/metrics';
import { MODALITIES } from '../config/schema.js';
import type { PairedComparison, SampleResponse, StageEvalRecord } from '../eval/types.js';
import { renderHtmlReport } from '../report/html.js';
import { orderedStages, type RunSummary, type StageSummary } from '../report/summary.js';
import { renderSummaryTable } from '../report/summary-table.js';
import { writeFileAtomic } from '../run/atomic.js';
import type { RunFolder } from '../run/run-folder.js';

/** Stage pairs compared on the same problems: b minus a. */
const COMPARISONS: readonly [string, string][] = [
  ['sft', 'grpo'],
  ['sft', 'control'],
  ['control', 'grpo'],
  ['base', 'sft'],
];

/** Paired differences between every pair of evaluated stages in COMPARISONS, per modality. */
export function comparisons(evals: Readonly<Record<string, StageEvalRecord>>): PairedComparison[] {
  const out: PairedComparison[] = [];
  for (const [a, b] of COMPARISONS) {
    const ea = evals[a];
    const eb = evals[b];
    if (!ea || !eb) continue;
    for (const m of MODALITIES) {
      const ia = ea.items[m];
      const ib = eb.items[m];
      if (!ia || !ib || ia.ids.length !== ib.ids.length || ia.ids.some((id, i) => id !== ib.ids[i])) continue;
      // metrics' difference is its first argument minus its second: pass b first for b - a.
      const p = pairedComparison(
        ib.correct.map((c) => c === 1),
        ia.correct.map((c) => c === 1),
      );
      out.push({
        a,
        b,
        modality: m,
        n: p.n,
        diff: p.difference,
        ci95: p.ci,
        bOnly: p.onlyA,
        aOnly: p.onlyB,
        pValue: p.pValue,
      });
    }
  }
  return out;
}

/** Reads a run folder's eval records, run state and metrics, and writes summary.json and report.html. */
export function buildReport(
  run: RunFolder,
  opts: {
    wallSeconds: number;
    status: 'complete' | 'interrupted';
    model: string;
    data: string;
    preset?: string;
  },
): { summary: RunSummary; table: string } {
  const evals: Record<string, StageEvalRecord> = {};
  for (const stage of ['base', 'sft', 'grpo', 'control']) {
    const rec = run.readJson<StageEvalRecord>(`eval/${stage}.json`);
    if (rec) evals[stage] = rec;
  }
  const stages: Record<string, StageSummary> = {};
  for (const [name, rec] of Object.entries(evals)) {
    const st = run.stage(name);
    stages[name] = {
      eval: rec.eval,
      ...(st ? { steps: st.steps, seconds: st.seconds } : {}),
      ...(st?.description ? { description: st.description } : {}),
    };
  }
  const samples: SampleResponse[] = orderedStages(stages).flatMap(([name]) =>
    (evals[name]?.samples ?? []).map((s) => ({ ...s, id: `${name}: ${s.id}` })),
  );
  const summary: RunSummary = {
    stages,
    wallSeconds: opts.wallSeconds,
    comparisons: comparisons(evals),
    samples,
    run: {
      dir: run.dir,
      model: opts.model,
      data: opts.data,
      ...(opts.preset ? { preset: opts.preset } : {}),
      finishedAt: new Date().toISOString(),
      status: opts.status,
    },
  };
  run.writeJson('summary.json', summary);
  const html = renderHtmlReport(
    summary,
    run.metrics.read(),
    `SoundMind-TS · ${run.config.trainer.experiment_name}`,
  );
  writeFileAtomic(run.path('report.html'), html);
  return { summary, table: renderSummaryTable(summary) };
}
