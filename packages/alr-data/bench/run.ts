/**
 * pnpm --filter @soundmind/alr-data bench: each of our paths next to a peer in the same run, ratio > 1 when
 * we are faster. Writes bench-results.json. Numbers depend on the machine's load: compare ratios.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  type BenchEntry,
  describeMachine,
  higherIsBetter,
  lowerIsBetter,
  timeAsync,
  writeBenchResults,
} from '@soundmind/bench-kit';
import { Rng } from '@soundmind/rl-core';
import {
  type AlrItem,
  buildVerlRecords,
  CATEGORICAL_FORMS,
  generateLogicSplits,
  loadAlrSplit,
  readVerlParquet,
  type Statement,
  solveSyllogism,
  writeVerlParquet,
} from '../src/index.js';
import { runTtsJobs } from '../src/speech/tts-pool.js';
import { bruteForceEntails } from './brute-force-solver.js';

const results: BenchEntry[] = [];
const execFileAsync = promisify(execFile);

/** Wall seconds of one call. */
async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  return (await timeAsync(async () => fn(), { warmup: 0, runs: 1 })).bestMs / 1000;
}

console.log(`alr-data bench on ${describeMachine()}`);
const dir = await mkdtemp(join(tmpdir(), 'alr-bench-'));
// Compiled to dist-bench/bench/run.js: the package root is two folders up; the ALR annotations are under test-data/ at the repository root.
const packageRoot = new URL('../../', import.meta.url);
const alrDir = new URL('../../test-data/alr/', packageRoot).pathname;
try {
  // ---- ALR-scale preparation: 6,446 items (dev + test repeated), audio by path ----
  const pool = [
    ...(await loadAlrSplit(alrDir, 'dev', { audio: false })).items,
    ...(await loadAlrSplit(alrDir, 'test', { audio: false })).items,
  ];
  const items: AlrItem[] = Array.from({ length: 6446 }, (_, i) => {
    const id = String(i + 1).padStart(4, '0');
    const base = pool[i % pool.length] as AlrItem;
    return {
      ...base,
      id,
      questionAudio: `/data/alr/train/${id}/question.wav`,
      answerAudio: `/data/alr/train/${id}/answer_${base.label}.wav`,
    };
  });
  const jsonl = join(dir, 'train.jsonl');
  await writeFile(
    jsonl,
    `${items.map((i) => JSON.stringify({ id: i.id, user_content: i.userContent, answer: i.answer, label: i.label })).join('\n')}\n`,
  );
  const ours = join(dir, 'ours.parquet');
  const oursWrite = await time(async () => {
    const { items: loaded } = await loadAlrSplit(dir, 'train', { audio: false });
    const withAudio = loaded.map((it) => ({
      ...it,
      questionAudio: `/data/alr/train/${it.id}/question.wav`,
      answerAudio: `/data/alr/train/${it.id}/answer_${it.label}.wav`,
    }));
    await writeVerlParquet(buildVerlRecords(withAudio, { variant: 'audio-text', split: 'train' }), ours);
  });
  const duck = await DuckDBInstance.create(':memory:');
  const db = await duck.connect();
  const peerFile = join(dir, 'duckdb.parquet');
  // The same rows built by DuckDB's SQL from the same JSONL (SoundMind's audio-text variant).
  const peerWrite = await time(() =>
    db.run(`copy (
      select 'alr' as data_source,
        [ {'role': 'system', 'content': [{'type': 'text', 'text': 'You are Qwen...', 'audio': null::varchar}]},
          {'role': 'user', 'content': [{'type': 'audio', 'text': null::varchar, 'audio': '/data/alr/train/' || id || '/question.wav'},
                                      {'type': 'text', 'text': user_content || ' instruction', 'audio': null::varchar}]} ] as prompt,
        {'bytes': null::blob, 'path': '/data/alr/train/' || id || '/question.wav'} as audio_question,
        {'bytes': null::blob, 'path': '/data/alr/train/' || id || '/answer_' || label || '.wav'} as audio_answer,
        'logic' as ability,
        {'style': 'rule', 'ground_truth': answer} as reward_model,
        {'split': 'train', 'index': (row_number() over () - 1)::bigint, 'ori_idx': id, 'test_answer': answer,
         'audio_answer': '/data/alr/train/' || id || '/answer_' || label || '.wav', 'text_question': user_content,
         'audio_question': '/data/alr/train/' || id || '/question.wav', 'label': label::int} as extra_info
      from read_json('${jsonl}', format = 'newline_delimited', columns = {id: 'varchar', user_content: 'varchar', answer: 'varchar', label: 'int'})
    ) to '${peerFile}' (format parquet, compression snappy)`),
  );
  results.push(lowerIsBetter('prepare 6,446 ALR items', 's', oursWrite, peerWrite, 'DuckDB SQL'));
  const oursRead = await time(() => readVerlParquet(ours));
  const peerRead = await time(async () =>
    (await db.runAndReadAll(`select * from read_parquet('${ours}')`)).getRowObjectsJS(),
  );
  results.push(lowerIsBetter('read 6,446 verl rows', 's', oursRead, peerRead, 'DuckDB to JS rows'));
  duck.closeSync();

  // ---- Logic problems ----
  const solveRng = new Rng('bench');
  const problems: [Statement[], Statement][] = Array.from({ length: 2000 }, () => {
    const terms = solveRng.shuffle(['a', 'b', 'c', 'd']);
    const st = (i: number): Statement => ({
      form: solveRng.pick(CATEGORICAL_FORMS),
      subject: terms[i] as string,
      predicate: terms[i + 1] as string,
    });
    return [
      [st(0), st(1), st(2)],
      { form: solveRng.pick(CATEGORICAL_FORMS), subject: terms[0] as string, predicate: terms[3] as string },
    ];
  });
  const oursSolve = await time(() => {
    for (const [p, c] of problems) solveSyllogism(p, c);
  });
  const peerSolve = await time(() => {
    for (const [p, c] of problems) bruteForceEntails(p, c);
  });
  results.push(
    higherIsBetter(
      'solve 4-term syllogisms',
      'problems/s',
      problems.length / oursSolve,
      problems.length / peerSolve,
      'model enumeration',
    ),
  );
  const gen = await time(() =>
    generateLogicSplits({ seed: 1, sizes: { train: 60000, dev: 500, test: 2000 } }),
  );
  results.push(lowerIsBetter('generate 62,500 problems', 's', gen, null, 'none'));

  // ---- Speech: our eSpeak NG WASM workers (+ 16 kHz resampling) vs the native espeak-ng CLI ----
  const spoken = generateLogicSplits({ seed: 2, sizes: { train: 128, dev: 0, test: 0 } }).train;
  const voices = ['en-us', 'en+m5', 'en-us+f2', 'en-gb-x-rp+m2'];
  const jobs = spoken.map((p, index) => ({
    index,
    text: p.question,
    voice: { voice: voices[index % voices.length] as string, rate: 175, pitch: 50 },
    path: join(dir, 'wasm', `${index}.wav`),
    sampleRate: 16000,
  }));
  let audioSeconds = 0;
  const oursTts = await time(async () => {
    const samples = await runTtsJobs(jobs, { workers: 2 });
    audioSeconds = samples.reduce((s, n) => s + n, 0) / 16000;
  });
  let peerTts: number | null = null;
  try {
    await execFileAsync('espeak-ng', ['--version']);
    peerTts = await time(async () => {
      let next = 0;
      const lane = async () => {
        while (next < jobs.length) {
          const job = jobs[next++]!;
          await execFileAsync('espeak-ng', [
            '-v',
            job.voice.voice,
            '-s',
            '175',
            '-p',
            '50',
            '-w',
            join(dir, `native-${job.index}.wav`),
            job.text,
          ]);
        }
      };
      await Promise.all([lane(), lane()]);
    });
  } catch {
    console.log('espeak-ng CLI not found (bash scripts/setup.sh --bench installs it); TTS peer skipped');
  }
  results.push(
    higherIsBetter(
      'speak (2 workers)',
      'audio s/s',
      audioSeconds / oursTts,
      peerTts === null ? null : audioSeconds / peerTts,
      'espeak-ng CLI x2',
    ),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
writeBenchResults(packageRoot, results);
