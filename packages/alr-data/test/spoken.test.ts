import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeWav } from '@soundmind/audio-io';
import { describe, expect, it } from 'vitest';
import {
  generateLogicSplits,
  loadAlrSplit,
  loadSpokenDataset,
  logicMetaOf,
  SpeechSynthesisError,
  synthesizeSpeech,
  synthesizeSpokenDataset,
} from '../src/index.js';
import { runTtsJobs } from '../src/speech/tts-pool.js';
import { tempDir } from './helpers.js';

// Synthesis is the slow part of this package: these tests speak only a handful of short items.
const sizes = { train: 2, dev: 2, test: 2 };
const voiceOptions = {
  voices: ['en-us', 'en+m5', 'en-gb-x-rp+m2'],
  voiceSplit: 'held-out' as const,
  heldOutVoices: ['en-gb-x-rp+m2'],
};

describe('synthesizeSpokenDataset', async () => {
  const cacheDir = await tempDir();
  const progress: number[] = [];
  const first = await synthesizeSpokenDataset({
    cacheDir,
    seed: 3,
    sizes,
    ...voiceOptions,
    workers: 2,
    onProgress: (done, total) => progress.push(done / total),
  });

  it('writes ALR GitHub layout that loadAlrSplit reads, with 16 kHz question audio', async () => {
    expect(first.cached).toBe(false);
    expect(progress.at(-1)).toBe(1);
    expect(progress.length).toBe(6);
    const splits = await loadSpokenDataset(first.root);
    const problems = generateLogicSplits({ seed: 3, sizes });
    for (const split of ['train', 'dev', 'test'] as const) {
      const items = splits[split];
      expect(items.map((i) => [i.userContent, i.answer, i.label])).toEqual(
        problems[split].map((p) => [p.question, p.trace, p.label]),
      );
      for (const item of items) {
        const wav = decodeWav(await readFile(item.questionAudio as string));
        expect(wav.sampleRate).toBe(16000);
        expect(wav.channelData.length).toBe(1);
        const seconds = wav.frames / 16000;
        expect(seconds).toBeGreaterThan(2);
        expect(seconds).toBeLessThan(30);
        const speech = item.extra?.['speech'] as {
          voice: string;
          rate: number;
          pitch: number;
          seconds: number;
        };
        expect(speech.seconds).toBeCloseTo(seconds, 6);
        expect(speech.rate).toBeGreaterThanOrEqual(140);
        expect(speech.rate).toBeLessThanOrEqual(200);
        // held-out voices: only test hears them
        expect(speech.voice === 'en-gb-x-rp+m2').toBe(split === 'test');
        expect(logicMetaOf(item)?.family).toBe(problems[split][Number(item.id) - 1]?.meta.family);
        expect(item.answerAudio).toBeUndefined();
      }
    }
    expect(first.manifest.splits['test']).toMatchObject({ items: 2, entailed: 1, voices: ['en-gb-x-rp+m2'] });
    expect(first.manifest.vocabulary).toContain('<answer>not-entailed</answer>');
    const { items } = await loadAlrSplit(first.root, 'dev', {
      answerAudio: 'optional',
      audioCheck: 'readable',
    });
    expect(items.length).toBe(2);
  });

  it('is cached by a hash of the options', async () => {
    const again = await synthesizeSpokenDataset({ cacheDir, seed: 3, sizes, ...voiceOptions, workers: 1 });
    expect(again).toEqual({ ...first, cached: true });
    const changed = await synthesizeSpokenDataset({
      cacheDir,
      seed: 4,
      sizes: { train: 0, dev: 0, test: 2 },
      ...voiceOptions,
    });
    expect(changed.root).not.toBe(first.root);
  });

  it('fails clearly on an unknown voice and leaves no partial folder', async () => {
    const dir = await tempDir();
    await expect(
      synthesizeSpokenDataset({
        cacheDir: dir,
        sizes: { train: 0, dev: 0, test: 2 },
        voices: ['xx-nonexistent'],
      }),
    ).rejects.toThrow(SpeechSynthesisError);
    await expect(
      synthesizeSpokenDataset({
        cacheDir: dir,
        sizes: { train: 0, dev: 0, test: 2 },
        voices: ['xx-nonexistent'],
      }),
    ).rejects.toThrow(/no voice "xx-nonexistent"/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('rejects bad voice options', async () => {
    const base = { cacheDir, sizes };
    await expect(synthesizeSpokenDataset({ ...base, voices: [] })).rejects.toThrow(/at least one voice/);
    await expect(
      synthesizeSpokenDataset({ ...base, voiceSplit: 'held-out', heldOutVoices: ['nope'] }),
    ).rejects.toThrow(/subset of voices/);
    await expect(synthesizeSpokenDataset({ ...base, rateRange: [300, 100] })).rejects.toThrow(/rateRange/);
    await expect(synthesizeSpokenDataset({ ...base, pitchRange: [0, 120] })).rejects.toThrow(/pitchRange/);
    await expect(synthesizeSpokenDataset({ ...base, voiceSplit: 'mixed' as never })).rejects.toThrow(
      /voiceSplit/,
    );
    await expect(
      synthesizeSpokenDataset({
        ...base,
        voices: ['en-us'],
        voiceSplit: 'held-out',
        heldOutVoices: ['en-us'],
      }),
    ).rejects.toThrow(/leave at least one voice/);
    await expect(synthesizeSpokenDataset({ ...base, cacheDir: '' })).rejects.toThrow(/cacheDir/);
  });
});

describe('speech workers', () => {
  it('write the same files whatever the number of workers (fixed shards, fresh engine each)', async () => {
    const dir = await tempDir();
    const texts = [
      'all cats are birds .',
      'no dogs are fish .',
      'some owls are not cows .',
      'all bees are frogs .',
    ];
    const jobs = (tag: string) =>
      texts.map((text, index) => ({
        index,
        text,
        voice: { voice: index % 2 ? 'en+m5' : 'en-us', rate: 150 + 10 * index, pitch: 40 + index },
        path: join(dir, tag, `${index}.wav`),
        sampleRate: 16000,
      }));
    const one = await runTtsJobs(jobs('one'), { workers: 1, shardSize: 2 });
    const two = await runTtsJobs(jobs('two'), { workers: 2, shardSize: 2 });
    expect(two).toEqual(one);
    for (const [i] of texts.entries()) {
      const a = await readFile(join(dir, 'one', `${i}.wav`));
      expect(a.equals(await readFile(join(dir, 'two', `${i}.wav`)))).toBe(true);
    }
    await expect(runTtsJobs(jobs('bad'), { workers: 0 })).rejects.toThrow(
      /workers must be a positive integer/,
    );
  });
});

describe('synthesizeSpeech', () => {
  it('speaks one utterance at 16 kHz on this thread', async () => {
    const samples = await synthesizeSpeech('all cats are birds .');
    expect(samples.length).toBeGreaterThan(8000);
    expect(samples.length).toBeLessThan(16000 * 5);
    let energy = 0;
    for (const x of samples) energy += x * x;
    expect(Math.sqrt(energy / samples.length)).toBeGreaterThan(0.01);
  });
});
