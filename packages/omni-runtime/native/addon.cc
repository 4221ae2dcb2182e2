// N-API bindings of the native float32 kernels. The SIMD kernel table is chosen once at load time
// from the CPU's features; GEMMs go to OpenBLAS (kept at one thread: we split work ourselves so the
// split is fixed and results do not depend on the thread count); attention is fused here on top of
// sgemm. Work is spread over the pool only above per-kernel size thresholds: at tiny sizes one
// thread is faster than two.
#include <napi.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kernels.h"
#include "threadpool.h"

extern "C" {
#include <cblas.h>
void openblas_set_num_threads(int num_threads);
}

namespace omni {
namespace {

const KernelTable* K = nullptr;
ThreadPool* pool = nullptr;

// Minimum work (multiply-adds or elements) per part before a kernel uses another thread.
constexpr int64_t kGemmWorkPerThread = 1 << 21;
constexpr int64_t kElemsPerThread = 1 << 15;

const KernelTable* chooseKernels() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512dq"))
    return kernels_avx512();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return kernels_avx2();
  return kernels_generic();
}

int partsFor(int64_t work, int64_t perThread) {
  int64_t p = work / perThread;
  return static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(p, pool->threads())));
}

// A GEMM's split into sub-GEMMs depends on its size only (never on the thread count): OpenBLAS may
// pick different kernels for different sub-shapes, so a thread-dependent split would change the bits.
// Parts keep at least kGemmMinRows rows (or columns) each: thinner sub-GEMMs lose BLAS efficiency,
// which a single thread would pay for nothing.
constexpr int kGemmMaxParts = 4;
constexpr int64_t kGemmMinRows = 128;
int gemmParts(int64_t m, int64_t n, int64_t k) {
  const int64_t bySize = (m * n * k) / kGemmWorkPerThread;
  const int64_t byShape = std::max(m, n) / kGemmMinRows;
  return static_cast<int>(std::max<int64_t>(1, std::min<int64_t>({bySize, byShape, int64_t{kGemmMaxParts}})));
}

float* F(const Napi::Value& v) { return v.As<Napi::Float32Array>().Data(); }
float* FN(const Napi::Value& v) { return v.IsNull() || v.IsUndefined() ? nullptr : F(v); }
int32_t* I(const Napi::Value& v) { return v.As<Napi::Int32Array>().Data(); }
int32_t* IN(const Napi::Value& v) { return v.IsNull() || v.IsUndefined() ? nullptr : I(v); }
int64_t L(const Napi::Value& v) { return static_cast<int64_t>(v.As<Napi::Number>().DoubleValue()); }
float D(const Napi::Value& v) { return static_cast<float>(v.As<Napi::Number>().DoubleValue()); }
bool B(const Napi::Value& v) { return v.As<Napi::Boolean>().Value(); }

// C = alpha op(A) op(B) + beta C, row-major, with leading dimensions.
void sgemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
           const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    for (int64_t i = 0; i < m; i++)
      for (int64_t j = 0; j < n; j++) c[i * ldc + j] = beta == 0 ? 0.0f : beta * c[i * ldc + j];
    return;
  }
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, static_cast<int>(m),
              static_cast<int>(n), static_cast<int>(k), alpha, a, static_cast<int>(lda), b, static_cast<int>(ldb), beta,
              c, static_cast<int>(ldc));
}

// One GEMM split over threads by rows of C (or by columns when C has few rows).
void gemmParallel(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a, const float* b,
                  float beta, float* c) {
  const int64_t lda = ta ? m : k, ldb = tb ? k : n;
  const int parts = gemmParts(m, n, k);
  if (parts <= 1) {
    sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, n);
    return;
  }
  if (m >= n) {
    // Split rows in multiples of 16 so every part keeps OpenBLAS's full micro-tiles.
    const int64_t blocks = (m + 15) / 16;
    pool->run(blocks, parts, [&](int64_t lo, int64_t hi) {
      const int64_t r0 = lo * 16, r1 = std::min(m, hi * 16);
      if (r1 > r0) sgemm(ta, tb, r1 - r0, n, k, alpha, ta ? a + r0 : a + r0 * lda, lda, b, ldb, beta, c + r0 * n, n);
    });
  } else {
    const int64_t blocks = (n + 15) / 16;
    pool->run(blocks, parts, [&](int64_t lo, int64_t hi) {
      const int64_t c0 = lo * 16, c1 = std::min(n, hi * 16);
      if (c1 > c0) sgemm(ta, tb, m, c1 - c0, k, alpha, a, lda, tb ? b + c0 * ldb : b + c0, ldb, beta, c + c0, n);
    });
  }
}

Napi::Value Gemm(const Napi::CallbackInfo& info) {
  const bool ta = B(info[0]), tb = B(info[1]);
  const int64_t m = L(info[2]), n = L(info[3]), k = L(info[4]);
  const float alpha = D(info[5]);
  const float* a = F(info[6]) + L(info[7]);
  const int64_t as = L(info[8]);
  const float* b = F(info[9]) + L(info[10]);
  const int64_t bs = L(info[11]);
  const float beta = D(info[12]);
  float* c = F(info[13]) + L(info[14]);
  const int64_t cs = L(info[15]), batch = L(info[16]);
  if (batch == 1) {
    gemmParallel(ta, tb, m, n, k, alpha, a, b, beta, c);
  } else {
    const int parts = partsFor(batch * m * n * k, kGemmWorkPerThread);
    pool->run(batch, parts, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; i++)
        sgemm(ta, tb, m, n, k, alpha, a + i * as, ta ? m : k, b + i * bs, tb ? k : n, beta, c + i * cs, n);
    });
  }
  return info.Env().Undefined();
}

Napi::Value Binary(const Napi::CallbackInfo& info) {
  const int op = static_cast<int>(L(info[0]));
  const float* a = F(info[1]);
  Napi::Int32Array asv = info[2].As<Napi::Int32Array>();
  const float* b = F(info[3]);
  Napi::Int32Array bsv = info[4].As<Napi::Int32Array>();
  float* out = F(info[5]);
  Napi::Int32Array shv = info[6].As<Napi::Int32Array>();
  const int rank = static_cast<int>(shv.ElementLength());
  int64_t as[8], bs[8], sh[8];
  int64_t total = 1;
  for (int i = 0; i < rank; i++) {
    as[i] = asv[i];
    bs[i] = bsv[i];
    sh[i] = shv[i];
    total *= sh[i];
  }
  if (total == 0) return info.Env().Undefined();
  const int64_t rows = rank == 0 ? 1 : total / sh[rank - 1];
  const int parts = partsFor(total, kElemsPerThread);
  pool->run(rows, parts, [&](int64_t lo, int64_t hi) { K->binary(op, a, as, b, bs, out, sh, rank, lo, hi); });
  return info.Env().Undefined();
}

// Runs an elementwise kernel over [0, n) in parallel chunks of whole elements.
template <typename Fn>
void elementwise(int64_t n, Fn fn) {
  const int parts = partsFor(n, kElemsPerThread);
  const int64_t blocks = (n + 15) / 16;
  pool->run(blocks, parts, [&](int64_t lo, int64_t hi) {
    const int64_t i0 = lo * 16, i1 = std::min(n, hi * 16);
    if (i1 > i0) fn(i0, i1 - i0);
  });
}

// Runs a row kernel over rows [0, rows) of width cols in parallel.
template <typename Fn>
void rowwise(int64_t rows, int64_t cols, Fn fn) {
  const int parts = partsFor(rows * std::max<int64_t>(cols, 1), kElemsPerThread);
  pool->run(rows, parts, [&](int64_t lo, int64_t hi) { fn(lo, hi - lo); });
}

Napi::Value Affine(const Napi::CallbackInfo& info) {
  const float* x = F(info[0]);
  const float alpha = D(info[1]), beta = D(info[2]);
  float* out = F(info[3]);
  elementwise(L(info[4]), [&](int64_t o, int64_t n) { K->affine(x + o, alpha, beta, out + o, n); });
  return info.Env().Undefined();
}

Napi::Value Axpy(const Napi::CallbackInfo& info) {
  const float alpha = D(info[0]);
  const float* x = F(info[1]);
  float* y = F(info[2]);
  elementwise(L(info[3]), [&](int64_t o, int64_t n) { K->axpy(alpha, x + o, y + o, n); });
  return info.Env().Undefined();
}

Napi::Value Unary(const Napi::CallbackInfo& info) {
  const int op = static_cast<int>(L(info[0]));
  const float* x = F(info[1]);
  float* out = F(info[2]);
  elementwise(L(info[3]), [&](int64_t o, int64_t n) { K->unary(op, x + o, out + o, n); });
  return info.Env().Undefined();
}

Napi::Value UnaryBackward(const Napi::CallbackInfo& info) {
  const int op = static_cast<int>(L(info[0]));
  const float *x = F(info[1]), *g = F(info[2]);
  float* dx = F(info[3]);
  const bool acc = B(info[5]);
  elementwise(L(info[4]), [&](int64_t o, int64_t n) { K->unaryBackward(op, x + o, g + o, dx + o, n, acc); });
  return info.Env().Undefined();
}

Napi::Value Reduce(const Napi::CallbackInfo& info) {
  const int op = static_cast<int>(L(info[0]));
  const float* x = F(info[1]);
  float* out = F(info[2]);
  const int64_t outer = L(info[3]), len = L(info[4]), inner = L(info[5]);
  int32_t* argmax = IN(info[6]);
  if (inner == 1) {
    rowwise(outer, len, [&](int64_t r0, int64_t nr) {
      K->reduceRows(op, x + r0 * len, out + r0, nr, len, argmax ? argmax + r0 : nullptr);
    });
  } else if (outer >= pool->threads() || outer * len * inner < kElemsPerThread) {
    rowwise(outer, len * inner, [&](int64_t o0, int64_t no) {
      for (int64_t o = o0; o < o0 + no; o++)
        K->reduceInner(op, x + o * len * inner, out + o * inner, len, inner, argmax ? argmax + o * inner : nullptr);
    });
  } else {
    // Few outer blocks (e.g. a bias gradient): split the inner axis instead; order over len is unchanged.
    for (int64_t o = 0; o < outer; o++) {
      const float* xo = x + o * len * inner;
      float* oo = out + o * inner;
      int32_t* ao = argmax ? argmax + o * inner : nullptr;
      if (op == 0) {
        elementwise(inner, [&](int64_t i0, int64_t ni) {
          std::memset(oo + i0, 0, sizeof(float) * ni);
          for (int64_t l = 0; l < len; l++) K->axpy(1.0f, xo + l * inner + i0, oo + i0, ni);
        });
      } else {
        K->reduceInner(op, xo, oo, len, inner, ao);
      }
    }
  }
  return info.Env().Undefined();
}

Napi::Value SumSquares(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), K->sumSquares(F(info[0]), L(info[1])));
}

Napi::Value Softmax(const Napi::CallbackInfo& info) {
  const float* x = F(info[0]);
  float* out = F(info[1]);
  const int64_t rows = L(info[2]), cols = L(info[3]);
  const bool log = B(info[4]);
  rowwise(rows, cols, [&](int64_t r, int64_t n) { K->softmax(x + r * cols, out + r * cols, n, cols, log); });
  return info.Env().Undefined();
}

Napi::Value SoftmaxBackward(const Napi::CallbackInfo& info) {
  const float *y = F(info[0]), *g = F(info[1]);
  float* dx = F(info[2]);
  const int64_t rows = L(info[3]), cols = L(info[4]);
  const bool log = B(info[5]), acc = B(info[6]);
  rowwise(rows, cols, [&](int64_t r, int64_t n) {
    K->softmaxBackward(y + r * cols, g + r * cols, dx + r * cols, n, cols, log, acc);
  });
  return info.Env().Undefined();
}

Napi::Value LogSoftmaxGather(const Napi::CallbackInfo& info) {
  const float* x = F(info[0]);
  const int32_t* t = I(info[1]);
  float *out = F(info[2]), *lse = F(info[3]);
  const int64_t rows = L(info[4]), cols = L(info[5]);
  const float it = D(info[6]);
  rowwise(rows, cols, [&](int64_t r, int64_t n) { K->logSoftmaxGather(x + r * cols, t + r, out + r, lse + r, n, cols, it); });
  return info.Env().Undefined();
}

Napi::Value LogSoftmaxGatherBackward(const Napi::CallbackInfo& info) {
  const float* x = F(info[0]);
  const int32_t* t = I(info[1]);
  const float *lse = F(info[2]), *g = F(info[3]);
  float* dx = F(info[4]);
  const int64_t rows = L(info[5]), cols = L(info[6]);
  const float it = D(info[7]);
  const bool acc = B(info[8]);
  rowwise(rows, cols, [&](int64_t r, int64_t n) {
    K->logSoftmaxGatherBackward(x + r * cols, t + r, lse + r, g + r, dx + r * cols, n, cols, it, acc);
  });
  return info.Env().Undefined();
}

Napi::Value Entropy(const Napi::CallbackInfo& info) {
  const float* x = F(info[0]);
  float *out = F(info[1]), *lse = F(info[2]);
  const int64_t rows = L(info[3]), cols = L(info[4]);
  const float it = D(info[5]);
  rowwise(rows, cols, [&](int64_t r, int64_t n) { K->entropy(x + r * cols, out + r, lse + r, n, cols, it); });
  return info.Env().Undefined();
}

Napi::Value EntropyBackward(const Napi::CallbackInfo& info) {
  const float *x = F(info[0]), *lse = F(info[1]), *h = F(info[2]), *g = F(info[3]);
  float* dx = F(info[4]);
  const int64_t rows = L(info[5]), cols = L(info[6]);
  const float it = D(info[7]);
  const bool acc = B(info[8]);
  rowwise(rows, cols, [&](int64_t r, int64_t n) {
    K->entropyBackward(x + r * cols, lse + r, h + r, g + r, dx + r * cols, n, cols, it, acc);
  });
  return info.Env().Undefined();
}

Napi::Value CopyBlocks(const Napi::CallbackInfo& info) {
  const float* src = F(info[0]) + L(info[1]);
  const int64_t srcStride = L(info[2]);
  float* dst = F(info[3]) + L(info[4]);
  const int64_t dstStride = L(info[5]), outer = L(info[6]), n = L(info[7]);
  for (int64_t o = 0; o < outer; o++) std::memcpy(dst + o * dstStride, src + o * srcStride, sizeof(float) * n);
  return info.Env().Undefined();
}

// x [B, C, L] -> cols [B, C*K, Lout]: cols[b, c*K + j, o] = x[b, c, o*stride + j - padding] (0 outside).
Napi::Value Im2col(const Napi::CallbackInfo& info) {
  const float* x = F(info[0]);
  float* cols = F(info[1]);
  const int64_t B = L(info[2]), C = L(info[3]), len = L(info[4]), Kk = L(info[5]), stride = L(info[6]),
                pad = L(info[7]), outLen = L(info[8]);
  rowwise(B * C, Kk * outLen, [&](int64_t r0, int64_t nr) {
    for (int64_t bc = r0; bc < r0 + nr; bc++) {
      const float* xr = x + bc * len;
      for (int64_t j = 0; j < Kk; j++) {
        float* out = cols + (bc * Kk + j) * outLen;
        for (int64_t o = 0; o < outLen; o++) {
          const int64_t src = o * stride + j - pad;
          out[o] = src >= 0 && src < len ? xr[src] : 0.0f;
        }
      }
    }
  });
  return info.Env().Undefined();
}

// Adjoint of Im2col: dx [B, C, L] written (sum over the kernel taps, in tap order).
Napi::Value Col2im(const Napi::CallbackInfo& info) {
  const float* dcols = F(info[0]);
  float* dx = F(info[1]);
  const int64_t B = L(info[2]), C = L(info[3]), len = L(info[4]), Kk = L(info[5]), stride = L(info[6]),
                pad = L(info[7]), outLen = L(info[8]);
  rowwise(B * C, Kk * outLen, [&](int64_t r0, int64_t nr) {
    for (int64_t bc = r0; bc < r0 + nr; bc++) {
      float* xr = dx + bc * len;
      std::memset(xr, 0, sizeof(float) * len);
      for (int64_t j = 0; j < Kk; j++) {
        const float* in = dcols + (bc * Kk + j) * outLen;
        for (int64_t o = 0; o < outLen; o++) {
          const int64_t dst = o * stride + j - pad;
          if (dst >= 0 && dst < len) xr[dst] += in[o];
        }
      }
    }
  });
  return info.Env().Undefined();
}

Napi::Value Embedding(const Napi::CallbackInfo& info) {
  const float* w = F(info[0]);
  const int32_t* ids = I(info[1]);
  float* out = F(info[2]);
  const int64_t n = L(info[3]), dim = L(info[4]);
  for (int64_t i = 0; i < n; i++) std::memcpy(out + i * dim, w + static_cast<int64_t>(ids[i]) * dim, sizeof(float) * dim);
  return info.Env().Undefined();
}

Napi::Value EmbeddingBackward(const Napi::CallbackInfo& info) {
  const float* g = F(info[0]);
  const int32_t* ids = I(info[1]);
  float* dw = F(info[2]);
  const int64_t n = L(info[3]), dim = L(info[4]);
  for (int64_t i = 0; i < n; i++) K->axpy(1.0f, g + i * dim, dw + static_cast<int64_t>(ids[i]) * dim, dim);
  return info.Env().Undefined();
}

Napi::Value RmsNorm(const Napi::CallbackInfo& info) {
  const float *x = F(info[0]), *w = F(info[1]);
  float *out = F(info[2]), *rstd = F(info[3]);
  const int64_t rows = L(info[4]), cols = L(info[5]);
  const float eps = D(info[6]);
  rowwise(rows, cols, [&](int64_t r, int64_t n) { K->rmsNorm(x + r * cols, w, out + r * cols, rstd + r, n, cols, eps); });
  return info.Env().Undefined();
}

// dw[j] += sum_r g[r,j] * x[r,j] * rstd[r] (rows in order; split over columns: deterministic).
void normWeightGrad(const float* x, const float* mean, const float* rstd, const float* g, float* dw, float* db,
                    int64_t rows, int64_t cols) {
  elementwise(cols, [&](int64_t j0, int64_t nj) {
    for (int64_t r = 0; r < rows; r++) {
      const float* pg = g + r * cols + j0;
      const float* px = x + r * cols + j0;
      const float mu = mean ? mean[r] : 0.0f, rs = rstd[r];
      for (int64_t j = 0; j < nj; j++) {
        if (dw) dw[j0 + j] += pg[j] * (px[j] - mu) * rs;
        if (db) db[j0 + j] += pg[j];
      }
    }
  });
}

Napi::Value RmsNormBackward(const Napi::CallbackInfo& info) {
  const float *x = F(info[0]), *w = F(info[1]), *rstd = F(info[2]), *g = F(info[3]);
  float *dx = F(info[4]), *dw = FN(info[5]);
  const int64_t rows = L(info[6]), cols = L(info[7]);
  rowwise(rows, cols, [&](int64_t r, int64_t n) {
    K->rmsNormBackwardDx(x + r * cols, w, rstd + r, g + r * cols, dx + r * cols, n, cols);
  });
  if (dw) normWeightGrad(x, nullptr, rstd, g, dw, nullptr, rows, cols);
  return info.Env().Undefined();
}

Napi::Value LayerNorm(const Napi::CallbackInfo& info) {
  const float *x = F(info[0]), *w = FN(info[1]), *b = FN(info[2]);
  float *out = F(info[3]), *mean = F(info[4]), *rstd = F(info[5]);
  const int64_t rows = L(info[6]), cols = L(info[7]);
  const float eps = D(info[8]);
  rowwise(rows, cols, [&](int64_t r, int64_t n) {
    K->layerNorm(x + r * cols, w, b, out + r * cols, mean + r, rstd + r, n, cols, eps);
  });
  return info.Env().Undefined();
}

Napi::Value LayerNormBackward(const Napi::CallbackInfo& info) {
  const float *x = F(info[0]), *w = FN(info[1]), *mean = F(info[2]), *rstd = F(info[3]), *g = F(info[4]);
  float *dx = F(info[5]), *dw = FN(info[6]), *db = FN(info[7]);
  const int64_t rows = L(info[8]), cols = L(info[9]);
  rowwise(rows, cols, [&](int64_t r, int64_t n) {
    K->layerNormBackwardDx(x + r * cols, w, mean + r, rstd + r, g + r * cols, dx + r * cols, n, cols);
  });
  if (dw || db) normWeightGrad(x, mean, rstd, g, dw, db, rows, cols);
  return info.Env().Undefined();
}

Napi::Value Swiglu(const Napi::CallbackInfo& info) {
  const float *gate = F(info[0]), *up = F(info[1]);
  float* out = F(info[2]);
  elementwise(L(info[3]), [&](int64_t o, int64_t n) { K->swiglu(gate + o, up + o, out + o, n); });
  return info.Env().Undefined();
}

Napi::Value SwigluBackward(const Napi::CallbackInfo& info) {
  const float *gate = F(info[0]), *up = F(info[1]), *g = F(info[2]);
  float *dgate = F(info[3]), *dup = F(info[4]);
  elementwise(L(info[5]), [&](int64_t o, int64_t n) { K->swigluBackward(gate + o, up + o, g + o, dgate + o, dup + o, n); });
  return info.Env().Undefined();
}

Napi::Value Rope(const Napi::CallbackInfo& info) {
  const float* x = F(info[0]);
  float* out = F(info[1]);
  const float *cs = F(info[2]), *sn = F(info[3]);
  const int32_t* pos = I(info[4]);
  const int64_t b = L(info[5]), t = L(info[6]), h = L(info[7]), d = L(info[8]);
  const bool inverse = B(info[9]);
  rowwise(b * t, h * d, [&](int64_t lo, int64_t n) { K->rope(x, out, cs, sn, pos, lo, lo + n, h, d, inverse); });
  return info.Env().Undefined();
}

Napi::Value AdamW(const Napi::CallbackInfo& info) {
  float *p = F(info[0]), *g = F(info[1]), *m = F(info[2]), *v = F(info[3]);
  const int64_t n = L(info[4]);
  const float lr = D(info[5]), b1 = D(info[6]), b2 = D(info[7]), eps = D(info[8]), wd = D(info[9]), bias1 = D(info[10]),
              bias2 = D(info[11]), gs = D(info[12]);
  elementwise(n, [&](int64_t o, int64_t c) { K->adamw(p + o, g + o, m + o, v + o, c, lr, b1, b2, eps, wd, bias1, bias2, gs); });
  return info.Env().Undefined();
}

// ---- attention ----

// dims: [batch, queryLen, keyLen, heads, kvHeads, headDim, kvBatchStride, queryOffset, scale, causal,
// keysTransposed, keyCapacity, prefixLen, prefixCapacity, prefixBatchStride]; then blockEnds, keyStart,
// and (from `first`) contextBlocks, prefixRows, prefixKeys, prefixValues, each nullable.
AttnDims readDims(const Napi::CallbackInfo& info, size_t ctxArg) {
  Napi::Float64Array d = info[0].As<Napi::Float64Array>();
  AttnDims a;
  a.batch = static_cast<int64_t>(d[0]);
  a.queryLen = static_cast<int64_t>(d[1]);
  a.keyLen = static_cast<int64_t>(d[2]);
  a.heads = static_cast<int64_t>(d[3]);
  a.kvHeads = static_cast<int64_t>(d[4]);
  a.headDim = static_cast<int64_t>(d[5]);
  a.kvBatchStride = static_cast<int64_t>(d[6]);
  a.queryOffset = static_cast<int64_t>(d[7]);
  a.scale = static_cast<float>(d[8]);
  a.causal = d[9] != 0;
  a.keysTransposed = d[10] != 0;
  a.keyCapacity = static_cast<int64_t>(d[11]);
  a.prefixLen = static_cast<int64_t>(d[12]);
  a.prefixCapacity = static_cast<int64_t>(d[13]);
  a.prefixBatchStride = static_cast<int64_t>(d[14]);
  a.blockEnds = IN(info[1]);
  a.nBlocks = a.blockEnds ? static_cast<int64_t>(info[1].As<Napi::Int32Array>().ElementLength()) : 0;
  a.keyStart = IN(info[2]);
  const auto opt = [&](size_t i) { return i < info.Length() ? info[i] : info.Env().Null(); };
  a.contextBlocks = IN(opt(ctxArg));
  a.prefixRows = IN(opt(ctxArg + 1));
  a.prefixKeys = FN(opt(ctxArg + 2));
  a.prefixValues = FN(opt(ctxArg + 3));
  if (!a.prefixKeys || !a.prefixValues) a.prefixRows = nullptr;
  return a;
}

// Block of a query position (first block whose end is beyond it), -1 past the last block.
int64_t blockOf(const AttnDims& s, int64_t pos) {
  const int32_t* end = s.blockEnds + s.nBlocks;
  const int32_t* it = std::upper_bound(s.blockEnds, end, static_cast<int32_t>(pos));
  return it == end ? -1 : it - s.blockEnds;
}

// Visible range [lo, hi) of query t among the row's own keys.
void visible(const AttnDims& s, int64_t b, int64_t t, int64_t* lo, int64_t* hi) {
  const int64_t qpos = s.queryOffset + t;
  int64_t l = s.keyStart && !s.prefixRows ? s.keyStart[b] : 0;
  int64_t h = s.causal ? std::min(s.keyLen, qpos + 1) : s.keyLen;
  if (s.blockEnds) {
    const int64_t blk = blockOf(s, qpos);
    if (blk < 0) {
      *lo = *hi = 0;
      return;
    }
    l = std::max<int64_t>(l, blk == 0 ? 0 : s.blockEnds[blk - 1]);
    h = std::min<int64_t>(h, s.blockEnds[blk]);
  }
  *lo = l;
  *hi = std::max(l, h);
}

// Context range [lo, hi) of query t (all of it visible): its block's context block, or the prefix.
void contextRange(const AttnDims& s, int64_t b, int64_t t, int64_t* lo, int64_t* hi) {
  *lo = *hi = 0;
  if (s.prefixRows) {
    *lo = s.keyStart ? s.keyStart[b] : 0;
    *hi = std::max(*lo, s.prefixLen);
  } else if (s.contextBlocks && s.blockEnds) {
    const int64_t blk = blockOf(s, s.queryOffset + t);
    const int64_t c = blk < 0 ? -1 : s.contextBlocks[blk];
    if (c >= 0) {
      *lo = c == 0 ? 0 : s.blockEnds[c - 1];
      *hi = s.blockEnds[c];
    }
  }
}

thread_local std::vector<float> scratchA, scratchB;

float* scratch(std::vector<float>& v, int64_t n) {
  if (static_cast<int64_t>(v.size()) < n) v.resize(n);
  return v.data();
}

// Attention's per-head products are small (32 query rows x keys x head dim): below this many
// multiply-adds our own vector kernels beat a BLAS call, whose fixed cost dominates there.
constexpr int64_t kSmallGemm = 1 << 18;

// Below this many query rows scores are plain dot products (decoding); above, keys are transposed once
// per head and the scores use the outer-product kernel.
constexpr int64_t kDotRows = 4;

// C[m, n] = alpha A B^T (scores, dP). bt is B transposed ([k, >= n], leading dimension ldbt), which
// turns the small case into the outer-product kernel (dot products need a horizontal sum each); when
// it is null (few query rows and row-major keys) b is used.
void attnNT(int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda, const float* b, int64_t ldb,
            const float* bt, int64_t ldbt, float* c, int64_t ldc) {
  if (m * n * k > kSmallGemm) {
    if (bt) sgemm(false, false, m, n, k, alpha, a, lda, bt, ldbt, 0.0f, c, ldc);
    else sgemm(false, true, m, n, k, alpha, a, lda, b, ldb, 0.0f, c, ldc);
  } else if (!bt) {
    for (int64_t i = 0; i < m; i++) K->dotRows(a + i * lda, b, ldb, n, k, alpha, c + i * ldc);
  } else {
    K->smallGemmXN(m, n, k, alpha, a, lda, 1, bt, ldbt, 0.0f, c, ldc);
  }
}

// dst[d, j] = src[j * ld + d] for j < rows, d < cols (a head's keys or values, transposed).
void transposeHead(const float* src, int64_t ld, int64_t rows, int64_t cols, float* dst) {
  for (int64_t j = 0; j < rows; j++)
    for (int64_t d = 0; d < cols; d++) dst[d * rows + j] = src[j * ld + d];
}

thread_local std::vector<float> scratchKt, scratchVt;

// C = alpha op(A) B + beta C, op(A) = A [m, k] (lda) or A^T with A [k, m] (lda)
void attnXN(bool transA, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda, const float* b,
            int64_t ldb, float beta, float* c, int64_t ldc) {
  if (m == 0 || n == 0 || k == 0) return;
  if (m * n * k <= kSmallGemm)
    K->smallGemmXN(m, n, k, alpha, a, transA ? 1 : lda, transA ? lda : 1, b, ldb, beta, c, ldc);
  else sgemm(transA, false, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

// Query rows are processed in blocks; each block only touches the key columns some row of it can see
// (for causal attention this skips most of the upper triangle). With context blocks a row block also
// ends where its block ends, so that all its rows share one context.
constexpr int64_t kAttnRowBlock = 32;

int64_t rowBlockEnd(const AttnDims& s, int64_t r0) {
  int64_t r1 = std::min(s.queryLen, r0 + kAttnRowBlock);
  if (s.contextBlocks && s.blockEnds) {
    const int64_t blk = blockOf(s, s.queryOffset + r0);
    if (blk >= 0) r1 = std::min<int64_t>(r1, s.blockEnds[blk] - s.queryOffset);
  }
  return r1;
}

// Visible own-key span [kLo, kHi) of query rows [r0, r1) (kHi <= kLo when none).
void blockSpan(const AttnDims& s, int64_t b, int64_t r0, int64_t r1, int64_t* kLo, int64_t* kHi) {
  int64_t lo = s.keyLen, hi = 0;
  for (int64_t t = r0; t < r1; t++) {
    int64_t l, h;
    visible(s, b, t, &l, &h);
    if (h > l) {
      lo = std::min(lo, l);
      hi = std::max(hi, h);
    }
  }
  *kLo = lo;
  *kHi = hi;
}

// Turns scaled scores P[t, 0..wc + w) (wc context keys, then own keys kLo + j) into probabilities:
// exp(score - shift_t) over the keys row t sees, zero elsewhere. shift_t is the row's logsumexp
// (backward) or, in the forward (lseIn == nullptr), computed here and written to lseOut.
void probabilities(const AttnDims& s, int64_t b, int64_t r0, int64_t r1, int64_t wc, int64_t kLo, int64_t w, float* P,
                   const float* lseIn, float* lseOut) {
  const int64_t ld = wc + w;
  for (int64_t t = r0; t < r1; t++) {
    float* row = P + (t - r0) * ld;
    int64_t l, h;
    visible(s, b, t, &l, &h);
    const int64_t a = h > l ? l - kLo : 0, e = h > l ? h - kLo : 0;
    if (wc == 0) {
      if (h <= l) {
        std::memset(row, 0, sizeof(float) * w);
        if (lseOut) lseOut[t] = -std::numeric_limits<float>::infinity();
        continue;
      }
      if (lseIn) K->expShift(row + a, e - a, 1.0f, lseIn[t]);
      else lseOut[t] = K->softmaxInPlace(row + a, e - a);
      if (a > 0) std::memset(row, 0, sizeof(float) * a);
      if (e < w) std::memset(row + e, 0, sizeof(float) * (w - e));
      continue;
    }
    // the context is visible whole; own keys before the row's range are masked out
    float* own = row + wc;
    if (lseIn) {
      K->expShift(row, wc, 1.0f, lseIn[t]);
      if (e > a) K->expShift(own + a, e - a, 1.0f, lseIn[t]);
    } else {
      for (int64_t j = 0; j < a; j++) own[j] = -std::numeric_limits<float>::infinity();
      lseOut[t] = K->softmaxInPlace(row, wc + e);
    }
    if (a > 0) std::memset(own, 0, sizeof(float) * a);
    if (e < w) std::memset(own + e, 0, sizeof(float) * (w - e));
  }
}

// Where one row block's context keys live: transposed keys (ld ldkt) and/or row-major keys and values.
struct ContextKeys {
  int64_t width = 0;
  const float* kt = nullptr;
  int64_t ldkt = 0;
  const float* k = nullptr;
  const float* v = nullptr;
};

Napi::Value Attention(const Napi::CallbackInfo& info) {
  const AttnDims s = readDims(info, 10);
  const float* q = F(info[3]);
  const float* k = F(info[4]) + L(info[5]);
  const float* v = F(info[6]) + L(info[7]);
  float *out = F(info[8]), *lse = F(info[9]);
  const int64_t T = s.queryLen, S = s.keyLen, H = s.heads, Hkv = s.kvHeads, Dh = s.headDim, group = H / Hkv;
  const int64_t ldq = H * Dh, ldk = Hkv * Dh;
  const int64_t tasks = s.batch * H;
  const int64_t width = S + (s.prefixRows ? s.prefixLen : 0);
  const int parts = partsFor(tasks * T * std::max<int64_t>(width, 1) * Dh, kGemmWorkPerThread / 4);
  pool->run(tasks, parts, [&](int64_t lo, int64_t hi) {
    float* P = scratch(scratchA, kAttnRowBlock * std::max<int64_t>(width, 1));
    float* Kt = scratch(scratchKt, S * Dh);
    for (int64_t task = lo; task < hi; task++) {
      const int64_t b = task / H, h = task % H, kvh = h / group;
      const float* qh = q + (b * T * H + h) * Dh;
      const float* kh = k + b * s.kvBatchStride + kvh * Dh;
      const float* vh = v + b * s.kvBatchStride + kvh * Dh;
      float* oh = out + (b * T * H + h) * Dh;
      float* lh = lse + (b * H + h) * T;
      // keys transposed: the cache stores them so; otherwise transpose once per head unless decoding
      const float* kt = nullptr;
      int64_t ldkt = S;
      if (s.keysTransposed) {
        kt = k + b * s.kvBatchStride + kvh * Dh * s.keyCapacity;
        ldkt = s.keyCapacity;
      } else if (T >= kDotRows) {
        transposeHead(kh, ldk, S, Dh, Kt);
        kt = Kt;
      }
      for (int64_t r0 = 0, r1; r0 < T; r0 = r1) {
        r1 = rowBlockEnd(s, r0);
        const int64_t nr = r1 - r0;
        int64_t kLo, kHi, cLo, cHi;
        blockSpan(s, b, r0, r1, &kLo, &kHi);
        contextRange(s, b, r0, &cLo, &cHi);
        const int64_t w = std::max<int64_t>(0, kHi - kLo);
        ContextKeys c;
        c.width = std::max<int64_t>(0, cHi - cLo);
        if (c.width > 0 && s.prefixRows) {
          const int64_t pb = static_cast<int64_t>(s.prefixRows[b]) * s.prefixBatchStride;
          c.kt = s.prefixKeys + pb + kvh * Dh * s.prefixCapacity + cLo;
          c.ldkt = s.prefixCapacity;
          c.v = s.prefixValues + pb + cLo * ldk + kvh * Dh;
        } else if (c.width > 0) {
          c.kt = kt ? kt + cLo : nullptr;
          c.ldkt = ldkt;
          c.k = kh + cLo * ldk;
          c.v = vh + cLo * ldk;
        }
        if (w + c.width == 0) {
          for (int64_t t = r0; t < r1; t++) {
            std::memset(oh + t * ldq, 0, sizeof(float) * Dh);
            lh[t] = -std::numeric_limits<float>::infinity();
          }
          continue;
        }
        const int64_t ld = c.width + w;
        const float* qr = qh + r0 * ldq;
        if (c.width > 0) attnNT(nr, c.width, Dh, s.scale, qr, ldq, c.k, ldk, c.kt, c.ldkt, P, ld);
        if (w > 0)
          attnNT(nr, w, Dh, s.scale, qr, ldq, kh + kLo * ldk, ldk, kt ? kt + kLo : nullptr, ldkt, P + c.width, ld);
        probabilities(s, b, r0, r1, c.width, kLo, w, P, nullptr, lh);
        if (c.width > 0) attnXN(false, nr, Dh, c.width, 1.0f, P, ld, c.v, ldk, 0.0f, oh + r0 * ldq, ldq);
        if (w > 0)
          attnXN(false, nr, Dh, w, 1.0f, P + c.width, ld, vh + kLo * ldk, ldk, c.width > 0 ? 1.0f : 0.0f,
                 oh + r0 * ldq, ldq);
      }
    }
  });
  return info.Env().Undefined();
}

Napi::Value AttentionBackward(const Napi::CallbackInfo& info) {
  const AttnDims s = readDims(info, 12);
  const float *q = F(info[3]), *k = F(info[4]), *v = F(info[5]), *o = F(info[6]), *lse = F(info[7]), *g = F(info[8]);
  float *dq = F(info[9]), *dk = F(info[10]), *dv = F(info[11]);
  const int64_t T = s.queryLen, S = s.keyLen, H = s.heads, Hkv = s.kvHeads, Dh = s.headDim, group = H / Hkv;
  const int64_t ldq = H * Dh, ldk = Hkv * Dh;
  const int64_t tasks = s.batch * Hkv;
  const int parts = partsFor(tasks * group * T * S * Dh * 2, kGemmWorkPerThread / 4);
  pool->run(tasks, parts, [&](int64_t lo, int64_t hi) {
    float* P = scratch(scratchA, kAttnRowBlock * std::max<int64_t>(S, 1));
    float* dP = scratch(scratchB, kAttnRowBlock * std::max<int64_t>(S, 1));
    float* Kt = scratch(scratchKt, S * Dh);
    float* Vt = scratch(scratchVt, S * Dh);
    for (int64_t task = lo; task < hi; task++) {
      const int64_t b = task / Hkv, kvh = task % Hkv;
      const float* kh = k + b * s.kvBatchStride + kvh * Dh;
      const float* vh = v + b * s.kvBatchStride + kvh * Dh;
      const bool transposed = T >= kDotRows;
      if (transposed) {
        transposeHead(kh, ldk, S, Dh, Kt);
        transposeHead(vh, ldk, S, Dh, Vt);
      }
      float* dkh = dk + b * S * ldk + kvh * Dh;
      float* dvh = dv + b * S * ldk + kvh * Dh;
      for (int64_t j = 0; j < S; j++) {
        std::memset(dkh + j * ldk, 0, sizeof(float) * Dh);
        std::memset(dvh + j * ldk, 0, sizeof(float) * Dh);
      }
      for (int64_t gi = 0; gi < group; gi++) {
        const int64_t h = kvh * group + gi;
        const float* qh = q + (b * T * H + h) * Dh;
        const float* oh = o + (b * T * H + h) * Dh;
        const float* gh = g + (b * T * H + h) * Dh;
        const float* lh = lse + (b * H + h) * T;
        float* dqh = dq + (b * T * H + h) * Dh;
        for (int64_t r0 = 0, r1; r0 < T; r0 = r1) {
          r1 = rowBlockEnd(s, r0);
          const int64_t nr = r1 - r0;
          int64_t kLo, kHi, cLo, cHi;
          blockSpan(s, b, r0, r1, &kLo, &kHi);
          contextRange(s, b, r0, &cLo, &cHi);
          const int64_t w = std::max<int64_t>(0, kHi - kLo), wc = std::max<int64_t>(0, cHi - cLo);
          if (w + wc == 0) {
            for (int64_t t = r0; t < r1; t++) std::memset(dqh + t * ldq, 0, sizeof(float) * Dh);
            continue;
          }
          const int64_t ld = wc + w;
          const float* qr = qh + r0 * ldq;
          const float* gr = gh + r0 * ldq;
          float* dqr = dqh + r0 * ldq;
          // the context's columns first (spans [cLo, cHi)), then the own keys' ([kLo, kHi))
          const int64_t spans[2][3] = {{0, cLo, wc}, {wc, kLo, w}};
          for (const auto& sp : spans)
            if (sp[2] > 0)
              attnNT(nr, sp[2], Dh, s.scale, qr, ldq, kh + sp[1] * ldk, ldk, transposed ? Kt + sp[1] : nullptr, S,
                     P + sp[0], ld);
          probabilities(s, b, r0, r1, wc, kLo, w, P, lh, nullptr);
          for (const auto& sp : spans) {
            if (sp[2] == 0) continue;
            attnXN(true, sp[2], Dh, nr, 1.0f, P + sp[0], ld, gr, ldq, 1.0f, dvh + sp[1] * ldk, ldk);
            attnNT(nr, sp[2], Dh, 1.0f, gr, ldq, vh + sp[1] * ldk, ldk, transposed ? Vt + sp[1] : nullptr, S,
                   dP + sp[0], ld);
          }
          for (int64_t t = r0; t < r1; t++) {
            const float rd = K->dot(gh + t * ldq, oh + t * ldq, Dh);
            float* pr = P + (t - r0) * ld;
            float* dr = dP + (t - r0) * ld;
            for (int64_t j = 0; j < ld; j++) dr[j] = pr[j] * (dr[j] - rd) * s.scale;
          }
          bool first = true;
          for (const auto& sp : spans) {
            if (sp[2] == 0) continue;
            attnXN(false, nr, Dh, sp[2], 1.0f, dP + sp[0], ld, kh + sp[1] * ldk, ldk, first ? 0.0f : 1.0f, dqr, ldq);
            attnXN(true, sp[2], Dh, nr, 1.0f, dP + sp[0], ld, qr, ldq, 1.0f, dkh + sp[1] * ldk, ldk);
            first = false;
          }
        }
      }
    }
  });
  return info.Env().Undefined();
}

// Switches the SIMD kernel table (tests run every build the CPU supports); returns the ISA in use.
Napi::Value SetIsa(const Napi::CallbackInfo& info) {
  const std::string want = info[0].As<Napi::String>().Utf8Value();
  __builtin_cpu_init();
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
  if (want == "generic") K = kernels_generic();
  else if (want == "avx2" && avx2) K = kernels_avx2();
  else if (want == "avx512" && avx512) K = kernels_avx512();
  else if (want == "auto") K = chooseKernels();
  return Napi::String::New(info.Env(), K->isa);
}

Napi::Value WriteTransposedKeys(const Napi::CallbackInfo& info) {
  const float* src = F(info[0]);
  float* dst = F(info[1]);
  const int64_t B = L(info[2]), T = L(info[3]), H = L(info[4]), Dh = L(info[5]), cap = L(info[6]), off = L(info[7]);
  for (int64_t b = 0; b < B; b++)
    for (int64_t h = 0; h < H; h++)
      for (int64_t d = 0; d < Dh; d++) {
        float* row = dst + ((b * H + h) * Dh + d) * cap + off;
        const float* col = src + (b * T * H + h) * Dh + d;
        for (int64_t t = 0; t < T; t++) row[t] = col[t * H * Dh];
      }
  return info.Env().Undefined();
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  pool->resize(static_cast<int>(std::max<int64_t>(1, L(info[0]))));
  return info.Env().Undefined();
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("isa", K->isa);
  o.Set("threads", pool->threads());
  o.Set("gemm", "openblas");
  return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // Process-wide state, created once even when several JS threads load the addon.
  static std::once_flag once;
  std::call_once(once, [] {
    K = chooseKernels();
    openblas_set_num_threads(1);
    unsigned hw = std::thread::hardware_concurrency();
    pool = new ThreadPool(static_cast<int>(hw == 0 ? 1 : hw));
  });
#define EXPORT(name, fn) exports.Set(name, Napi::Function::New(env, fn, name))
  EXPORT("info", Info);
  EXPORT("setThreads", SetThreads);
  EXPORT("setIsa", SetIsa);
  EXPORT("gemm", Gemm);
  EXPORT("binary", Binary);
  EXPORT("affine", Affine);
  EXPORT("axpy", Axpy);
  EXPORT("unary", Unary);
  EXPORT("unaryBackward", UnaryBackward);
  EXPORT("reduce", Reduce);
  EXPORT("sumSquares", SumSquares);
  EXPORT("softmax", Softmax);
  EXPORT("softmaxBackward", SoftmaxBackward);
  EXPORT("logSoftmaxGather", LogSoftmaxGather);
  EXPORT("logSoftmaxGatherBackward", LogSoftmaxGatherBackward);
  EXPORT("entropy", Entropy);
  EXPORT("entropyBackward", EntropyBackward);
  EXPORT("copyBlocks", CopyBlocks);
  EXPORT("im2col", Im2col);
  EXPORT("col2im", Col2im);
  EXPORT("embedding", Embedding);
  EXPORT("embeddingBackward", EmbeddingBackward);
  EXPORT("rmsNorm", RmsNorm);
  EXPORT("rmsNormBackward", RmsNormBackward);
  EXPORT("layerNorm", LayerNorm);
  EXPORT("layerNormBackward", LayerNormBackward);
  EXPORT("swiglu", Swiglu);
  EXPORT("swigluBackward", SwigluBackward);
  EXPORT("rope", Rope);
  EXPORT("writeTransposedKeys", WriteTransposedKeys);
  EXPORT("attention", Attention);
  EXPORT("attentionBackward", AttentionBackward);
  EXPORT("adamw", AdamW);
#undef EXPORT
  return exports;
}

}  // namespace
}  // namespace omni

static Napi::Object InitOmniRuntime(Napi::Env env, Napi::Object exports) { return omni::Init(env, exports); }

NODE_API_MODULE(omni_runtime, InitOmniRuntime)
