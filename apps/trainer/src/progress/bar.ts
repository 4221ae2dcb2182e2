/** Where bars are drawn; a TTY gets one redrawn line, anything else gets a line every few seconds. */
export interface ProgressSink {
  write(text: string): void;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Fixed-width rendering of a number for the bar's key figures. */
export function fmtNum(v: number | undefined, digits = 3): string {
  if (v === undefined || Number.isNaN(v)) return '-';
  const a = Math.abs(v);
  if (a >= 1e4) return `${(v / 1e3).toFixed(1)}k`;
  if (a >= 100) return v.toFixed(0);
  if (a !== 0 && a < 10 ** -digits) return v.toExponential(1);
  return v.toFixed(digits);
}

export function fmtDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = String(m).padStart(h ? 2 : 1, '0');
  return `${h ? `${h}:` : ''}${mm}:${String(sec).padStart(2, '0')}`;
}

/**
 * A live progress bar: label, bar, done/total, elapsed, ETA and key numbers. Progress may be measured in
 * units (steps, problems) or against a time budget (`fraction` given explicitly); the ETA follows
 * whichever ends first.
 */
export class ProgressBar {
  private readonly start: number;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private lastLine = '';
  private done = 0;
  private fraction = 0;
  private fields: Record<string, string> = {};

  constructor(
    private readonly sink: ProgressSink,
    private readonly label: string,
    private readonly total: number | undefined,
    private readonly unit = '',
    private readonly now: () => number = Date.now,
  ) {
    this.start = now();
  }

  /** Sets progress; `fraction` (0-1) overrides done/total, e.g. for a time budget. */
  update(done: number, fields: Record<string, number | string | undefined> = {}, fraction?: number): void {
    this.done = done;
    this.fraction = Math.min(1, Math.max(0, fraction ?? (this.total ? done / this.total : 0)));
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) delete this.fields[k];
      else this.fields[k] = typeof v === 'number' ? fmtNum(v) : v;
    }
    const t = this.now();
    const interval = this.sink.isTTY ? 100 : 10_000;
    if (t - this.lastDraw >= interval) this.draw(false);
  }

  /** Draws the final state and ends the line. */
  finish(fields: Record<string, number | string | undefined> = {}): void {
    this.update(this.done, fields, 1);
    this.draw(true);
  }

  line(): string {
    const elapsed = (this.now() - this.start) / 1000;
    const eta = this.fraction > 0 ? (elapsed * (1 - this.fraction)) / this.fraction : Number.NaN;
    const width = 24;
    const full = Math.round(this.fraction * width);
    const bar = `${'█'.repeat(full)}${'░'.repeat(width - full)}`;
    const count =
      this.total !== undefined
        ? ` ${this.done}/${this.total}${this.unit ? ` ${this.unit}` : ''}`
        : ` ${this.done}${this.unit ? ` ${this.unit}` : ''}`;
    const figures = Object.entries(this.fields)
      .map(([k, v]) => `${k} ${v}`)
      .join('  ');
    const pct = `${Math.floor(this.fraction * 100)}%`.padStart(4);
    return `${this.label.padEnd(12)} ${bar} ${pct}${count}  ${fmtDuration(elapsed)}<${fmtDuration(eta)}${figures ? `  ${figures}` : ''}`;
  }

  private draw(final: boolean): void {
    this.lastDraw = this.now();
    let text = this.line();
    if (this.sink.isTTY) {
      const cols = this.sink.columns ?? 120;
      if (text.length > cols - 1) text = text.slice(0, cols - 1);
      this.sink.write(`\r\x1b[2K${text}${final ? '\n' : ''}`);
    } else if (final || text !== this.lastLine) {
      this.sink.write(`${text}\n`);
    }
    this.lastLine = text;
  }
}
