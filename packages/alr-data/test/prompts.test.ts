import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type AlrItem,
  buildVerlRecord,
  IMPROVED_INSTRUCTION,
  loadAlrSplit,
  QWEN_OMNI_SYSTEM_PROMPT,
  SOUNDMIND_SYSTEM_PROMPT,
  VerlRecordError,
} from '../src/index.js';
import { ALR_DIR } from './helpers.js';

interface Fixture {
  loadDir: string;
  variants: Record<
    'audio-text' | 'text' | 'audio',
    { firstRows: unknown[]; promptSha256: Record<string, string> }
  >;
}
const fixture: Fixture = JSON.parse(
  readFileSync(new URL('./fixtures/soundmind-prompts.json', import.meta.url), 'utf8'),
);

/** The paths SoundMind's alr_dataset.py gives each item under its default load directory. */
function withSoundMindPaths(item: AlrItem): AlrItem {
  const folder = `${fixture.loadDir}/test/${item.id}`;
  return {
    ...item,
    questionAudio: `${folder}/question.wav`,
    answerAudio: `${folder}/answer_${item.label}.wav`,
  };
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

describe('SoundMind prompt variants', async () => {
  const { items } = await loadAlrSplit(ALR_DIR, 'test', { audio: false });

  for (const variant of ['audio-text', 'text', 'audio'] as const) {
    it(`${variant}: every test item's prompt equals SoundMind's, character for character`, () => {
      const expected = fixture.variants[variant].promptSha256;
      expect(items.length).toBe(656);
      expect(Object.keys(expected).length).toBe(656);
      const mismatches: string[] = [];
      items.forEach((item, index) => {
        const record = buildVerlRecord(withSoundMindPaths(item), {
          variant,
          index,
          dataSource: fixture.loadDir,
        });
        if (sha256(JSON.stringify(record.prompt)) !== expected[item.id]) mismatches.push(item.id);
      });
      expect(mismatches).toEqual([]);
    });

    it(`${variant}: whole rows match SoundMind's (plus our extra_info.label)`, () => {
      for (const [index, row] of fixture.variants[variant].firstRows.entries()) {
        const item = items[index] as AlrItem;
        const record = buildVerlRecord(withSoundMindPaths(item), {
          variant,
          index,
          dataSource: fixture.loadDir,
        });
        const { label, ...extraInfo } = record.extra_info;
        expect(label).toBe(item.label);
        expect({
          ...record,
          audio_question: record.audio_question?.path,
          audio_answer: record.audio_answer?.path,
          extra_info: extraInfo,
        }).toEqual(row);
      }
    });
  }

  it('audio-only drops the instruction (as SoundMind does); improved-audio keeps it', () => {
    const item = withSoundMindPaths(items[0] as AlrItem);
    const plain = buildVerlRecord(item, { variant: 'audio', index: 0 });
    expect(plain.prompt[1]?.content).toEqual([{ type: 'audio', audio: item.questionAudio }]);
    const improved = buildVerlRecord(item, { variant: 'improved-audio', index: 0 });
    expect(improved.prompt[1]?.content).toEqual([
      { type: 'audio', audio: item.questionAudio },
      { type: 'text', text: IMPROVED_INSTRUCTION },
    ]);
  });
});

describe('improved variants', () => {
  const item: AlrItem = {
    id: '0007',
    split: 'dev',
    userContent: 'all cats are birds . does it follow that some cats are birds ?',
    answer: 'reference reasoning',
    label: 1,
    source: { file: 'x.jsonl', line: 7 },
  };

  it('use the official Qwen2.5-Omni system prompt by default and score against the label', () => {
    const record = buildVerlRecord(item, { variant: 'improved-text', index: 3 });
    expect(record.prompt[0]).toEqual({
      role: 'system',
      content: [{ type: 'text', text: QWEN_OMNI_SYSTEM_PROMPT }],
    });
    expect(record.prompt[1]?.content).toEqual([
      { type: 'text', text: `${item.userContent}\n\n${IMPROVED_INSTRUCTION}` },
    ]);
    expect(record.reward_model).toEqual({ style: 'rule', ground_truth: 'entailed' });
    expect(record.extra_info).toMatchObject({ split: 'dev', index: 3, ori_idx: '0007', label: 1 });
    expect(record.data_source).toBe('alr');
  });

  it('ask for exactly the tags the scorer reads', () => {
    expect(IMPROVED_INSTRUCTION).toContain('<think> </think>');
    expect(IMPROVED_INSTRUCTION).toContain('<answer>entailed</answer>');
    expect(IMPROVED_INSTRUCTION).toContain('<answer>not-entailed</answer>');
  });

  it('take other system prompts and instructions', () => {
    const record = buildVerlRecord(item, {
      variant: 'improved-text',
      index: 0,
      systemPrompt: 'soundmind',
      instruction: 'none',
    });
    expect(record.prompt).toEqual([
      { role: 'system', content: [{ type: 'text', text: SOUNDMIND_SYSTEM_PROMPT }] },
      { role: 'user', content: [{ type: 'text', text: item.userContent }] },
    ]);
    const bare = buildVerlRecord(item, { variant: 'text', index: 0, systemPrompt: 'none' });
    expect(bare.prompt.map((m) => m.role)).toEqual(['user']);
  });

  it('reject audio variants for items without audio, unknown variants and bad indices', () => {
    expect(() => buildVerlRecord(item, { variant: 'audio-text', index: 0 })).toThrow(
      /x\.jsonl:7 item 0007.*needs question audio/,
    );
    expect(() => buildVerlRecord(item, { variant: 'spoken' as never, index: 0 })).toThrow(VerlRecordError);
    expect(() => buildVerlRecord(item, { variant: 'text', index: -1 })).toThrow(
      /index must be a non-negative integer/,
    );
    expect(() =>
      buildVerlRecord({ ...item, split: undefined } as AlrItem, { variant: 'text', index: 0 }),
    ).toThrow(/no split/);
  });
});
