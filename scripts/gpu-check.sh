#!/usr/bin/env bash
# Runs the GPU suite on a GPU host (the docker image's default command):
#   1. the JUnit tests tagged "gpu" (CUDA backend ops against the CPU twin, and any training-step
#      parity tests added later with the same tag); a skipped GPU test fails this script, because
#      on a GPU host it means the CUDA backend did not start;
#   2. benchmarks/gpu-bench.sh, when it exists.
# Extra Maven flags may be passed in MVN_FLAGS (e.g. MVN_FLAGS=-o).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! nvidia-smi -L >/dev/null 2>&1; then
    echo "gpu-check: no GPU visible (nvidia-smi -L failed); run the container with --gpus all" >&2
    exit 1
fi
nvidia-smi -L

rm -rf target/surefire-reports
mvn -B ${MVN_FLAGS:-} test -Dgroups=gpu -Dsurefire.failIfNoSpecifiedTests=false

skipped=$(grep -l 'skipped="[1-9]' target/surefire-reports/TEST-*.xml 2>/dev/null || true)
if [[ -n "$skipped" ]]; then
    echo "gpu-check: GPU tests were skipped on a GPU host (the CUDA backend did not start):" >&2
    grep -h -A1 '<skipped' $skipped | head -5 >&2
    exit 1
fi
if ! grep -q 'tests="[1-9]' target/surefire-reports/TEST-*.xml 2>/dev/null; then
    echo "gpu-check: no GPU tests ran" >&2
    exit 1
fi

if [[ -x benchmarks/gpu-bench.sh ]]; then
    benchmarks/gpu-bench.sh
else
    echo "gpu-check: no GPU benchmarks yet (benchmarks/gpu-bench.sh absent)"
fi
echo "gpu-check: passed"
