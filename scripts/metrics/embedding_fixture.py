"""Reference values for src/test/java/org/bottleneck/metrics/EmbeddingMetricsFixtureTest.java.

Run with a Python that has scikit-learn (checked with scikit-learn 1.2.1):
    /usr/bin/python3 scripts/metrics/embedding_fixture.py
The points come from a 64-bit LCG that the Java test repeats: X (40, 6) multiples of 1/64 below
8, exact in float32 with every dot product and squared distance (our input-space distances use
float dot products); Z (40, 2) multiples of 1/512 below 16, exact in float32, their squared
distances exact in float64 (our embedding distances are doubles). Both sides rank the same numbers. The script checks that no row has two equal distances (scikit-learn and
we break ties differently), then prints scikit-learn's trustworthiness, continuity (=
trustworthiness with X and Z swapped) and train→test kNN accuracies.
"""
import numpy as np
from sklearn.manifold import trustworthiness
from sklearn.neighbors import KNeighborsClassifier

MASK = (1 << 64) - 1


def lcg_points(seed, n, d, steps):
    """Multiples of 1/steps in [0, 8)."""
    s, out = seed, []
    for _ in range(n * d):
        s = (s * 6364136223846793005 + 1442695040888963407) & MASK
        out.append(((s >> 33) % (8 * steps)) / steps)
    return np.array(out).reshape(n, d)


def no_ties(p):
    d2 = ((p[:, None, :] - p[None, :, :]) ** 2).sum(-1)
    for i, row in enumerate(d2):
        r = np.delete(row, i)
        assert len(np.unique(r)) == len(r), f"row {i} has tied distances"


n, D, d = 40, 6, 2
X = lcg_points(1, n, D, 64)
Z = lcg_points(2, n, d, 512) + X[:, :2]  # an embedding that keeps part of the structure
no_ties(X)
no_ties(Z)
for k in (1, 3, 5):
    print(f"k={k} trustworthiness={trustworthiness(X, Z, n_neighbors=k):.12f} "
          f"continuity={trustworthiness(Z, X, n_neighbors=k):.12f}")
labels = np.array([i % 3 for i in range(n)])
for k in (1, 3, 5):
    c = KNeighborsClassifier(n_neighbors=k).fit(Z[:30], labels[:30])
    print(f"k={k} knn_accuracy={c.score(Z[30:], labels[30:]):.12f}")
