/**
 * Ctrl-C / SIGTERM handling for training loops: the first signal asks the loop to stop at the next step
 * boundary (it saves a checkpoint and exits cleanly); a second one quits at once (the atomic checkpoint
 * store then still holds the previous checkpoint).
 */
export class StopSignal {
  private reason: NodeJS.Signals | undefined;
  /** Training loops running now: only they can stop cleanly at a step boundary. */
  private armed = 0;
  private readonly handlers = new Map<NodeJS.Signals, () => void>();

  constructor(private readonly log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)) {}

  /** The signal that asked for a stop, or undefined while running. */
  get requested(): NodeJS.Signals | undefined {
    return this.reason;
  }

  /** Asks loops to stop, as a signal would (also used by tests and by the time budget). */
  request(signal: NodeJS.Signals): void {
    this.reason ??= signal;
  }

  /** Runs a training loop with the signal armed: outside loops (data, evaluation) a signal quits at once. */
  async armedDuring<T>(fn: () => Promise<T>): Promise<T> {
    this.armed++;
    try {
      return await fn();
    } finally {
      this.armed--;
    }
  }

  install(): this {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      const h = () => {
        if (this.reason || this.armed === 0) {
          this.log(`\n${sig}: quitting now (finished stages and the last complete checkpoint are kept)`);
          process.exit(130);
        }
        this.reason = sig;
        this.log(
          `\n${sig}: finishing this step, saving a checkpoint, then exiting (press again to quit now)`,
        );
      };
      this.handlers.set(sig, h);
      process.on(sig, h);
    }
    return this;
  }

  uninstall(): void {
    for (const [sig, h] of this.handlers) process.off(sig, h);
    this.handlers.clear();
  }
}
