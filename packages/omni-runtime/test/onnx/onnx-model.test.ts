import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxModelError } from '../../src/errors.js';
import { OnnxModel } from '../../src/onnx/onnx-model.js';
import { sileroVadModelPath } from '../../src/onnx/silero-vad.js';

describe('OnnxModel', () => {
  let dir: string;
  let model: OnnxModel;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'omni-onnx-'));
    model = await OnnxModel.load(sileroVadModelPath(), {
      expectInputs: [{ name: 'input', type: 'float32', rank: 2 }, 'state', { name: 'sr', type: 'int64' }],
      expectOutputs: ['output', 'stateN'],
    });
  });
  afterAll(async () => {
    await model.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  const feeds = (over: Record<string, unknown> = {}) => ({
    input: { type: 'float32' as const, data: new Float32Array(576), dims: [1, 576] },
    state: { type: 'float32' as const, data: new Float32Array(256), dims: [2, 1, 128] },
    sr: { type: 'int64' as const, data: BigInt64Array.from([16000n]), dims: [] },
    ...over,
  });

  it('describes inputs and outputs, and runs', async () => {
    expect(model.inputNames).toEqual(['input', 'state', 'sr']);
    expect(model.outputNames).toEqual(['output', 'stateN']);
    expect(model.inputs[1]).toEqual({ name: 'state', type: 'float32', shape: [2, 'batch', 128] });
    const out = await model.run(feeds());
    expect(out.output?.dims).toEqual([1, 1]);
    expect(out.stateN?.dims).toEqual([2, 1, 128]);
    const p = (out.output as { data: Float32Array }).data[0] as number;
    expect(p).toBeGreaterThanOrEqual(0);
    expect(p).toBeLessThan(0.5); // silence
    const only = await model.run(feeds(), ['output']);
    expect(Object.keys(only)).toEqual(['output']);
  });

  it('rejects a missing file, a non-ONNX file and a model without the expected inputs', async () => {
    const err = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: unknown) => e as OnnxModelError,
      );
    const missing = await err(OnnxModel.load(join(dir, 'nope.onnx')));
    expect(missing).toBeInstanceOf(OnnxModelError);
    expect(missing?.code).toBe('FILE_NOT_FOUND');
    expect(missing?.message).toContain('nope.onnx');
    await writeFile(join(dir, 'garbage.onnx'), 'this is not a protobuf');
    expect((await err(OnnxModel.load(join(dir, 'garbage.onnx'))))?.code).toBe('BAD_MODEL');
    const mismatch = await err(OnnxModel.load(sileroVadModelPath(), { expectInputs: ['input_features'] }));
    expect(mismatch?.code).toBe('MISMATCH');
    expect(mismatch?.message).toMatch(/no input 'input_features'.*input: float32\[batch, sequence\]/);
    const badType = await err(
      OnnxModel.load(sileroVadModelPath(), { expectInputs: [{ name: 'sr', type: 'float32' }] }),
    );
    expect(badType?.message).toContain("input 'sr' is int64, expected float32");
    const badOut = await err(
      OnnxModel.load(sileroVadModelPath(), { expectOutputs: [{ name: 'output', rank: 3 }] }),
    );
    expect(badOut?.message).toContain("output 'output' has rank 2, expected 3");
  });

  it('wraps a failure inside the runtime with the file name', async () => {
    // 10 samples pass the declared shape checks but are too short for the model's padding.
    const err = await model
      .run(feeds({ input: { type: 'float32', data: new Float32Array(10), dims: [1, 10] } }))
      .catch((e: unknown) => e as OnnxModelError);
    expect(err).toBeInstanceOf(OnnxModelError);
    expect((err as OnnxModelError).code).toBe('RUN_FAILED');
    expect((err as Error).message).toContain('silero_vad');
  });

  it('checks feeds by name, type and static shape before running', async () => {
    const bad = async (f: Record<string, unknown>, re: RegExp, fetch?: string[]) => {
      const e = await model.run(f as never, fetch).then(
        () => undefined,
        (x: unknown) => x as OnnxModelError,
      );
      expect(e).toBeInstanceOf(OnnxModelError);
      expect(e?.message).toMatch(re);
    };
    await bad({ ...feeds(), extra: feeds().sr }, /no input 'extra'; its inputs are input, state, sr/);
    const { sr: _, ...noSr } = feeds();
    await bad(noSr, /input 'sr' was not given/);
    await bad(
      feeds({ sr: { type: 'float32', data: new Float32Array(1), dims: [] } }),
      /'sr' must be int64, got float32/,
    );
    await bad(
      feeds({ sr: { type: 'int64', data: new Float32Array(1), dims: [] } }),
      /Float32Array, not int64/,
    );
    await bad(
      feeds({ state: { type: 'float32', data: new Float32Array(256), dims: [2, 128] } }),
      /rank 3 \[2, batch, 128\]/,
    );
    await bad(
      feeds({ state: { type: 'float32', data: new Float32Array(256), dims: [1, 2, 128] } }),
      /dimension 0 must be 2/,
    );
    await bad(
      feeds({ input: { type: 'float32', data: new Float32Array(5), dims: [1, 576] } }),
      /do not hold the 5 elements/,
    );
    await bad(feeds(), /no output 'logits'/, ['logits']);
  });
});
