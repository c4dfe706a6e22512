#!/usr/bin/env bash
# Builds target/device-kit/: everything a lent GPU machine needs to run the GPU check in one call,
# without Maven, a JDK or a network there (see scripts/kit/run.sh, which the kit carries):
#   runtime.txz  a jlinked Java runtime with only the modules we use
#   app.txz      the engine's classes and natives (the jar unpacked, minus the PTX compiler library
#                JCuda ships and we never load), the test classes (the GPU suite) and the JUnit
#                console launcher
#   run.sh       the check itself; kit.txt  what went in (commit, nvcc, sizes)
# Needs: the jar and the test classes (it builds them when missing), jlink, xz.
# Then, with the device tool:  run(command="target/device-kit/run.sh", carry=["target/device-kit"])
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
kit=target/device-kit
work=target/device-kit-build
modules=java.base,java.desktop,java.logging,java.management,jdk.unsupported,java.net.http,jdk.httpserver

[[ -f target/bottleneck.jar ]] || mvn -q -B package -DskipTests
[[ -d target/test-classes/org ]] || mvn -q -B test-compile
console=$(find ~/.m2/repository/org/junit/platform/junit-platform-console-standalone -name '*.jar' 2>/dev/null | sort | tail -1)
if [[ -z "$console" ]]; then
  mvn -q -B dependency:get -Dartifact=org.junit.platform:junit-platform-console-standalone:1.14.1
  console=$(find ~/.m2/repository/org/junit/platform/junit-platform-console-standalone -name '*.jar' | sort | tail -1)
fi

rm -rf "$kit" "$work"
mkdir -p "$kit" "$work/app/classes"
t0=$(date +%s)
jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --output "$work/runtime"
(cd "$work/app/classes" && unzip -q "$OLDPWD/target/bottleneck.jar")
rm -f "$work"/app/classes/lib/libJNvPTXCompiler-*            # never loaded: we ship compiled kernels
rm -rf "$work"/app/classes/org/bytedeco/openblas/linux-x86_64/include
# From a jar, JavaCPP extracts the natives into one cache folder and names a copy of
# libopenblas.so.0 libopenblas_nolapack.so.0 there; from a folder it loads them in place, where
# the JNI library looks for that second name beside itself.
ln -s libopenblas.so.0 "$work/app/classes/org/bytedeco/openblas/linux-x86_64/libopenblas_nolapack.so.0"
cp -r target/test-classes "$work/app/test-classes"
cp "$console" "$work/app/junit-console.jar"
tar cf - -C "$work" runtime | xz -T0 -6 > "$kit/runtime.txz"
tar cf - -C "$work" app | xz -T0 -6 > "$kit/app.txz"
cp scripts/kit/run.sh "$kit/run.sh"
chmod +x "$kit/run.sh"
{
  echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ) in $(( $(date +%s) - t0 )) s"
  echo "java $(java -version 2>&1 | sed -n 1p)"
  echo "nvcc $(nvcc --version 2>/dev/null | sed -n 's/.*release \([0-9.]*\).*/\1/p' || true)"
  echo "kernels $(unzip -l target/bottleneck.jar | grep -c 'org/bottleneck/kernels/' || true) files in the jar"
  echo "modules $modules"
  du -b "$kit"/runtime.txz "$kit"/app.txz | awk '{printf "size %s %.1f MiB\n", $2, $1 / 1048576}'
} > "$kit/kit.txt"
rm -rf "$work"
kit_mib=$(du -sb "$kit" | awk '{printf "%.1f", $1 / 1048576}')
tree_mib=$(git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | awk '{printf "%.1f", $1 / 1048576}')
echo "device-kit: $kit is $kit_mib MiB; with the tracked tree ($tree_mib MiB) a device call ships about $(awk -v a="$kit_mib" -v b="$tree_mib" 'BEGIN {print a + b}') MiB (limit 64)"
cat "$kit/kit.txt"
