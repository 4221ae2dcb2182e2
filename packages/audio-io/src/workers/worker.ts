import { parentPort } from 'node:worker_threads';
import { serializeError } from '../errors.js';
import { logMelSpectrogram } from '../features/log-mel.js';
import { FEATURE_SAMPLE_RATE } from '../features/presets.js';
import { decodeToMono, readAudioFile, resampleWav } from '../load/load-audio.js';
import { parseWav } from '../wav/decode.js';
import type { WorkerJob, WorkerReply, WorkerRequest } from './messages.js';

async function run(job: WorkerJob): Promise<{ value: unknown; transfer: ArrayBuffer[] }> {
  if (job.kind === 'resample') {
    const layout = parseWav(job.wav, { path: job.path });
    resampleWav(layout, job.sampleRate, job.start, job.end, job.output.subarray(job.start, job.end));
    return { value: null, transfer: [] };
  }
  const { source } = job;
  let samples: Float32Array;
  if (source instanceof Float32Array) samples = source;
  else if (typeof source === 'string')
    samples = decodeToMono(await readAudioFile(source), FEATURE_SAMPLE_RATE, source);
  else samples = decodeToMono(source, FEATURE_SAMPLE_RATE);
  const features = logMelSpectrogram(samples, job.features);
  return { value: features, transfer: [features.data.buffer as ArrayBuffer] };
}

// Worker side of the pool (extractFeaturesBatch, parallel loadAudio): one job at a time, typed errors back.
parentPort!.on('message', async ({ index, job }: WorkerRequest) => {
  let reply: WorkerReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const done = await run(job);
    reply = { index, ok: true, value: done.value };
    transfer = done.transfer;
  } catch (error) {
    reply = { index, ok: false, error: serializeError(error) };
  }
  parentPort!.postMessage(reply, transfer);
});
