#!/usr/bin/env bash
# Builds the CPU backend's native library (native/cpu: the zero-copy GEMM shim, the fused
# loops, the conv data movement and the thread pool they share) with the system C compiler; Maven runs it in process-resources.
# Usage: build-cpu-native.sh <output-dir>
# Without a C compiler or JNI headers it prints one line and exits 0: the CPU backend then
# stages GEMM operands through off-heap memory and runs the loops' Java twins (slower, same
# results).
#
# -ffp-contract=off and no -mfma keep float rounding identical to the Java twins (no fused
# multiply-adds); -fno-trapping-math lets gcc vectorize selects (we never read FP exception
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
    echo "[bottleneck] no C compiler or JNI headers: CPU GEMM will stage operands (slower)"
    exit 0
fi
mkdir -p "$out_dir"
srcs=("$root"/native/cpu/*.c)
lib="$out_dir/libbottleneck_cpu.so"
stale=0
[[ -f "$lib" ]] || stale=1
for f in "${srcs[@]}" "$root"/native/cpu/*.h "$0"; do
    if [[ "$f" -nt "$lib" ]]; then stale=1; fi
done
if [[ $stale == 1 ]]; then
    "$cc_bin" -O3 -ffp-contract=off -fno-trapping-math -fno-math-errno -fPIC -shared -Wall -Wextra -Werror -std=c11 \
        -I"$java_home/include" -I"$java_home/include/linux" "${srcs[@]}" -o "$lib" -ldl -lm -lpthread
fi
