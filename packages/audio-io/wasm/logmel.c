#include "kernels.h"

/*
 * Log-mel frames (src/features/log-mel.ts). Descriptor `d` (int32): n_mels, then pointers: real FFT plan,
 * packed re/im, scratch re/im, twiddles re/im (400 points), power (201), window even/odd (200 each), mel bank
 * first/count (int32, n_mels each) and packed weights, log10 tables inv_centre/log_centre (256) and
 * unscale/exp_log (2048), inv_ln10 (1), peak (1, updated), mel scratch (n_mels).
 */
#define N_FFT 400
#define HOP 160
#define LOG_FLOOR 1e-10

typedef struct {
  int n_mels;
  const int *plan;
  f64 *zr, *zi, *sr, *si;
  const f64 *wr, *wi;
  f64 *power;
  const f64 *win_even, *win_odd;
  const int *first, *count;
  const f64 *weights;
  const f64 *inv_centre, *log_centre, *unscale, *exp_log, *inv_ln10;
  f64 *peak, *mel;
} LogMel;

/*
 * log10 of positive normal doubles: exponent from the bits, mantissa against a 256-entry table of centres,
 * then a degree-6 series of log(1 + r) with |r| < 1/512 (within 4e-15 of log10).
 */
static void log10_values(const LogMel *d, const f64 *values, int n, f64 *out) {
  for (int i = 0; i < n; i++) {
    unsigned long long bits;
    __builtin_memcpy(&bits, &values[i], 8);
    const unsigned hi = (unsigned)(bits >> 32);
    const unsigned e = hi >> 20;
    const unsigned slot = (hi >> 12) & 255;
    const f64 r = values[i] * d->unscale[e] * d->inv_centre[slot] - 1;
    const f64 series = r * (1 + r * (-0.5 + r * (1.0 / 3 + r * (-0.25 + r * (0.2 - r / 6)))));
    out[i] = (d->exp_log[e] + d->log_centre[slot] + series) * d->inv_ln10[0];
  }
}

/* The power spectrum of the packed frame -> mel energies (floored) -> peak -> log10 into out[0..n_mels). */
static void mel_log(const LogMel *d, f64 *out) {
  real_power(d->plan, d->zr, d->zi, d->sr, d->si, d->wr, d->wi, d->power, N_FFT / 2);
  f64 peak = d->peak[0];
  const f64 *w = d->weights;
  for (int m = 0; m < d->n_mels; m++) {
    const int k0 = d->first[m], kn = k0 + d->count[m];
    f64 acc = 0;
    for (int k = k0; k < kn; k++) acc += *w++ * d->power[k];
    const f64 e = acc > LOG_FLOOR ? acc : LOG_FLOOR;
    d->mel[m] = e;
    if (e > peak) peak = e;
  }
  d->peak[0] = peak;
  log10_values(d, d->mel, d->n_mels, out);
}

/* `frames` frames of in[t * HOP .. t * HOP + N_FFT), windowed; logs frame-major into out[t * n_mels + m]. */
EXPORT(logmel_frames)
void logmel_frames(const LogMel *d, const float *in, int frames, f64 *out) {
  for (int t = 0; t < frames; t++) {
    const float *x = in + t * HOP;
    for (int i = 0; i < N_FFT / 2; i++) {
      d->zr[i] = x[2 * i] * d->win_even[i];
      d->zi[i] = x[2 * i + 1] * d->win_odd[i];
    }
    mel_log(d, out + t * d->n_mels);
  }
}

/* One frame the caller windowed into the packed buffers (edge frames with reflect padding). */
EXPORT(logmel_packed)
void logmel_packed(const LogMel *d, f64 *out) { mel_log(d, out); }

/* log10 of n positive normal values (the clip's peak goes through the same log as every cell). */
EXPORT(log10_many)
void log10_many(const LogMel *d, const f64 *values, int n, f64 *out) { log10_values(d, values, n, out); }
