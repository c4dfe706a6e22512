#!/usr/bin/env bash
# Builds the CPU backend's zero-copy GEMM shim (native/cpu/critical_gemm.c) with the system C
# compiler; Maven runs it in process-resources. Usage: build-cpu-native.sh <output-dir>
# Without a C compiler or JNI headers it prints one line and exits 0: the CPU backend then
# stages GEMM operands through off-heap memory instead (slower, same results).
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
src="$root/native/cpu/critical_gemm.c"
lib="$out_dir/libbottleneck_cpu.so"
if [[ ! -f "$lib" || "$src" -nt "$lib" ]]; then
    "$cc_bin" -O2 -fPIC -shared -Wall -Wextra -Werror -std=c11 \
        -I"$java_home/include" -I"$java_home/include/linux" "$src" -o "$lib" -ldl
fi
