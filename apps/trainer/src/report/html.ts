import { MODALITIES } from '../config/schema.js';
import type { SampleResponse } from '../eval/types.js';
import { fmtDuration } from '../progress/bar.js';
import type { MetricsRecord } from '../run/metrics-log.js';
import { orderedStages, type RunSummary, STAGE_LABELS } from './summary.js';
import { type ChartSeries, escapeXml, lineChart, smooth } from './svg-chart.js';

/** Charts of the report: a title and, per stage, the metric to plot (first name present wins). */
const CHARTS: readonly { title: string; stage: string; metrics: readonly string[] }[] = [
  { title: 'Reward (critic/score/mean)', stage: 'grpo', metrics: ['critic/score/mean'] },
  {
    title: 'Training accuracy (reward_extra/acc/mean)',
    stage: 'grpo',
    metrics: ['reward_extra/acc/mean', 'critic/acc/mean'],
  },
  { title: 'KL to reference (actor/ppo_kl)', stage: 'grpo', metrics: ['actor/kl_loss', 'actor/ppo_kl'] },
  { title: 'Entropy (actor/entropy)', stage: 'grpo', metrics: ['actor/entropy'] },
  { title: 'Clip fraction (actor/pg_clipfrac)', stage: 'grpo', metrics: ['actor/pg_clipfrac'] },
  { title: 'Response length (response_length/mean)', stage: 'grpo', metrics: ['response_length/mean'] },
  { title: 'SFT loss (train/loss)', stage: 'sft', metrics: ['train/loss'] },
  {
    title: 'Held-out accuracy during GRPO (val/acc)',
    stage: 'grpo',
    metrics: ['val/text/acc', 'val/audio/acc'],
  },
];

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const pts = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}`;

/** Series of one metric over a stage's steps (raw, plus a moving average when the curve is long and noisy). */
export function metricSeries(
  records: readonly MetricsRecord[],
  stage: string,
  metric: string,
): ChartSeries[] {
  const points = records
    .filter((r) => r.stage === stage && typeof r[metric] === 'number')
    .map((r) => [r.step, r[metric] as number] as const);
  if (points.length === 0) return [];
  if (points.length < 30 || metric.startsWith('val/')) return [{ name: metric, points }];
  return [
    { name: 'per step', points },
    { name: 'moving avg', points: smooth(points, Math.max(5, Math.round(points.length / 15))) },
  ];
}

/** The self-contained HTML report: inline CSS and SVG, no scripts, no network. */
export function renderHtmlReport(
  summary: RunSummary,
  records: readonly MetricsRecord[],
  title = 'SoundMind-TS run',
): string {
  const evalRows: string[] = [];
  for (const [name, stage] of orderedStages(summary.stages)) {
    for (const m of MODALITIES) {
      const e = stage.eval[m];
      if (!e) continue;
      evalRows.push(
        `<tr><td>${escapeXml(STAGE_LABELS[name] ?? name)}</td><td>${m}</td><td class="num"><b>${pct(e.accuracy)}</b></td>` +
          `<td class="num">${pct(e.ci95[0])} – ${pct(e.ci95[1])}</td><td class="num">${e.n}</td>` +
          `<td class="num">${pct(e.formatRate)}</td><td class="num">${pct(e.majorityFloor)}</td>` +
          `<td class="num">${stage.steps ?? ''}</td><td class="num">${stage.seconds !== undefined ? fmtDuration(stage.seconds) : ''}</td></tr>`,
      );
    }
  }
  const familyRows: string[] = [];
  for (const [name, stage] of orderedStages(summary.stages)) {
    for (const m of MODALITIES) {
      for (const [fam, f] of Object.entries(stage.eval[m]?.byFamily ?? {})) {
        familyRows.push(
          `<tr><td>${escapeXml(STAGE_LABELS[name] ?? name)}</td><td>${m}</td><td>${escapeXml(fam)}</td>` +
            `<td class="num">${pct(f.accuracy)}</td><td class="num">${pct(f.ci95[0])} – ${pct(f.ci95[1])}</td><td class="num">${f.n}</td></tr>`,
        );
      }
    }
  }
  const pairRows = summary.comparisons.map(
    (c) =>
      `<tr><td>${escapeXml(STAGE_LABELS[c.b] ?? c.b)} vs ${escapeXml(STAGE_LABELS[c.a] ?? c.a)}</td><td>${c.modality}</td>` +
      `<td class="num"><b>${pts(c.diff)}</b></td><td class="num">${pts(c.ci95[0])} – ${pts(c.ci95[1])}</td>` +
      `<td class="num">${c.n}</td><td class="num">${c.bOnly}</td><td class="num">${c.aOnly}</td></tr>`,
  );
  const charts = CHARTS.map((c) => {
    const series = c.metrics.flatMap((m) => {
      const s = metricSeries(records, c.stage, m);
      return c.metrics.length > 1 && c.metrics[0]?.startsWith('val/') ? s.map((x) => ({ ...x, name: m })) : s;
    });
    const shown = c.metrics[0]?.startsWith('val/') ? series : series.slice(0, 2);
    if (shown.length === 0) return '';
    return `<figure>${lineChart({ title: c.title, xLabel: `${c.stage} step`, series: shown })}</figure>`;
  });
  const descriptions = orderedStages(summary.stages)
    .filter(([, s]) => s.description)
    .map(([n, s]) => `<li><b>${escapeXml(STAGE_LABELS[n] ?? n)}</b>: ${escapeXml(s.description ?? '')}</li>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1320px;color:#111;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f5f5f5}.num{text-align:right;font-variant-numeric:tabular-nums}.meta{color:#555}
.charts{display:flex;flex-wrap:wrap;gap:8px}figure{margin:0;border:1px solid #eee}
pre{white-space:pre-wrap;margin:0;font:12px/1.4 ui-monospace,monospace;max-width:560px}
.ok{color:#15803d}.bad{color:#b91c1c}
</style></head><body>
<h1>${escapeXml(title)}</h1>
<p class="meta">${summary.run.status === 'complete' ? 'complete' : '<b class="bad">interrupted</b>'} · wall time ${fmtDuration(summary.wallSeconds)} · model ${escapeXml(summary.run.model)} · data ${escapeXml(summary.run.data)} · ${escapeXml(summary.run.finishedAt)}</p>
${descriptions.length ? `<ul>${descriptions.join('')}</ul>` : ''}
<h2>Held-out accuracy</h2>
<table><tr><th>stage</th><th>input</th><th>accuracy</th><th>95% CI (Wilson)</th><th>n</th><th>format ok</th><th>majority floor</th><th>steps</th><th>train time</th></tr>
${evalRows.join('\n')}</table>
${pairRows.length ? `<h2>Paired differences (same problems)</h2><table><tr><th>comparison</th><th>input</th><th>diff (points)</th><th>95% CI</th><th>n</th><th>only first right</th><th>only second right</th></tr>${pairRows.join('\n')}</table>` : ''}
${familyRows.length ? `<h2>By problem family</h2><table><tr><th>stage</th><th>input</th><th>family</th><th>accuracy</th><th>95% CI</th><th>n</th></tr>${familyRows.join('\n')}</table>` : ''}
<h2>Training curves</h2>
<div class="charts">${charts.join('\n')}</div>
<h2>Sample responses</h2>
${renderSamples(summary.samples)}
</body></html>
`;
}

function renderSamples(samples: readonly SampleResponse[]): string {
  if (samples.length === 0) return '<p class="meta">none</p>';
  const rows = samples.map((s) => {
    const parts = Object.entries(s.reward.components)
      .map(([k, v]) => `${escapeXml(k)} ${v}`)
      .join(', ');
    const right = s.predicted === s.label;
    return (
      `<tr><td>${escapeXml(s.id)}<br><span class="meta">${s.modality} · ${escapeXml(s.family)}</span></td>` +
      `<td><pre>${escapeXml(s.prompt)}</pre></td><td><pre>${escapeXml(s.response)}</pre></td>` +
      `<td>${escapeXml(s.label)}</td><td class="${right ? 'ok' : 'bad'}">${escapeXml(s.predicted ?? '(none)')}</td>` +
      `<td class="num">${s.reward.total}</td><td>${parts}${s.reward.formatValid ? '' : '<br><span class="bad">format invalid</span>'}</td></tr>`
    );
  });
  return `<table><tr><th>item</th><th>prompt</th><th>response</th><th>gold</th><th>predicted</th><th>reward</th><th>breakdown</th></tr>${rows.join('\n')}</table>`;
}
