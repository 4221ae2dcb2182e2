/** Where a tensor's storage lives. Only `cpu` is implemented; `cuda` is reserved for the GPU backend. */
export type DeviceKind = 'cpu' | 'cuda';

export interface Device {
  readonly kind: DeviceKind;
  readonly index: number;
  /** `cpu`, `cuda:0`, ... */
  readonly name: string;
}

const CPU: Device = Object.freeze({ kind: 'cpu', index: 0, name: 'cpu' });

/** The CPU device. */
export function cpu(): Device {
  return CPU;
}

/** Parses `cpu`, `cuda`, `cuda:1` (or passes a Device through). */
export function device(spec: string | Device): Device {
  if (typeof spec !== 'string') return spec;
  if (spec === 'cpu') return CPU;
  const m = /^cuda(?::(\d+))?$/.exec(spec);
  if (m) {
    const index = Number(m[1] ?? 0);
    return Object.freeze({ kind: 'cuda', index, name: `cuda:${index}` });
  }
  throw new RangeError(`unknown device '${spec}' (expected 'cpu' or 'cuda[:N]')`);
}

export function sameDevice(a: Device, b: Device): boolean {
  return a.kind === b.kind && a.index === b.index;
}
