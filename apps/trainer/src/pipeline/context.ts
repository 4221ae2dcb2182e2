import type { TrainerConfig } from '../config/schema.js';
import { ProgressBar, type ProgressSink } from '../progress/bar.js';
import type { StopSignal } from '../run/interrupt.js';
import type { RunFolder } from '../run/run-folder.js';
import type { Budget } from './budget.js';

/** What every stage of a run gets: config, run folder, budget, stop signal and the terminal. */
export interface RunContext {
  readonly config: TrainerConfig;
  readonly run: RunFolder;
  readonly budget: Budget;
  readonly stop: StopSignal;
  readonly ui: Ui;
}

/** Progress bars and log lines on stderr (silent with --quiet). */
export class Ui {
  constructor(
    private readonly sink: ProgressSink | null,
    /** Test-only fault injection (SOUNDMIND_FAULT); see run/fault.ts. */
    readonly fault: string | undefined = process.env.SOUNDMIND_FAULT,
  ) {}

  static forProcess(quiet: boolean): Ui {
    if (quiet) return new Ui(null);
    const s = process.stderr;
    return new Ui({ write: (t) => s.write(t), isTTY: s.isTTY, columns: s.columns });
  }

  bar(label: string, total: number | undefined, unit = ''): ProgressBar {
    return new ProgressBar(this.sink ?? { write: () => {} }, label, total, unit);
  }

  log(line: string): void {
    this.sink?.write(`${line}\n`);
  }
}
