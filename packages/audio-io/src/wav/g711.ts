/**
 * ITU-T G.711 A-law and mu-law expansion to 16-bit linear PCM (the tables libsndfile and Python's audioop use),
 * as float32 sample values (linear / 32768).
 */

function expandMuLaw(code: number): number {
  const u = ~code & 0xff;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
  return u & 0x80 ? -magnitude : magnitude;
}

function expandALaw(code: number): number {
  const a = code ^ 0x55;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  let magnitude = (mantissa << 4) + 8;
  if (exponent > 0) magnitude = (magnitude + 0x100) << (exponent - 1);
  return a & 0x80 ? magnitude : -magnitude;
}

function table(expand: (code: number) => number): Float32Array {
  const t = new Float32Array(256);
  for (let c = 0; c < 256; c++) t[c] = expand(c) / 32768;
  return t;
}

export const MU_LAW_TABLE = table(expandMuLaw);
export const A_LAW_TABLE = table(expandALaw);
