import type { AlrAnswer } from '../alr/answer-format.js';
import { MetricsInputError } from '../errors.js';
import { englishNormalizer } from '../text/english.js';
import type { TextTransform } from '../text/transform.js';
import { wer } from '../wer/measures.js';
import { accuracy, goldAnswers } from './accuracy.js';

export const INPUT_MODALITIES = ['audio', 'text', 'audio+text'] as const;
export const OUTPUT_MODALITIES = ['text', 'audio'] as const;
export type InputModality = (typeof INPUT_MODALITIES)[number];
export type OutputModality = (typeof OUTPUT_MODALITIES)[number];

export interface ModalityItem {
  input: InputModality;
  output: OutputModality;
  /** The verdict read from the response (for audio output: from its transcript). */
  predicted: AlrAnswer | null;
  /** Integer label (1 = entailed, 0 = not-entailed) or verdict. */
  gold: AlrAnswer | 0 | 1;
  /** Whether the response had the requested format (checkAlrFormat), when known. */
  formatValid?: boolean;
  /** For spoken output: the text the model meant to say and the ASR transcript of its audio. */
  spoken?: { text: string; transcript: string };
}

export interface ModalityRow {
  input: InputModality;
  output: OutputModality;
  n: number;
  correct: number;
  accuracy: number;
  ci: [number, number];
  /** Share of well-formed responses among the items that report it; null when none do. */
  formatRate: number | null;
  /** Corpus WER of transcripts against intended text over the items with `spoken`; null when none. */
  wer: number | null;
}

export interface ModalityTableOptions {
  /** Applied to both sides before WER. Default englishNormalizer. */
  werTransform?: TextTransform;
  confidence?: number;
}

/** Accuracy (with Wilson interval), format rate and spoken-output WER per (input, output) modality, like the paper's table. */
export function modalityTable(
  items: readonly ModalityItem[],
  options: ModalityTableOptions = {},
): ModalityRow[] {
  if (!Array.isArray(items) || items.length === 0) {
    throw new MetricsInputError('modalityTable: items must be a non-empty array');
  }
  const golds = goldAnswers(
    items.map((it) => it.gold),
    'modalityTable',
  );
  const groups = new Map<string, number[]>();
  items.forEach((it, i) => {
    if (!INPUT_MODALITIES.includes(it.input) || !OUTPUT_MODALITIES.includes(it.output)) {
      throw new MetricsInputError(
        `modalityTable: items[${i}] has input '${it.input}' / output '${it.output}'; inputs are ${INPUT_MODALITIES.join(', ')}, outputs ${OUTPUT_MODALITIES.join(', ')}`,
      );
    }
    const key = `${it.input}>${it.output}`;
    const list = groups.get(key) ?? [];
    list.push(i);
    groups.set(key, list);
  });
  const rows: ModalityRow[] = [];
  for (const input of INPUT_MODALITIES) {
    for (const output of OUTPUT_MODALITIES) {
      const idx = groups.get(`${input}>${output}`);
      if (!idx) continue;
      const acc = accuracy(
        idx.map((i) => items[i]!.predicted === golds[i]),
        options.confidence,
      );
      const formats = idx
        .map((i) => items[i]!.formatValid)
        .filter((f): f is boolean => typeof f === 'boolean');
      const spoken = idx.map((i) => items[i]!.spoken).filter((s) => s !== undefined);
      const transform = options.werTransform ?? englishNormalizer;
      rows.push({
        input,
        output,
        n: acc.n,
        correct: acc.correct,
        accuracy: acc.accuracy,
        ci: acc.ci,
        formatRate: formats.length === 0 ? null : formats.filter(Boolean).length / formats.length,
        wer:
          spoken.length === 0
            ? null
            : wer(
                spoken.map((s) => s.text),
                spoken.map((s) => s.transcript),
                { transform },
              ),
      });
    }
  }
  return rows;
}

const LABEL: Record<InputModality | OutputModality, string> = {
  audio: 'Audio',
  text: 'Text',
  'audio+text': 'Audio+Text',
};
const pct = (x: number) => (x * 100).toFixed(2);

/** The rows as a Markdown table: Input | Output | n | Accuracy (%) | CI (%) | Format (%) | WER (%). */
export function formatModalityTable(rows: readonly ModalityRow[]): string {
  const lines = [
    '| Input | Output | n | Accuracy (%) | CI (%) | Format (%) | WER (%) |',
    '|---|---|---:|---:|---|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${LABEL[r.input]} | ${LABEL[r.output]} | ${r.n} | ${pct(r.accuracy)} | ${pct(r.ci[0])}–${pct(r.ci[1])} | ${r.formatRate === null ? '/' : pct(r.formatRate)} | ${r.wer === null ? '/' : pct(r.wer)} |`,
    );
  }
  return lines.join('\n');
}
