import { writeFileAtomic } from '@soundmind/audio-io';
import type { AlrRecordError } from '../errors.js';

/** A plain-text report of the lines skipped while reading one annotation file. */
export function formatIssueReport(file: string, issues: readonly AlrRecordError[]): string {
  const lines = [`Skipped ${issues.length} item(s) while reading ${file}`];
  const byCode = new Map<string, number>();
  for (const issue of issues) byCode.set(issue.code, (byCode.get(issue.code) ?? 0) + 1);
  if (byCode.size > 0) lines.push(`By kind: ${[...byCode].map(([code, n]) => `${code} ${n}`).join(', ')}`);
  lines.push('');
  for (const issue of issues) lines.push(`${issue.code}\t${issue.message}`);
  return `${lines.join('\n')}\n`;
}

export async function writeIssueReport(
  path: string,
  file: string,
  issues: readonly AlrRecordError[],
): Promise<void> {
  await writeFileAtomic(path, formatIssueReport(file, issues), { createFolder: true });
}
