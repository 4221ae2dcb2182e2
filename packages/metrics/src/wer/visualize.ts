import type { CharacterOutput, WordOutput } from './measures.js';

export interface FormatAlignmentOptions {
  /** Append the counts and measures (default true). */
  showMeasures?: boolean;
  /** Leave out sentence pairs without any error (default true). */
  skipCorrect?: boolean;
  /** Wrap each sentence's three rows at about this many characters (default: no wrapping). */
  lineWidth?: number;
}

const MARK = { equal: ' ', substitute: 'S', delete: 'D', insert: 'I' } as const;

const width = (s: string) => Array.from(s).length;
const pad = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - width(s)));

/**
 * A readable alignment: for each sentence pair, a REF row, a HYP row (a `*` run marks a gap) and a row
 * marking S(ubstitution), D(eletion) and I(nsertion) under each column, then the totals and measures.
 */
export function formatAlignment(
  output: WordOutput | CharacterOutput,
  options: FormatAlignmentOptions = {},
): string {
  const { showMeasures = true, skipCorrect = true, lineWidth } = options;
  const isCharacters = 'cer' in output;
  const gap = isCharacters ? '' : ' ';
  const blocks: string[] = [];
  output.alignments.forEach((chunks, k) => {
    if (skipCorrect && chunks.every((c) => c.type === 'equal')) return;
    const ref = output.references[k]!;
    const hyp = output.hypotheses[k]!;
    const columns: [string, string, string][] = [];
    for (const c of chunks) {
      const len = Math.max(c.refEnd - c.refStart, c.hypEnd - c.hypStart);
      for (let t = 0; t < len; t++) {
        const r = c.type === 'insert' ? undefined : ref[c.refStart + t];
        const h = c.type === 'delete' ? undefined : hyp[c.hypStart + t];
        const w = Math.max(width(r ?? ''), width(h ?? ''), 1);
        columns.push([pad(r ?? '*'.repeat(w), w), pad(h ?? '*'.repeat(w), w), pad(MARK[c.type], w)]);
      }
    }
    const lines: string[] = [`sentence ${k + 1}`];
    let row: [string[], string[], string[]] = [[], [], []];
    let used = 5;
    const flush = () => {
      lines.push(
        `REF: ${row[0].join(gap)}`,
        `HYP: ${row[1].join(gap)}`,
        `     ${row[2].join(gap)}`.trimEnd(),
      );
      row = [[], [], []];
      used = 5;
    };
    for (const col of columns) {
      const w = width(col[0]) + gap.length;
      if (lineWidth !== undefined && used + w > lineWidth && row[0].length > 0) flush();
      row[0].push(col[0]);
      row[1].push(col[1]);
      row[2].push(col[2]);
      used += w;
    }
    flush();
    blocks.push(lines.join('\n'));
  });
  if (showMeasures) {
    const o = output;
    const measures =
      'cer' in o
        ? `cer=${(o.cer * 100).toFixed(2)}%`
        : `wer=${(o.wer * 100).toFixed(2)}% mer=${(o.mer * 100).toFixed(2)}% wil=${(o.wil * 100).toFixed(2)}% wip=${(o.wip * 100).toFixed(2)}%`;
    blocks.push(
      `sentences: ${o.alignments.length}  hits=${o.hits} substitutions=${o.substitutions} deletions=${o.deletions} insertions=${o.insertions}\n${measures}`,
    );
  }
  return blocks.join('\n\n');
}
