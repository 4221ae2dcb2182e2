import { describe, expect, it } from 'vitest';
import { BufferPool, sizeClass } from '../../src/tensor/storage.js';

describe('BufferPool', () => {
  it('size classes: exact below 1024, else rounded up to 1/8 of the power of two', () => {
    expect(sizeClass(1)).toBe(1);
    expect(sizeClass(1023)).toBe(1023);
    expect(sizeClass(1024)).toBe(1024);
    expect(sizeClass(1025)).toBe(1152);
    expect(sizeClass(4000)).toBe(4096);
    expect(sizeClass(5000)).toBe(5120);
    for (const n of [1500, 3333, 65537, 1_000_001]) {
      expect(sizeClass(n)).toBeGreaterThanOrEqual(n);
      expect(sizeClass(n)).toBeLessThanOrEqual(n * 1.125);
    }
  });

  it('hands out views of the requested length and reuses one buffer across lengths of a class', () => {
    const pool = new BufferPool();
    const a = pool.alloc('float32', 5000, false);
    expect(a).toBeInstanceOf(Float32Array);
    expect(a.length).toBe(5000);
    expect(a.buffer.byteLength).toBe(5120 * 4);
    a.fill(7);
    pool.release('float32', a);
    const b = pool.alloc('float32', 4900, true);
    expect(pool.stats().hits).toBe(1);
    expect(b.length).toBe(4900);
    expect(b.buffer).toBe(a.buffer);
    expect(b.every((x) => x === 0)).toBe(true);
    pool.release('float32', b);
    // the whole buffer went back, once: the next request of the class reuses it, a third one is fresh
    const c = pool.alloc('float32', 5120, false);
    expect(c.buffer).toBe(a.buffer);
    expect(c.length).toBe(5120);
    expect(pool.alloc('float32', 5100, false).buffer).not.toBe(a.buffer);
    expect(pool.stats()).toMatchObject({ hits: 2, misses: 2 });
  });

  it('keeps dtypes apart and counts idle bytes by whole buffers', () => {
    const pool = new BufferPool();
    const f = pool.alloc('float64', 2000, false);
    pool.release('float64', f);
    expect(pool.stats().pooledBytes).toBe(sizeClass(2000) * 8);
    expect(pool.alloc('float32', 2000, false)).toBeInstanceOf(Float32Array);
    expect(pool.alloc('int32', 10, false)).toBeInstanceOf(Int32Array);
    expect(pool.alloc('float64', 2000, false).buffer).toBe(f.buffer);
    expect(pool.stats().pooledBytes).toBe(0);
  });
});

describe('BufferPool when full', () => {
  it('drops the idle buffers of an old workload so the new one is pooled', () => {
    const pool = new BufferPool();
    pool.maxPooledBytes = 3 * 4096 * 4;
    const old = [0, 1, 2].map(() => pool.alloc('float32', 4096, false));
    for (const a of old) pool.release('float32', a);
    expect(pool.stats().pooledBytes).toBe(3 * 4096 * 4);
    const next = pool.alloc('float32', 8192, false);
    pool.release('float32', next);
    expect(pool.stats().pooledBytes).toBe(8192 * 4);
    expect(pool.alloc('float32', 8000, false).buffer).toBe(next.buffer);
    // a buffer larger than the whole pool is never kept
    pool.release('float32', new Float32Array(4 * 4096));
    expect(pool.stats().pooledBytes).toBe(0);
  });
});
