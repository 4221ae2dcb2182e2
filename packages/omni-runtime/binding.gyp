{
  "variables": {
    "omni_cflags": ["-O3", "-fno-math-errno", "-fno-trapping-math", "-fopenmp-simd", "-fPIC", "-std=c++17", "-Wno-psabi"]
  },
  "targets": [
    {
      "target_name": "omni_kernels_generic",
      "type": "static_library",
      "sources": ["native/kernels_impl.cc"],
      "defines": ["OMNI_ISA=generic"],
      "cflags_cc": ["<@(omni_cflags)"],
      "cflags_cc!": ["-fno-exceptions"]
    },
    {
      "target_name": "omni_kernels_avx2",
      "type": "static_library",
      "sources": ["native/kernels_impl.cc"],
      "defines": ["OMNI_ISA=avx2"],
      "cflags_cc": ["<@(omni_cflags)", "-mavx2", "-mfma", "-mf16c"]
    },
    {
      "target_name": "omni_kernels_avx512",
      "type": "static_library",
      "sources": ["native/kernels_impl.cc"],
      "defines": ["OMNI_ISA=avx512"],
      "cflags_cc": ["<@(omni_cflags)", "-mavx512f", "-mavx512bw", "-mavx512vl", "-mavx512dq", "-mfma", "-mprefer-vector-width=512"]
    },
    {
      "target_name": "omni_runtime",
      "sources": ["native/addon.cc"],
      "dependencies": ["omni_kernels_generic", "omni_kernels_avx2", "omni_kernels_avx512"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "/usr/include/x86_64-linux-gnu/openblas-pthread"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-math-errno"],
      "libraries": ["-lopenblas", "-lpthread"]
    }
  ]
}
