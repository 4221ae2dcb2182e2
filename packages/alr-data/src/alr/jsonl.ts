import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { AlrFileError, AlrRecordError } from '../errors.js';

/** One parsed line of a JSONL file, or the error that line produced. */
export type JsonlLine = { line: number; value: unknown } | { line: number; error: AlrRecordError };

/**
 * Streams a JSONL file line by line with 1-based line numbers. A line that is not valid JSON yields an
 * error entry instead of stopping the stream, so the caller decides whether to fail or skip. Blank lines
 * are not records and are passed over; a UTF-8 byte-order mark on the first line is ignored.
 */
export async function* readJsonlLines(path: string): AsyncGenerator<JsonlLine> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  try {
    await opened;
  } catch (error) {
    throw new AlrFileError(path, `cannot read annotation file (${(error as Error).message})`, {
      cause: error,
    });
  }
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  try {
    for await (let text of lines) {
      lineNumber++;
      if (lineNumber === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.trim() === '') continue;
      try {
        yield { line: lineNumber, value: JSON.parse(text) as unknown };
      } catch (error) {
        const problem = `invalid JSON (${(error as Error).message}): ${JSON.stringify(text.slice(0, 80))}`;
        yield {
          line: lineNumber,
          error: new AlrRecordError('BAD_JSON', { file: path, line: lineNumber }, problem, { cause: error }),
        };
      }
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}
