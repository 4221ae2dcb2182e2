import type { SpeechVoice } from './voices.js';

/** One utterance: synthesize `text`, write a WAV to `path`. */
export interface TtsJob {
  index: number;
  text: string;
  voice: SpeechVoice;
  path: string;
  sampleRate: number;
}

/**
 * eSpeak's output depends slightly (a few samples) on what the engine spoke before, so jobs go out in
 * fixed shards, each spoken in order by a fresh engine: the files then do not depend on the number of
 * workers or on scheduling.
 */
export interface TtsShard {
  jobs: TtsJob[];
}

export type TtsReply =
  | { kind: 'job'; index: number; samples: number }
  | { kind: 'shard-done' }
  | { kind: 'error'; index: number; message: string };
