"""Cross-checks a `bottleneck project` run on MNIST against scikit-learn (development aid).

    /usr/bin/python3 scripts/metrics/check_projection.py runs/project pca ae2d vae2d

Reads the run's embeddings_train.csv / embeddings_test.csv and prints, per method, scikit-learn's
KNeighborsClassifier accuracy (k = 1, 5; fitted on the training embeddings, scored on the test
embeddings), trustworthiness(X_test, Z_test, 5) and continuity = trustworthiness(Z_test, X_test, 5)
with X_test the 10,000 MNIST test images / 255 — the numbers projection.md should show.
Checked with scikit-learn 1.2.1; takes a few minutes per method (the 10,000² distances).
"""
import gzip
import sys

import numpy as np
from sklearn.manifold import trustworthiness
from sklearn.neighbors import KNeighborsClassifier


def images(path):
    return np.frombuffer(gzip.open(path).read(), np.uint8, offset=16).reshape(-1, 784) / 255.0


run, methods = sys.argv[1], sys.argv[2:]
x_test = images("data/mnist/t10k-images-idx3-ubyte.gz")
train = np.genfromtxt(f"{run}/embeddings_train.csv", delimiter=",", names=True)
test = np.genfromtxt(f"{run}/embeddings_test.csv", delimiter=",", names=True)
for m in methods:
    cols = sorted((c for c in train.dtype.names if c.startswith(m + "_z")), key=lambda c: int(c.rsplit("z", 1)[1]))
    z, zt = np.stack([train[c] for c in cols], 1), np.stack([test[c] for c in cols], 1)
    for k in (1, 5):
        acc = KNeighborsClassifier(n_neighbors=k).fit(z, train["label"]).score(zt, test["label"])
        print(f"{m} {k}-NN {acc:.4f}", flush=True)
    n = len(zt)
    print(f"{m} trustworthiness {trustworthiness(x_test[:n], zt, n_neighbors=5):.4f} "
          f"continuity {trustworthiness(zt, x_test[:n], n_neighbors=5):.4f}", flush=True)
