/** ALR gold label: 1 = entailed, 0 = not-entailed. */
export type AlrLabel = 0 | 1;

/** The split names ALR publishes. Other names are accepted wherever a split is named. */
export type AlrSplit = 'train' | 'dev' | 'test';

/** One ALR item, the same whichever layout it was read from. */
export interface AlrItem {
  /** Zero-padded item id ("0001"); unique only within its split. */
  id: string;
  split?: string;
  /** The spoken question as text: SoundMind's `user_content` / Hugging Face `annotation_question`. */
  userContent: string;
  /** Reference reasoning (`answer` / `annotation_answer`). Its final line contradicts the label in ~5%. */
  answer: string;
  label: AlrLabel;
  /** Path of `question.wav`, when an audio root is known. */
  questionAudio?: string;
  /**
   * Path of `answer_{label}.wav`. Its file name spells the gold label: never show it to a model or scorer.
   */
  answerAudio?: string;
  /** Keys of the annotation line beyond the layout's own (the embedded dataset's `meta`, for example). */
  extra?: Record<string, unknown>;
  /** The file and 1-based line this item was read from. */
  source: { file: string; line: number };
}

/** SoundMind's label text: 'entailed' for 1, 'not-entailed' for 0. */
export function labelName(label: AlrLabel): 'entailed' | 'not-entailed' {
  return label === 1 ? 'entailed' : 'not-entailed';
}
