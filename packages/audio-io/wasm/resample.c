#include "kernels.h"

/*
 * Overlap-save blocks of a rational resampling stage (src/resample/stages.ts, FftResampleStage). The stage
 * descriptor `d` holds, as int32: in_size, out_size, lead, advance, in_advance, bins, then pointers: forward
 * plan, its packed re/im and scratch re/im, twiddles re/im, spectrum re/im; inverse plan, its packed re/im and
 * scratch re/im, twiddles re/im, spectrum re/im, signal; response. Block b reads in[b * in_advance ...] (in_size
 * float32 samples) and writes its `advance` kept outputs to out[b * advance ...].
 */
EXPORT(resample_blocks)
void resample_blocks(const int *d, const float *in, int blocks, float *out) {
  const int in_size = d[0], out_size = d[1], lead = d[2], advance = d[3], in_advance = d[4], bins = d[5];
  const int *fplan = (const int *)d[6];
  f64 *fzr = (f64 *)d[7], *fzi = (f64 *)d[8], *fsr = (f64 *)d[9], *fsi = (f64 *)d[10];
  const f64 *fwr = (const f64 *)d[11], *fwi = (const f64 *)d[12];
  f64 *fspr = (f64 *)d[13], *fspi = (f64 *)d[14];
  const int *iplan = (const int *)d[15];
  f64 *izr = (f64 *)d[16], *izi = (f64 *)d[17], *isr = (f64 *)d[18], *isi = (f64 *)d[19];
  const f64 *iwr = (const f64 *)d[20], *iwi = (const f64 *)d[21];
  f64 *ispr = (f64 *)d[22], *ispi = (f64 *)d[23], *signal = (f64 *)d[24];
  const f64 *response = (const f64 *)d[25];
  const int fhalf = in_size / 2, ihalf = out_size / 2;
  for (int b = 0; b < blocks; b++) {
    const float *x = in + b * in_advance;
    for (int t = 0; t < fhalf; t++) {
      fzr[t] = x[2 * t];
      fzi[t] = x[2 * t + 1];
    }
    real_forward(fplan, fzr, fzi, fsr, fsi, fwr, fwi, fspr, fspi, fhalf, bins);
    for (int k = 0; k < bins; k++) {
      ispr[k] = fspr[k] * response[k];
      ispi[k] = fspi[k] * response[k];
    }
    real_inverse(iplan, ispr, ispi, izr, izi, isr, isi, iwr, iwi, signal, ihalf);
    float *y = out + b * advance;
    for (int i = 0; i < advance; i++) y[i] = (float)signal[lead + i];
  }
}
