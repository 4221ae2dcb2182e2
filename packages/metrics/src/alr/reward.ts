import { MetricsInputError } from '../errors.js';
import { ALR_TAGS, type AlrAnswer, alrAnswerFromLabel } from './answer-format.js';
import { checkAlrFormat } from './format.js';
import { parseAlrAnswer } from './parse.js';

/** Weights of the reward terms; defaults are the SoundMind paper's. */
export interface AlrRewardWeights {
  /** Well-formed response (checkAlrFormat). Default 1.0. */
  format: number;
  /** Correct verdict. Default 2.0. */
  answer: number;
  /** Text length ratio to a reference, min(1, tokens / referenceTokens), correct answers only. Default 1.0. */
  textLength: number;
  /** Spoken reasoning duration ratio to a reference, correct answers only. Default 0.75. */
  spokenLength: number;
  /** A non-empty `<speak>` block in a response that did produce audio. Default 0.5. */
  speak: number;
}

export const ALR_DEFAULT_WEIGHTS: Readonly<AlrRewardWeights> = Object.freeze({
  format: 1.0,
  answer: 2.0,
  textLength: 1.0,
  spokenLength: 0.75,
  speak: 0.5,
});

export interface ScoreAlrOptions {
  weights?: Partial<AlrRewardWeights>;
  /** Subtracted when the verdict is wrong (a positive number; default 0, as in the paper). */
  wrongAnswerPenalty?: number;
  /** Subtracted when no verdict can be read (default 0). */
  missingAnswerPenalty?: number;
  /** Give the answer term only to well-formed responses (default false: format has its own term). */
  requireFormatForAnswer?: boolean;
  /**
   * Turns the text-length term on. Count both in tokenizer tokens; prefer a clean reference length (the
   * ALR reference CoTs are noisy, see the reward audit D1).
   */
  textLength?: { tokens: number; referenceTokens: number };
  /**
   * Turns the audio terms on for a response that was spoken: `seconds` of audio produced enables the
   * `<speak>` term; `reasoningSeconds` with `referenceReasoningSeconds` enables the spoken-length term.
   */
  speech?: { seconds: number; reasoningSeconds?: number; referenceReasoningSeconds?: number };
}

export interface AlrRewardComponents {
  format: number;
  answer: number;
  textLength: number;
  spokenLength: number;
  speak: number;
  /** Zero or negative. */
  penalty: number;
}

export interface AlrScore {
  /** Sum of the components. */
  total: number;
  /** Every term, zero when off, so dead terms show up in logs. */
  components: AlrRewardComponents;
  /** The verdict read from the response (parseAlrAnswer), null when none. */
  predicted: AlrAnswer | null;
  /** The gold verdict, from the integer label. */
  gold: AlrAnswer;
  correct: boolean;
  formatValid: boolean;
  /** One line per term saying why it got its value. */
  reasons: string[];
}

function nonNegative(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new MetricsInputError(`scoreAlr: ${name} must be a finite number >= 0, got ${String(value)}`);
  }
  return value;
}

function ratioTerm(weight: number, value: number, reference: number): number {
  return weight * Math.min(1, value / reference);
}

const SPEAK_BLOCK = /<speak>([\s\S]*?)<\/speak>/gi;

/**
 * The ALR reward, correct where SoundMind's is broken (see the reward audit): the gold verdict comes from
 * the integer label (1 = entailed, 0 = not-entailed); the prediction is the negation-aware parse of the
 * whole response (no chat delimiter needed); format and answer are independent terms; length terms pay
 * only for correct answers and only when their inputs are given; the `<speak>` term needs real audio.
 */
export function scoreAlr(response: string, label: 0 | 1, options: ScoreAlrOptions = {}): AlrScore {
  const gold = alrAnswerFromLabel(label, 'scoreAlr label');
  if (typeof response !== 'string') {
    throw new MetricsInputError(
      `scoreAlr: response must be a string, got ${response === null ? 'null' : typeof response}`,
    );
  }
  const w: AlrRewardWeights = { ...ALR_DEFAULT_WEIGHTS };
  for (const [key, value] of Object.entries(options.weights ?? {})) {
    if (!(key in ALR_DEFAULT_WEIGHTS)) {
      throw new MetricsInputError(
        `scoreAlr: unknown weight '${key}' (known: ${Object.keys(ALR_DEFAULT_WEIGHTS).join(', ')})`,
      );
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new MetricsInputError(`scoreAlr: weights.${key} must be a finite number, got ${String(value)}`);
    }
    w[key as keyof AlrRewardWeights] = value;
  }
  const wrongPenalty = nonNegative(options.wrongAnswerPenalty ?? 0, 'wrongAnswerPenalty');
  const missingPenalty = nonNegative(options.missingAnswerPenalty ?? 0, 'missingAnswerPenalty');

  const format = checkAlrFormat(response);
  const predicted = parseAlrAnswer(response);
  const correct = predicted === gold;
  const reasons: string[] = [];
  const c: AlrRewardComponents = {
    format: 0,
    answer: 0,
    textLength: 0,
    spokenLength: 0,
    speak: 0,
    penalty: 0,
  };

  c.format = format.valid ? w.format : 0;
  reasons.push(format.valid ? 'format: well-formed' : `format: ${format.problems.join('; ')}`);

  if (predicted === null) {
    reasons.push('answer: no verdict could be read');
    c.penalty = missingPenalty === 0 ? 0 : -missingPenalty;
  } else if (!correct) {
    reasons.push(`answer: predicted ${predicted}, gold ${gold}`);
    c.penalty = wrongPenalty === 0 ? 0 : -wrongPenalty;
  } else if (options.requireFormatForAnswer && !format.valid) {
    reasons.push('answer: correct but not credited (requireFormatForAnswer and the format is invalid)');
  } else {
    c.answer = w.answer;
    reasons.push(`answer: correct (${gold})`);
  }

  const text = options.textLength;
  if (text === undefined) reasons.push('textLength: off (no token counts given)');
  else {
    const tokens = nonNegative(text.tokens, 'textLength.tokens');
    const reference = nonNegative(text.referenceTokens, 'textLength.referenceTokens');
    if (reference === 0) throw new MetricsInputError('scoreAlr: textLength.referenceTokens must be > 0');
    c.textLength = correct ? ratioTerm(w.textLength, tokens, reference) : 0;
    reasons.push(
      correct ? `textLength: ${tokens}/${reference} tokens` : 'textLength: 0 (answer not correct)',
    );
  }

  const speech = options.speech;
  if (speech === undefined) {
    reasons.push('speak: off (no audio produced)', 'spokenLength: off (no audio produced)');
  } else {
    const seconds = nonNegative(speech.seconds, 'speech.seconds');
    const spoken = [...response.matchAll(SPEAK_BLOCK)].filter((m) => m[1]!.trim().length > 0);
    if (seconds > 0 && spoken.length === 1) {
      c.speak = w.speak;
      reasons.push(`speak: one non-empty ${ALR_TAGS.speak.open} block and ${seconds.toFixed(2)} s of audio`);
    } else {
      reasons.push(
        seconds === 0
          ? 'speak: 0 (the audio is empty)'
          : `speak: 0 (expected one non-empty ${ALR_TAGS.speak.open} block, found ${spoken.length})`,
      );
    }
    if (speech.reasoningSeconds === undefined || speech.referenceReasoningSeconds === undefined) {
      reasons.push('spokenLength: off (no reasoning durations given)');
    } else {
      const spokenSeconds = nonNegative(speech.reasoningSeconds, 'speech.reasoningSeconds');
      const reference = nonNegative(speech.referenceReasoningSeconds, 'speech.referenceReasoningSeconds');
      if (reference === 0)
        throw new MetricsInputError('scoreAlr: speech.referenceReasoningSeconds must be > 0');
      c.spokenLength = correct ? ratioTerm(w.spokenLength, spokenSeconds, reference) : 0;
      reasons.push(
        correct
          ? `spokenLength: ${spokenSeconds.toFixed(2)}/${reference.toFixed(2)} s`
          : 'spokenLength: 0 (answer not correct)',
      );
    }
  }
  if (c.penalty !== 0) reasons.push(`penalty: ${c.penalty}`);
  const total = c.format + c.answer + c.textLength + c.spokenLength + c.speak + c.penalty;
  return { total, components: c, predicted, gold, correct, formatValid: format.valid, reasons };
}
