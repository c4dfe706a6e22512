#!/usr/bin/env bash
# Builds the CUDA kernels with CMake when nvcc is on the PATH (or in $CUDA_HOME/bin); Maven runs it in
# process-resources. Usage: build-native.sh <build-dir> <kernel-output-dir>
# Without nvcc (or CMake) it prints one line and exits 0: the jar is then CPU-only and
# CudaBackend reports "jar built without CUDA kernels". A kernel that fails to compile, or
# any nvcc warning, fails the build.
set -euo pipefail
build_dir=$1
out_dir=$2
root=$(cd "$(dirname "$0")/.." && pwd)

nvcc_bin=$(command -v nvcc || true)
for candidate in "${CUDA_HOME:-/nonexistent}/bin/nvcc"; do
    if [[ -z "$nvcc_bin" && -x "$candidate" ]]; then nvcc_bin=$candidate; fi
done
if [[ -z "$nvcc_bin" ]]; then
    echo "[bottleneck] nvcc not found: building a CPU-only jar (no CUDA kernels)"
    exit 0
fi
if ! command -v cmake >/dev/null; then
    echo "[bottleneck] nvcc found but cmake missing: building a CPU-only jar (no CUDA kernels)"
    exit 0
fi
export PATH="$(dirname "$nvcc_bin"):$PATH"
start=$(date +%s)
cmake -S "$root/native" -B "$build_dir" -DBOTTLENECK_KERNEL_OUT="$out_dir" >/dev/null
cmake --build "$build_dir" -j 2 -- --no-print-directory >/dev/null
echo "[bottleneck] CUDA kernels built with $("$nvcc_bin" --version | grep -o "release [0-9.]*") in $(( $(date +%s) - start ))s -> $out_dir (resource report: $build_dir/resource-usage.txt)"
