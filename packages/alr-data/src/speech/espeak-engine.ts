/// <reference path="./espeak-module.d.ts" />
import createEspeakModule from '@echogarden/espeak-ng-emscripten';
import { SpeechSynthesisError } from '../errors.js';
import type { SpeechVoice } from './voices.js';

type EspeakWorker = InstanceType<Awaited<ReturnType<typeof createEspeakModule>>['eSpeakNGWorker']>;

/**
 * eSpeak NG compiled to WebAssembly (GPL-3.0; see the README), one engine per thread. Loading takes
 * about 0.1 s; an utterance of a few seconds takes 0.05-0.3 s depending on the voice.
 */
export class EspeakEngine {
  private constructor(private readonly worker: EspeakWorker) {}

  static async create(): Promise<EspeakEngine> {
    try {
      const module = await createEspeakModule();
      return new EspeakEngine(new module.eSpeakNGWorker());
    } catch (error) {
      throw new SpeechSynthesisError(`cannot start eSpeak NG (${(error as Error).message})`, {
        cause: error,
      });
    }
  }

  /** eSpeak's native output rate (22,050 Hz). */
  get sampleRate(): number {
    return this.worker.samplerate;
  }

  /** The utterance as mono float samples in [-1, 1) at `sampleRate`. */
  synthesize(text: string, { voice, rate, pitch }: SpeechVoice): Float32Array {
    if (this.worker.set_voice(voice) !== 0) {
      throw new SpeechSynthesisError(`eSpeak NG has no voice ${JSON.stringify(voice)}`);
    }
    this.worker.set_rate(Math.round(rate));
    this.worker.set_pitch(Math.round(pitch));
    const chunks: Int16Array[] = [];
    let length = 0;
    this.worker.synthesize(text, (samples) => {
      if (samples !== null && samples.length > 0) {
        chunks.push(samples);
        length += samples.length;
      }
      return 0;
    });
    if (length === 0)
      throw new SpeechSynthesisError(`eSpeak NG produced no audio for ${JSON.stringify(text.slice(0, 60))}`);
    const out = new Float32Array(length);
    let offset = 0;
    for (const chunk of chunks) {
      for (let i = 0; i < chunk.length; i++) out[offset + i] = (chunk[i] as number) / 32768;
      offset += chunk.length;
    }
    return out;
  }
}
