import { describe, expect, it, vi } from 'vitest';
import { median, summarizeRuns, time, timeAsync } from '../src/timing.js';

describe('median and summaries', () => {
  it('median is the middle value, the upper middle one for an even count', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(3);
    expect(median([7])).toBe(7);
  });

  it('does not reorder its input', () => {
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).toEqual([3, 1, 2]);
  });

  it('summarizeRuns gives best and median of wall and CPU', () => {
    const t = summarizeRuns([10, 8, 12], [9, 7, 30]);
    expect(t).toMatchObject({ bestMs: 8, medianMs: 10, bestCpuMs: 7, medianCpuMs: 9 });
  });

  it('bad input: no runs, or mismatched series', () => {
    expect(() => median([])).toThrow(/median of no values/);
    expect(() => summarizeRuns([], [])).toThrow(/at least one run/);
    expect(() => summarizeRuns([1, 2], [1])).toThrow(/one CPU figure per run/);
  });
});

describe('time', () => {
  it('runs the warm-up calls untimed, then exactly `runs` timed calls when minMs is 0', () => {
    let calls = 0;
    const t = time(() => calls++, { warmup: 2, runs: 5 });
    expect(calls).toBe(7);
    expect(t.wallMs).toHaveLength(5);
    expect(t.cpuMs).toHaveLength(5);
    expect(t.bestMs).toBeLessThanOrEqual(t.medianMs);
  });

  it('keeps timing until minMs has passed, and stops at the first call past it', () => {
    // a fake clock: each call takes exactly 2 ms, so the count does not depend on the machine's load
    let now = 0;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => now);
    try {
      const t = time(
        () => {
          now += 2;
        },
        { warmup: 0, runs: 1, minMs: 20 },
      );
      expect(t.wallMs).toEqual(new Array(10).fill(2));
      expect(t.bestMs).toBe(2);
    } finally {
      clock.mockRestore();
    }
  });

  it('timeAsync awaits each call before the next', async () => {
    let running = 0;
    let overlap = false;
    const t = await timeAsync(
      async () => {
        running++;
        if (running > 1) overlap = true;
        await new Promise((r) => setTimeout(r, 1));
        running--;
      },
      { warmup: 1, runs: 3 },
    );
    expect(overlap).toBe(false);
    expect(t.wallMs).toHaveLength(3);
    expect(t.bestMs).toBeGreaterThanOrEqual(0.5);
  });
});
