import { majorityFloor, parseAlrAnswer } from '@soundmind/metrics';
import type { AlrItem } from './item.js';
import { labelName } from './item.js';

/** Distribution summary (percentiles interpolate linearly, as numpy's default). */
export interface LengthStats {
  mean: number;
  median: number;
  p5: number;
  p95: number;
  min: number;
  max: number;
}

export interface SplitAudit {
  split: string;
  items: number;
  /** Items per label: [not-entailed (0), entailed (1)]. */
  labels: [number, number];
  /** Accuracy of always answering the majority label, with its Wilson 95% interval (null for an empty split). */
  majorityFloor: { answer: 'entailed' | 'not-entailed'; accuracy: number; ci: [number, number] } | null;
  /** Whitespace-separated words of the question text. */
  promptWords: LengthStats;
  /** Whitespace-separated words of the reference reasoning. */
  answerWords: LengthStats;
  /** Reference reasoning whose final verdict (metrics' parseAlrAnswer) differs from the gold label. */
  contradictions: { id: string; label: 0 | 1; finalVerdict: 'entailed' | 'not-entailed' }[];
  /** Reference reasoning with no readable final verdict. */
  noVerdict: string[];
  /** Groups of ids with identical question text. */
  duplicatePrompts: string[][];
}

export interface CrossSplitDuplicate {
  a: { split: string; id: string; label: 0 | 1 };
  b: { split: string; id: string; label: 0 | 1 };
  labelsAgree: boolean;
}

export interface AlrAudit {
  splits: SplitAudit[];
  /** Identical question texts in two splits (leakage), with whether their labels agree. */
  crossSplitDuplicates: CrossSplitDuplicate[];
  /** Major premises (LogiQA passages) shared by two splits, per pair of splits: passage-level leakage. */
  sharedMajorPremises: { splits: [string, string]; count: number }[];
}

/**
 * Audits ALR splits: label balance and the majority floor, length statistics, duplicate prompts within
 * and across splits, shared passages, and reference reasoning whose final answer contradicts its label.
 */
export function auditAlr(splits: Record<string, readonly AlrItem[]>): AlrAudit {
  const names = Object.keys(splits);
  const audits = names.map((name) => auditSplit(name, splits[name] as readonly AlrItem[]));
  const crossSplitDuplicates: CrossSplitDuplicate[] = [];
  const sharedMajorPremises: AlrAudit['sharedMajorPremises'] = [];
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      const [a, b] = [names[i] as string, names[j] as string];
      const byPrompt = new Map<string, AlrItem[]>();
      for (const item of splits[a] as readonly AlrItem[])
        byPrompt.set(item.userContent, [...(byPrompt.get(item.userContent) ?? []), item]);
      for (const item of splits[b] as readonly AlrItem[]) {
        for (const other of byPrompt.get(item.userContent) ?? []) {
          crossSplitDuplicates.push({
            a: { split: a, id: other.id, label: other.label },
            b: { split: b, id: item.id, label: item.label },
            labelsAgree: other.label === item.label,
          });
        }
      }
      const passages = new Set(
        (splits[a] as readonly AlrItem[]).map(majorPremise).filter((p) => p !== undefined),
      );
      const shared = new Set(
        (splits[b] as readonly AlrItem[]).map(majorPremise).filter((p) => p !== undefined && passages.has(p)),
      );
      if (passages.size > 0) sharedMajorPremises.push({ splits: [a, b], count: shared.size });
    }
  }
  return { splits: audits, crossSplitDuplicates, sharedMajorPremises };
}

function auditSplit(split: string, items: readonly AlrItem[]): SplitAudit {
  const labels: [number, number] = [0, 0];
  const contradictions: SplitAudit['contradictions'] = [];
  const noVerdict: string[] = [];
  const byPrompt = new Map<string, string[]>();
  for (const item of items) {
    labels[item.label]++;
    const verdict = parseAlrAnswer(item.answer);
    if (verdict === null) noVerdict.push(item.id);
    else if (verdict !== labelName(item.label))
      contradictions.push({ id: item.id, label: item.label, finalVerdict: verdict });
    byPrompt.set(item.userContent, [...(byPrompt.get(item.userContent) ?? []), item.id]);
  }
  const floor = items.length > 0 ? majorityFloor(items.map((i) => i.label)) : null;
  return {
    split,
    items: items.length,
    labels,
    majorityFloor: floor && { answer: floor.answer, accuracy: floor.accuracy, ci: floor.ci },
    promptWords: lengthStats(items.map((i) => wordCount(i.userContent))),
    answerWords: lengthStats(items.map((i) => wordCount(i.answer))),
    contradictions,
    noVerdict,
    duplicatePrompts: [...byPrompt.values()].filter((ids) => ids.length > 1),
  };
}

/** The passage of an ALR prompt (`Major premise is "…".`), when the prompt follows ALR's template. */
function majorPremise(item: AlrItem): string | undefined {
  return /Major premise is "([\s\S]*?)"\.\n/.exec(item.userContent)?.[1];
}

function wordCount(text: string): number {
  const t = text.trim();
  return t === '' ? 0 : t.split(/\s+/).length;
}

export function lengthStats(values: readonly number[]): LengthStats {
  if (values.length === 0) return { mean: 0, median: 0, p5: 0, p95: 0, min: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const q = (p: number) => {
    const x = p * (sorted.length - 1);
    const lo = Math.floor(x);
    const hi = Math.min(lo + 1, sorted.length - 1);
    return (sorted[lo] as number) + (x - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
  };
  return {
    mean: sorted.reduce((s, v) => s + v, 0) / sorted.length,
    median: q(0.5),
    p5: q(0.05),
    p95: q(0.95),
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
  };
}

/** The audit as Markdown a person can read. */
export function formatAuditReport(audit: AlrAudit): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const stats = (s: LengthStats) =>
    `mean ${s.mean.toFixed(1)}, median ${s.median}, p5-p95 ${s.p5.toFixed(0)}-${s.p95.toFixed(0)}, min-max ${s.min}-${s.max}`;
  const out: string[] = ['# ALR audit', ''];
  out.push(
    '| split | items | not-entailed / entailed | majority floor | contradicting references | no verdict | duplicate prompts |',
  );
  out.push('|---|---|---|---|---|---|---|');
  for (const s of audit.splits) {
    out.push(
      `| ${s.split} | ${s.items} | ${s.labels[0]} / ${s.labels[1]} | ${s.majorityFloor ? `${pct(s.majorityFloor.accuracy)} (${s.majorityFloor.answer})` : '-'} | ` +
        `${s.contradictions.length} (${pct(s.items ? s.contradictions.length / s.items : 0)}) | ${s.noVerdict.length} | ${s.duplicatePrompts.length} groups |`,
    );
  }
  for (const s of audit.splits) {
    out.push('', `## ${s.split}`, '');
    out.push(`- Question words: ${stats(s.promptWords)}`);
    out.push(`- Reference reasoning words: ${stats(s.answerWords)}`);
    if (s.duplicatePrompts.length > 0)
      out.push(`- Identical prompts: ${s.duplicatePrompts.map((g) => g.join(' = ')).join('; ')}`);
    if (s.contradictions.length > 0) {
      out.push(
        `- Reference reasoning whose final answer contradicts the label (never use these as SFT targets or length references): ` +
          s.contradictions
            .map((c) => `${c.id} (label ${labelName(c.label)}, says ${c.finalVerdict})`)
            .join(', '),
      );
    }
    if (s.noVerdict.length > 0) out.push(`- No readable final verdict: ${s.noVerdict.join(', ')}`);
  }
  out.push('', '## Leakage between splits', '');
  if (audit.crossSplitDuplicates.length === 0) out.push('- No identical prompts across splits.');
  for (const d of audit.crossSplitDuplicates) {
    out.push(
      `- ${d.a.split} ${d.a.id} = ${d.b.split} ${d.b.id}: labels ${labelName(d.a.label)} / ${labelName(d.b.label)}` +
        (d.labelsAgree ? '' : ' (CONFLICTING LABELS)'),
    );
  }
  for (const p of audit.sharedMajorPremises) {
    out.push(`- ${p.count} major premises (passages) appear in both ${p.splits[0]} and ${p.splits[1]}.`);
  }
  return `${out.join('\n')}\n`;
}
