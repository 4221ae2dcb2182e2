import { parentPort } from 'node:worker_threads';
import { serializeError } from '../errors.js';
import { logMelSpectrogram } from '../features/log-mel.js';
import { FEATURE_SAMPLE_RATE } from '../features/presets.js';
import { decodeToMono, readAudioFile } from '../load/load-audio.js';
import type { FeatureJob, FeatureJobResult } from './messages.js';

// Worker side of extractFeaturesBatch: decode, mix down, resample to 16 kHz, log-mel; one job at a time.
parentPort!.on('message', async (job: FeatureJob) => {
  let reply: FeatureJobResult;
  const transfer: ArrayBuffer[] = [];
  try {
    const path = typeof job.source === 'string' ? job.source : undefined;
    const bytes = typeof job.source === 'string' ? await readAudioFile(job.source) : job.source;
    const samples = decodeToMono(bytes, FEATURE_SAMPLE_RATE, path);
    const features = logMelSpectrogram(samples, job.features);
    reply = { index: job.index, ok: true, ...features };
    transfer.push(features.data.buffer as ArrayBuffer);
  } catch (error) {
    reply = { index: job.index, ok: false, error: serializeError(error) };
  }
  parentPort!.postMessage(reply, transfer);
});
