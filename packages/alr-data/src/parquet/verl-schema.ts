import { Binary, Field, Int32, Int64, List, Schema, Struct, Utf8 } from 'apache-arrow';

const utf8 = (name: string, nullable = false) => new Field(name, new Utf8(), nullable);
const listOf = (type: Struct) => new List(new Field('item', type, true));

/** A prompt content part: SoundMind's `{type, text}` / `{type, audio}` dicts, stored as one struct type. */
export const CONTENT_PART_TYPE = new Struct([utf8('type'), utf8('text', true), utf8('audio', true)]);
export const MESSAGE_TYPE = new Struct([
  utf8('role'),
  new Field('content', listOf(CONTENT_PART_TYPE), false),
]);
/** Hugging Face's Audio storage type. */
export const AUDIO_TYPE = new Struct([new Field('bytes', new Binary(), true), utf8('path', true)]);

/**
 * The Arrow schema of a verl row as SoundMind's preprocessing writes it (column names and nesting kept;
 * `extra_info.label` added). Lists hold nullable items, as pyarrow writes them.
 */
export const VERL_SCHEMA = new Schema([
  utf8('data_source'),
  new Field('prompt', listOf(MESSAGE_TYPE), false),
  new Field('audio_question', AUDIO_TYPE, true),
  new Field('audio_answer', AUDIO_TYPE, true),
  utf8('ability'),
  new Field('reward_model', new Struct([utf8('style'), utf8('ground_truth')]), false),
  new Field(
    'extra_info',
    new Struct([
      utf8('split'),
      new Field('index', new Int64(), false),
      utf8('ori_idx'),
      utf8('test_answer'),
      utf8('audio_answer', true),
      utf8('text_question'),
      utf8('audio_question', true),
      new Field('label', new Int32(), false),
    ]),
    false,
  ),
]);
