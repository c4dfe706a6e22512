#!/usr/bin/python3
"""Summarizes the raw rows compare.sh collected: medians per (model, batch, implementation),
the ours/PyTorch ratio, our share of the GEMM-bound step time, a table on stdout,
bench-out/compare.csv and bench-out/throughput_vs_batch.png. With --train also the side-by-side
training results.

    /usr/bin/python3 benchmarks/peers/report.py --raw bench-out/compare-raw.csv --out bench-out \\
        --cpu "AMD EPYC" --cpus 2 [--train bench-out/train]
"""

import argparse
import csv
import glob
import json
import os
import statistics
import sys

TORCH_BEST = "torch-best"
TORCH_DEFAULT = "torch-default"


def f(v):
    return float(v) if v not in (None, "") else None


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def load(raw):
    rows = {}
    with open(raw) as fh:
        for r in csv.DictReader(fh):
            rows.setdefault((r["model"], int(r["batch"]), r["impl"]), []).append(r)
    return rows


def summarize(rows):
    keys = sorted({(m, b) for m, b, _ in rows}, key=lambda k: (k[0] != "ae", k[1]))
    out = []
    for m, b in keys:
        ours = rows.get((m, b, "ours"), [])
        best = rows.get((m, b, TORCH_BEST), [])
        dflt = rows.get((m, b, TORCH_DEFAULT), [])
        o = median(f(r["samples_per_s"]) for r in ours)
        t = median(f(r["samples_per_s"]) for r in best)
        d = median(f(r["samples_per_s"]) for r in dflt)
        # Per round: ours and torch ran back to back, so their ratio shares the machine's state.
        by_round = {}
        for r in ours + best:
            by_round.setdefault(r["round"], {})[r["impl"]] = f(r["samples_per_s"])
        paired = [v["ours"] / v[TORCH_BEST] for v in by_round.values() if "ours" in v and TORCH_BEST in v]
        our_gemm = median(f(r["gemm_ms"]) for r in ours)
        torch_gemm = median(f(r["gemm_ms"]) for r in best)
        our_step = median(f(r["step_ms"]) for r in ours)
        torch_step = median(f(r["step_ms"]) for r in best)
        best_gemm = min(v for v in (our_gemm, torch_gemm) if v is not None) if (our_gemm or torch_gemm) else None
        # PyTorch's thread setting for this model (compare.sh picks it per model kind; older raw
        # files have no such columns)
        settings = sorted({(r.get("torch_threads") or "", r.get("torch_openblas") or "") for r in best})
        out.append({
            "model": m, "batch": b, "rounds": len(ours),
            "ours_samples_per_s": o, "torch_samples_per_s": t,
            "ratio": o / t if o and t else None,
            "median_paired_ratio": median(paired),
            "ours_gemm_bound_fraction": median(f(r["gemm_bound_fraction"]) for r in ours),
            "ours_of_best_gemm_bound": best_gemm / our_step if best_gemm and our_step else None,
            "torch_gemm_bound_fraction": median(f(r["gemm_bound_fraction"]) for r in best),
            "ours_gemm_ms": our_gemm, "torch_gemm_ms": torch_gemm,
            "ours_step_ms": our_step, "torch_step_ms": torch_step,
            "ours_step_gflops": median(f(r["step_gflops"]) for r in ours),
            "ours_gemm_gflops": median(f(r["gemm_gflops"]) for r in ours),
            "torch_gemm_gflops": median(f(r["gemm_gflops"]) for r in best),
            "torch_default_samples_per_s": d,
            "torch_threads": "/".join(t for t, _ in settings) or None,
            "torch_openblas": "/".join(o for _, o in settings) or None,
        })
    return out


def fmt(v, spec):
    return format(v, spec) if v is not None else "-"


def print_table(summary, cpu, cpus):
    print()
    print("throughput (medians over rounds; %s, %s CPUs)" % (cpu, cpus))
    has_default = any(s["torch_default_samples_per_s"] is not None for s in summary)
    head = "%-7s %6s %12s %12s %7s %12s %15s %13s" % ("model", "batch", "ours smp/s", "torch smp/s", "ratio",
                                                      "paired ratio", "ours/GEMM-bound", "torch thr+BLAS")
    if has_default:
        head += " %14s" % "torch dflt smp/s"
    print(head)
    for s in summary:
        line = "%-7s %6d %12s %12s %7s %12s %15s %13s" % (
            s["model"], s["batch"], fmt(s["ours_samples_per_s"], ".0f"), fmt(s["torch_samples_per_s"], ".0f"),
            fmt(s["ratio"], ".2f"), fmt(s["median_paired_ratio"], ".2f"),
            fmt(s["ours_gemm_bound_fraction"] and 100 * s["ours_gemm_bound_fraction"], ".0f") + "%",
            "%s+%s" % (s["torch_threads"] or "?", s["torch_openblas"] or "?"))
        if has_default:
            line += " %14s" % fmt(s["torch_default_samples_per_s"], ".0f")
        print(line)
    print("ratio = ours / torch samples/s (> 1: ours faster); ours/GEMM-bound = time our GEMM shapes take alone"
          " / our step time; torch thr+BLAS = PyTorch's set_num_threads + OPENBLAS_NUM_THREADS for that model")


def write_csv(summary, path, cpu, cpus):
    cols = ["model", "batch", "rounds", "ours_samples_per_s", "torch_samples_per_s", "ratio", "median_paired_ratio",
            "ours_gemm_bound_fraction", "ours_of_best_gemm_bound", "torch_gemm_bound_fraction", "ours_step_ms",
            "torch_step_ms", "ours_gemm_ms", "torch_gemm_ms", "ours_step_gflops", "ours_gemm_gflops",
            "torch_gemm_gflops", "torch_default_samples_per_s", "torch_threads", "torch_openblas", "cpu_model", "cpus"]
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        for s in summary:
            row = dict(s, cpu_model=cpu, cpus=cpus)
            w.writerow(["" if row[c] is None else (("%.6g" % row[c]) if isinstance(row[c], float) else row[c])
                        for c in cols])


def plot(summary, path, cpu, cpus, labels, torch_label):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("no matplotlib: skipped %s (apt-get install python3-matplotlib)" % path, file=sys.stderr)
        return False
    models = sorted({s["model"] for s in summary}, key=lambda m: m != "ae")
    fig, axes = plt.subplots(1, len(models), figsize=(5.5 * len(models), 4.2), squeeze=False)
    for ax, m in zip(axes[0], models):
        rows = [s for s in summary if s["model"] == m]
        bs = [s["batch"] for s in rows]
        tt = rows[0]["torch_threads"] or labels[1]
        ob = rows[0]["torch_openblas"] or labels[2]
        series = [(labels[0], "ours_samples_per_s", "o-"), (torch_label(tt, ob), "torch_samples_per_s", "s-"),
                  ("PyTorch (default threads)", "torch_default_samples_per_s", "x:")]
        for label, key, style in series:
            pts = [(b, s[key]) for b, s in zip(bs, rows) if s[key] is not None]
            if pts:
                ax.plot([p[0] for p in pts], [p[1] for p in pts], style, label=label)
        ax.set_xscale("log", base=2)
        ax.set_xticks(bs)
        ax.set_xticklabels([str(b) for b in bs])
        ax.set_xlabel("batch size")
        ax.set_ylabel("training samples/s")
        ax.set_ylim(bottom=0)
        ax.set_title("%s: training throughput" % m)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("%s, %s CPUs (medians over rounds)" % (cpu, cpus), fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def train_report(folder):
    print()
    print("training (batch 128; test loss in nats/image of the best epoch: vae −ELBO with z ~ q(z|x), ae BCE)")
    print("%-7s %-6s %6s %10s %12s %12s %11s" % ("model", "impl", "epochs", "params", "test loss",
                                                "samples/s", "best epoch"))
    results = []
    for path in glob.glob(os.path.join(folder, "*.json")):
        with open(path) as fh:
            results.append(json.load(fh))
    for r in sorted(results, key=lambda r: (r["model"] != "ae", r["model"], r["impl"] != "ours")):
        print("%-7s %-6s %6d %10s %12.3f %12.0f %11d" % (r["model"], r["impl"], r["epochs"], r.get("parameters", "?"),
                                                       r["test_loss"], r["train_samples_per_s"], r["best_epoch"]))
    print("samples/s: the last epoch's training loop (loss read back every step), without evaluation")
    for r in sorted(results, key=lambda r: r["model"]):
        if r.get("config"):
            print("  %s %s: %s" % (r["impl"], r["model"], r["config"]))
    counts = {}
    for path in glob.glob(os.path.join(folder, "*.json")):
        with open(path) as fh:
            r = json.load(fh)
        counts.setdefault(r["model"], set()).add(r.get("parameters"))
    bad = {m: c for m, c in counts.items() if len(c) > 1}
    if bad:
        print("parameter counts differ between implementations: %s" % bad, file=sys.stderr)
        return False
    return True


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--raw", help="raw throughput rows (compare.sh's compare-raw.csv)")
    p.add_argument("--out", default="bench-out")
    p.add_argument("--cpu", default="unknown CPU")
    p.add_argument("--cpus", default="?")
    p.add_argument("--threads", default="2", help="our --threads (plot label)")
    p.add_argument("--torch-threads", default="1",
                   help="torch.set_num_threads (plot label, when the raw rows do not record it)")
    p.add_argument("--torch-openblas", default="2",
                   help="OPENBLAS_NUM_THREADS for torch (plot label, when the raw rows do not record it)")
    p.add_argument("--torch-adam", default="foreach", help="PyTorch's Adam implementation (plot label)")
    p.add_argument("--torch-malloc", default="tuned", help="PyTorch's glibc malloc setting (plot label)")
    p.add_argument("--train", help="folder of normalized train results (*.json)")
    a = p.parse_args()
    if a.raw:
        os.makedirs(a.out, exist_ok=True)
        summary = summarize(load(a.raw))
        print_table(summary, a.cpu, a.cpus)
        write_csv(summary, os.path.join(a.out, "compare.csv"), a.cpu, a.cpus)
        png = os.path.join(a.out, "throughput_vs_batch.png")
        def torch_label(tt, ob):
            return "PyTorch (%s torch thread%s, OPENBLAS_NUM_THREADS=%s, Adam %s, malloc %s)" % (
                tt, "" if str(tt) == "1" else "s", ob, a.torch_adam, a.torch_malloc)
        print("wrote %s%s" % (os.path.join(a.out, "compare.csv"), (", " + png) if plot(
            summary, png, a.cpu, a.cpus, ("Bottleneck (CPU, %s threads)" % a.threads, a.torch_threads, a.torch_openblas),
            torch_label) else ""))
    if a.train and not train_report(a.train):
        sys.exit(1)


if __name__ == "__main__":
    main()
