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
