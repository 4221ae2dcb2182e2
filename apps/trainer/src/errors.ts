/** Base class of every error the trainer throws; `code` is stable and machine-readable. */
export class TrainerError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A config file, key or value that cannot be used; the message names the key and how to fix it. */
export class ConfigError extends TrainerError {
  /** Dotted key path (e.g. `actor_rollout_ref.actor.clip_ratio`), or '' for the whole file. */
  readonly key: string;
  /** Where the value came from: a file path, `override`, or a preset name. */
  readonly source: string;
  constructor(key: string, source: string, message: string) {
    super('CONFIG', `${source}: ${key ? `${key}: ` : ''}${message}`);
    this.key = key;
    this.source = source;
  }
}

/** Bad command-line usage: an unknown subcommand or flag, a missing argument. */
export class UsageError extends TrainerError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

/** A data folder or file that is missing or unusable. */
export class DataError extends TrainerError {
  readonly path: string;
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super('DATA', `${path}: ${message}`, options);
    this.path = path;
  }
}

/** A run folder or checkpoint that cannot be resumed or loaded (missing, corrupt, wrong shape). */
export class CheckpointError extends TrainerError {
  readonly path: string;
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super('CHECKPOINT', `${path}: ${message}`, options);
    this.path = path;
  }
}

/** The run was interrupted (Ctrl-C / SIGTERM) after its state was saved. */
export class InterruptedError extends TrainerError {
  readonly signal: string;
  constructor(signal: string, message: string) {
    super('INTERRUPTED', message);
    this.signal = signal;
  }
}
