import {
  type Binary,
  type Data,
  type DataType,
  type Field,
  type Int32,
  type Int64,
  type List,
  makeData,
  RecordBatch,
  Struct,
  Table,
  Type,
  type TypeMap,
  type Utf8,
} from 'apache-arrow';
import { VerlRecordError } from '../errors.js';
import type { VerlAudio, VerlContentPart, VerlMessage, VerlRecord } from '../prompts/verl-record.js';
import {
  binaryColumn,
  int32Column,
  int64Column,
  isValid,
  listColumn,
  offsetsFromLengths,
  readBinaries,
  readIntegers,
  readListRanges,
  readStrings,
  structChild,
  structColumn,
  utf8Column,
} from './arrow-columns.js';
import { VERL_SCHEMA } from './verl-schema.js';

/** verl rows as an in-memory Arrow table with SoundMind's columns and nesting (VERL_SCHEMA). */
export function verlRecordsToArrow(records: readonly VerlRecord[]): Table {
  const top = new Struct(VERL_SCHEMA.fields);
  const column = (name: string) => childType(top, name);
  const messages = records.flatMap((r) => r.prompt);
  const parts = messages.flatMap((m) => m.content);
  const messageType = (column('prompt') as List<Struct>).valueType;
  const partType = (childType(messageType, 'content') as List<Struct>).valueType;
  const partsData = structColumn(partType, [
    utf8Column(
      childType(partType, 'type') as Utf8,
      parts.map((p) => p.type),
    ),
    utf8Column(
      childType(partType, 'text') as Utf8,
      parts.map((p) => (p.type === 'text' ? p.text : null)),
    ),
    utf8Column(
      childType(partType, 'audio') as Utf8,
      parts.map((p) => (p.type === 'audio' ? p.audio : null)),
    ),
  ]);
  const messagesData = structColumn(messageType, [
    utf8Column(
      childType(messageType, 'role') as Utf8,
      messages.map((m) => m.role),
    ),
    listColumn(
      childType(messageType, 'content') as List<Struct>,
      offsetsFromLengths(messages.map((m) => m.content.length)),
      partsData,
    ),
  ]);
  const audio = (name: 'audio_question' | 'audio_answer') => {
    const type = column(name) as Struct;
    const values = records.map((r) => r[name]);
    return structColumn(
      type,
      [
        binaryColumn(
          childType(type, 'bytes') as Binary,
          values.map((a) => a?.bytes ?? null),
        ),
        utf8Column(
          childType(type, 'path') as Utf8,
          values.map((a) => a?.path ?? null),
        ),
      ],
      values.map((a) => a !== null),
    );
  };
  const rewardType = column('reward_model') as Struct;
  const extraType = column('extra_info') as Struct;
  const extra = records.map((r) => r.extra_info);
  const extraString = (name: keyof VerlRecord['extra_info']) =>
    utf8Column(
      childType(extraType, name) as Utf8,
      extra.map((e) => e[name] as string | null),
    );
  const children = [
    utf8Column(
      column('data_source') as Utf8,
      records.map((r) => r.data_source),
    ),
    listColumn(
      column('prompt') as List<Struct>,
      offsetsFromLengths(records.map((r) => r.prompt.length)),
      messagesData,
    ),
    audio('audio_question'),
    audio('audio_answer'),
    utf8Column(
      column('ability') as Utf8,
      records.map((r) => r.ability),
    ),
    structColumn(rewardType, [
      utf8Column(
        childType(rewardType, 'style') as Utf8,
        records.map((r) => r.reward_model.style),
      ),
      utf8Column(
        childType(rewardType, 'ground_truth') as Utf8,
        records.map((r) => r.reward_model.ground_truth),
      ),
    ]),
    structColumn(extraType, [
      extraString('split'),
      int64Column(
        childType(extraType, 'index') as Int64,
        extra.map((e) => e.index),
      ),
      extraString('ori_idx'),
      extraString('test_answer'),
      extraString('audio_answer'),
      extraString('text_question'),
      extraString('audio_question'),
      int32Column(
        childType(extraType, 'label') as Int32,
        extra.map((e) => e.label),
      ),
    ]),
  ];
  const batch = new RecordBatch(
    VERL_SCHEMA,
    makeData({ type: top, length: records.length, nullCount: 0, children }),
  );
  return new Table([batch]);
}

function childType(type: Struct, name: string): DataType {
  const field = type.children.find((f) => f.name === name);
  if (field === undefined) throw new VerlRecordError(`internal: no field ${name} in ${String(type)}`);
  return field.type;
}

/**
 * Typed verl rows from an Arrow table (one read back from Parquet, say). The table must have every column
 * of VERL_SCHEMA with a compatible type; extra columns and struct fields are ignored.
 */
export function arrowToVerlRecords(table: Table, source = 'Arrow table'): VerlRecord[] {
  for (const expected of VERL_SCHEMA.fields) {
    const actual = table.schema.fields.find((f) => f.name === expected.name);
    if (actual === undefined) throw new VerlRecordError(`${source}: column "${expected.name}" is missing`);
    checkType(expected.type, actual.type, `${source}: column "${expected.name}"`);
  }
  const out: VerlRecord[] = [];
  for (const batch of table.batches) readBatch(batch.data, `${source}: row`, out);
  return out;
}

function readBatch(data: Data<Struct>, where: string, out: VerlRecord[]): void {
  const first = out.length;
  const at = (i: number) => `${where} ${first + i}`;
  const col = (name: string) => structChild(data, name) as Data;
  const strings = (d: Data, name: string) => {
    const values = readStrings(d);
    return (i: number) => {
      const v = values[i];
      if (v === null || v === undefined) throw new VerlRecordError(`${at(i)} ${name}: is null`);
      return v;
    };
  };
  const nullableStrings = (d: Data) => readStrings(d);
  const audio = (d: Data) => {
    const bytes = readBinaries(structChild(d, 'bytes') as Data);
    const paths = readStrings(structChild(d, 'path') as Data);
    return (i: number): VerlAudio | null =>
      isValid(d, i) ? { path: paths[i] ?? null, bytes: bytes[i] ?? null } : null;
  };
  const requireRow = (d: Data, name: string, i: number) => {
    if (!isValid(d, i)) throw new VerlRecordError(`${at(i)} ${name}: is null`);
  };

  const prompt = col('prompt');
  const messages = prompt.children[0] as Data;
  const roles = readStrings(structChild(messages, 'role') as Data);
  const content = structChild(messages, 'content') as Data;
  const parts = content.children[0] as Data;
  const partTypes = readStrings(structChild(parts, 'type') as Data);
  const partTexts = readStrings(structChild(parts, 'text') as Data);
  const partAudio = readStrings(structChild(parts, 'audio') as Data);
  const messageRanges = readListRanges(prompt);
  const partRanges = readListRanges(content);
  const readMessage = (m: number, name: string): VerlMessage => {
    const role = roles[m];
    if (role !== 'system' && role !== 'user' && role !== 'assistant') {
      throw new VerlRecordError(
        `${name}.role: expected system, user or assistant, got ${JSON.stringify(role)}`,
      );
    }
    const range = partRanges[m]!;
    const parts: VerlContentPart[] = [];
    for (let k = range.start; k < range.end; k++) {
      const partName = `${name}.content[${k - range.start}]`;
      const type = partTypes[k];
      const text = partTexts[k];
      const audio = partAudio[k];
      if (type === 'text' && typeof text === 'string') parts.push({ type, text });
      else if (type === 'audio' && typeof audio === 'string') parts.push({ type, audio });
      else
        throw new VerlRecordError(
          `${partName}: expected {type: 'text', text} or {type: 'audio', audio}, got type ${JSON.stringify(type)}`,
        );
    }
    return { role, content: parts };
  };

  const dataSource = strings(col('data_source'), 'data_source');
  const ability = strings(col('ability'), 'ability');
  const audioQuestion = audio(col('audio_question'));
  const audioAnswer = audio(col('audio_answer'));
  const reward = col('reward_model');
  const style = strings(structChild(reward, 'style') as Data, 'reward_model.style');
  const groundTruth = strings(structChild(reward, 'ground_truth') as Data, 'reward_model.ground_truth');
  const extra = col('extra_info');
  const extraString = (name: string) => strings(structChild(extra, name) as Data, `extra_info.${name}`);
  const split = extraString('split');
  const oriIdx = extraString('ori_idx');
  const testAnswer = extraString('test_answer');
  const textQuestion = extraString('text_question');
  const extraAudioAnswer = nullableStrings(structChild(extra, 'audio_answer') as Data);
  const extraAudioQuestion = nullableStrings(structChild(extra, 'audio_question') as Data);
  const index = readIntegers(structChild(extra, 'index') as Data);
  const labels = readIntegers(structChild(extra, 'label') as Data);

  for (let i = 0; i < data.length; i++) {
    requireRow(prompt, 'prompt', i);
    requireRow(reward, 'reward_model', i);
    requireRow(extra, 'extra_info', i);
    const label = labels[i];
    if (label !== 0 && label !== 1)
      throw new VerlRecordError(`${at(i)} extra_info.label: must be 0 or 1, got ${label}`);
    const idx = index[i];
    if (idx === null || idx === undefined) throw new VerlRecordError(`${at(i)} extra_info.index: is null`);
    const range = messageRanges[i]!;
    const promptMessages: VerlMessage[] = [];
    for (let m = range.start; m < range.end; m++)
      promptMessages.push(readMessage(m, `${at(i)} prompt[${m - range.start}]`));
    out.push({
      data_source: dataSource(i),
      prompt: promptMessages,
      audio_question: audioQuestion(i),
      audio_answer: audioAnswer(i),
      ability: ability(i),
      reward_model: { style: style(i), ground_truth: groundTruth(i) },
      extra_info: {
        split: split(i),
        index: idx,
        ori_idx: oriIdx(i),
        test_answer: testAnswer(i),
        audio_answer: extraAudioAnswer[i] ?? null,
        text_question: textQuestion(i),
        audio_question: extraAudioQuestion[i] ?? null,
        label,
      },
    });
  }
}

const TYPE_FAMILY: Partial<Record<Type, string>> = {
  [Type.Utf8]: 'string',
  [Type.LargeUtf8]: 'string',
  [Type.Binary]: 'binary',
  [Type.LargeBinary]: 'binary',
  [Type.Int]: 'int',
  [Type.List]: 'list',
  [Type.LargeList]: 'list',
  [Type.Struct]: 'struct',
};

/** Structural compatibility: same family (string, binary, int, list, struct), struct fields found by name. */
function checkType(expected: DataType, actual: DataType, where: string): void {
  const want = TYPE_FAMILY[expected.typeId];
  const got = TYPE_FAMILY[actual.typeId] ?? String(actual);
  if (want !== got) throw new VerlRecordError(`${where}: expected ${want}, got ${String(actual)}`);
  const expectedChildren = (expected.children ?? []) as Field<TypeMap[keyof TypeMap]>[];
  const actualChildren = (actual.children ?? []) as Field<TypeMap[keyof TypeMap]>[];
  if (want === 'list') {
    checkType(expectedChildren[0]!.type, actualChildren[0]!.type, `${where} items`);
  } else if (want === 'struct') {
    for (const child of expectedChildren) {
      const match = actualChildren.find((c) => c.name === child.name);
      if (match === undefined) throw new VerlRecordError(`${where}: struct field "${child.name}" is missing`);
      checkType(child.type, match.type, `${where}.${child.name}`);
    }
  }
}
