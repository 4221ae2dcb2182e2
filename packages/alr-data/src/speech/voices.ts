import { LogicOptionsError } from '../errors.js';

/** How one utterance is spoken: an eSpeak NG voice (language + optional variant), words per minute, pitch 0-99. */
export interface SpeechVoice {
  voice: string;
  rate: number;
  pitch: number;
}

/**
 * English voices of eSpeak NG with different accents and variants (formant and pitch profiles). The last
 * two are the default held-out voices: with `voiceSplit: 'held-out'` only test is read by them.
 */
export const DEFAULT_VOICES: readonly string[] = [
  'en-us',
  'en-us+m3',
  'en-us+f2',
  'en-us+f4',
  'en',
  'en+m5',
  'en+f3',
  'en-gb-x-rp+m2',
  'en-029+f1',
  'en-gb-scotland+m4',
];

export interface VoiceOptions {
  /** eSpeak NG voice names (default DEFAULT_VOICES). */
  voices?: readonly string[];
  /**
   * 'shared' (default): every split uses every voice. 'held-out': test uses only `heldOutVoices`,
   * train and dev only the others, so test measures generalisation to unheard speakers.
   */
  voiceSplit?: 'shared' | 'held-out';
  /** Default: the last two of `voices`. */
  heldOutVoices?: readonly string[];
  /** Words per minute, drawn uniformly per item (default [140, 200]; eSpeak's default is 175). */
  rateRange?: readonly [number, number];
  /** eSpeak pitch 0-99, drawn uniformly per item (default [35, 70]). */
  pitchRange?: readonly [number, number];
}

export interface ResolvedVoiceOptions {
  voices: string[];
  voiceSplit: 'shared' | 'held-out';
  heldOutVoices: string[];
  rateRange: [number, number];
  pitchRange: [number, number];
}

export function resolveVoiceOptions(options: VoiceOptions): ResolvedVoiceOptions {
  const voices = [...(options.voices ?? DEFAULT_VOICES)];
  if (voices.length === 0 || new Set(voices).size !== voices.length) {
    throw new LogicOptionsError('voices: give at least one voice, without repeats');
  }
  const voiceSplit = options.voiceSplit ?? 'shared';
  if (voiceSplit !== 'shared' && voiceSplit !== 'held-out') {
    throw new LogicOptionsError(
      `voiceSplit must be 'shared' or 'held-out', got ${JSON.stringify(voiceSplit)}`,
    );
  }
  const heldOutVoices = [...(options.heldOutVoices ?? voices.slice(-2))];
  if (voiceSplit === 'held-out') {
    if (heldOutVoices.some((v) => !voices.includes(v))) {
      throw new LogicOptionsError('heldOutVoices must be a subset of voices');
    }
    if (heldOutVoices.length === 0 || heldOutVoices.length === voices.length) {
      throw new LogicOptionsError('held-out voices must leave at least one voice for each side');
    }
  }
  const range = (
    name: string,
    r: readonly [number, number] | undefined,
    dflt: [number, number],
    lo: number,
    hi: number,
  ) => {
    const [a, b] = r ?? dflt;
    if (!(Number.isFinite(a) && Number.isFinite(b) && lo <= a && a <= b && b <= hi)) {
      throw new LogicOptionsError(
        `${name} must be [min, max] within [${lo}, ${hi}], got ${JSON.stringify(r)}`,
      );
    }
    return [a, b] as [number, number];
  };
  return {
    voices,
    voiceSplit,
    heldOutVoices: voiceSplit === 'held-out' ? heldOutVoices : [],
    rateRange: range('rateRange', options.rateRange, [140, 200], 80, 450),
    pitchRange: range('pitchRange', options.pitchRange, [35, 70], 0, 99),
  };
}

/** The voices a split may use. */
export function voicesForSplit(options: ResolvedVoiceOptions, split: string): string[] {
  if (options.voiceSplit === 'shared') return options.voices;
  const heldOut = new Set(options.heldOutVoices);
  return split === 'test' ? options.heldOutVoices : options.voices.filter((v) => !heldOut.has(v));
}
