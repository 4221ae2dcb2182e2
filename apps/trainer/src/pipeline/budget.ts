/**
 * The wall-clock budget of a pipeline run. Time spent by earlier sessions of a resumed run counts, so a run
 * stopped at minute 9 of 15 and resumed gets the 6 minutes it has left.
 */
export class Budget {
  private readonly startedAt: number;

  constructor(
    /** Total seconds, Infinity for no budget. */
    readonly totalSeconds: number,
    /** Seconds already spent by earlier sessions. */
    readonly priorSeconds = 0,
    private readonly now: () => number = () => performance.now() / 1000,
  ) {
    this.startedAt = now();
  }

  static fromMinutes(minutes: number | null, priorSeconds = 0): Budget {
    return new Budget(minutes === null ? Number.POSITIVE_INFINITY : minutes * 60, priorSeconds);
  }

  /** Seconds spent in this session. */
  sessionSeconds(): number {
    return this.now() - this.startedAt;
  }

  /** Seconds spent overall (earlier sessions included). */
  elapsed(): number {
    return this.priorSeconds + this.sessionSeconds();
  }

  remaining(): number {
    return this.totalSeconds - this.elapsed();
  }

  /**
   * Training seconds a stage may spend in total: its share of the budget, but no more than it has already
   * spent (`spent`, from earlier sessions of a resumed stage) plus what is left of the budget minus `reserve`.
   */
  stageSeconds(share: number, reserve = 0, spent = 0): number {
    return Math.max(0, Math.min(share * this.totalSeconds, spent + this.remaining() - reserve));
  }
}
