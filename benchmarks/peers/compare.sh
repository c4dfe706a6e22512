#!/usr/bin/env bash
# Bottleneck (CPU) against PyTorch on the same models, in one run, alternating. See README.md here.
#
#   benchmarks/peers/compare.sh                       # throughput: ae, vae × batch 32, 128, 1024; 3 rounds
#   benchmarks/peers/compare.sh --train               # … then 3 epochs of training each, side by side
#   benchmarks/peers/compare.sh --rounds 1 --steps 5 --warmup 2 --train --epochs 1 --train-limit 2000
#   benchmarks/peers/compare.sh --models convae,convvae --batches 128   # the conv presets
#
# Every option has an environment twin (ROUNDS=5 benchmarks/peers/compare.sh); flags win.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

ROUNDS="${ROUNDS:-3}"
STEPS="${STEPS:-200}"
WARMUP="${WARMUP:-50}"
EPOCHS="${EPOCHS:-3}"
MODELS="${MODELS:-ae,vae}"
BATCHES="${BATCHES:-32,128,1024}"
THREADS="${THREADS:-2}"              # ours: --threads (OpenBLAS threads of our CPU backend)
TORCH_THREADS="${TORCH_THREADS:-1}"  # PyTorch's best MLP setting here: 1 torch thread …
TORCH_OPENBLAS="${TORCH_OPENBLAS:-2}" # … with OPENBLAS_NUM_THREADS=2 (shared/DESIGN.md §3)
TORCH_CONV_THREADS="${TORCH_CONV_THREADS:-2}"   # its best conv setting (convae, convvae): 2 torch threads …
TORCH_CONV_OPENBLAS="${TORCH_CONV_OPENBLAS:-1}" # … with OPENBLAS_NUM_THREADS=1 (oneDNN convs; DESIGN §3)
TORCH_ADAM="${TORCH_ADAM:-foreach}"   # … and its multi-tensor Adam: as fast or faster here (BENCHMARKS.md)
TORCH_MALLOC="${TORCH_MALLOC:-tuned}" # … and glibc malloc kept off mmap for its tensors: 1.4× faster here (BENCHMARKS.md)
WITH_DEFAULT="${WITH_DEFAULT:-0}"    # also PyTorch with its default threads, to show the difference
TRAIN="${TRAIN:-0}"
TRAIN_LIMIT="${TRAIN_LIMIT:-0}"
TEST_LIMIT="${TEST_LIMIT:-0}"
OUT="${OUT:-bench-out}"
PY=/usr/bin/python3

usage() {
  cat <<EOF
usage: benchmarks/peers/compare.sh [options]
  --rounds N        alternating rounds; medians are reported (ROUNDS, default $ROUNDS)
  --steps N         timed training steps per measurement (STEPS, default $STEPS)
  --warmup N        untimed warm-up steps (WARMUP, default $WARMUP)
  --models LIST     (MODELS, default $MODELS)
  --batches LIST    (BATCHES, default $BATCHES)
  --threads N       our CPU threads (THREADS, default $THREADS)
  --with-default    also time PyTorch with its default thread settings (WITH_DEFAULT=1)
                    PyTorch's threads per model (environment only): ae, vae TORCH_THREADS=$TORCH_THREADS +
                    TORCH_OPENBLAS=$TORCH_OPENBLAS; convae, convvae TORCH_CONV_THREADS=$TORCH_CONV_THREADS +
                    TORCH_CONV_OPENBLAS=$TORCH_CONV_OPENBLAS
  --torch-adam A    PyTorch's Adam for its best configuration: foreach or default (TORCH_ADAM, default $TORCH_ADAM)
  --torch-malloc M  glibc malloc for PyTorch's best configuration: tuned (MALLOC_MMAP_THRESHOLD_=32 MiB,
                    MALLOC_TRIM_THRESHOLD_=128 MiB) or default (TORCH_MALLOC, default $TORCH_MALLOC)
  --train           also train both, alternately, at batch 128 and compare test losses (TRAIN=1)
  --epochs N        training epochs (EPOCHS, default $EPOCHS)
  --train-limit N   train on the first N images only, for smoke tests (TRAIN_LIMIT, 0 = all)
  --test-limit N    evaluate on the first N test images only (TEST_LIMIT, 0 = all)
  --no-throughput   skip the throughput part (with --train)
  --out DIR         output folder (OUT, default $OUT)
EOF
}

THROUGHPUT=1
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --steps) STEPS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --models) MODELS="$2"; shift 2 ;;
    --batches) BATCHES="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --with-default) WITH_DEFAULT=1; shift ;;
    --torch-adam) TORCH_ADAM="$2"; shift 2 ;;
    --torch-malloc) TORCH_MALLOC="$2"; shift 2 ;;
    --train) TRAIN=1; shift ;;
    --epochs) EPOCHS="$2"; shift 2 ;;
    --train-limit) TRAIN_LIMIT="$2"; shift 2 ;;
    --test-limit) TEST_LIMIT="$2"; shift 2 ;;
    --no-throughput) THROUGHPUT=0; shift ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "compare.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

mkdir -p "$OUT"
log="$OUT/compare.txt"
exec > >(tee "$log") 2>&1

# ---------------------------------------------------------------- prerequisites

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }

apt_install() {
  echo "installing: $*"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get install -y "$@" || { as_root apt-get update && as_root apt-get install -y "$@"; }
}

if ! "$PY" -c 'import torch' 2>/dev/null; then
  apt_install python3-torch libopenblas0-pthread python3-numpy python3-matplotlib
fi
if ! dpkg -s libopenblas0-pthread >/dev/null 2>&1; then
  # Without it Debian's torch runs on the reference BLAS, 15-20x slower (DESIGN §3).
  apt_install libopenblas0-pthread
fi
if ! "$PY" -c 'import matplotlib' 2>/dev/null; then
  apt_install python3-matplotlib || echo "warning: no matplotlib; the PNG will be skipped"
fi

jar="$root/target/bottleneck.jar"
if [ ! -f "$jar" ]; then
  echo "building $jar (mvn -q -B package -DskipTests) ..."
  mvn -q -B package -DskipTests
fi

# ---------------------------------------------------------------- machine record

cpu_model="$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)"
cpus="$(nproc)"
cores="$(lscpu | awk -F: '/^Core\(s\) per socket/ {c=$2} /^Socket\(s\)/ {s=$2} END {print c*s}')"
echo "== compare.sh $(date -u +%Y-%m-%dT%H:%M:%SZ)  commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "cpu      $cpu_model; $cpus CPUs, $cores cores"
echo "load     $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min) before starting"
echo "env      $(env | grep -E '^(OPENBLAS|OMP|GOTO|MKL)_' | sort | tr '\n' ' ')"
echo "java     $(java -version 2>&1 | head -1)"
echo "torch    $(dpkg-query -W -f='${Package} ${Version}' python3-torch 2>/dev/null || "$PY" -c 'import torch; print(torch.__version__)')"
echo "settings rounds $ROUNDS, steps $STEPS, warmup $WARMUP; ours --device cpu --threads $THREADS;" \
     "torch MLPs set_num_threads($TORCH_THREADS) + OPENBLAS_NUM_THREADS=$TORCH_OPENBLAS," \
     "conv models set_num_threads($TORCH_CONV_THREADS) + OPENBLAS_NUM_THREADS=$TORCH_CONV_OPENBLAS;" \
     "Adam $TORCH_ADAM + malloc $TORCH_MALLOC" \
     "$([ "$WITH_DEFAULT" = 1 ] && echo '(+ torch defaults)')"

# PyTorch's best thread setting differs by model kind (DESIGN §3): its MLP steps are BLAS GEMMs
# (OpenBLAS threads), its convs run in oneDNN on the intra-op pool (torch threads).
torch_threads_for() { # model → "torch-threads openblas-threads"
  case "$1" in
    convae|convvae) echo "$TORCH_CONV_THREADS $TORCH_CONV_OPENBLAS" ;;
    *) echo "$TORCH_THREADS $TORCH_OPENBLAS" ;;
  esac
}

ours_bench() { # model batch → one CSV row
  java -jar "$jar" bench --device cpu --threads "$THREADS" --models "$1" --batches "$2" \
    --steps "$STEPS" --warmup "$WARMUP" --csv | tail -n 1
}

case "$TORCH_ADAM" in
  foreach) adam_flag=(--adam-foreach) ;;
  default) adam_flag=() ;;
  *) echo "compare.sh: --torch-adam must be foreach or default, got '$TORCH_ADAM'" >&2; exit 2 ;;
esac

# PyTorch allocates its tensors with glibc malloc, which maps and unmaps every block over
# 128 KiB afresh until a large free raises that threshold: each step then page-faults through
# its activations and gradients (measured: 15k against 21k samples/s for vae at batch 128).
# Raising the thresholds is the usual fix short of jemalloc, so PyTorch's best setup gets it.
case "$TORCH_MALLOC" in
  tuned) malloc_env=(MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=134217728) ;;
  default) malloc_env=() ;;
  *) echo "compare.sh: --torch-malloc must be tuned or default, got '$TORCH_MALLOC'" >&2; exit 2 ;;
esac

torch_bench() { # model batch torch-threads openblas-threads(empty: unset, and malloc untuned) [flags] → one CSV row
  local setup=(-u OPENBLAS_NUM_THREADS)
  if [ -n "$4" ]; then setup=("OPENBLAS_NUM_THREADS=$4" "${malloc_env[@]}"); fi
  env "${setup[@]}" "$PY" "$here/torch_bench.py" --model "$1" --batch "$2" --steps "$STEPS" \
    --warmup "$WARMUP" --torch-threads "$3" --no-header "${@:5}" 2>>"$OUT/torch-config.txt"
}

# ---------------------------------------------------------------- throughput

if [ "$THROUGHPUT" = 1 ]; then
  raw="$OUT/compare-raw.csv"
  : > "$OUT/torch-config.txt"
  echo "impl,round,model,batch,samples_per_s,step_ms,gemm_ms,gemm_gflops,step_gflops,gemm_bound_fraction,torch_threads,torch_openblas" > "$raw"
  IFS=, read -r -a models <<< "$MODELS"
  IFS=, read -r -a batches <<< "$BATCHES"
  for m in "${models[@]}"; do
    read -r tt tob <<< "$(torch_threads_for "$m")"
    for b in "${batches[@]}"; do
      for ((r = 1; r <= ROUNDS; r++)); do
        # Back to back, first one then the other first, so drift and load hit both alike.
        impls=(ours torch-best)
        [ "$WITH_DEFAULT" = 1 ] && impls+=(torch-default)
        if ((r % 2 == 0)); then impls=("${impls[@]:1}" "${impls[0]}"); fi
        for impl in "${impls[@]}"; do
          case "$impl" in
            ours) row="$(ours_bench "$m" "$b")"; threads=, ;;
            torch-best) row="$(torch_bench "$m" "$b" "$tt" "$tob" "${adam_flag[@]}")"; threads="$tt,$tob" ;;
            torch-default) row="$(torch_bench "$m" "$b" 0 "")"; threads="default,unset" ;;
          esac
          echo "$impl,$r,$row,$threads" >> "$raw"
          printf '%-13s round %d  %s\n' "$impl" "$r" "$row"
        done
      done
    done
  done
  echo "torch configurations seen:"; sort -u "$OUT/torch-config.txt" | sed 's/^/  /'
  "$PY" "$here/report.py" --raw "$raw" --out "$OUT" --cpu "$cpu_model" --cpus "$cpus" \
    --threads "$THREADS" --torch-adam "$TORCH_ADAM" --torch-malloc "$TORCH_MALLOC"
fi

# ---------------------------------------------------------------- training

if [ "$TRAIN" = 1 ]; then
  tdir="$OUT/train"
  rm -rf "$tdir"; mkdir -p "$tdir"
  IFS=, read -r -a models <<< "$MODELS"
  i=0
  for m in "${models[@]}"; do
    read -r tt tob <<< "$(torch_threads_for "$m")"
    order=(ours torch); if ((i % 2 == 1)); then order=(torch ours); fi; i=$((i + 1))
    for impl in "${order[@]}"; do
      echo "-- train $impl $m: $EPOCHS epochs, batch 128"
      if [ "$impl" = ours ]; then
        java -jar "$jar" train --device cpu --threads "$THREADS" --model "$m" --epochs "$EPOCHS" --batch 128 \
          --train-limit "$TRAIN_LIMIT" --test-limit "$TEST_LIMIT" --no-progress --out "$tdir/ours-$m.run" \
          | tee "$tdir/ours-$m.log"
        "$PY" - "$tdir/ours-$m.run/metrics.json" "$tdir/ours-$m.log" "$m" "$EPOCHS" "$tdir/ours-$m.json" <<'EOF'
import json, re, sys
metrics, log, model, epochs, out = sys.argv[1:]
m = json.load(open(metrics))
params = int(re.search(r"\((\d+) parameters\)", open(log).read()).group(1))
json.dump({"impl": "ours", "model": model, "parameters": params, "epochs": int(epochs),
           "test_loss": m["test"]["loss"], "train_samples_per_s": m["train_samples_per_s"],
           "best_epoch": m["best_epoch"], "backend": m["backend"]}, open(out, "w"), indent=2)
EOF
      else
        env OPENBLAS_NUM_THREADS="$tob" "${malloc_env[@]}" "$PY" "$here/torch_bench.py" --mode train --model "$m" \
          --epochs "$EPOCHS" --batch 128 --train-limit "$TRAIN_LIMIT" --test-limit "$TEST_LIMIT" \
          --torch-threads "$tt" "${adam_flag[@]}" --json "$tdir/torch-$m.json"
      fi
    done
  done
  "$PY" "$here/report.py" --train "$tdir"
fi

echo "load     $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min) at the end"
echo "log      $log"
