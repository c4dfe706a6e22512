#!/usr/bin/env bash
# Builds our two JNI libraries with the system C compiler; Maven runs it in process-resources.
#   libbottleneck_cpu.so   native/cpu: the CPU backend's zero-copy GEMM shim, the fused loops, the
#                          conv data movement and the thread pool they share
#   libbottleneck_cuda.so  native/cuda-host: the CUDA backend's cuBLAS binding (dlopen, no CUDA
#                          headers or libraries needed to build it)
# Usage: build-jni.sh <output-dir>
# Without a C compiler or JNI headers it prints one line and exits 0: the CPU backend then
# stages GEMM operands through off-heap memory and runs the loops' Java twins (slower, same
# results), and the CUDA backend reports that its cuBLAS binding is missing.
#
# CPU flags: -ffp-contract=off and no -mfma keep float rounding identical to the Java twins (no
# fused multiply-adds); -fno-trapping-math lets gcc vectorize selects (we never read FP exception
# flags); the AVX-512 and AVX2 code paths come from target_clones in the source, chosen at load time.
set -euo pipefail
out_dir=$1
root=$(cd "$(dirname "$0")/.." && pwd)
cc_bin=$(command -v cc || command -v gcc || true)
java_home=${JAVA_HOME:-}
if [[ ! -f "$java_home/include/jni.h" ]] && command -v javac >/dev/null; then
    java_home=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")  # the JDK Maven compiles with
fi
if [[ -z "$cc_bin" || ! -f "$java_home/include/jni.h" ]]; then
    echo "[bottleneck] no C compiler or JNI headers: CPU GEMM will stage operands (slower), no CUDA cuBLAS binding"
    exit 0
fi
mkdir -p "$out_dir"

# build <library> <source-dir> <extra flags and libraries...>: rebuilds when a source or this script is newer.
build() {
    local lib="$out_dir/$1" dir="$root/native/$2"
    shift 2
    local stale=0
    [[ -f "$lib" ]] || stale=1
    for f in "$dir"/*.c "$dir"/*.h "$0"; do
        if [[ -e "$f" && "$f" -nt "$lib" ]]; then stale=1; fi
    done
    if [[ $stale == 1 ]]; then
        "$cc_bin" -O3 -fPIC -shared -Wall -Wextra -Werror -std=c11 -I"$java_home/include" -I"$java_home/include/linux" \
            "$dir"/*.c -o "$lib" "$@"
    fi
}
build libbottleneck_cpu.so cpu -ffp-contract=off -fno-trapping-math -fno-math-errno -ldl -lm -lpthread
build libbottleneck_cuda.so cuda-host -ldl
