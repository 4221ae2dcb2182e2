/** Base class of every error @soundmind/alr-data throws; `code` is stable and machine-readable. */
export class AlrDataError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Where a problem sits in an annotation file; `line` is 1-based, `field` names the JSON key. */
export interface AlrLocation {
  file: string;
  line?: number;
  field?: string;
  id?: string;
}

export function formatLocation(at: AlrLocation): string {
  let s = at.file;
  if (at.line !== undefined) s += `:${at.line}`;
  if (at.id !== undefined) s += ` (id ${JSON.stringify(at.id)})`;
  if (at.field !== undefined) s += ` field "${at.field}"`;
  return s;
}

/**
 * One bad annotation line: unparseable JSON, a missing or mistyped field, a label outside {0, 1}, a
 * duplicate id, or missing / unreadable audio. Thrown under `onInvalid: 'throw'`, recorded under 'skip'.
 */
export class AlrRecordError extends AlrDataError {
  readonly at: AlrLocation;
  constructor(code: AlrRecordErrorCode, at: AlrLocation, problem: string, options?: { cause?: unknown }) {
    super(code, `${formatLocation(at)}: ${problem}`, options);
    this.at = at;
  }
}

export type AlrRecordErrorCode =
  | 'BAD_JSON'
  | 'MISSING_FIELD'
  | 'BAD_FIELD'
  | 'BAD_LABEL'
  | 'DUPLICATE_ID'
  | 'MISSING_AUDIO'
  | 'UNREADABLE_AUDIO';

/** A file or folder that the layout needs is absent or unreadable. */
export class AlrFileError extends AlrDataError {
  readonly path: string;
  constructor(path: string, problem: string, options?: { cause?: unknown }) {
    super('FILE', `${path}: ${problem}`, options);
    this.path = path;
  }
}

/** A record cannot be turned into a verl row, or a Parquet file does not hold verl rows. */
export class VerlRecordError extends AlrDataError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('VERL_RECORD', message, options);
  }
}

/** Invalid options for the logic generator or the spoken-dataset synthesizer. */
export class LogicOptionsError extends AlrDataError {
  constructor(message: string) {
    super('LOGIC_OPTIONS', message);
  }
}

/** The text-to-speech engine failed on an utterance, or could not start. */
export class SpeechSynthesisError extends AlrDataError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SPEECH', message, options);
  }
}
