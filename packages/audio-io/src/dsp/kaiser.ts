/**
 * Kaiser-window lowpass design: the windowed-sinc recipe with Kaiser's formulas for beta and length
 * (Oppenheim & Schafer 7.6), used to build filters to libsoxr's HQ specification.
 */

/** Modified Bessel function of the first kind, order 0 (power series; converges for all x we use). */
export function besselI0(x: number): number {
  const q = (x * x) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 500; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/** Kaiser's beta for a stop-band attenuation in dB. */
export function kaiserBeta(attenuationDb: number): number {
  if (attenuationDb > 50) return 0.1102 * (attenuationDb - 8.7);
  if (attenuationDb >= 21) return 0.5842 * (attenuationDb - 21) ** 0.4 + 0.07886 * (attenuationDb - 21);
  return 0;
}

/**
 * Filter span, in samples of the rate it runs at, that reaches `attenuationDb` over a transition of
 * `transitionWidth` cycles per sample (Kaiser: N - 1 = (A - 7.95) / (2.285 * 2 pi * width)).
 */
export function kaiserSpan(attenuationDb: number, transitionWidth: number): number {
  return (attenuationDb - 7.95) / (2.285 * 2 * Math.PI * transitionWidth);
}

/**
 * Kaiser-windowed ideal lowpass evaluated at `t` samples from its centre: cutoff `cutoff` cycles per
 * sample (unity DC gain), window half-width `halfWidth` samples (the window's end points are included). Zero outside.
 */
export function kaiserSinc(
  t: number,
  cutoff: number,
  halfWidth: number,
  beta: number,
  i0Beta: number,
): number {
  const u = t / halfWidth;
  if (u < -1 || u > 1) return 0;
  const window = besselI0(beta * Math.sqrt(Math.max(0, 1 - u * u))) / i0Beta;
  const arg = 2 * cutoff * t;
  const sinc = arg === 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg);
  return 2 * cutoff * sinc * window;
}
