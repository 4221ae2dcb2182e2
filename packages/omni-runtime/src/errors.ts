/**
 * Typed errors of @soundmind/omni-runtime. Every error carries a stable `code` string, and its message
 * names the file, tensor or field at fault so that a user can fix the input without a debugger.
 */
export class OmniRuntimeError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A safetensors file (or a sharded checkpoint) is malformed, truncated, or incomplete. */
export class SafetensorsError extends OmniRuntimeError {
  readonly file: string;
  readonly tensor: string | undefined;
  constructor(
    code: string,
    message: string,
    where: { file: string; tensor?: string },
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.file = where.file;
    this.tensor = where.tensor;
  }
}

/** A checkpoint's weights do not fit the model its config describes (missing tensor, wrong shape). */
export class WeightMismatchError extends OmniRuntimeError {
  readonly tensor: string;
  constructor(code: string, tensor: string, message: string) {
    super(code, message);
    this.tensor = tensor;
  }
}

/** config.json is missing, unreadable, or has a field of the wrong type or value. */
export class ModelConfigError extends OmniRuntimeError {
  readonly file: string;
  readonly field: string | undefined;
  constructor(message: string, where: { file: string; field?: string }, options?: { cause?: unknown }) {
    super('BAD_CONFIG', message, options);
    this.file = where.file;
    this.field = where.field;
  }
}

/** A tokenizer file is missing or malformed, or text/ids cannot be encoded as asked. */
export class TokenizerError extends OmniRuntimeError {}

/** Bad arguments to generation / sampling (empty prompt, audio count mismatch, invalid options). */
export class GenerationError extends OmniRuntimeError {}

/** An ONNX model file is missing or does not match what the wrapper expects. */
export class OnnxModelError extends OmniRuntimeError {
  readonly file: string;
  constructor(code: string, message: string, file: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.file = file;
  }
}

// ---- engine (tensors, autograd, ops, optimisers) ----

/** Shapes that do not fit an op (the message names the op and the tensors). */
export class ShapeError extends OmniRuntimeError {
  constructor(message: string) {
    super('E_SHAPE', message);
  }
}

/** A dtype or device an op or backend cannot handle, or inputs of different dtypes / devices. */
export class DTypeError extends OmniRuntimeError {
  constructor(message: string) {
    super('E_DTYPE', message);
  }
}

/** A tensor used after `dispose()` (or after the `tidy` scope that owned it ended). */
export class DisposedTensorError extends OmniRuntimeError {
  constructor(what: string) {
    super(
      'E_DISPOSED',
      `${what} was used after it was disposed (keep() it, or return it from the tidy scope)`,
    );
  }
}

/** Autograd misuse: backward through a freed tape, a non-scalar output without a gradient, ... */
export class AutogradError extends OmniRuntimeError {
  constructor(message: string) {
    super('E_AUTOGRAD', message);
  }
}

/** An index (token id, target, position) outside its valid range. */
export class IndexError extends OmniRuntimeError {
  constructor(message: string) {
    super('E_INDEX', message);
  }
}

/** Bad optimiser arguments or an optimiser state that does not match. */
export class OptimizerError extends OmniRuntimeError {
  constructor(message: string) {
    super('E_OPTIM', message);
  }
}

/** A state dict that does not match a module (missing, unexpected or mis-shaped tensors). */
export class StateDictError extends OmniRuntimeError {
  constructor(message: string) {
    super('E_STATE_DICT', message);
  }
}
