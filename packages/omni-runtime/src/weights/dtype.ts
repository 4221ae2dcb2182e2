/** Element types a safetensors header may declare, with their sizes in bytes. */
export const SAFETENSORS_DTYPE_BYTES = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
} as const;

export type SafetensorsDtype = keyof typeof SAFETENSORS_DTYPE_BYTES;

/** The float types this runtime converts to and from float32. */
export type FloatDtype = 'F32' | 'F16' | 'BF16' | 'F64';

export function isSafetensorsDtype(s: unknown): s is SafetensorsDtype {
  return typeof s === 'string' && Object.hasOwn(SAFETENSORS_DTYPE_BYTES, s);
}

export function isFloatDtype(s: unknown): s is FloatDtype {
  return s === 'F32' || s === 'F16' || s === 'BF16' || s === 'F64';
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

let halfTable: Float32Array | undefined;

/** All 65536 half-precision values as float32 (256 KiB, built once): decoding f16 is a table lookup. */
function halfToFloatTable(): Float32Array {
  if (halfTable) return halfTable;
  const table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 0) table[h] = sign * mant * 2 ** -24;
    else if (exp === 31) table[h] = mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
    else table[h] = sign * (1 + mant / 1024) * 2 ** (exp - 15);
  }
  halfTable = table;
  return table;
}

/**
 * Decodes `count` little-endian elements of `dtype` from `src` (starting at byte 0) into
 * `out[outOffset ...]` as float32. `src` need not be aligned.
 */
export function decodeToFloat32(
  dtype: FloatDtype,
  src: Uint8Array,
  count: number,
  out: Float32Array,
  outOffset: number,
): void {
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  switch (dtype) {
    case 'F32':
      if (src.byteOffset % 4 === 0 && LITTLE_ENDIAN) {
        out.set(new Float32Array(src.buffer, src.byteOffset, count), outOffset);
      } else {
        for (let i = 0; i < count; i++) out[outOffset + i] = view.getFloat32(4 * i, true);
      }
      return;
    case 'BF16': {
      const out32 = new Uint32Array(out.buffer, out.byteOffset, out.length);
      if (src.byteOffset % 2 === 0 && LITTLE_ENDIAN) {
        const u16 = new Uint16Array(src.buffer, src.byteOffset, count);
        for (let i = 0; i < count; i++) out32[outOffset + i] = (u16[i] as number) << 16;
      } else for (let i = 0; i < count; i++) out32[outOffset + i] = view.getUint16(2 * i, true) << 16;
      return;
    }
    case 'F16': {
      const table = halfToFloatTable();
      if (src.byteOffset % 2 === 0 && LITTLE_ENDIAN) {
        const u16 = new Uint16Array(src.buffer, src.byteOffset, count);
        for (let i = 0; i < count; i++) out[outOffset + i] = table[u16[i] as number] as number;
      } else
        for (let i = 0; i < count; i++) out[outOffset + i] = table[view.getUint16(2 * i, true)] as number;
      return;
    }
    case 'F64':
      for (let i = 0; i < count; i++) out[outOffset + i] = view.getFloat64(8 * i, true);
      return;
  }
}

/** float32 -> bfloat16 bits, rounding to nearest even (as torch's `.to(torch.bfloat16)`); NaN stays NaN. */
export function float32ToBf16Bits(x: number): number {
  f32[0] = x;
  const u = u32[0] as number;
  if ((u & 0x7fffffff) > 0x7f800000) return ((u >>> 16) | 0x40) & 0xffff;
  return ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) & 0xffff;
}

/** float32 -> IEEE half bits, rounding to nearest even; overflow gives infinity, as torch does. */
export function float32ToF16Bits(x: number): number {
  f32[0] = x;
  const u = u32[0] as number;
  const sign = (u >>> 16) & 0x8000;
  const exp = (u >>> 23) & 0xff;
  let mant = u & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = mant & ((1 << shift) - 1);
    let h = mant >>> shift;
    if (rest > half || (rest === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && h & 1)) h++;
  return sign | h;
}

/** Encodes `src` as little-endian `dtype` elements into `dst` (which must hold them all). */
export function encodeFromFloat32(dtype: FloatDtype, src: Float32Array, dst: Uint8Array): void {
  const view = new DataView(dst.buffer, dst.byteOffset, dst.byteLength);
  switch (dtype) {
    case 'F32':
      for (let i = 0; i < src.length; i++) view.setFloat32(4 * i, src[i] as number, true);
      return;
    case 'BF16':
      for (let i = 0; i < src.length; i++) view.setUint16(2 * i, float32ToBf16Bits(src[i] as number), true);
      return;
    case 'F16':
      for (let i = 0; i < src.length; i++) view.setUint16(2 * i, float32ToF16Bits(src[i] as number), true);
      return;
    case 'F64':
      for (let i = 0; i < src.length; i++) view.setFloat64(8 * i, src[i] as number, true);
      return;
  }
}
