// Elementwise, normalisation, softmax-family and optimiser kernels. This file is compiled once per
// instruction set (OMNI_ISA = generic | avx2 | avx512, see binding.gyp); loops are written so that
// GCC vectorises them (`omp simd`, no libm calls in hot loops). Reductions run in a fixed order, so a
// given build gives the same bits run after run.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels.h"

#ifndef OMNI_ISA
#error "OMNI_ISA must be defined"
#endif
#define OMNI_CAT2(a, b) a##b
#define OMNI_CAT(a, b) OMNI_CAT2(a, b)
#define OMNI_STR2(a) #a
#define OMNI_STR(a) OMNI_STR2(a)

namespace omni {
namespace OMNI_CAT(isa_, OMNI_ISA) {

static inline float bitsToFloat(int32_t i) {
  float f;
  std::memcpy(&f, &i, 4);
  return f;
}

// exp with ~1 ulp error on [-87.3, 88.7]; 0 below, +inf above. Pure arithmetic, so it vectorises.
#pragma omp declare simd
static inline float fexp(float x) {
  const float hi = 88.7f, lo = -87.3f;
  float xc = x > hi ? hi : (x < lo ? lo : x);
  float fx = xc * 1.44269504088896341f;
  float n = (fx + 12582912.f) - 12582912.f;  // round to nearest
  float r = xc - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float y = 1.9875691500e-4f;
  y = y * r + 1.3981999507e-3f;
  y = y * r + 8.3334519073e-3f;
  y = y * r + 4.1665795894e-2f;
  y = y * r + 1.6666665459e-1f;
  y = y * r + 5.0000001201e-1f;
  y = y * r * r + r + 1.0f;
  float scale = bitsToFloat((static_cast<int32_t>(n) + 127) << 23);
  float res = y * scale;
  res = x < lo ? 0.0f : res;
  res = x > hi ? std::numeric_limits<float>::infinity() : res;
  return x != x ? x : res;
}

#pragma omp declare simd
static inline float fsigmoid(float x) { return 1.0f / (1.0f + fexp(-x)); }

#pragma omp declare simd
static inline float ftanh(float x) {
  float ax = x < 0 ? -x : x;
  float e = fexp(-2.0f * ax);
  float t = (1.0f - e) / (1.0f + e);
  return x < 0 ? -t : t;
}

// erf, Abramowitz & Stegun 7.1.26 refined (max abs error ~1.5e-7).
#pragma omp declare simd
static inline float ferf(float x) {
  float ax = x < 0 ? -x : x;
  float t = 1.0f / (1.0f + 0.3275911f * ax);
  float y = 1.061405429f;
  y = y * t - 1.453152027f;
  y = y * t + 1.421413741f;
  y = y * t - 0.284496736f;
  y = y * t + 0.254829592f;
  float r = 1.0f - y * t * fexp(-ax * ax);
  return x < 0 ? -r : r;
}

enum Unary { NEG, EXP, LOG, SQRT, RSQRT, SQUARE, ABS, TANH, SIGMOID, RELU, SILU, GELU_ERF, GELU_TANH };
enum Binary { ADD, SUB, MUL, DIV };

static const float kSqrt2OverPi = 0.7978845608028654f;
static const float kGeluC = 0.044715f;
static const float kInvSqrt2 = 0.7071067811865476f;
static const float kInvSqrt2Pi = 0.3989422804014327f;

static inline float applyBinary(int op, float x, float y) {
  switch (op) {
    case ADD: return x + y;
    case SUB: return x - y;
    case MUL: return x * y;
    default: return x / y;
  }
}

template <int OP>
static inline void binaryInner(const float* a, int64_t as, const float* b, int64_t bs, float* out, int64_t n) {
  if (as == 1 && bs == 1) {
#pragma omp simd
    for (int64_t i = 0; i < n; i++) out[i] = applyBinary(OP, a[i], b[i]);
  } else if (as == 1 && bs == 0) {
    const float y = b[0];
#pragma omp simd
    for (int64_t i = 0; i < n; i++) out[i] = applyBinary(OP, a[i], y);
  } else if (as == 0 && bs == 1) {
    const float x = a[0];
#pragma omp simd
    for (int64_t i = 0; i < n; i++) out[i] = applyBinary(OP, x, b[i]);
  } else {
    for (int64_t i = 0; i < n; i++) out[i] = applyBinary(OP, a[i * as], b[i * bs]);
  }
}

// Computes output rows [lo, hi) where a "row" is one run of the last axis.
static void binary(int op, const float* a, const int64_t* as, const float* b, const int64_t* bs, float* out,
                   const int64_t* shape, int rank, int64_t lo, int64_t hi) {
  if (rank == 0) {
    out[0] = applyBinary(op, a[0], b[0]);
    return;
  }
  const int64_t n = shape[rank - 1];
  for (int64_t row = lo; row < hi; row++) {
    int64_t ai = 0, bi = 0, rem = row;
    for (int d = rank - 2; d >= 0; d--) {
      int64_t idx = rem % shape[d];
      rem /= shape[d];
      ai += idx * as[d];
      bi += idx * bs[d];
    }
    const float* pa = a + ai;
    const float* pb = b + bi;
    float* po = out + row * n;
    int64_t sa = as[rank - 1], sb = bs[rank - 1];
    switch (op) {
      case ADD: binaryInner<ADD>(pa, sa, pb, sb, po, n); break;
      case SUB: binaryInner<SUB>(pa, sa, pb, sb, po, n); break;
      case MUL: binaryInner<MUL>(pa, sa, pb, sb, po, n); break;
      default: binaryInner<DIV>(pa, sa, pb, sb, po, n); break;
    }
  }
}

static void affine(const float* x, float alpha, float beta, float* out, int64_t n) {
#pragma omp simd
  for (int64_t i = 0; i < n; i++) out[i] = alpha * x[i] + beta;
}

static void axpy(float alpha, const float* x, float* y, int64_t n) {
#pragma omp simd
  for (int64_t i = 0; i < n; i++) y[i] += alpha * x[i];
}

#define UNARY_LOOP(expr)                          \
  _Pragma("omp simd") for (int64_t i = 0; i < n; i++) { \
    const float v = x[i];                         \
    out[i] = (expr);                              \
  }                                               \
  break;

static void unary(int op, const float* x, float* out, int64_t n) {
  switch (op) {
    case NEG: UNARY_LOOP(-v)
    case EXP: UNARY_LOOP(fexp(v))
    case LOG: for (int64_t i = 0; i < n; i++) out[i] = std::log(x[i]); break;
    case SQRT: UNARY_LOOP(std::sqrt(v))
    case RSQRT: UNARY_LOOP(1.0f / std::sqrt(v))
    case SQUARE: UNARY_LOOP(v * v)
    case ABS: UNARY_LOOP(v < 0 ? -v : v)
    case TANH: UNARY_LOOP(ftanh(v))
    case SIGMOID: UNARY_LOOP(fsigmoid(v))
    case RELU: UNARY_LOOP(v > 0 ? v : (v != v ? v : 0.0f))
    case SILU: UNARY_LOOP(v * fsigmoid(v))
    case GELU_ERF: UNARY_LOOP(0.5f * v * (1.0f + ferf(v * kInvSqrt2)))
    default: UNARY_LOOP(0.5f * v * (1.0f + ftanh(kSqrt2OverPi * (v + kGeluC * v * v * v))))
  }
}

#define DUNARY_LOOP(expr)                                           \
  _Pragma("omp simd") for (int64_t i = 0; i < n; i++) {             \
    const float v = x[i];                                           \
    const float d = g[i] * (expr);                                  \
    dx[i] = acc ? dx[i] + d : d;                                    \
  }                                                                 \
  break;

static void unaryBackward(int op, const float* x, const float* g, float* dx, int64_t n, bool acc) {
  switch (op) {
    case NEG:
#pragma omp simd
      for (int64_t i = 0; i < n; i++) dx[i] = acc ? dx[i] - g[i] : -g[i];
      break;
    case EXP: DUNARY_LOOP(fexp(v))
    case LOG: DUNARY_LOOP(1.0f / v)
    case SQRT: DUNARY_LOOP(0.5f / std::sqrt(v))
    case RSQRT: DUNARY_LOOP(-0.5f / (v * std::sqrt(v)))
    case SQUARE: DUNARY_LOOP(2.0f * v)
    case ABS: DUNARY_LOOP(v > 0 ? 1.0f : (v < 0 ? -1.0f : 0.0f))
    case TANH: DUNARY_LOOP(1.0f - ftanh(v) * ftanh(v))
    case SIGMOID: DUNARY_LOOP(fsigmoid(v) * (1.0f - fsigmoid(v)))
    case RELU: DUNARY_LOOP(v > 0 ? 1.0f : 0.0f)
    case SILU: DUNARY_LOOP(fsigmoid(v) * (1.0f + v * (1.0f - fsigmoid(v))))
    case GELU_ERF: DUNARY_LOOP(0.5f * (1.0f + ferf(v * kInvSqrt2)) + v * kInvSqrt2Pi * fexp(-0.5f * v * v))
    default: {
#pragma omp simd
      for (int64_t i = 0; i < n; i++) {
        const float v = x[i];
        const float t = ftanh(kSqrt2OverPi * (v + kGeluC * v * v * v));
        const float d =
            g[i] * (0.5f * (1.0f + t) + 0.5f * v * (1.0f - t * t) * kSqrt2OverPi * (1.0f + 3.0f * kGeluC * v * v));
        dx[i] = acc ? dx[i] + d : d;
      }
    }
  }
}

static inline float rowMax(const float* x, int64_t n) {
  float m = -std::numeric_limits<float>::infinity();
#pragma omp simd reduction(max : m)
  for (int64_t i = 0; i < n; i++) m = x[i] > m ? x[i] : m;
  return m;
}

static inline float rowSum(const float* x, int64_t n) {
  float s = 0;
#pragma omp simd reduction(+ : s)
  for (int64_t i = 0; i < n; i++) s += x[i];
  return s;
}

static inline float rowDot(const float* a, const float* b, int64_t n) {
  float s = 0;
#pragma omp simd reduction(+ : s)
  for (int64_t i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

// sum over one row with x * scale - shift exponentiated.
static inline float rowExpSum(const float* x, int64_t n, float scale, float shift) {
  float s = 0;
#pragma omp simd reduction(+ : s)
  for (int64_t i = 0; i < n; i++) s += fexp(x[i] * scale - shift);
  return s;
}

static void reduceRows(int op, const float* x, float* out, int64_t rows, int64_t len, int32_t* argmax) {
  for (int64_t r = 0; r < rows; r++) {
    const float* p = x + r * len;
    if (op == 0) {
      out[r] = rowSum(p, len);
    } else {
      float best = -std::numeric_limits<float>::infinity();
      int32_t bi = 0;
      for (int64_t l = 0; l < len; l++) {
        if (p[l] > best || p[l] != p[l]) {
          best = p[l];
          bi = static_cast<int32_t>(l);
          if (p[l] != p[l]) break;
        }
      }
      out[r] = best;
      if (argmax) argmax[r] = bi;
    }
  }
}

// One outer block: out[inner] reduced over len (sequential over len: deterministic).
static void reduceInner(int op, const float* x, float* out, int64_t len, int64_t inner, int32_t* argmax) {
  if (op == 0) {
    std::memset(out, 0, sizeof(float) * inner);
    for (int64_t l = 0; l < len; l++) {
      const float* p = x + l * inner;
#pragma omp simd
      for (int64_t i = 0; i < inner; i++) out[i] += p[i];
    }
  } else {
    for (int64_t i = 0; i < inner; i++) {
      float best = -std::numeric_limits<float>::infinity();
      int32_t bi = 0;
      for (int64_t l = 0; l < len; l++) {
        float v = x[l * inner + i];
        if (v > best || v != v) {
          best = v;
          bi = static_cast<int32_t>(l);
          if (v != v) break;
        }
      }
      out[i] = best;
      if (argmax) argmax[i] = bi;
    }
  }
}

static double sumSquares(const float* x, int64_t n) {
  double s = 0;
#pragma omp simd reduction(+ : s)
  for (int64_t i = 0; i < n; i++) s += static_cast<double>(x[i]) * static_cast<double>(x[i]);
  return s;
}

static inline float lseOf(const float* x, int64_t cols, float invTemp) {
  const float m = rowMax(x, cols);  // invTemp > 0, so max(x * invTemp) = max(x) * invTemp
  if (m == -std::numeric_limits<float>::infinity()) return m;
  const float shift = m * invTemp;
  return shift + std::log(rowExpSum(x, cols, invTemp, shift));
}

static void softmax(const float* x, float* out, int64_t rows, int64_t cols, bool log) {
  for (int64_t r = 0; r < rows; r++) {
    const float* p = x + r * cols;
    float* o = out + r * cols;
    const float l = lseOf(p, cols, 1.0f);
    if (log) {
#pragma omp simd
      for (int64_t j = 0; j < cols; j++) o[j] = p[j] - l;
    } else {
#pragma omp simd
      for (int64_t j = 0; j < cols; j++) o[j] = fexp(p[j] - l);
    }
  }
}

static void softmaxBackward(const float* y, const float* g, float* dx, int64_t rows, int64_t cols, bool log,
                            bool acc) {
  for (int64_t r = 0; r < rows; r++) {
    const float* py = y + r * cols;
    const float* pg = g + r * cols;
    float* pd = dx + r * cols;
    if (log) {
      const float dot = rowSum(pg, cols);
#pragma omp simd
      for (int64_t j = 0; j < cols; j++) {
        const float v = pg[j] - fexp(py[j]) * dot;
        pd[j] = acc ? pd[j] + v : v;
      }
    } else {
      const float dot = rowDot(pg, py, cols);
#pragma omp simd
      for (int64_t j = 0; j < cols; j++) {
        const float v = py[j] * (pg[j] - dot);
        pd[j] = acc ? pd[j] + v : v;
      }
    }
  }
}

static void logSoftmaxGather(const float* x, const int32_t* t, float* out, float* lse, int64_t rows, int64_t cols,
                             float invTemp) {
  for (int64_t r = 0; r < rows; r++) {
    const float* p = x + r * cols;
    const float l = lseOf(p, cols, invTemp);
    lse[r] = l;
    out[r] = p[t[r]] * invTemp - l;
  }
}

static void logSoftmaxGatherBackward(const float* x, const int32_t* t, const float* lse, const float* g, float* dx,
                                     int64_t rows, int64_t cols, float invTemp, bool acc) {
  for (int64_t r = 0; r < rows; r++) {
    const float* p = x + r * cols;
    float* d = dx + r * cols;
    const float l = lse[r];
    const float gr = g[r] * invTemp;
#pragma omp simd
    for (int64_t j = 0; j < cols; j++) {
      const float v = -gr * fexp(p[j] * invTemp - l);
      d[j] = acc ? d[j] + v : v;
    }
    d[t[r]] += gr;
  }
}

static void entropy(const float* x, float* out, float* lse, int64_t rows, int64_t cols, float invTemp) {
  for (int64_t r = 0; r < rows; r++) {
    const float* p = x + r * cols;
    const float l = lseOf(p, cols, invTemp);
    lse[r] = l;
    float pz = 0;
#pragma omp simd reduction(+ : pz)
    for (int64_t j = 0; j < cols; j++) {
      const float z = p[j] * invTemp;
      pz += fexp(z - l) * z;
    }
    out[r] = l - pz;
  }
}

static void entropyBackward(const float* x, const float* lse, const float* h, const float* g, float* dx, int64_t rows,
                            int64_t cols, float invTemp, bool acc) {
  for (int64_t r = 0; r < rows; r++) {
    const float* p = x + r * cols;
    float* d = dx + r * cols;
    const float l = lse[r];
    const float shift = h[r] - l;
    const float gr = g[r] * invTemp;
#pragma omp simd
    for (int64_t j = 0; j < cols; j++) {
      const float z = p[j] * invTemp;
      const float v = -gr * fexp(z - l) * (z + shift);
      d[j] = acc ? d[j] + v : v;
    }
  }
}

static void rmsNorm(const float* x, const float* w, float* out, float* rstd, int64_t rows, int64_t cols, float eps) {
  for (int64_t r = 0; r < rows; r++) {
    const float* p = x + r * cols;
    float* o = out + r * cols;
    const float rs = 1.0f / std::sqrt(rowDot(p, p, cols) / static_cast<float>(cols) + eps);
    rstd[r] = rs;
#pragma omp simd
    for (int64_t j = 0; j < cols; j++) o[j] = p[j] * rs * w[j];
  }
}

static void rmsNormBackwardDx(const float* x, const float* w, const float* rstd, const float* g, float* dx,
                              int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; r++) {
    const float* p = x + r * cols;
    const float* pg = g + r * cols;
    float* d = dx + r * cols;
    const float rs = rstd[r];
    float dot = 0;
#pragma omp simd reduction(+ : dot)
    for (int64_t j = 0; j < cols; j++) dot += pg[j] * w[j] * p[j];
    const float c = dot / static_cast<float>(cols) * rs * rs;
#pragma omp simd
    for (int64_t j = 0; j < cols; j++) d[j] = rs * (pg[j] * w[j] - p[j] * c);
  }
}

static void layerNorm(const float* x, const float* w, const float* b, float* out, float* mean, float* rstd,
                      int64_t rows, int64_t cols, float eps) {
  for (int64_t r = 0; r < rows; r++) {
    const float* p = x + r * cols;
    float* o = out + r * cols;
    const float mu = rowSum(p, cols) / static_cast<float>(cols);
    float var = 0;
#pragma omp simd reduction(+ : var)
    for (int64_t j = 0; j < cols; j++) var += (p[j] - mu) * (p[j] - mu);
    const float rs = 1.0f / std::sqrt(var / static_cast<float>(cols) + eps);
    mean[r] = mu;
    rstd[r] = rs;
#pragma omp simd
    for (int64_t j = 0; j < cols; j++) o[j] = (p[j] - mu) * rs * (w ? w[j] : 1.0f) + (b ? b[j] : 0.0f);
  }
}

static void layerNormBackwardDx(const float* x, const float* w, const float* mean, const float* rstd, const float* g,
                                float* dx, int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; r++) {
    const float* p = x + r * cols;
    const float* pg = g + r * cols;
    float* d = dx + r * cols;
    const float mu = mean[r], rs = rstd[r];
    float sg = 0, sgn = 0;
#pragma omp simd reduction(+ : sg, sgn)
    for (int64_t j = 0; j < cols; j++) {
      const float gw = pg[j] * (w ? w[j] : 1.0f);
      sg += gw;
      sgn += gw * (p[j] - mu) * rs;
    }
    const float mg = sg / static_cast<float>(cols), mgn = sgn / static_cast<float>(cols);
#pragma omp simd
    for (int64_t j = 0; j < cols; j++) d[j] = rs * (pg[j] * (w ? w[j] : 1.0f) - mg - (p[j] - mu) * rs * mgn);
  }
}

static void swiglu(const float* gate, const float* up, float* out, int64_t n) {
#pragma omp simd
  for (int64_t i = 0; i < n; i++) out[i] = gate[i] * fsigmoid(gate[i]) * up[i];
}

static void swigluBackward(const float* gate, const float* up, const float* g, float* dgate, float* dup, int64_t n) {
#pragma omp simd
  for (int64_t i = 0; i < n; i++) {
    const float a = gate[i];
    const float s = fsigmoid(a);
    dup[i] = g[i] * a * s;
    dgate[i] = g[i] * up[i] * s * (1.0f + a * (1.0f - s));
  }
}

// Tokens [lo, hi) of x [tokens, heads, headDim].
static void rope(const float* x, float* out, const float* cos, const float* sin, const int32_t* pos, int64_t lo,
                 int64_t hi, int64_t heads, int64_t headDim, bool inverse) {
  const int64_t half = headDim / 2;
  const float sign = inverse ? -1.0f : 1.0f;
  for (int64_t t = lo; t < hi; t++) {
    const float* c = cos + static_cast<int64_t>(pos[t]) * half;
    const float* s = sin + static_cast<int64_t>(pos[t]) * half;
    for (int64_t h = 0; h < heads; h++) {
      const float* px = x + (t * heads + h) * headDim;
      float* po = out + (t * heads + h) * headDim;
#pragma omp simd
      for (int64_t i = 0; i < half; i++) {
        const float a = px[i], b = px[i + half], si = sign * s[i];
        po[i] = a * c[i] - b * si;
        po[i + half] = b * c[i] + a * si;
      }
    }
  }
}

static void adamw(float* p, const float* g, float* m, float* v, int64_t n, float lr, float b1, float b2, float eps,
                  float wd, float bias1, float bias2, float gradScale) {
  const float decay = 1.0f - lr * wd;
  const float stepSize = lr / bias1;
  const float sqrtBias2 = std::sqrt(bias2);
#pragma omp simd
  for (int64_t i = 0; i < n; i++) {
    const float gi = g[i] * gradScale;
    const float mi = b1 * m[i] + (1.0f - b1) * gi;
    const float vi = b2 * v[i] + (1.0f - b2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    const float denom = std::sqrt(vi) / sqrtBias2 + eps;
    p[i] = p[i] * decay - stepSize * mi / denom;
  }
}

static float dot(const float* a, const float* b, int64_t n) { return rowDot(a, b, n); }

static void scaledAdd(float* y, const float* x, float alpha, int64_t n) {
#pragma omp simd
  for (int64_t i = 0; i < n; i++) y[i] += alpha * x[i];
}

static void expShift(float* x, int64_t n, float scale, float shift) {
#pragma omp simd
  for (int64_t i = 0; i < n; i++) x[i] = fexp(x[i] * scale - shift);
}

static float softmaxInPlace(float* x, int64_t n) {
  const float m = rowMax(x, n);
  float sum = 0;
#pragma omp simd reduction(+ : sum)
  for (int64_t i = 0; i < n; i++) {
    const float e = fexp(x[i] - m);
    x[i] = e;
    sum += e;
  }
  const float inv = 1.0f / sum;
#pragma omp simd
  for (int64_t i = 0; i < n; i++) x[i] *= inv;
  return m + std::log(sum);
}

// 8-float vectors (GCC vector extensions: one ymm register with AVX2, two xmm in the generic build);
// v8u is the unaligned, aliasing view used for loads and stores.
typedef float v8f __attribute__((vector_size(32)));
typedef float v8u __attribute__((vector_size(32), aligned(4), may_alias));

static inline v8f load8(const float* p) { return *reinterpret_cast<const v8u*>(p); }
static inline void store8(float* p, v8f v) { *reinterpret_cast<v8u*>(p) = v; }
static inline float hsum8(v8f v) {
  return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]));
}

static void dotRows(const float* q, const float* k, int64_t ldk, int64_t n, int64_t d, float alpha, float* out) {
  const int64_t d8 = d & ~int64_t(7);
  int64_t j = 0;
  for (; j + 4 <= n; j += 4) {
    const float* k0 = k + j * ldk;
    v8f a0 = {}, a1 = {}, a2 = {}, a3 = {};
    for (int64_t p = 0; p < d8; p += 8) {
      const v8f x = load8(q + p);
      a0 += x * load8(k0 + p);
      a1 += x * load8(k0 + ldk + p);
      a2 += x * load8(k0 + 2 * ldk + p);
      a3 += x * load8(k0 + 3 * ldk + p);
    }
    float r[4] = {hsum8(a0), hsum8(a1), hsum8(a2), hsum8(a3)};
    for (int64_t p = d8; p < d; p++)
      for (int u = 0; u < 4; u++) r[u] += q[p] * k0[u * ldk + p];
    for (int u = 0; u < 4; u++) out[j + u] = alpha * r[u];
  }
  for (; j < n; j++) out[j] = alpha * rowDot(q, k + j * ldk, d);
}

// Dot products of 2 rows of A with 4 rows of B per tile (8 vector accumulators, kept in registers).
static void smallGemmNT(int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda, const float* b,
                        int64_t ldb, float beta, float* c, int64_t ldc) {
  const int64_t k8 = k & ~int64_t(7);
  for (int64_t i = 0; i < m; i += 2) {
    const int64_t mi = std::min<int64_t>(2, m - i);
    const float* a0 = a + i * lda;
    const float* a1 = a + (i + mi - 1) * lda;
    for (int64_t j = 0; j < n; j += 4) {
      const int64_t nj = std::min<int64_t>(4, n - j);
      const float* b0 = b + j * ldb;
      const float* b1 = b + (j + std::min<int64_t>(1, nj - 1)) * ldb;
      const float* b2 = b + (j + std::min<int64_t>(2, nj - 1)) * ldb;
      const float* b3 = b + (j + std::min<int64_t>(3, nj - 1)) * ldb;
      v8f c00 = {}, c01 = {}, c02 = {}, c03 = {}, c10 = {}, c11 = {}, c12 = {}, c13 = {};
      for (int64_t p = 0; p < k8; p += 8) {
        const v8f x0 = load8(a0 + p), x1 = load8(a1 + p);
        v8f y = load8(b0 + p);
        c00 += x0 * y;
        c10 += x1 * y;
        y = load8(b1 + p);
        c01 += x0 * y;
        c11 += x1 * y;
        y = load8(b2 + p);
        c02 += x0 * y;
        c12 += x1 * y;
        y = load8(b3 + p);
        c03 += x0 * y;
        c13 += x1 * y;
      }
      float r[2][4] = {{hsum8(c00), hsum8(c01), hsum8(c02), hsum8(c03)}, {hsum8(c10), hsum8(c11), hsum8(c12), hsum8(c13)}};
      const float* rows[2] = {a0, a1};
      const float* cols[4] = {b0, b1, b2, b3};
      for (int64_t p = k8; p < k; p++)
        for (int u = 0; u < 2; u++)
          for (int q = 0; q < 4; q++) r[u][q] += rows[u][p] * cols[q][p];
      for (int64_t u = 0; u < mi; u++)
        for (int64_t q = 0; q < nj; q++) {
          float* cp = c + (i + u) * ldc + j + q;
          const float v = alpha * r[u][q];
          *cp = beta == 0.0f ? v : v + *cp;
        }
    }
  }
}

// Outer-product form: rows i, i+1 of C accumulate rows of B scaled by A(i, p), A(i+1, p); 32 columns
// (8 accumulators) at a time, then 8, then single columns.
static void smallGemmXN(int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t aRow, int64_t aCol,
                        const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  const int64_t n32 = n & ~int64_t(31), n8 = n & ~int64_t(7);
  auto finish = [&](float* cp, v8f acc) {
    v8f v = alpha * acc;
    if (beta != 0.0f) v += load8(cp);
    store8(cp, v);
  };
  for (int64_t i = 0; i < m; i += 2) {
    const bool two = i + 1 < m;
    const float* a0 = a + i * aRow;
    const float* a1 = a + (two ? i + 1 : i) * aRow;
    float* c0 = c + i * ldc;
    float* c1 = c + (i + 1) * ldc;
    for (int64_t j = 0; j < n32; j += 32) {
      v8f x0 = {}, x1 = {}, x2 = {}, x3 = {}, y0 = {}, y1 = {}, y2 = {}, y3 = {};
      for (int64_t p = 0; p < k; p++) {
        const float s0 = a0[p * aCol], s1 = a1[p * aCol];
        const float* bp = b + p * ldb + j;
        const v8f b0 = load8(bp), b1 = load8(bp + 8), b2 = load8(bp + 16), b3 = load8(bp + 24);
        x0 += s0 * b0;
        x1 += s0 * b1;
        x2 += s0 * b2;
        x3 += s0 * b3;
        y0 += s1 * b0;
        y1 += s1 * b1;
        y2 += s1 * b2;
        y3 += s1 * b3;
      }
      finish(c0 + j, x0);
      finish(c0 + j + 8, x1);
      finish(c0 + j + 16, x2);
      finish(c0 + j + 24, x3);
      if (two) {
        finish(c1 + j, y0);
        finish(c1 + j + 8, y1);
        finish(c1 + j + 16, y2);
        finish(c1 + j + 24, y3);
      }
    }
    for (int64_t j = n32; j < n8; j += 8) {
      v8f x = {}, y = {};
      for (int64_t p = 0; p < k; p++) {
        const v8f bv = load8(b + p * ldb + j);
        x += a0[p * aCol] * bv;
        y += a1[p * aCol] * bv;
      }
      finish(c0 + j, x);
      if (two) finish(c1 + j, y);
    }
    for (int64_t j = n8; j < n; j++) {
      float x = 0, y = 0;
      for (int64_t p = 0; p < k; p++) {
        x += a0[p * aCol] * b[p * ldb + j];
        y += a1[p * aCol] * b[p * ldb + j];
      }
      c0[j] = beta == 0.0f ? alpha * x : alpha * x + c0[j];
      if (two) c1[j] = beta == 0.0f ? alpha * y : alpha * y + c1[j];
    }
  }
}

static const KernelTable table = {
    OMNI_STR(OMNI_ISA), binary, affine, axpy, unary, unaryBackward, reduceRows, reduceInner, sumSquares, softmax,
    softmaxBackward, logSoftmaxGather, logSoftmaxGatherBackward, entropy, entropyBackward, rmsNorm,
    rmsNormBackwardDx, layerNorm, layerNormBackwardDx, swiglu, swigluBackward, rope, adamw, dot, scaledAdd,
    expShift, softmaxInPlace, dotRows, smallGemmNT, smallGemmXN,
};

}  // namespace isa_
}  // namespace omni

const omni::KernelTable* OMNI_CAT(omni::kernels_, OMNI_ISA)() { return &omni::OMNI_CAT(isa_, OMNI_ISA)::table; }
