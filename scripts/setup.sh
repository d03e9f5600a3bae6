#!/usr/bin/env bash
# Installs what rafter needs to build, test and run, and only what is missing (idempotent).
# Debian/Ubuntu. Usage: scripts/setup.sh [--with-bench]   (--with-bench adds likwid for bench/)
set -euo pipefail

packages=(cmake ninja-build g++ python3 libfmt-dev nlohmann-json3-dev libcli11-dev libbenchmark-dev
          libgtest-dev chromium
          libsimdjson-dev libsqlite3-dev zlib1g-dev libdeflate-dev pkg-config)
if [ "${1:-}" = "--with-bench" ]; then packages+=(likwid); fi

missing=()
for p in "${packages[@]}"; do
  if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then missing+=("$p"); fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
    echo "setup: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: all packages present"
fi

# The CUDA toolkit is optional: with nvcc the GPU parts build too.
if [ -x /usr/local/cuda/bin/nvcc ] || command -v nvcc >/dev/null; then
  echo "setup: CUDA toolkit found ($( (command -v nvcc || echo /usr/local/cuda/bin/nvcc) ))"
else
  echo "setup: no CUDA toolkit; building the host parts only"
fi
