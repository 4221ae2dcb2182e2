/** Base class of every error @soundmind/rl-core throws; `code` is stable and machine-readable. */
export class RlCoreError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Two tensors that must share a shape do not, or a matrix whose data length is not rows x cols. */
export class ShapeMismatchError extends RlCoreError {
  constructor(message: string) {
    super('SHAPE_MISMATCH', message);
  }
}

/** A NaN or infinity at a position the computation uses (mask != 0). Masked-out positions are ignored. */
export class NonFiniteInputError extends RlCoreError {
  readonly tensor: string;
  readonly row: number;
  readonly col: number;
  constructor(tensor: string, row: number, col: number, value: number, reason?: string) {
    super(
      'NON_FINITE_INPUT',
      `${tensor}[${row}, ${col}] is ${value}` +
        (reason ??
          ' at a position the response mask keeps; only masked-out (padding) positions may hold non-finite values'),
    );
    this.tensor = tensor;
    this.row = row;
    this.col = col;
  }
}

/** An estimator, loss mode, aggregation mode, KL type or controller type that does not exist. */
export class UnknownModeError extends RlCoreError {
  readonly kind: string;
  readonly value: string;
  constructor(kind: string, value: string, known: readonly string[]) {
    super('UNKNOWN_MODE', `unknown ${kind} '${value}'; expected one of: ${known.join(', ')}`);
    this.kind = kind;
    this.value = value;
  }
}

/** A reduction over zero elements where verl would return 0/0 = NaN (an empty batch or an all-zero mask). */
export class EmptyBatchError extends RlCoreError {
  constructor(message: string) {
    super('EMPTY_BATCH', message);
  }
}

/** An option outside its valid range (a clip ratio c <= 1, a negative coefficient, a bad batch size). */
export class InvalidOptionError extends RlCoreError {
  readonly option: string;
  constructor(option: string, message: string) {
    super('INVALID_OPTION', `${option}: ${message}`);
    this.option = option;
  }
}

/** A policy or reward function broke its contract (wrong row count, wrong length, missing entropy). */
export class PolicyContractError extends RlCoreError {
  constructor(message: string) {
    super('POLICY_CONTRACT', message);
  }
}

/** A saved trainer state that cannot be restored (wrong version, malformed fields). */
export class TrainerStateError extends RlCoreError {
  constructor(message: string) {
    super('TRAINER_STATE', message);
  }
}
