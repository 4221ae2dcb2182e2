import { Rng, type RngState } from '@soundmind/rl-core';

/**
 * The shuffled order of one epoch over `count` items, and the rng state the next epoch starts from. A
 * data cursor only needs to store the rng state of its current epoch to resume exactly.
 */
export function epochOrder(
  count: number,
  from: RngState,
  shuffle = true,
): { order: number[]; next: RngState } {
  const r = Rng.fromState(from);
  const order = Array.from({ length: count }, (_, i) => i);
  return { order: shuffle ? r.shuffle(order) : order, next: r.getState() };
}

/** A resumable position in an epoch-shuffled stream. */
export interface EpochCursor {
  readonly epoch: number;
  readonly index: number;
  readonly epochRng: RngState;
}

/** Draws items in epoch-shuffled order; `cursor` is the resumable position after the last draw. */
export class EpochStream {
  private order: number[];
  private nextRng: RngState;
  cursor: EpochCursor;

  constructor(
    private readonly count: number,
    cursor: EpochCursor,
    private readonly shuffle = true,
  ) {
    this.cursor = cursor;
    ({ order: this.order, next: this.nextRng } = epochOrder(count, cursor.epochRng, shuffle));
  }

  static start(count: number, seed: string, shuffle = true): EpochStream {
    return new EpochStream(count, { epoch: 0, index: 0, epochRng: new Rng(seed).getState() }, shuffle);
  }

  /** The next `n` item indices (crossing into new epochs as needed); empty when count is 0. */
  take(n: number, maxEpochs = Number.POSITIVE_INFINITY): number[] {
    const out: number[] = [];
    if (this.count === 0) return out;
    let { epoch, index, epochRng } = this.cursor;
    while (out.length < n) {
      if (index >= this.order.length) {
        if (epoch + 1 >= maxEpochs) break;
        epochRng = this.nextRng;
        ({ order: this.order, next: this.nextRng } = epochOrder(this.count, epochRng, this.shuffle));
        epoch++;
        index = 0;
      }
      out.push(this.order[index++] as number);
    }
    this.cursor = { epoch, index, epochRng };
    return out;
  }
}
