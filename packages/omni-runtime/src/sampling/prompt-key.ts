import type { AudioFeatures } from '../model/audio-encoder.js';

// Clips are the same input when they are the same object (a prompt repeated n times for GRPO shares them).
const clipIds = new WeakMap<AudioFeatures, number>();
let nextClipId = 0;

/**
 * A key equal for prompts that are the same model input: the same token ids and the same audio clips
 * (by identity), so that rows repeating a prompt can share its computation.
 */
export function promptKey(ids: Int32Array, audio: readonly AudioFeatures[] = []): string {
  let key = ids.join(',');
  for (const clip of audio) {
    let id = clipIds.get(clip);
    if (id === undefined) {
      id = nextClipId++;
      clipIds.set(clip, id);
    }
    key += `|${id}`;
  }
  return key;
}
