import { ALR_TAGS, renderAlrFinalAnswer } from '@soundmind/metrics';

const { think } = ALR_TAGS;

/**
 * The improved instruction: it asks for exactly the format @soundmind/metrics's scorer gives full credit
 * (one think block, then the final answer tag as the last content), built from the scorer's own constants
 * so the two cannot drift apart. It also fixes SoundMind's definition of 'not-entailed' ("can't be true",
 * which is contradiction) to the standard one used by the labels: the premises do not guarantee it.
 */
export const IMPROVED_INSTRUCTION =
  `First reason step by step inside one ${think.open} ${think.close} block. ` +
  `Then give the final answer: ${renderAlrFinalAnswer('entailed')} if the premises guarantee the conclusion, ` +
  `or ${renderAlrFinalAnswer('not-entailed')} if they do not (the conclusion may be false or merely possible). ` +
  'Write nothing after the final answer, whether you answer in text or in speech.';
