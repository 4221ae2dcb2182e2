import { existsSync, readFileSync } from 'node:fs';

/**
 * The compiled kernels (wasm/kernels.wasm, built from wasm/*.c by wasm/build.sh and committed) and the memory
 * they work in. Pointers are byte offsets into `memory`; every buffer a kernel touches is allocated here.
 */
export interface Kernels {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  __heap_base: { readonly value: number };
  complex_fft(plan: number, re: number, im: number, scratchRe: number, scratchIm: number): void;
  real_forward(
    plan: number,
    zRe: number,
    zIm: number,
    scratchRe: number,
    scratchIm: number,
    wRe: number,
    wIm: number,
    outRe: number,
    outIm: number,
    half: number,
    bins: number,
  ): void;
  real_power(
    plan: number,
    zRe: number,
    zIm: number,
    scratchRe: number,
    scratchIm: number,
    wRe: number,
    wIm: number,
    out: number,
    half: number,
  ): void;
  resample_blocks(stage: number, input: number, blocks: number, output: number): void;
  logmel_frames(descriptor: number, input: number, frames: number, logs: number): void;
  logmel_packed(descriptor: number, logs: number): void;
  log10_many(descriptor: number, values: number, count: number, out: number): void;
  real_inverse(
    plan: number,
    inRe: number,
    inIm: number,
    zRe: number,
    zIm: number,
    scratchRe: number,
    scratchIm: number,
    wRe: number,
    wIm: number,
    x: number,
    half: number,
  ): void;
}

/** The WebAssembly global (Node has it; the project's TypeScript libs do not declare it). */
const { Module, Instance } = (
  globalThis as unknown as {
    WebAssembly: {
      Module: new (bytes: Uint8Array) => object;
      Instance: new (module: object, imports: object) => { exports: unknown };
    };
  }
).WebAssembly;

/** wasm/kernels.wasm of this package: two folders up from src/dsp and dist/dsp, three from dist-bench/src/dsp. */
function kernelsFile(): URL {
  for (const up of ['../../', '../../../']) {
    const file = new URL(`${up}wasm/kernels.wasm`, import.meta.url);
    if (existsSync(file)) return file;
  }
  throw new Error(`wasm/kernels.wasm not found above ${import.meta.url}; the package is incomplete`);
}

export const kernels = new Instance(new Module(readFileSync(kernelsFile())), {}).exports as Kernels;

const PAGE = 65_536;
const ALIGN = 16; // one v128
/**
 * Space left after every block: arrays whose sizes are multiples of 4 KiB would otherwise start at the same
 * offset modulo 4 KiB, and the CPU stalls loads that seem to alias a pending store (measured 1.6x on a
 * 2560-point FFT).
 */
const STAGGER = 64;

/**
 * First-fit allocator over the kernels' memory above the C stack and data. Blocks are freed when their owner is
 * garbage collected; growing the memory replaces its ArrayBuffer, so views re-make themselves (`MemoryView`).
 */
class Arena {
  private top: number;
  /** free blocks, sorted by offset, never adjacent (merged on release) */
  private readonly holes: { at: number; size: number }[] = [];
  private readonly registry = new FinalizationRegistry<number[]>((blocks) => {
    for (let i = 0; i < blocks.length; i += 2) this.release(blocks[i]!, blocks[i + 1]!);
  });

  constructor() {
    this.top = Math.ceil(Number(kernels.__heap_base.value) / ALIGN) * ALIGN;
  }

  /** Byte offsets of blocks of the given byte sizes, freed once `owner` is garbage collected. */
  allocate(owner: object, sizes: number[]): number[] {
    const blocks: number[] = [];
    const offsets = sizes.map((bytes) => {
      const size = Math.ceil(bytes / ALIGN) * ALIGN + STAGGER;
      const at = this.take(size);
      blocks.push(at, size);
      return at;
    });
    this.registry.register(owner, blocks);
    return offsets;
  }

  private take(size: number): number {
    for (let h = 0; h < this.holes.length; h++) {
      const hole = this.holes[h]!;
      if (hole.size < size) continue;
      const at = hole.at;
      if (hole.size === size) this.holes.splice(h, 1);
      else {
        hole.at += size;
        hole.size -= size;
      }
      return at;
    }
    const at = this.top;
    this.top += size;
    const memory = kernels.memory;
    if (this.top > memory.buffer.byteLength) {
      memory.grow(Math.ceil((this.top - memory.buffer.byteLength) / PAGE));
    }
    return at;
  }

  private release(at: number, size: number): void {
    let h = 0;
    while (h < this.holes.length && this.holes[h]!.at < at) h++;
    this.holes.splice(h, 0, { at, size });
    const next = this.holes[h + 1];
    if (next !== undefined && at + size === next.at) {
      this.holes[h]!.size += next.size;
      this.holes.splice(h + 1, 1);
    }
    const prev = this.holes[h - 1];
    if (prev !== undefined && prev.at + prev.size === at) {
      prev.size += this.holes[h]!.size;
      this.holes.splice(h, 1);
    }
  }
}

const arena = new Arena();

type ArrayKind<T> = {
  new (buffer: ArrayBuffer, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
};

/** A typed array in kernel memory (byte `offset`), re-made when the memory has grown. */
export class MemoryView<T extends Float32Array | Float64Array | Int32Array> {
  private view: T;

  constructor(
    private readonly kind: ArrayKind<T>,
    readonly offset: number,
    readonly length: number,
  ) {
    this.view = new kind(kernels.memory.buffer, offset, length);
  }

  get array(): T {
    if (this.view.buffer !== kernels.memory.buffer) {
      this.view = new this.kind(kernels.memory.buffer, this.offset, this.length);
    }
    return this.view;
  }
}

/** Typed arrays of the given lengths in kernel memory, freed once `owner` is garbage collected. */
export function allocate<T extends Float32Array | Float64Array | Int32Array>(
  owner: object,
  kind: ArrayKind<T>,
  ...lengths: number[]
): MemoryView<T>[] {
  const offsets = arena.allocate(
    owner,
    lengths.map((length) => length * kind.BYTES_PER_ELEMENT),
  );
  return offsets.map((offset, i) => new MemoryView(kind, offset, lengths[i]!));
}
