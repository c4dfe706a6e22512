#!/usr/bin/env bash
# Spark against the single-JVM Codec (spark/src/test/java/org/bottleneck/spark/SparkBench.java):
# for each model, one JVM with 1 OpenBLAS thread (Spark's configuration: 2 tasks × 1 thread) and
# one with 2 (a single Codec's best), each alternating Spark and Codec rounds.
# Run from the repository root after: mvn -q -B install -DskipTests
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -q -B -f spark/pom.xml test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt \
    -Dmdep.includeScope=test
flags=$(sed -n 's:.*<spark.jvm.flags>\(.*\)</spark.jvm.flags>.*:\1:p' spark/pom.xml)
cp="spark/target/test-classes:spark/target/classes:$(cat spark/target/classpath.txt)"
models=("$@")
if [ ${#models[@]} -eq 0 ]; then models=(table mnist); fi
for model in "${models[@]}"; do
  for threads in 1 2; do
    # shellcheck disable=SC2086
    java -Xmx3g $flags -cp "$cp" org.bottleneck.spark.SparkBench "$model" "$threads" 3
  done
done
