import { parentPort } from 'node:worker_threads';
import { writeFileAtomic } from '@soundmind/audio-io';
import { EspeakEngine } from './espeak-engine.js';
import { speakToWav } from './speak.js';
import type { TtsReply, TtsShard } from './tts-messages.js';

// Entry point of a speech worker thread (run from dist/): one fresh eSpeak engine per shard.
const port = parentPort;
if (port === null) throw new Error('tts-worker must run as a worker thread');
const post = (reply: TtsReply) => port.postMessage(reply);
port.on('message', async ({ jobs }: TtsShard) => {
  let index = jobs[0]?.index ?? -1;
  try {
    const engine = await EspeakEngine.create();
    for (const job of jobs) {
      index = job.index;
      const { wav, samples } = speakToWav(engine, job.text, job.voice, job.sampleRate);
      await writeFileAtomic(job.path, wav, { createFolder: true });
      post({ kind: 'job', index: job.index, samples });
    }
    post({ kind: 'shard-done' });
  } catch (error) {
    post({ kind: 'error', index, message: (error as Error).message });
  }
});
