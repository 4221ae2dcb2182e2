import { gaussLegendre } from './quadrature.js';

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

/**
 * Gauss-Legendre points per panel of the spectrum integral. A panel holds at most half an oscillation, where
 * 8 points leave an error near 1e-15 (the rule's error term: (n!)^4 / ((2n + 1) ((2n)!)^3) (pi)^2n).
 */
const PANEL_POINTS = 8;

/**
 * The continuous-time Fourier transform of `kaiserSinc` (a real, even function of t), at the frequencies
 * k * step cycles per sample for k < count: K(f) = 2 * integral_0^halfWidth kaiserSinc(t) cos(2 pi f t) dt.
 * This is the exact response an FFT resampler must apply for its blocks to equal the time-domain filter.
 * The substitution t = halfWidth * sin(theta) removes the window's square-root edge, leaving a smooth
 * integrand for composite Gauss-Legendre quadrature (error far below 1e-12); the cosines advance by rotation.
 */
export function kaiserSincSpectrum(
  cutoff: number,
  halfWidth: number,
  beta: number,
  step: number,
  count: number,
): Float64Array {
  const i0Beta = besselI0(beta);
  const { nodes, weights } = gaussLegendre(PANEL_POINTS);
  // dt / dtheta <= halfWidth, so the integrand makes at most (cutoff + top frequency) * halfWidth cycles per
  // radian of theta: (pi / 2) of those over [0, pi / 2], two panels per cycle
  const panels = Math.ceil(Math.PI * (cutoff + step * count) * halfWidth) + 8;
  const width = Math.PI / 2 / panels;
  const response = new Float64Array(count);
  for (let p = 0; p < panels; p++) {
    for (let q = 0; q < PANEL_POINTS; q++) {
      const theta = width * (p + 0.5 + 0.5 * nodes[q]!);
      const t = halfWidth * Math.sin(theta);
      const w = 2 * 0.5 * width * weights[q]! * halfWidth * Math.cos(theta);
      const value = w * kaiserSinc(t, cutoff, halfWidth, beta, i0Beta);
      const stepCos = Math.cos(2 * Math.PI * step * t);
      const stepSin = Math.sin(2 * Math.PI * step * t);
      let c = 1;
      let s = 0;
      for (let k = 0; k < count; k++) {
        response[k] = response[k]! + value * c;
        const next = c * stepCos - s * stepSin;
        s = s * stepCos + c * stepSin;
        c = next;
      }
    }
  }
  return response;
}
