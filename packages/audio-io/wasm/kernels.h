/*
 * Shared declarations of the WebAssembly kernels (fft.c, resample.c, logmel.c -> kernels.wasm, see build.sh).
 * Pointers are byte offsets into the module's memory, which src/dsp/wasm.ts allocates; the TypeScript side
 * plans everything (sizes, twiddles, filter responses, tables) and the kernels only run the loops.
 */
#ifndef SOUNDMIND_KERNELS_H
#define SOUNDMIND_KERNELS_H

typedef double f64;

#define EXPORT(name) __attribute__((export_name(#name)))

/* In-place complex FFT of (re, im); see fft.c for the plan layout. */
void complex_fft(const int *plan, f64 *re, f64 *im, f64 *sre, f64 *sim);

/* Real FFT of n = 2 half samples packed even/odd into (zr, zi): bins [0, bins) into (outr, outi). */
void real_forward(const int *plan, f64 *zr, f64 *zi, f64 *sr, f64 *si, const f64 *wr, const f64 *wi,
                  f64 *outr, f64 *outi, int half, int bins);

/* |X[k]|^2, k = 0..half, of the packed real signal. */
void real_power(const int *plan, f64 *zr, f64 *zi, f64 *sr, f64 *si, const f64 *wr, const f64 *wi,
                f64 *out, int half);

/* Inverse of real_forward: bins 0..half -> 2 half samples into x, 1/n included. */
void real_inverse(const int *plan, const f64 *inr, const f64 *ini, f64 *zr, f64 *zi, f64 *sr, f64 *si,
                  const f64 *wr, const f64 *wi, f64 *x, int half);

#endif
