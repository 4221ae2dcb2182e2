export {
  ALR_ANSWER_LINE_PREFIX,
  ALR_ANSWERS,
  ALR_TAGS,
  type AlrAnswer,
  type AlrFinalAnswerStyle,
  alrAnswerFromLabel,
  alrLabelFromAnswer,
  renderAlrFinalAnswer,
  renderAlrResponse,
} from './alr/answer-format.js';
export { type AlrFormatCheck, checkAlrFormat } from './alr/format.js';
export { parseAlrAnswer } from './alr/parse.js';
export {
  ALR_DEFAULT_WEIGHTS,
  type AlrRewardComponents,
  type AlrRewardWeights,
  type AlrScore,
  type ScoreAlrOptions,
  scoreAlr,
} from './alr/reward.js';
export { AlrLabelError, EmptyReferenceError, MetricsError, MetricsInputError } from './errors.js';
export { type AccuracyResult, accuracy, type MajorityFloor, majorityFloor } from './eval/accuracy.js';
export {
  type ClassScores,
  type ConfusionMatrix,
  type ConfusionRow,
  confusionMatrix,
} from './eval/confusion.js';
export {
  formatModalityTable,
  INPUT_MODALITIES,
  type InputModality,
  type ModalityItem,
  type ModalityRow,
  type ModalityTableOptions,
  modalityTable,
  OUTPUT_MODALITIES,
  type OutputModality,
} from './eval/modality-table.js';
export { type PairedComparison, pairedComparison } from './eval/paired.js';
export { wilsonInterval } from './eval/wilson.js';
export { englishNormalizer } from './text/english.js';
export { compose, type TextTransform } from './text/transform.js';
export {
  collapseWhitespace,
  expandContractions,
  nfkc,
  normalizeApostrophes,
  removeBracketed,
  removeDiacritics,
  removeFillers,
  removePunctuation,
  toLowerCase,
} from './text/transforms.js';
export type { AlignmentChunk, AlignmentOp } from './wer/alignment.js';
export type { ErrorRateOptions, Texts } from './wer/inputs.js';
export {
  type AlignmentCounts,
  type CharacterOutput,
  cer,
  mer,
  processCharacters,
  processWords,
  type WordOutput,
  wer,
  wil,
  wip,
} from './wer/measures.js';
export { type FormatAlignmentOptions, formatAlignment } from './wer/visualize.js';
