"""Single-image encode latency of the PyTorch twins (the embedding use case), to compare with
Bottleneck's EncodeBench.encodeOne (JMH) on the same machine.

  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 benchmarks/peers/torch_encode.py [--model vae] [--reps 20000]

Times `model.encoder(x)` for one 784-pixel image under torch.no_grad() in eval mode, after a
warm-up, and prints the median of 7 batches of --reps calls in microseconds per call.
"""

import argparse
import statistics
import time

import torch

import torch_models


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="vae", choices=["vae", "ae"])
    p.add_argument("--reps", type=int, default=20000)
    p.add_argument("--torch-threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.torch_threads)
    model = torch_models.build(a.model).eval()
    x = torch.rand(1, 784)
    with torch.no_grad():
        for _ in range(2000):
            model.encoder(x)
        times = []
        for _ in range(7):
            t0 = time.perf_counter()
            for _ in range(a.reps):
                model.encoder(x)
            times.append((time.perf_counter() - t0) / a.reps * 1e6)
    print(f"torch {torch.__version__} {a.model} encoder, 1 image, {a.torch_threads} thread(s): "
          f"{statistics.median(times):.2f} µs/call (median of 7 × {a.reps})")


if __name__ == "__main__":
    main()
