export {
  type AudioCheck,
  type ReadAlrOptions,
  readAlrAnnotations,
  readHuggingFaceMetadata,
} from './alr/annotations.js';
export {
  type AlrAudit,
  auditAlr,
  type CrossSplitDuplicate,
  formatAuditReport,
  type LengthStats,
  type SplitAudit,
} from './alr/audit.js';
export { formatIssueReport } from './alr/issue-report.js';
export { type AlrItem, type AlrLabel, type AlrSplit, labelName } from './alr/item.js';
export {
  type AlrLayout,
  type LoadAlrSplitOptions,
  type LoadedAlrSplit,
  loadAlrSplit,
} from './alr/load-split.js';
export {
  AlrDataError,
  AlrFileError,
  type AlrLocation,
  AlrRecordError,
  type AlrRecordErrorCode,
  LogicOptionsError,
  SpeechSynthesisError,
  VerlRecordError,
} from './errors.js';
export {
  DEFAULT_LOGIC_FAMILIES,
  DEFAULT_TERMS,
  type LogicFamily,
} from './logic/families.js';
export {
  type GenerateLogicOptions,
  type GenerateLogicProblemsOptions,
  generateLogicProblems,
  generateLogicSplits,
  type LogicProblem,
  type LogicProblemMeta,
  type LogicSplitSizes,
  type LogicSplits,
  logicProblemToAlrItem,
  problemKey,
  renderQuestion,
} from './logic/generator.js';
export {
  CATEGORICAL_FORMS,
  type CategoricalForm,
  negateStatement,
  renderStatement,
  type Statement,
} from './logic/statements.js';
export { renderTrace, strongestStatements } from './logic/trace.js';
export { entails, isConsistent, type SyllogismVerdict, solveSyllogism } from './logic/venn-solver.js';
export { logicVocabulary, QUESTION_WORDS, splitLogicWords } from './logic/vocabulary.js';
export { arrowToVerlRecords, verlRecordsToArrow } from './parquet/verl-arrow.js';
export { readVerlParquet, type WriteVerlParquetOptions, writeVerlParquet } from './parquet/verl-parquet.js';
export { VERL_SCHEMA } from './parquet/verl-schema.js';
export { IMPROVED_INSTRUCTION } from './prompts/improved-instruction.js';
export {
  QWEN_OMNI_SYSTEM_PROMPT,
  SOUNDMIND_INSTRUCTION,
  SOUNDMIND_SYSTEM_PROMPT,
} from './prompts/system-prompts.js';
export {
  type BuildVerlRecordOptions,
  buildVerlRecord,
  buildVerlRecords,
  PROMPT_VARIANTS,
  type PromptVariant,
  type SystemPromptChoice,
  type VerlAudio,
  type VerlContentPart,
  type VerlMessage,
  type VerlRecord,
} from './prompts/verl-record.js';
export { EspeakEngine } from './speech/espeak-engine.js';
export { SPEECH_SAMPLE_RATE, synthesizeSpeech } from './speech/speak.js';
export {
  loadSpokenDataset,
  logicMetaOf,
  type SpokenDataset,
  type SpokenDatasetManifest,
  type SpokenDatasetOptions,
  synthesizeSpokenDataset,
} from './speech/spoken-dataset.js';
export { DEFAULT_VOICES, type SpeechVoice, type VoiceOptions } from './speech/voices.js';
