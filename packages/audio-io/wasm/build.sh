#!/bin/sh
# Rebuilds wasm/kernels.wasm from the C sources: pnpm --filter @soundmind/audio-io build:wasm
# Needs clang and lld with the wasm32 target (Debian: apt-get install clang lld). kernels.wasm is committed,
# so installs, tests and CI need no C toolchain: after editing a source, run this and commit the sources,
# kernels.wasm and sources.sha256 together (test/wasm.test.ts catches a stale kernels.wasm by that hash).
set -eu
cd "$(dirname "$0")"
SOURCES="kernels.h fft.c resample.c logmel.c"
clang --target=wasm32 -O3 -flto -msimd128 -nostdlib -fno-builtin \
  -Wl,--no-entry -Wl,--export=__heap_base -o kernels.wasm fft.c resample.c logmel.c
cat $SOURCES | sha256sum | cut -d' ' -f1 > sources.sha256
echo "kernels.wasm: $(wc -c < kernels.wasm) bytes from sources $(cat sources.sha256)"
