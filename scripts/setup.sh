#!/usr/bin/env bash
# Sets up a fresh machine (Node 20 and nothing else) for every job in this repo:
# the Debian packages the native kernels build against, pnpm, and the workspace install.
# Usage: bash scripts/setup.sh [--bench]
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages every job needs; `--bench` adds the peers the benchmarks compare against.
debian_packages=(libopenblas-dev)  # omni-runtime native kernels (sgemm)
if [ "${1:-}" = "--bench" ]; then debian_packages+=(python3-numpy python3-torch espeak-ng libsoxr0); fi  # espeak-ng: alr-data TTS peer; libsoxr0: audio-io resampling peer
missing=()
for p in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

[ "$(pnpm --version 2>/dev/null)" = "12.4.2" ] || npm install --global pnpm@12.4.2
export npm_config_nodedir="${npm_config_nodedir:-/usr}" TURBO_TELEMETRY_DISABLED=1
pnpm install --frozen-lockfile
