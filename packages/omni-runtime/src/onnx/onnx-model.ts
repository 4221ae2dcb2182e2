import { access } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { OnnxModelError } from '../errors.js';

/** Element types accepted as inputs and returned as outputs. */
export type OnnxElementType = 'float32' | 'float64' | 'int64' | 'int32' | 'int8' | 'uint8' | 'bool';

type OnnxData = Float32Array | Float64Array | BigInt64Array | Int32Array | Int8Array | Uint8Array;

/** A dense tensor fed to or returned by a model: row-major `data` with shape `dims`. */
export interface OnnxTensor {
  readonly type: OnnxElementType;
  readonly data: OnnxData;
  readonly dims: readonly number[];
}

/** An input or output as the model file declares it; symbolic dimensions are strings (e.g. 'batch'). */
export interface OnnxValueInfo {
  readonly name: string;
  readonly type: string;
  readonly shape: readonly (number | string)[] | undefined;
}

export interface OnnxModelOptions {
  /** Inputs the caller relies on, with optional element types; missing ones fail the load. */
  readonly expectInputs?: readonly (string | { name: string; type?: OnnxElementType; rank?: number })[];
  /** Outputs the caller relies on. */
  readonly expectOutputs?: readonly (string | { name: string; type?: OnnxElementType; rank?: number })[];
  /** Threads for one op (default 1: the models wrapped here are small and the machine is shared). */
  readonly intraOpNumThreads?: number;
}

const TYPE_OF_DATA: ReadonlyArray<[new (...a: never[]) => OnnxData, OnnxElementType]> = [
  [Float32Array, 'float32'],
  [Float64Array, 'float64'],
  [BigInt64Array, 'int64'],
  [Int32Array, 'int32'],
  [Int8Array, 'int8'],
  [Uint8Array, 'uint8'],
];

/**
 * An inference-only ONNX model on onnxruntime-node's CPU provider (a user's Whisper export, the Silero
 * VAD). Loading checks the file exists and parses, and that the inputs and outputs the caller expects are
 * there with the right types; `run` checks every feed against the model's declared types and static
 * dimensions before calling into the runtime, so mistakes are reported by name.
 */
export class OnnxModel {
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];

  private constructor(
    readonly path: string,
    private session: ort.InferenceSession | undefined,
  ) {
    this.inputs = describe(session as ort.InferenceSession, 'input');
    this.outputs = describe(session as ort.InferenceSession, 'output');
  }

  static async load(path: string, options: OnnxModelOptions = {}): Promise<OnnxModel> {
    try {
      await access(path);
    } catch {
      throw new OnnxModelError(
        'FILE_NOT_FOUND',
        `ONNX model file ${path} does not exist or cannot be read`,
        path,
      );
    }
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(path, {
        intraOpNumThreads: options.intraOpNumThreads ?? 1,
        interOpNumThreads: 1,
        executionProviders: ['cpu'],
      });
    } catch (err) {
      throw new OnnxModelError(
        'BAD_MODEL',
        `${path} is not a loadable ONNX model: ${(err as Error).message}`,
        path,
        {
          cause: err,
        },
      );
    }
    const model = new OnnxModel(path, session);
    try {
      model.checkExpected('input', options.expectInputs ?? []);
      model.checkExpected('output', options.expectOutputs ?? []);
    } catch (err) {
      await model.dispose();
      throw err;
    }
    return model;
  }

  get inputNames(): readonly string[] {
    return this.inputs.map((i) => i.name);
  }

  get outputNames(): readonly string[] {
    return this.outputs.map((o) => o.name);
  }

  /** Runs the model; returns every output (or only `fetch`) by name. */
  async run(
    feeds: Readonly<Record<string, OnnxTensor>>,
    fetch?: readonly string[],
  ): Promise<Record<string, OnnxTensor>> {
    const session = this.session;
    if (!session) throw new OnnxModelError('DISPOSED', `${this.path} has been disposed`, this.path);
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const name of Object.keys(feeds))
      if (!this.inputs.some((i) => i.name === name))
        throw new OnnxModelError(
          'BAD_INPUT',
          `${this.path} has no input '${name}'; its inputs are ${this.inputNames.join(', ')}`,
          this.path,
        );
    for (const info of this.inputs) {
      const feed = feeds[info.name];
      if (!feed)
        throw new OnnxModelError('BAD_INPUT', `${this.path}: input '${info.name}' was not given`, this.path);
      ortFeeds[info.name] = this.toOrt(info, feed);
    }
    for (const name of fetch ?? [])
      if (!this.outputNames.includes(name))
        throw new OnnxModelError(
          'BAD_OUTPUT',
          `${this.path} has no output '${name}'; its outputs are ${this.outputNames.join(', ')}`,
          this.path,
        );
    let results: ort.InferenceSession.ReturnType;
    try {
      results = fetch ? await session.run(ortFeeds, [...fetch]) : await session.run(ortFeeds);
    } catch (err) {
      throw new OnnxModelError(
        'RUN_FAILED',
        `${this.path}: inference failed: ${(err as Error).message}`,
        this.path,
        {
          cause: err,
        },
      );
    }
    const out: Record<string, OnnxTensor> = {};
    for (const [name, t] of Object.entries(results))
      out[name] = { type: t.type as OnnxElementType, data: t.data as OnnxData, dims: [...t.dims] };
    return out;
  }

  async dispose(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.release();
  }

  private toOrt(info: OnnxValueInfo, feed: OnnxTensor): ort.Tensor {
    const where = `${this.path}: input '${info.name}'`;
    const dataType = TYPE_OF_DATA.find(([ctor]) => feed.data instanceof ctor)?.[1];
    const type = feed.type === 'bool' && feed.data instanceof Uint8Array ? 'bool' : dataType;
    if (type !== feed.type)
      throw new OnnxModelError(
        'BAD_INPUT',
        `${where}: data is a ${feed.data.constructor.name}, not ${feed.type}`,
        this.path,
      );
    if (info.type !== feed.type)
      throw new OnnxModelError('BAD_INPUT', `${where} must be ${info.type}, got ${feed.type}`, this.path);
    const count = feed.dims.reduce((a, b) => a * b, 1);
    if (!feed.dims.every((d) => Number.isInteger(d) && d >= 0) || count !== feed.data.length)
      throw new OnnxModelError(
        'BAD_INPUT',
        `${where}: dims [${feed.dims.join(', ')}] do not hold the ${feed.data.length} elements given`,
        this.path,
      );
    if (info.shape) {
      const declared = `[${info.shape.join(', ')}]`;
      if (info.shape.length !== feed.dims.length)
        throw new OnnxModelError(
          'BAD_INPUT',
          `${where} has rank ${info.shape.length} ${declared}, got dims [${feed.dims.join(', ')}]`,
          this.path,
        );
      info.shape.forEach((d, i) => {
        if (typeof d === 'number' && d >= 0 && d !== feed.dims[i])
          throw new OnnxModelError(
            'BAD_INPUT',
            `${where}: dimension ${i} must be ${d} ${declared}, got dims [${feed.dims.join(', ')}]`,
            this.path,
          );
      });
    }
    return new ort.Tensor(feed.type, feed.data as never, [...feed.dims]);
  }

  private checkExpected(
    kind: 'input' | 'output',
    expected: readonly (string | { name: string; type?: OnnxElementType; rank?: number })[],
  ): void {
    const have = kind === 'input' ? this.inputs : this.outputs;
    for (const e of expected) {
      const want = typeof e === 'string' ? { name: e } : e;
      const info = have.find((h) => h.name === want.name);
      const list = have.map((h) => `${h.name}: ${h.type}[${h.shape?.join(', ') ?? '?'}]`).join('; ');
      if (!info)
        throw new OnnxModelError(
          'MISMATCH',
          `${this.path} has no ${kind} '${want.name}' (this file's ${kind}s: ${list}); is it the right model?`,
          this.path,
        );
      if (want.type && info.type !== want.type)
        throw new OnnxModelError(
          'MISMATCH',
          `${this.path}: ${kind} '${want.name}' is ${info.type}, expected ${want.type}`,
          this.path,
        );
      if (want.rank !== undefined && info.shape && info.shape.length !== want.rank)
        throw new OnnxModelError(
          'MISMATCH',
          `${this.path}: ${kind} '${want.name}' has rank ${info.shape.length}, expected ${want.rank}`,
          this.path,
        );
    }
  }
}

function describe(session: ort.InferenceSession, kind: 'input' | 'output'): OnnxValueInfo[] {
  const names = kind === 'input' ? session.inputNames : session.outputNames;
  const meta = (kind === 'input' ? session.inputMetadata : session.outputMetadata) as readonly {
    name: string;
    isTensor: boolean;
    type?: string;
    shape?: readonly (number | string)[];
  }[];
  return names.map((name, i) => {
    const m = meta?.[i];
    return {
      name,
      type: m?.isTensor ? (m.type ?? 'unknown') : 'non-tensor',
      shape: m?.isTensor ? m.shape : undefined,
    };
  });
}
