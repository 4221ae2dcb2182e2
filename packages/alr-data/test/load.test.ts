import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AlrFileError,
  type AlrItem,
  type AlrRecordError,
  loadAlrSplit,
  readAlrAnnotations,
  readHuggingFaceMetadata,
} from '../src/index.js';
import { ALR_DIR, tempDir, wavBytes } from './helpers.js';

const line = (o: unknown) => JSON.stringify(o);
const good = (id: string, label: number) => ({
  id,
  user_content: `question ${id}`,
  answer: `reasoning ${id}`,
  label,
});

async function collect(iterable: AsyncIterable<AlrItem>): Promise<AlrItem[]> {
  const out: AlrItem[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** A GitHub-layout copy: `{root}/{split}.jsonl` and `{root}/{split}/{id}/question.wav, answer_{label}.wav`. */
async function githubCopy(root: string, split: string, lines: string[], audioFor: [string, number][]) {
  await writeFile(join(root, `${split}.jsonl`), `${lines.join('\n')}\n`);
  for (const [id, label] of audioFor) {
    await mkdir(join(root, split, id), { recursive: true });
    await writeFile(join(root, split, id, 'question.wav'), wavBytes(160));
    await writeFile(join(root, split, id, `answer_${label}.wav`), wavBytes(160));
  }
}

describe('real ALR annotations', () => {
  it('reads dev and test with the published counts and label balance', async () => {
    for (const [split, n, positives] of [
      ['dev', 606, 264],
      ['test', 656, 296],
    ] as const) {
      const { items, issues, layout } = await loadAlrSplit(ALR_DIR, split, { audio: false });
      expect(layout).toBe('github');
      expect(issues).toEqual([]);
      expect(items.length).toBe(n);
      expect(items.filter((i) => i.label === 1).length).toBe(positives);
      expect(items[0]).toMatchObject({
        id: '0001',
        split,
        source: { file: join(ALR_DIR, `${split}.jsonl`), line: 1 },
      });
      expect(items[0]?.questionAudio).toBeUndefined();
    }
  });

  it('streams: the first item arrives without reading the rest', async () => {
    const stream = readAlrAnnotations(join(ALR_DIR, 'test.jsonl'));
    const first = await stream.next();
    expect(first.done).toBe(false);
    expect((first.value as AlrItem).userContent).toMatch(/^Let's figure out the logical connection/);
    await stream.return(undefined);
  });
});

describe('GitHub layout with audio', async () => {
  const root = await tempDir();

  it('attaches question.wav and answer_{label}.wav and checks them', async () => {
    await githubCopy(
      root,
      'dev',
      [line(good('0001', 1)), line(good('0002', 0))],
      [
        ['0001', 1],
        ['0002', 0],
      ],
    );
    const { items } = await loadAlrSplit(root, 'dev', { layout: 'github', audioCheck: 'readable' });
    expect(items.map((i) => [i.id, i.label, i.questionAudio, i.answerAudio])).toEqual([
      ['0001', 1, join(root, 'dev', '0001', 'question.wav'), join(root, 'dev', '0001', 'answer_1.wav')],
      ['0002', 0, join(root, 'dev', '0002', 'question.wav'), join(root, 'dev', '0002', 'answer_0.wav')],
    ]);
  });

  it('a corrupted line in the middle is reported with its line number and every other item is read', async () => {
    const lines = [
      line(good('0001', 1)),
      line(good('0002', 0)),
      '{"id": "0003", "user_content": "trunc',
      line(good('0004', 1)),
    ];
    await githubCopy(root, 'corrupt', lines, [
      ['0001', 1],
      ['0002', 0],
      ['0004', 1],
    ]);
    const reportPath = join(root, 'corrupt-report.txt');
    const { items, issues } = await loadAlrSplit(root, 'corrupt', { onInvalid: 'skip', reportPath });
    expect(items.map((i) => i.id)).toEqual(['0001', '0002', '0004']);
    expect(issues.map((e) => [e.code, e.at.line])).toEqual([['BAD_JSON', 3]]);
    expect(issues[0]?.message).toContain(`${join(root, 'corrupt.jsonl')}:3: invalid JSON`);
    const report = await readFile(reportPath, 'utf8');
    expect(report).toContain('Skipped 1 item(s)');
    expect(report).toContain('corrupt.jsonl:3');

    await expect(loadAlrSplit(root, 'corrupt')).rejects.toThrow(/corrupt\.jsonl:3: invalid JSON/);
  });

  it('names file, line and field for every kind of bad record', async () => {
    const lines = [
      line(good('0001', 1)),
      line({ id: '0002', answer: 'a', label: 1 }),
      line({ ...good('0003', 1), label: 2 }),
      line(good('0001', 0)),
      line({ ...good('0005', 1), user_content: 5 }),
      line(good('0006', 1)),
      line(good('0007', 0)),
      '[1, 2]',
      line({ ...good('0009', 1), user_content: '  ' }),
      line(good('0010', 1)),
    ];
    await githubCopy(root, 'bad', lines, [
      ['0001', 1],
      ['0002', 1],
      ['0003', 1],
      ['0005', 1],
      ['0007', 0],
      ['0009', 1],
      ['0010', 1],
    ]);
    // 0006 has no audio at all; 0010's question.wav is not a WAV file; 0007's answer file is empty.
    await writeFile(join(root, 'bad', '0010', 'question.wav'), 'not a wav file at all');
    await writeFile(join(root, 'bad', '0007', 'answer_0.wav'), '');
    const issues: AlrRecordError[] = [];
    const items = await collect(
      readAlrAnnotations(join(root, 'bad.jsonl'), {
        audioRoot: join(root, 'bad'),
        audioCheck: 'readable',
        onInvalid: 'skip',
        onIssue: (e) => issues.push(e),
      }),
    );
    expect(items.map((i) => i.id)).toEqual(['0001']);
    expect(issues.map((e) => [e.code, e.at.line, e.at.field])).toEqual([
      ['MISSING_FIELD', 2, 'user_content'],
      ['BAD_LABEL', 3, 'label'],
      ['DUPLICATE_ID', 4, 'id'],
      ['BAD_FIELD', 5, 'user_content'],
      ['MISSING_AUDIO', 6, 'question audio'],
      ['UNREADABLE_AUDIO', 7, 'answer audio'],
      ['BAD_FIELD', 8, undefined],
      ['BAD_FIELD', 9, 'user_content'],
      ['UNREADABLE_AUDIO', 10, 'question audio'],
    ]);
    expect(issues[1]?.message).toMatch(
      /bad\.jsonl:3 \(id "0003"\) field "label": must be 1 \(entailed\) or 0 \(not-entailed\), got number 2/,
    );
    expect(issues[2]?.message).toMatch(/duplicate id, first seen on line 1/);
    expect(issues[4]?.message).toMatch(/0006.question\.wav does not exist/);
    expect(issues[5]?.message).toMatch(/answer_0\.wav is empty/);
    expect(issues[8]?.message).toMatch(/not a WAV file/);
    await expect(collect(readAlrAnnotations(join(root, 'bad.jsonl')))).rejects.toThrow(
      /bad\.jsonl:2 \(id "0002"\) field "user_content": is missing/,
    );
  });

  it('accepts string labels as SoundMind does, keeps extra keys, and allows missing answer audio on request', async () => {
    await githubCopy(root, 'extra', [line({ ...good('0001', 1), label: '1', meta: { family: 'c2' } })], []);
    await mkdir(join(root, 'extra', '0001'), { recursive: true });
    await writeFile(join(root, 'extra', '0001', 'question.wav'), wavBytes(16));
    await expect(loadAlrSplit(root, 'extra')).rejects.toThrow(/answer_1\.wav does not exist/);
    const { items } = await loadAlrSplit(root, 'extra', { answerAudio: 'optional' });
    expect(items[0]).toMatchObject({ label: 1, extra: { meta: { family: 'c2' } } });
    expect(items[0]?.answerAudio).toBeUndefined();
  });

  it('fails clearly when the split file or the annotation file is missing', async () => {
    await expect(loadAlrSplit(root, 'nope')).rejects.toThrow(AlrFileError);
    await expect(loadAlrSplit(root, 'nope')).rejects.toThrow(
      /nope\.jsonl: no nope annotations for the github layout/,
    );
    await expect(collect(readAlrAnnotations(join(root, 'missing.jsonl')))).rejects.toThrow(
      /cannot read annotation file/,
    );
  });
});

describe('Hugging Face layout', async () => {
  const root = await tempDir();
  const meta = (id: string, label: number) => ({
    id,
    question_file_name: `${id}/question.wav`,
    answer_file_name: `${id}/answer_${label}.wav`,
    annotation_question: `question ${id}`,
    annotation_answer: `reasoning ${id}`,
    label,
  });

  it('reads metadata.jsonl with per-item folders, and auto-detects the layout', async () => {
    const dir = join(root, 'test');
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, 'metadata.jsonl'),
      `${[line(meta('0001', 0)), line(meta('0002', 1))].join('\n')}\n`,
    );
    for (const [id, label] of [
      ['0001', 0],
      ['0002', 1],
    ] as const) {
      await mkdir(join(dir, id), { recursive: true });
      await writeFile(join(dir, id, 'question.wav'), wavBytes(16));
      await writeFile(join(dir, id, `answer_${label}.wav`), wavBytes(16));
    }
    const { items, layout } = await loadAlrSplit(root, 'test');
    expect(layout).toBe('huggingface');
    expect(items.map((i) => [i.id, i.userContent, i.answer, i.label, i.questionAudio])).toEqual([
      ['0001', 'question 0001', 'reasoning 0001', 0, join(dir, '0001', 'question.wav')],
      ['0002', 'question 0002', 'reasoning 0002', 1, join(dir, '0002', 'question.wav')],
    ]);
    const direct = await collect(readHuggingFaceMetadata(join(dir, 'metadata.jsonl')));
    expect(direct.map((i) => i.answerAudio)).toEqual([
      join(dir, '0001', 'answer_0.wav'),
      join(dir, '0002', 'answer_1.wav'),
    ]);
  });

  it('rejects an answer file whose name contradicts the label', async () => {
    const dir = join(root, 'dev');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'metadata.jsonl'), `${line({ ...meta('0001', 0), label: 1 })}\n`);
    await expect(loadAlrSplit(root, 'dev', { layout: 'huggingface' })).rejects.toThrow(
      /metadata\.jsonl:1 \(id "0001"\) field "answer_file_name": "0001\/answer_0\.wav" does not match label 1/,
    );
  });
});
