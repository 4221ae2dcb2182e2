/** Base class of every error @soundmind/metrics throws; `code` is stable and machine-readable. */
export class MetricsError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A reference with no words (after the transform): a rate over zero reference words is undefined. */
export class EmptyReferenceError extends MetricsError {
  /** Index of the offending sentence in the input (0 for a single string). */
  readonly index: number;
  constructor(index: number, what: string) {
    super(
      'EMPTY_REFERENCE',
      `${what}: reference ${index} is empty after the transform; error rates over zero reference ` +
        'words are undefined (drop the pair, or compare with a non-empty reference)',
    );
    this.index = index;
  }
}

/** Inputs that cannot be paired: different sentence counts, wrong types, NaN counts, bad labels. */
export class MetricsInputError extends MetricsError {
  constructor(message: string) {
    super('INVALID_INPUT', message);
  }
}

/** A dataset label that is not 0 (not-entailed) or 1 (entailed). */
export class AlrLabelError extends MetricsError {
  readonly label: unknown;
  constructor(label: unknown, where?: string) {
    super(
      'INVALID_LABEL',
      `${where ? `${where}: ` : ''}ALR label must be the integer 1 (entailed) or 0 (not-entailed), got ${JSON.stringify(label)}`,
    );
    this.label = label;
  }
}
