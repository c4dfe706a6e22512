#!/usr/bin/python3
"""PyTorch peer of `bottleneck bench` and `bottleneck train` for the vae, ae, convae and convvae presets.

Throughput mode (default) prints CSV with the same header as `bottleneck bench --csv`:

    model,batch,samples_per_s,step_ms,gemm_ms,gemm_gflops,step_gflops,gemm_bound_fraction

where a step is what our CPU trainer does: gather the next batch of shuffled images into a
fresh tensor (index_select, as the train mode and a DataLoader do), forward, loss, backward,
Adam step, and read the loss back with .item(). (Slicing the batch out of one pre-shuffled
tensor instead was ~15% slower for PyTorch here: 16k against 18.5k samples/s over 3,000 steps.) gemm_ms is
the time of this model's own GEMM shapes (forward, dW and dX of every Linear) run alone
through torch.mm, i.e. through the BLAS PyTorch is linked to: the GEMM-bound step time. For the
conv models the shapes are those our CPU backend runs (im2col GEMMs of every conv layer, as
`bottleneck bench` counts them; torch_models.gemm_shapes), since PyTorch's own convs go
through oneDNN and have no GEMMs to list.

Train mode trains E epochs at batch 128 on the training set (reshuffled every epoch, last
partial batch kept, like our Trainer), evaluates the test set after every epoch (VAE: z drawn
from q(z|x), as in PyTorch's VAE example) and reports the last epoch's training samples/s and
the best epoch's test loss in nats/image (VAE: −ELBO; AE: reconstruction BCE).

Threads: --torch-threads N calls torch.set_num_threads(N) (0 = PyTorch's default). OpenBLAS
reads OPENBLAS_NUM_THREADS from the environment when it loads; --openblas-threads N sets it
before torch is imported. On the 2-core dev machine the best MLP setting was
--torch-threads 1 with OPENBLAS_NUM_THREADS=2, the best conv setting --torch-threads 2 with
OPENBLAS_NUM_THREADS=1 (shared/DESIGN.md §3).

    OPENBLAS_NUM_THREADS=2 /usr/bin/python3 benchmarks/peers/torch_bench.py \\
        --model vae --batch 128 --steps 200 --warmup 50 --torch-threads 1
    OPENBLAS_NUM_THREADS=2 /usr/bin/python3 benchmarks/peers/torch_bench.py --mode train \\
        --model vae --epochs 3 --torch-threads 1 --json bench-out/torch-vae.json
"""

import argparse
import json
import os
import sys
import time


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--mode", choices=("throughput", "train"), default="throughput")
    p.add_argument("--model", default="vae", help="vae, ae, convae or convvae; throughput mode takes a comma list")
    p.add_argument("--batch", default="128", help="batch size; throughput mode takes a comma list")
    p.add_argument("--steps", type=int, default=200, help="timed steps (throughput)")
    p.add_argument("--warmup", type=int, default=50, help="untimed warm-up steps (throughput)")
    p.add_argument("--no-gemm", action="store_true", help="skip the GEMM-only ceiling (throughput)")
    p.add_argument("--epochs", type=int, default=3, help="epochs (train)")
    p.add_argument("--train-limit", type=int, default=0, help="first N training images only (0 = all)")
    p.add_argument("--test-limit", type=int, default=0, help="first N test images only (0 = all; train)")
    p.add_argument("--torch-threads", type=int, default=0, help="torch.set_num_threads(N); 0 = default")
    p.add_argument("--openblas-threads", type=int, default=0,
                   help="set OPENBLAS_NUM_THREADS before importing torch (0 = leave the environment)")
    p.add_argument("--adam-foreach", action="store_true",
                   help="Adam's multi-tensor implementation (PyTorch 1.13 loops per tensor on CPU by default)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--no-header", action="store_true", help="CSV rows without the header line (throughput)")
    p.add_argument("--json", help="write the train-mode result to this file")
    return p.parse_args(argv)


ARGS = parse_args(sys.argv[1:])
if ARGS.openblas_threads > 0:
    os.environ["OPENBLAS_NUM_THREADS"] = str(ARGS.openblas_threads)

import torch  # noqa: E402  (after OPENBLAS_NUM_THREADS is settled)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_models as tm  # noqa: E402


def blas_library():
    """The BLAS shared object mapped into this process (Debian's torch goes through libblas.so.3,
    whichever alternative provides it: openblas-pthread is fast, the reference BLAS is not)."""
    torch.mm(torch.ones(8, 8), torch.ones(8, 8))
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1]
                if "blas" in os.path.basename(path).lower() or "openblas" in path.lower():
                    libs.add(os.path.realpath(path))
    except OSError:
        pass
    return ", ".join(sorted(libs)) or "unknown"


def describe_config():
    return "# torch %s; torch threads %d%s; OPENBLAS_NUM_THREADS=%s; Adam %s; malloc %s; BLAS %s" % (
        torch.__version__, torch.get_num_threads(), " (default)" if ARGS.torch_threads <= 0 else "",
        os.environ.get("OPENBLAS_NUM_THREADS", "unset"), "foreach" if ARGS.adam_foreach else "default",
        " ".join("%s=%s" % (k, v) for k, v in sorted(os.environ.items()) if k.startswith("MALLOC_")) or "glibc default",
        blas_library())


def build_checked(name):
    model = tm.build(name)
    n = tm.parameter_count(model)
    want = tm.EXPECTED_PARAMETERS[name]
    assert n == want, "%s: PyTorch model has %d parameters, Bottleneck's has %d" % (name, n, want)
    return model


def train_step(model, opt, xb):
    opt.zero_grad(set_to_none=True)
    loss, _, _ = model.losses(xb)
    loss.backward()
    opt.step()
    return loss.item()


def gemm_ceiling(model, batch, reps):
    """(ms per step spent in this model's GEMMs alone, FLOPs per step), best of 3 rounds. MLPs:
    the shapes autograd runs, y = x·Wᵀ, dW = dyᵀ·x, and dx = dy·W for all but the first layer.
    Conv models: our backend's GEMM shapes (torch_models.gemm_shapes), op(A) and op(B) as
    transposed views where the GEMM transposes."""
    shapes = []  # (A, B, out) with out = A @ B
    if isinstance(model, (tm.ConvAE, tm.ConvVAE)):
        for m, n, k, ta, tb in tm.gemm_shapes(model, batch):
            a = torch.full((k, m), 0.01).t() if ta else torch.full((m, k), 0.01)
            b = torch.full((n, k), 0.01).t() if tb else torch.full((k, n), 0.01)
            shapes.append((a, b, torch.empty(m, n)))
    for i, (fan_in, fan_out) in enumerate([] if shapes else tm.linear_shapes(model)):
        w = torch.full((fan_out, fan_in), 0.01)
        x = torch.full((batch, fan_in), 0.01)
        dy = torch.full((batch, fan_out), 0.01)
        shapes.append((x, w.t(), torch.empty(batch, fan_out)))
        shapes.append((dy.t(), x, torch.empty(fan_out, fan_in)))
        if i > 0:
            shapes.append((dy, w, torch.empty(batch, fan_in)))
    flops = sum(2.0 * a.shape[0] * a.shape[1] * b.shape[1] for a, b, _ in shapes)
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        for _ in range(reps):
            for a, b, c in shapes:
                torch.mm(a, b, out=c)
        best = min(best, (time.perf_counter() - t0) * 1e3 / reps)
    return best, flops


def throughput(name, batch, train):
    torch.manual_seed(ARGS.seed)
    model = build_checked(name)
    opt = tm.optimizer_for(model, foreach=True if ARGS.adam_foreach else None)
    per = train.shape[0] // batch
    order = torch.randperm(train.shape[0], generator=torch.Generator().manual_seed(ARGS.seed))
    if per < 1:
        raise SystemExit("batch %d is larger than the %d training images" % (batch, train.shape[0]))
    t0 = 0.0
    for s in range(ARGS.warmup + ARGS.steps):
        if s == ARGS.warmup:
            t0 = time.perf_counter()
        i = s % per
        train_step(model, opt, train.index_select(0, order[i * batch:(i + 1) * batch]))
    step_ms = (time.perf_counter() - t0) * 1e3 / ARGS.steps
    if ARGS.no_gemm:
        return "%s,%d,%.1f,%.4f,,,," % (name, batch, batch / (step_ms / 1e3), step_ms)
    gemm_ms, flops = gemm_ceiling(model, batch, max(5, ARGS.steps // 4))
    return "%s,%d,%.1f,%.4f,%.4f,%.2f,%.2f,%.4f" % (name, batch, batch / (step_ms / 1e3), step_ms, gemm_ms,
                                                    flops / (gemm_ms * 1e6), flops / (step_ms * 1e6),
                                                    gemm_ms / step_ms)


def evaluate(model, test, batch=1000):
    """Mean (loss, recon, kl) per test image; VAE noise from a fixed seed, so repeatable."""
    model.eval()
    torch.manual_seed(ARGS.seed + 7919)
    s_loss = s_recon = s_kl = 0.0
    with torch.no_grad():
        for start in range(0, test.shape[0], batch):
            xb = test[start:start + batch]
            loss, recon, kl = model.losses(xb)
            n = xb.shape[0]
            s_loss += loss.item() * n
            s_recon += recon.item() * n
            s_kl += kl.item() * n
    model.train()
    n = test.shape[0]
    return s_loss / n, s_recon / n, s_kl / n


def train_mode(name, batch):
    train = tm.load_mnist(True, ARGS.train_limit)
    test = tm.load_mnist(False, ARGS.test_limit)
    torch.manual_seed(ARGS.seed)
    model = build_checked(name)
    opt = tm.optimizer_for(model, foreach=True if ARGS.adam_foreach else None)
    gen = torch.Generator().manual_seed(ARGS.seed)
    n = train.shape[0]
    steps = (n + batch - 1) // batch
    history = []
    best = None
    print("torch %s: %d parameters, %d train / %d test images, %d epochs at batch %d"
          % (name, tm.parameter_count(model), n, test.shape[0], ARGS.epochs, batch), flush=True)
    for epoch in range(1, ARGS.epochs + 1):
        perm = torch.randperm(n, generator=gen)
        total = 0.0
        t0 = time.perf_counter()
        for i in range(steps):
            idx = perm[i * batch:(i + 1) * batch]
            total += train_step(model, opt, train.index_select(0, idx)) * idx.shape[0]
        seconds = time.perf_counter() - t0
        loss, recon, kl = evaluate(model, test)
        row = {"epoch": epoch, "train_loss": total / n, "test_loss": loss, "test_recon": recon, "test_kl": kl,
               "seconds": seconds, "samples_per_s": n / seconds}
        history.append(row)
        if best is None or loss < best["test_loss"]:
            best = row
        print("epoch %d  train %.3f  test %.3f (recon %.3f kl %.3f)  %.0f samples/s"
              % (epoch, row["train_loss"], loss, recon, kl, row["samples_per_s"]), flush=True)
    result = {"impl": "torch", "model": name, "parameters": tm.parameter_count(model), "epochs": ARGS.epochs,
              "batch": batch, "train_images": n, "test_images": test.shape[0],
              "train_samples_per_s": history[-1]["samples_per_s"],
              "mean_samples_per_s": n * len(history) / sum(h["seconds"] for h in history),
              "best_epoch": best["epoch"], "test_loss": best["test_loss"], "test_recon": best["test_recon"],
              "test_kl": best["test_kl"], "config": describe_config()[2:], "history": history}
    print("torch %s: test loss %.3f nats/image (best epoch %d)  %.0f samples/s (last epoch)"
          % (name, result["test_loss"], result["best_epoch"], result["train_samples_per_s"]), flush=True)
    if ARGS.json:
        with open(ARGS.json, "w") as f:
            json.dump(result, f, indent=2)


def main():
    if ARGS.torch_threads > 0:
        torch.set_num_threads(ARGS.torch_threads)
    models = [m.strip() for m in ARGS.model.split(",") if m.strip()]
    batches = [int(b) for b in ARGS.batch.split(",") if b.strip()]
    for m in models:
        if m not in tm.EXPECTED_PARAMETERS:
            raise SystemExit("unknown model '%s' (expected one of %s)" % (m, ", ".join(tm.EXPECTED_PARAMETERS)))
    print(describe_config(), file=sys.stderr, flush=True)
    if ARGS.mode == "train":
        if len(models) != 1 or len(batches) != 1:
            raise SystemExit("train mode takes one model and one batch size")
        train_mode(models[0], batches[0])
        return
    train = tm.load_mnist(True, ARGS.train_limit)
    if not ARGS.no_header:
        print("model,batch,samples_per_s,step_ms,gemm_ms,gemm_gflops,step_gflops,gemm_bound_fraction", flush=True)
    for m in models:
        for b in batches:
            print(throughput(m, b, train), flush=True)


if __name__ == "__main__":
    main()
