/*
 * FFT kernels of @soundmind/audio-io (compiled with resample.c and logmel.c into kernels.wasm by build.sh).
 * src/dsp/fft.ts plans the transforms (factors, twiddles) and owns the memory; these functions only run them.
 *
 * Mixed-radix complex FFT in Stockham order on split re/im float64 arrays: stage s holds, for every offset
 * k < r and frequency j < L, the length-L DFT of x[k + r*t] at index k*L + j; a radix-p pass reads the p
 * inputs a[(k + r*q)*L + j], twists input q by w_{pL}^{jq} and writes their p-point DFT to
 * b[k*L*p + j + L*s]. The j loop is contiguous in every array (twiddles are stored [q - 1][j]), so the
 * compiler turns it into f64x2 SIMD. The arithmetic is written operation for operation as the TypeScript
 * kernels it replaced, so results are the same to the last bit on any engine (WebAssembly has no fused
 * multiply-add to reorder them).
 */

#include "kernels.h"

static const f64 SQRT1_2 = 0.70710678118654752440;

/* DFT kernels: x[q] (already twisted) -> out[s * L] */

static inline void dft2(const f64 *xr, const f64 *xi, f64 *yr, f64 *yi, int L) {
  yr[0] = xr[0] + xr[1];
  yi[0] = xi[0] + xi[1];
  yr[L] = xr[0] - xr[1];
  yi[L] = xi[0] - xi[1];
}

static const f64 S3 = 0.86602540378443864676; /* sin(2 pi / 3) */

static inline void dft3(const f64 *xr, const f64 *xi, f64 *yr, f64 *yi, int L) {
  const f64 sr = xr[1] + xr[2], si = xi[1] + xi[2];
  const f64 mr = xr[0] - 0.5 * sr, mi = xi[0] - 0.5 * si;
  const f64 dr = S3 * (xi[1] - xi[2]), di = S3 * (xr[2] - xr[1]);
  yr[0] = xr[0] + sr;
  yi[0] = xi[0] + si;
  yr[L] = mr + dr;
  yi[L] = mi + di;
  yr[2 * L] = mr - dr;
  yi[2 * L] = mi - di;
}

static inline void dft4(const f64 *xr, const f64 *xi, f64 *yr, f64 *yi, int L) {
  const f64 s02r = xr[0] + xr[2], s02i = xi[0] + xi[2];
  const f64 d02r = xr[0] - xr[2], d02i = xi[0] - xi[2];
  const f64 s13r = xr[1] + xr[3], s13i = xi[1] + xi[3];
  const f64 d13r = xr[1] - xr[3], d13i = xi[1] - xi[3];
  yr[0] = s02r + s13r;
  yi[0] = s02i + s13i;
  yr[L] = d02r + d13i;
  yi[L] = d02i - d13r;
  yr[2 * L] = s02r - s13r;
  yi[2 * L] = s02i - s13i;
  yr[3 * L] = d02r - d13i;
  yi[3 * L] = d02i + d13r;
}

/* cos and sin of 2 pi / 5 and 4 pi / 5 */
static const f64 C5_1 = 0.30901699437494745, C5_2 = -0.8090169943749473;
static const f64 S5_1 = 0.9510565162951535, S5_2 = 0.5877852522924732;

static inline void dft5(const f64 *xr, const f64 *xi, f64 *yr, f64 *yi, int L) {
  const f64 s14r = xr[1] + xr[4], s14i = xi[1] + xi[4];
  const f64 d14r = xr[1] - xr[4], d14i = xi[1] - xi[4];
  const f64 s23r = xr[2] + xr[3], s23i = xi[2] + xi[3];
  const f64 d23r = xr[2] - xr[3], d23i = xi[2] - xi[3];
  const f64 a1r = xr[0] + C5_1 * s14r + C5_2 * s23r, a1i = xi[0] + C5_1 * s14i + C5_2 * s23i;
  const f64 a2r = xr[0] + C5_2 * s14r + C5_1 * s23r, a2i = xi[0] + C5_2 * s14i + C5_1 * s23i;
  const f64 b1r = S5_1 * d14i + S5_2 * d23i, b1i = -(S5_1 * d14r + S5_2 * d23r);
  const f64 b2r = S5_2 * d14i - S5_1 * d23i, b2i = -(S5_2 * d14r - S5_1 * d23r);
  yr[0] = xr[0] + s14r + s23r;
  yi[0] = xi[0] + s14i + s23i;
  yr[L] = a1r + b1r;
  yi[L] = a1i + b1i;
  yr[2 * L] = a2r + b2r;
  yi[2 * L] = a2i + b2i;
  yr[3 * L] = a2r - b2r;
  yi[3 * L] = a2i - b2i;
  yr[4 * L] = a1r - b1r;
  yi[4 * L] = a1i - b1i;
}

/* cos and sin of 2 pi / 7, 4 pi / 7, 6 pi / 7 */
static const f64 C7_1 = 0.6234898018587336, C7_2 = -0.22252093395631434, C7_3 = -0.900968867902419;
static const f64 S7_1 = 0.7818314824680298, S7_2 = 0.9749279121818236, S7_3 = 0.43388373911755823;

static inline void dft7(const f64 *xr, const f64 *xi, f64 *yr, f64 *yi, int L) {
  const f64 s16r = xr[1] + xr[6], s16i = xi[1] + xi[6];
  const f64 d16r = xr[1] - xr[6], d16i = xi[1] - xi[6];
  const f64 s25r = xr[2] + xr[5], s25i = xi[2] + xi[5];
  const f64 d25r = xr[2] - xr[5], d25i = xi[2] - xi[5];
  const f64 s34r = xr[3] + xr[4], s34i = xi[3] + xi[4];
  const f64 d34r = xr[3] - xr[4], d34i = xi[3] - xi[4];
  const f64 a1r = xr[0] + C7_1 * s16r + C7_2 * s25r + C7_3 * s34r;
  const f64 a1i = xi[0] + C7_1 * s16i + C7_2 * s25i + C7_3 * s34i;
  const f64 a2r = xr[0] + C7_2 * s16r + C7_3 * s25r + C7_1 * s34r;
  const f64 a2i = xi[0] + C7_2 * s16i + C7_3 * s25i + C7_1 * s34i;
  const f64 a3r = xr[0] + C7_3 * s16r + C7_1 * s25r + C7_2 * s34r;
  const f64 a3i = xi[0] + C7_3 * s16i + C7_1 * s25i + C7_2 * s34i;
  const f64 b1r = S7_1 * d16i + S7_2 * d25i + S7_3 * d34i;
  const f64 b1i = -(S7_1 * d16r + S7_2 * d25r + S7_3 * d34r);
  const f64 b2r = S7_2 * d16i - S7_3 * d25i - S7_1 * d34i;
  const f64 b2i = -(S7_2 * d16r - S7_3 * d25r - S7_1 * d34r);
  const f64 b3r = S7_3 * d16i - S7_1 * d25i + S7_2 * d34i;
  const f64 b3i = -(S7_3 * d16r - S7_1 * d25r + S7_2 * d34r);
  yr[0] = xr[0] + s16r + s25r + s34r;
  yi[0] = xi[0] + s16i + s25i + s34i;
  yr[L] = a1r + b1r;
  yi[L] = a1i + b1i;
  yr[2 * L] = a2r + b2r;
  yi[2 * L] = a2i + b2i;
  yr[3 * L] = a3r + b3r;
  yi[3 * L] = a3i + b3i;
  yr[4 * L] = a3r - b3r;
  yi[4 * L] = a3i - b3i;
  yr[5 * L] = a2r - b2r;
  yi[5 * L] = a2i - b2i;
  yr[6 * L] = a1r - b1r;
  yi[6 * L] = a1i - b1i;
}

static inline void dft8(const f64 *xr, const f64 *xi, f64 *yr, f64 *yi, int L) {
  /* DFT-4 of the even inputs (0, 2, 4, 6) and of the odd inputs (1, 3, 5, 7) */
  const f64 a0r = xr[0] + xr[4], a0i = xi[0] + xi[4];
  const f64 a1r = xr[0] - xr[4], a1i = xi[0] - xi[4];
  const f64 a2r = xr[2] + xr[6], a2i = xi[2] + xi[6];
  const f64 a3r = xr[2] - xr[6], a3i = xi[2] - xi[6];
  const f64 e0r = a0r + a2r, e0i = a0i + a2i;
  const f64 e2r = a0r - a2r, e2i = a0i - a2i;
  const f64 e1r = a1r + a3i, e1i = a1i - a3r;
  const f64 e3r = a1r - a3i, e3i = a1i + a3r;
  const f64 c0r = xr[1] + xr[5], c0i = xi[1] + xi[5];
  const f64 c1r = xr[1] - xr[5], c1i = xi[1] - xi[5];
  const f64 c2r = xr[3] + xr[7], c2i = xi[3] + xi[7];
  const f64 c3r = xr[3] - xr[7], c3i = xi[3] - xi[7];
  const f64 o0r = c0r + c2r, o0i = c0i + c2i;
  const f64 o2r = c0r - c2r, o2i = c0i - c2i;
  const f64 o1r = c1r + c3i, o1i = c1i - c3r;
  const f64 o3r = c1r - c3i, o3i = c1i + c3r;
  /* times w8^k: w8 = (1 - i)/sqrt2, w8^2 = -i, w8^3 = -(1 + i)/sqrt2 */
  const f64 p1r = SQRT1_2 * (o1r + o1i), p1i = SQRT1_2 * (o1i - o1r);
  const f64 p2r = o2i, p2i = -o2r;
  const f64 p3r = SQRT1_2 * (o3i - o3r), p3i = -SQRT1_2 * (o3r + o3i);
  yr[0] = e0r + o0r;
  yi[0] = e0i + o0i;
  yr[L] = e1r + p1r;
  yi[L] = e1i + p1i;
  yr[2 * L] = e2r + p2r;
  yi[2 * L] = e2i + p2i;
  yr[3 * L] = e3r + p3r;
  yi[3 * L] = e3i + p3i;
  yr[4 * L] = e0r - o0r;
  yi[4 * L] = e0i - o0i;
  yr[5 * L] = e1r - p1r;
  yi[5 * L] = e1i - p1i;
  yr[6 * L] = e2r - p2r;
  yi[6 * L] = e2i - p2i;
  yr[7 * L] = e3r - p3r;
  yi[7 * L] = e3i - p3i;
}

/*
 * One radix-P pass. The first pass (L = 1) needs no twiddles; every later one twists input q of frequency j
 * by (twr, twi)[(q - 1) * L + j]: y = x w, as (xr wr - xi wi, xr wi + xi wr).
 */
#define RADIX_PASS(P)                                                                                  \
  static void pass##P(const f64 *restrict ar, const f64 *restrict ai, f64 *restrict br,                \
                      f64 *restrict bi, int L, int r, const f64 *restrict twr,                         \
                      const f64 *restrict twi) {                                                       \
    const int st = r * L;                                                                              \
    if (L == 1) {                                                                                      \
      for (int k = 0; k < r; k++) {                                                                    \
        f64 xr[P], xi[P];                                                                              \
        for (int q = 0; q < P; q++) {                                                                  \
          xr[q] = ar[k + q * st];                                                                      \
          xi[q] = ai[k + q * st];                                                                      \
        }                                                                                              \
        dft##P(xr, xi, br + k * P, bi + k * P, 1);                                                     \
      }                                                                                                \
      return;                                                                                          \
    }                                                                                                  \
    for (int k = 0; k < r; k++) {                                                                      \
      const f64 *restrict pr = ar + k * L;                                                             \
      const f64 *restrict pi = ai + k * L;                                                             \
      f64 *restrict qr = br + k * L * P;                                                               \
      f64 *restrict qi = bi + k * L * P;                                                               \
      for (int j = 0; j < L; j++) {                                                                    \
        f64 xr[P], xi[P];                                                                              \
        xr[0] = pr[j];                                                                                 \
        xi[0] = pi[j];                                                                                 \
        for (int q = 1; q < P; q++) {                                                                  \
          const f64 vr = pr[j + q * st], vi = pi[j + q * st];                                          \
          const f64 wr = twr[(q - 1) * L + j], wi = twi[(q - 1) * L + j];                              \
          xr[q] = vr * wr - vi * wi;                                                                   \
          xi[q] = vr * wi + vi * wr;                                                                   \
        }                                                                                              \
        dft##P(xr, xi, qr + j, qi + j, L);                                                             \
      }                                                                                                \
    }                                                                                                  \
  }

RADIX_PASS(2)
RADIX_PASS(3)
RADIX_PASS(4)
RADIX_PASS(5)
RADIX_PASS(7)
RADIX_PASS(8)

/*
 * In-place complex FFT of (re, im) with scratch (sre, sim). `plan` is [passes, then per pass: radix, L, r,
 * twiddle re, twiddle im] (int32, pointers as byte offsets).
 */
EXPORT(complex_fft)
void complex_fft(const int *plan, f64 *re, f64 *im, f64 *sre, f64 *sim) {
  const int passes = plan[0];
  f64 *ar = re, *ai = im, *br = sre, *bi = sim;
  for (int s = 0; s < passes; s++) {
    const int *p = plan + 1 + 5 * s;
    const int L = p[1], r = p[2];
    const f64 *twr = (const f64 *)p[3], *twi = (const f64 *)p[4];
    switch (p[0]) {
      case 2: pass2(ar, ai, br, bi, L, r, twr, twi); break;
      case 3: pass3(ar, ai, br, bi, L, r, twr, twi); break;
      case 4: pass4(ar, ai, br, bi, L, r, twr, twi); break;
      case 5: pass5(ar, ai, br, bi, L, r, twr, twi); break;
      case 7: pass7(ar, ai, br, bi, L, r, twr, twi); break;
      default: pass8(ar, ai, br, bi, L, r, twr, twi); break;
    }
    f64 *tr = ar, *ti = ai;
    ar = br;
    ai = bi;
    br = tr;
    bi = ti;
  }
  if (ar != re) {
    const int n = plan[1 + 1] * plan[1] * plan[1 + 2]; /* L * radix * r of the first pass */
    for (int t = 0; t < n; t++) {
      re[t] = ar[t];
      im[t] = ai[t];
    }
  }
}

/*
 * Real FFT of n = 2m samples through the complex FFT of length m: the caller packs even samples into zr and
 * odd ones into zi; bins [0, bins) of X go to (outr, outi). (wr, wi)[k] = e^{-2 pi i k / n}.
 * X[k] = E + w^k O and X[m-k] = conj(E - w^k O), with E, O the spectra of the even and odd samples.
 */
EXPORT(real_forward)
void real_forward(const int *plan, f64 *zr, f64 *zi, f64 *sr, f64 *si, const f64 *wr, const f64 *wi,
                  f64 *outr, f64 *outi, int m, int bins) {
  complex_fft(plan, zr, zi, sr, si);
  const f64 z0r = zr[0], z0i = zi[0];
  outr[0] = z0r + z0i;
  outi[0] = 0;
  if (bins > m) {
    outr[m] = z0r - z0i;
    outi[m] = 0;
  }
  const int pairs = bins - 1 < m - 1 ? bins - 1 : m - 1;
  if (2 * pairs >= m) {
    for (int k = 1, k2 = m - 1; k <= k2; k++, k2--) {
      const f64 ar = zr[k], ai = zi[k], br = zr[k2], bi = -zi[k2];
      const f64 er = 0.5 * (ar + br), ei = 0.5 * (ai + bi);
      const f64 or_ = 0.5 * (ai - bi), oi = -0.5 * (ar - br);
      const f64 pr = or_ * wr[k] - oi * wi[k], pi = or_ * wi[k] + oi * wr[k];
      outr[k] = er + pr;
      outi[k] = ei + pi;
      outr[k2] = er - pr;
      outi[k2] = pi - ei;
    }
    return;
  }
  /* the low bins only (a resampler's forward transform keeps those below the new band) */
  for (int k = 1; k <= pairs; k++) {
    const f64 ar = zr[k], ai = zi[k], br = zr[m - k], bi = -zi[m - k];
    const f64 or_ = 0.5 * (ai - bi), oi = -0.5 * (ar - br);
    outr[k] = 0.5 * (ar + br) + (or_ * wr[k] - oi * wi[k]);
    outi[k] = 0.5 * (ai + bi) + (or_ * wi[k] + oi * wr[k]);
  }
}

/* |X[k]|^2 for k = 0..m of the packed real signal (see real_forward). */
EXPORT(real_power)
void real_power(const int *plan, f64 *zr, f64 *zi, f64 *sr, f64 *si, const f64 *wr, const f64 *wi,
                f64 *out, int m) {
  complex_fft(plan, zr, zi, sr, si);
  const f64 z0r = zr[0], z0i = zi[0];
  out[0] = (z0r + z0i) * (z0r + z0i);
  out[m] = (z0r - z0i) * (z0r - z0i);
  for (int k = 1, k2 = m - 1; k <= k2; k++, k2--) {
    const f64 ar = zr[k], ai = zi[k], br = zr[k2], bi = -zi[k2];
    const f64 er = 0.5 * (ar + br), ei = 0.5 * (ai + bi);
    const f64 or_ = 0.5 * (ai - bi), oi = -0.5 * (ar - br);
    const f64 pr = or_ * wr[k] - oi * wi[k], pi = or_ * wi[k] + oi * wr[k];
    const f64 s_r = er + pr, s_i = ei + pi, d_r = er - pr, d_i = ei - pi;
    out[k] = s_r * s_r + s_i * s_i;
    out[k2] = d_r * d_r + d_i * d_i;
  }
}

/*
 * Inverse of real_forward: bins 0..m of X (imaginary parts of bins 0 and m ignored) -> x, n = 2m samples,
 * including the 1/n scale. O = d conj(w), Z = E + i O, conjugated so the forward complex FFT inverts it.
 */
EXPORT(real_inverse)
void real_inverse(const int *plan, const f64 *inr, const f64 *ini, f64 *zr, f64 *zi, f64 *sr, f64 *si,
                  const f64 *wr, const f64 *wi, f64 *x, int m) {
  for (int k = 0; k < m; k++) {
    const f64 ar = inr[k], ai = k == 0 ? 0 : ini[k];
    const f64 br = inr[m - k], bi = k == 0 ? 0 : -ini[m - k];
    const f64 er = 0.5 * (ar + br), ei = 0.5 * (ai + bi);
    const f64 dr = 0.5 * (ar - br), di = 0.5 * (ai - bi);
    const f64 or_ = dr * wr[k] + di * wi[k], oi = di * wr[k] - dr * wi[k];
    zr[k] = er - oi;
    zi[k] = -(ei + or_);
  }
  complex_fft(plan, zr, zi, sr, si);
  const f64 scale = 1.0 / m;
  for (int t = 0; t < m; t++) {
    x[2 * t] = zr[t] * scale;
    x[2 * t + 1] = -zi[t] * scale;
  }
}
