import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RealFft } from '../src/dsp/fft.js';
import { maxAbsDiff } from './helpers/fixtures.js';
import { lcgNoise } from './helpers/recipes.js';

const WASM = new URL('../wasm/', import.meta.url);

describe('WebAssembly kernels (wasm/)', () => {
  it('kernels.wasm was built from the committed sources (run wasm/build.sh after editing them)', () => {
    const sources = ['kernels.h', 'fft.c', 'resample.c', 'logmel.c'].map((f) =>
      readFileSync(new URL(f, WASM)),
    );
    const hash = createHash('sha256').update(Buffer.concat(sources)).digest('hex');
    expect(readFileSync(new URL('sources.sha256', WASM), 'utf8').trim()).toBe(hash);
  });

  it('transforms planned before the kernel memory grows keep working (their views are re-made)', () => {
    const small = new RealFft(400);
    const x = lcgNoise(400, 1);
    const before = new Float64Array(201);
    small.powerSpectrum(x, before);
    const views = [small.packedRe, small.power];
    const big = new RealFft(1 << 21); // 16 MiB of buffers: the memory grows
    expect(big.size).toBe(1 << 21);
    expect(views.every((view) => view.length === 0)).toBe(true); // the old views are detached ...
    const after = new Float64Array(201);
    small.powerSpectrum(x, after); // ... and the transform makes new ones
    expect(maxAbsDiff(after, before)).toBe(0);
  });
});
