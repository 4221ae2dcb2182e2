// Kernel table shared by the ISA-specific builds of kernels_impl.cc (generic, AVX2, AVX-512).
// Every kernel is float32; sizes are element counts; "acc" means out += instead of out =.
#pragma once
#include <cstdint>

namespace omni {

struct AttnDims {
  int64_t batch, queryLen, keyLen, heads, kvHeads, headDim, kvBatchStride, queryOffset;
  float scale;
  bool causal;
  bool keysTransposed;   // keys [B, Hkv, D, keyCapacity] (the KV cache); forward only
  int64_t keyCapacity;
  const int32_t* blockEnds;  // nullable; nBlocks entries
  int64_t nBlocks;
  const int32_t* keyStart;  // nullable; batch entries
  // Shared context (see AttentionShape in src/kernels/kernels.ts): per block an earlier block whose keys
  // its queries also see (-1 none), or a prefix cache row per batch row.
  const int32_t* contextBlocks;  // nullable; nBlocks entries
  const int32_t* prefixRows;     // nullable; batch entries
  const float* prefixKeys;       // [U, kvHeads, headDim, prefixCapacity]
  const float* prefixValues;     // [U, prefixCapacity, kvHeads, headDim]
  int64_t prefixLen, prefixCapacity, prefixBatchStride;
};

// Row range [lo, hi) of a parallel task; the pool runs task(0..n-1).
using RangeFn = void (*)(void* ctx, int64_t lo, int64_t hi);

struct KernelTable {
  const char* isa;
  void (*binary)(int op, const float* a, const int64_t* as, const float* b, const int64_t* bs, float* out,
                 const int64_t* shape, int rank, int64_t lo, int64_t hi);
  void (*affine)(const float* x, float alpha, float beta, float* out, int64_t n);
  void (*axpy)(float alpha, const float* x, float* y, int64_t n);
  void (*unary)(int op, const float* x, float* out, int64_t n);
  void (*unaryBackward)(int op, const float* x, const float* g, float* dx, int64_t n, bool acc);
  void (*reduceRows)(int op, const float* x, float* out, int64_t rows, int64_t len, int32_t* argmax);
  void (*reduceInner)(int op, const float* x, float* out, int64_t len, int64_t inner, int32_t* argmax);
  double (*sumSquares)(const float* x, int64_t n);
  void (*softmax)(const float* x, float* out, int64_t rows, int64_t cols, bool log);
  void (*softmaxBackward)(const float* y, const float* g, float* dx, int64_t rows, int64_t cols, bool log, bool acc);
  void (*logSoftmaxGather)(const float* x, const int32_t* t, float* out, float* lse, int64_t rows, int64_t cols,
                           float invTemp);
  void (*logSoftmaxGatherBackward)(const float* x, const int32_t* t, const float* lse, const float* g, float* dx,
                                   int64_t rows, int64_t cols, float invTemp, bool acc);
  void (*entropy)(const float* x, float* out, float* lse, int64_t rows, int64_t cols, float invTemp);
  void (*entropyBackward)(const float* x, const float* lse, const float* h, const float* g, float* dx, int64_t rows,
                          int64_t cols, float invTemp, bool acc);
  void (*rmsNorm)(const float* x, const float* w, float* out, float* rstd, int64_t rows, int64_t cols, float eps);
  void (*rmsNormBackwardDx)(const float* x, const float* w, const float* rstd, const float* g, float* dx,
                            int64_t rows, int64_t cols);
  void (*layerNorm)(const float* x, const float* w, const float* b, float* out, float* mean, float* rstd,
                    int64_t rows, int64_t cols, float eps);
  void (*layerNormBackwardDx)(const float* x, const float* w, const float* mean, const float* rstd, const float* g,
                              float* dx, int64_t rows, int64_t cols);
  void (*swiglu)(const float* gate, const float* up, float* out, int64_t n);
  void (*swigluBackward)(const float* gate, const float* up, const float* g, float* dgate, float* dup, int64_t n);
  void (*rope)(const float* x, float* out, const float* cos, const float* sin, const int32_t* pos, int64_t lo,
               int64_t hi, int64_t heads, int64_t headDim, bool inverse);
  void (*adamw)(float* p, const float* g, float* m, float* v, int64_t n, float lr, float b1, float b2, float eps,
                float wd, float bias1, float bias2, float gradScale);
  // dot-product helpers used by attention
  float (*dot)(const float* a, const float* b, int64_t n);
  void (*scaledAdd)(float* y, const float* x, float alpha, int64_t n);
  void (*expShift)(float* x, int64_t n, float scale, float shift);  // x = exp(x*scale - shift)
  float (*softmaxInPlace)(float* x, int64_t n);                      // x = softmax(x); returns logsumexp
  // out[j] = alpha * dot(q, k + j * ldk) over d, for j < n (decode-time attention scores)
  void (*dotRows)(const float* q, const float* k, int64_t ldk, int64_t n, int64_t d, float alpha, float* out);
  // Small GEMMs for attention (where a BLAS call costs more than the arithmetic), row-major:
  // C[m, n] = alpha * A[m, k] B[n, k]^T + beta * C   (beta 0 or 1)
  void (*smallGemmNT)(int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda, const float* b,
                      int64_t ldb, float beta, float* c, int64_t ldc);
  // C[m, n] = alpha * A B[k, n] + beta * C with A(i, p) = a[i * aRow + p * aCol] (A or A^T)
  void (*smallGemmXN)(int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t aRow, int64_t aCol,
                      const float* b, int64_t ldb, float beta, float* c, int64_t ldc);
};

const KernelTable* kernels_generic();
const KernelTable* kernels_avx2();
const KernelTable* kernels_avx512();

}  // namespace omni
