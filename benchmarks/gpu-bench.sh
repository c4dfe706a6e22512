#!/usr/bin/env bash
# GPU benchmarks, run by scripts/gpu-check.sh on a GPU host after the GPU test suite:
# the bench command on CUDA and on the CPU (same run, for the ratio), then the JMH suite with
# the cuda backend. Results go to bench-out/gpu/.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench-out/gpu
mkdir -p "$out"
jar=target/bottleneck.jar
[[ -f "$jar" ]] || mvn -q -B ${MVN_FLAGS:-} package -DskipTests
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv | tee "$out/gpu.txt"
for device in cuda cpu; do
    java -jar "$jar" bench --device "$device" --models vae,ae,convae,convvae --batches 32,128,1024 --steps 200 --warmup 50 \
        | tee "$out/bench-$device.txt"
done
mvn -q -B ${MVN_FLAGS:-} install -DskipTests
mvn -q -B ${MVN_FLAGS:-} -f benchmarks/pom.xml package
java -jar benchmarks/target/benchmarks.jar "TrainStepBench|GemmBench|FusedOpsBench|EncodeBench" \
    -p backend=cuda,cpu -f 1 -wi 3 -i 5 -w 1s -r 2s -prof gc -rf csv -rff "$out/jmh.csv" | tee "$out/jmh.txt"
echo "gpu-bench: results in $out/"
