/** The spec's golden signal (omni-audio-features.md section 7), bit-for-bit equal to feature_oracle.golden_signal. */
export function goldenSignal(n = 19_750): Float32Array {
  let s = 12345;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(1664525, s) + 1013904223) >>> 0;
    const noise = s / 4294967296 - 0.5;
    x[i] =
      0.5 * Math.sin((2 * Math.PI * 440 * i) / 16000) +
      0.25 * Math.sin((2 * Math.PI * 3000 * i) / 16000 + 0.3) * (i / n) +
      0.05 * noise;
  }
  return x;
}
