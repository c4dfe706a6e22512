#!/usr/bin/env bash
# The GPU check in one call, on a machine with neither Maven nor a JDK (the device kit's script;
# scripts/device-kit.sh builds the kit around it). Run from the repository root:
#   target/device-kit/run.sh              on a GPU machine: the full check
#   target/device-kit/run.sh --rehearse   anywhere: everything but the device (CI runs this)
# Phases, each bounded in time: unpack the kit; the machine (nvidia-smi, driver, CUDA libraries
# found, Java); `info`; the GPU test suite (JUnit tag "gpu", with -Dbottleneck.cuda.sync=true so a
# failing kernel is named); the GPU benchmarks (`bench` on cuda and cpu). Everything goes to
# $OUT/kit.log and a summary to $OUT/kit.json ($OUT defaults to target/device-kit-out).
# Exit 0 when every phase passed (in a rehearsal: when everything but the device worked).
set -uo pipefail
kit="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${OUT:-target/device-kit-out}"
mkdir -p "$out"
log="$out/kit.log"
: > "$log"
rehearse=0
[[ "${1:-}" == "--rehearse" ]] && rehearse=1
start=$(date +%s)
declare -A took status
say() { echo "$*" | tee -a "$log"; }
phase() { # name, timeout (s), command...
  local name=$1 limit=$2; shift 2
  local t=$(date +%s)
  say "=== $name"
  timeout "$limit" bash -c "$*" >> "$log" 2>&1 # a bash -c, so the phases may be this file's functions (exported)
  local rc=$?
  took[$name]=$(( $(date +%s) - t ))
  status[$name]=$rc
  say "=== $name: exit $rc in ${took[$name]} s"
  return $rc
}

unpack() {
  local dir=${KIT_WORK:-/tmp/bottleneck-kit}
  rm -rf "$dir" && mkdir -p "$dir"
  xz -dc "$kit/runtime.txz" | tar xf - -C "$dir" && xz -dc "$kit/app.txz" | tar xf - -C "$dir"
}
export kit out
export -f unpack
phase unpack 120 unpack
work=${KIT_WORK:-/tmp/bottleneck-kit}
java="$work/runtime/bin/java"
cp="$work/app/classes"
export work java cp

# Every folder holding a cuBLAS or cuDNN (a pip wheel's lib folder, a toolkit), found once: the
# machine phase shows them, and they go on the engine's search path (CudaLibraries) and the
# loader's, after any the caller gave, so a cuBLAS that only PyTorch's virtualenv carries is found
# and what it depends on (libcublasLt, libnvJitLink, …) resolves even where a wheel sets no RPATH.
found_libs=$(timeout 30 find / \( -path /proc -o -path /sys -o -path /dev \) -prune -o \
  \( -name 'libcublas.so.[0-9]*' -o -name 'libcudnn.so.[0-9]*' \) -printf '%h\n' 2>/dev/null | sort -u | paste -sd: || true)
export BOTTLENECK_CUDA_LIBS="${BOTTLENECK_CUDA_LIBS:+$BOTTLENECK_CUDA_LIBS:}${found_libs}" # the caller's folders first
[[ -n "$found_libs" ]] && export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}${found_libs}"
export found_libs

machine() {
  cat "$kit/kit.txt"
  "$java" -version 2>&1
  if command -v nvidia-smi >/dev/null && nvidia-smi -L; then
    nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv
  else
    echo "no GPU visible (nvidia-smi absent or failing)"
  fi
  echo "CUDA libraries the loader can see:"
  ldconfig -p 2>/dev/null | grep -E 'libcuda\.so|libcublas(Lt)?\.so|libcudnn\.so' || echo "  none in the ldconfig cache"
  echo "BOTTLENECK_CUDA_LIBS=${BOTTLENECK_CUDA_LIBS:-(none found)}"
  local d lib
  for d in $(echo "$found_libs" | tr ':' ' '); do
    ls "$d"/libcublas*.so.* "$d"/libcudnn*.so.* 2>/dev/null | head -20
    # what each cuBLAS would not find, before Java tries it
    for lib in "$d"/libcublas.so.[0-9]*; do
      [[ "$lib" =~ libcublas\.so\.[0-9]+$ ]] || continue
      echo "ldd $lib: $(ldd "$lib" 2>&1 | grep -cE 'not found') missing$(ldd "$lib" 2>&1 | grep -E 'not found' | tr -s ' \t\n' ' ')"
    done
  done
}
export -f machine
phase machine 60 machine
gpu=0
command -v nvidia-smi >/dev/null && nvidia-smi -L >/dev/null 2>&1 && gpu=1
[[ $rehearse == 1 ]] && gpu=0
say "mode: $([[ $gpu == 1 ]] && echo gpu || echo "rehearsal (no device touched)")"
export gpu

phase info 60 '"$java" -cp "$cp" org.bottleneck.cli.Main info'

suite() {
  "$java" -Dbottleneck.cuda.sync=true -Xmx8g -jar "$work/app/junit-console.jar" execute \
      --class-path "$cp:$work/app/test-classes" --include-tag gpu --scan-class-path "$work/app/test-classes" \
      --details=tree --disable-banner --reports-dir "$out/junit" 2>&1
  local rc=$?
  local skipped
  skipped=$(grep -ho 'skipped="[0-9]*"' "$out"/junit/*.xml 2>/dev/null | grep -o '[0-9]*' | awk '{s += $1} END {print s + 0}')
  echo "gpu suite: skipped ${skipped:-?}"
  if [[ $gpu == 1 && ${skipped:-1} != 0 ]]; then
    echo "gpu suite: tests were skipped on a GPU machine: the CUDA backend did not start (reasons above)"
    return 1
  fi
  return $rc
}
export -f suite
phase gpu-suite 360 suite

bench() {
  if [[ $gpu == 1 ]]; then
    for device in cuda cpu; do
      "$java" -cp "$cp" org.bottleneck.cli.Main bench --device "$device" --models ae,vae,convae --batches 128,1024 \
          --steps 200 --warmup 50 --data data/mnist || return 1
    done
    # the conv model once more with cuDNN switched off: cuDNN against our im2col kernels + cuBLAS
    BOTTLENECK_CUDNN=0 "$java" -cp "$cp" org.bottleneck.cli.Main bench --device cuda --models convae --batches 128,1024 \
        --steps 200 --warmup 50 --data data/mnist || return 1
  else # the same command on the CPU, tiny: proves it runs from the kit
    "$java" -cp "$cp" org.bottleneck.cli.Main bench --device cpu --models ae --batches 32 --steps 5 --warmup 1 --data data/mnist
  fi
}
export -f bench
phase bench 240 bench

total=$(( $(date +%s) - start ))
kit_bytes=$(du -cb "$kit"/runtime.txz "$kit"/app.txz | tail -1 | cut -f1)
failed=0
kit_mib=$(awk -v b="$kit_bytes" 'BEGIN {printf "%.1f", b / 1048576}')
json="{\"mode\": \"$([[ $gpu == 1 ]] && echo gpu || echo rehearsal)\", \"kit_mib\": $kit_mib, \"seconds\": $total, \"phases\": {"
sep=""
for p in unpack machine info gpu-suite bench; do
  json+="$sep\"$p\": {\"exit\": ${status[$p]:-null}, \"seconds\": ${took[$p]:-null}}"
  sep=", "
  [[ "${status[$p]:-1}" != 0 ]] && failed=1
done
json+="}}"
echo "$json" > "$out/kit.json"
say "kit: $kit_mib MiB, $total s in all; summary in $out/kit.json"
say "$json"
exit $failed
