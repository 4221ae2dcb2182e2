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
export { AlrLabelError, EmptyReferenceError, MetricsError, MetricsInputError } from './errors.js';
export { wilsonInterval } from './eval/wilson.js';
