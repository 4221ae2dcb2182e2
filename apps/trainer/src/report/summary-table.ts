import { MODALITIES } from '../config/schema.js';
import { fmtDuration } from '../progress/bar.js';
import { orderedStages, type RunSummary, STAGE_LABELS } from './summary.js';

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const signedPts = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}`;

/** Renders rows as an aligned text table with a header rule. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The terminal summary printed at the end of a run: accuracy by stage and input, paired gains. */
export function renderSummaryTable(summary: RunSummary): string {
  const rows: string[][] = [];
  for (const [name, stage] of orderedStages(summary.stages)) {
    for (const m of MODALITIES) {
      const e = stage.eval[m];
      if (!e) continue;
      rows.push([
        STAGE_LABELS[name] ?? name,
        m,
        pct(e.accuracy),
        `[${pct(e.ci95[0])}, ${pct(e.ci95[1])}]`,
        String(e.n),
        pct(e.formatRate),
        pct(e.majorityFloor),
        stage.steps !== undefined ? String(stage.steps) : '',
        stage.seconds !== undefined ? fmtDuration(stage.seconds) : '',
      ]);
    }
  }
  const out = [
    textTable(
      ['stage', 'input', 'accuracy', '95% CI (Wilson)', 'n', 'format', 'majority', 'steps', 'time'],
      rows,
    ),
  ];
  if (summary.comparisons.length) {
    out.push(
      '',
      textTable(
        ['paired comparison', 'input', 'diff (points)', '95% CI', 'n', 'only b right', 'only a right'],
        summary.comparisons.map((c) => [
          `${STAGE_LABELS[c.b] ?? c.b} vs ${STAGE_LABELS[c.a] ?? c.a}`,
          c.modality,
          signedPts(c.diff),
          `[${signedPts(c.ci95[0])}, ${signedPts(c.ci95[1])}]`,
          String(c.n),
          String(c.bOnly),
          String(c.aOnly),
        ]),
      ),
    );
  }
  out.push('', `wall time ${fmtDuration(summary.wallSeconds)}  ·  run folder ${summary.run.dir}`);
  return out.join('\n');
}
