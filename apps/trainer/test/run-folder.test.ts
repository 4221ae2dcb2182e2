import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../src/errors.js';
import { fmtDuration, ProgressBar } from '../src/progress/bar.js';
import { lineChart, niceTicks } from '../src/report/svg-chart.js';
import { CheckpointStore, LATEST_FILE } from '../src/run/checkpoints.js';
import { MetricsLog } from '../src/run/metrics-log.js';
import { tempDir } from './helpers.js';

const write = (name: string, text: string) => (dir: string) => writeFileSync(join(dir, name), text);

describe('checkpoint store', () => {
  it('keeps the newest complete checkpoints, verl layout, pointer last', async () => {
    const store = new CheckpointStore<{ n: number }>(join(tempDir(), 'ck'), 2);
    for (const step of [1, 2, 3]) await store.save(step, { n: step }, write('w.bin', `weights ${step}`));
    expect(readdirSync(store.dir).sort()).toEqual(['global_step_2', 'global_step_3', LATEST_FILE]);
    expect(store.latest()).toMatchObject({ step: 3, state: { n: 3 } });
  });

  it('a damaged or unfinished newest checkpoint falls back to the previous one', async () => {
    const store = new CheckpointStore<{ n: number }>(join(tempDir(), 'ck'), 5);
    await store.save(1, { n: 1 }, write('w.bin', 'one'));
    await store.save(2, { n: 2 }, write('w.bin', 'two'));
    writeFileSync(join(store.dir, 'global_step_2', 'w.bin'), 'tw0'); // same size, other bytes
    expect(() => store.load(2)).toThrow(CheckpointError);
    expect(() => store.load(2)).toThrow(/checksum/);
    expect(store.latest()?.step).toBe(1);
    // a folder without a manifest (killed before it was written) is never taken as complete
    mkdirSync(join(store.dir, 'global_step_7'));
    writeFileSync(join(store.dir, 'global_step_7', 'w.bin'), 'seven');
    expect(store.latest()?.step).toBe(1);
    expect(() => store.load(7)).toThrow(/never completed/);
  });

  it('a failed write leaves no trace and the previous checkpoint stays the latest', async () => {
    const store = new CheckpointStore<{ n: number }>(join(tempDir(), 'ck'), 5);
    await store.save(1, { n: 1 }, write('w.bin', 'one'));
    await expect(
      store.save(2, { n: 2 }, () => {
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(readdirSync(store.dir).sort()).toEqual(['global_step_1', LATEST_FILE]);
    expect(store.latest()?.step).toBe(1);
  });

  it('leftover temporary folders are cleaned when the store is read', async () => {
    const store = new CheckpointStore<{ n: number }>(join(tempDir(), 'ck'), 5);
    await store.save(1, { n: 1 }, write('w.bin', 'one'));
    mkdirSync(join(store.dir, 'global_step_2.tmp-123-abcd'));
    expect(store.latest()?.step).toBe(1);
    expect(existsSync(join(store.dir, 'global_step_2.tmp-123-abcd'))).toBe(false);
  });
});

describe('metrics log', () => {
  it('drops a torn last line and retains by predicate atomically', () => {
    const log = new MetricsLog(join(tempDir(), 'metrics.jsonl'));
    log.append({ stage: 'grpo', step: 1, 'critic/score/mean': 1 });
    log.append({ stage: 'grpo', step: 2, 'critic/score/mean': 2 });
    writeFileSync(log.path, `${JSON.stringify({ stage: 'grpo', step: 1 })}\n{"stage":"grpo","st`, {
      flag: 'w',
    });
    expect(log.read()).toEqual([{ stage: 'grpo', step: 1 }]);
    const reopened = new MetricsLog(log.path); // as a resumed run does
    reopened.append({ stage: 'sft', step: 5 });
    expect(log.read()).toEqual([
      { stage: 'grpo', step: 1 },
      { stage: 'sft', step: 5 },
    ]);
    log.retain((r) => r.stage === 'sft');
    expect(log.read()).toEqual([{ stage: 'sft', step: 5 }]);
  });
});

describe('report pieces', () => {
  it('line charts are self-contained SVG with nice ticks and gaps for non-finite values', () => {
    const svg = lineChart({
      title: 'Reward <a&b>',
      xLabel: 'step',
      series: [
        {
          name: 'r',
          points: [
            [1, 0.5],
            [2, Number.NaN],
            [3, 1.5],
          ],
        },
      ],
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Reward &lt;a&amp;b&gt;');
    expect((svg.match(/M/g) ?? []).length).toBeGreaterThanOrEqual(2);
    expect(lineChart({ title: 't', xLabel: 'x', series: [] })).toContain('no data');
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  it('progress bars show done/total, ETA and key numbers; non-TTY output is throttled lines', () => {
    let t = 0;
    const lines: string[] = [];
    const bar = new ProgressBar({ write: (s) => lines.push(s), isTTY: false }, 'GRPO', 10, 'steps', () => t);
    t = 20_000;
    bar.update(5, { reward: 2.25, acc: 0.75 });
    expect(lines[0]).toMatch(/^GRPO .* 50% 5\/10 steps {2}0:20<0:20 {2}reward 2\.250 {2}acc 0\.750\n$/);
    t = 21_000;
    bar.update(6);
    expect(lines).toHaveLength(1);
    bar.finish();
    expect(lines.at(-1)).toContain('100%');
    expect(fmtDuration(3725)).toBe('1:02:05');
  });
});
