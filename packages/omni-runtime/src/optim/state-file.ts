import { OptimizerError } from '../errors.js';
import type { OptimizerState } from './optimizer.js';

const MAGIC = 'OMNIOPT1';

interface SlotEntry {
  dtype: 'float32' | 'float64';
  offset: number;
  length: number;
}

/**
 * Packs an optimiser state into bytes: magic, a JSON header, then the raw buffers (8-byte aligned).
 * The trainer writes these bytes atomically next to the weights.
 */
export function serializeOptimizerState(state: OptimizerState): Uint8Array {
  let offset = 0;
  const buffers: { name: string; slots: Record<string, SlotEntry> }[] = [];
  const arrays: (Float32Array | Float64Array)[] = [];
  for (const b of state.buffers) {
    const slots: Record<string, SlotEntry> = {};
    for (const [k, arr] of Object.entries(b.slots)) {
      slots[k] = { dtype: arr instanceof Float64Array ? 'float64' : 'float32', offset, length: arr.length };
      offset += Math.ceil(arr.byteLength / 8) * 8;
      arrays.push(arr);
    }
    buffers.push({ name: b.name, slots });
  }
  const header = new TextEncoder().encode(
    JSON.stringify({ kind: state.kind, step: state.step, hyper: state.hyper, buffers }),
  );
  const headerPadded = Math.ceil((header.length + 12) / 8) * 8;
  const out = new Uint8Array(headerPadded + offset);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(header, 12);
  let at = headerPadded;
  for (const arr of arrays) {
    out.set(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength), at);
    at += Math.ceil(arr.byteLength / 8) * 8;
  }
  return out;
}

/** Reads bytes from `serializeOptimizerState`; `source` names the file in errors. */
export function deserializeOptimizerState(bytes: Uint8Array, source = 'optimizer state'): OptimizerState {
  const fail = (why: string): never => {
    throw new OptimizerError(`${source}: ${why}`);
  };
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC)
    fail('not an optimizer state file (bad magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hlen = view.getUint32(8, true);
  if (12 + hlen > bytes.length) fail('truncated header');
  let header: {
    kind: string;
    step: number;
    hyper: Record<string, number>;
    buffers: { name: string; slots: Record<string, SlotEntry> }[];
  };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + hlen)));
  } catch {
    return fail('corrupt header');
  }
  const base = Math.ceil((hlen + 12) / 8) * 8;
  return {
    kind: header.kind,
    step: header.step,
    hyper: header.hyper,
    buffers: header.buffers.map((b) => ({
      name: b.name,
      slots: Object.fromEntries(
        Object.entries(b.slots).map(([k, e]) => {
          const width = e.dtype === 'float64' ? 8 : 4;
          const start = base + e.offset;
          if (start + e.length * width > bytes.length) fail(`truncated data for '${b.name}'.${k}`);
          // A copy into a fresh, aligned buffer: `bytes` may be a Node Buffer whose slice() is a view of a
          // larger (pooled) ArrayBuffer, at any byteOffset.
          const copy = new Uint8Array(bytes.subarray(start, start + e.length * width)).buffer;
          return [k, e.dtype === 'float64' ? new Float64Array(copy) : new Float32Array(copy)];
        }),
      ),
    })),
  };
}
