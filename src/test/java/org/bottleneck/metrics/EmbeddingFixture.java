package org.bottleneck.metrics;

/**
 * The seeded points of scripts/metrics/embedding_fixture.py, which printed scikit-learn
 * 1.2.1's values that the tests compare with: a 64-bit LCG, values (s ≫ 33) mod (8·steps) / steps.
 * X (40, 6) on a 1/64 grid and Z = LCG(2) on a 1/512 grid + X's first two columns (40, 2):
 * every distance is exact on both sides, and the script checked that no row has a tie.
 */
final class EmbeddingFixture {
    static final int N = 40, D = 6, Z_DIM = 2;

    private EmbeddingFixture() {
    }

    static float[] lcg(long seed, int n, int d, int steps) {
        long s = seed;
        float[] out = new float[n * d];
        for (int i = 0; i < out.length; i++) {
            s = s * 6364136223846793005L + 1442695040888963407L;
            out[i] = (float) (Long.remainderUnsigned(s >>> 33, 8L * steps) / (double) steps);
        }
        return out;
    }

    static float[] x() {
        return lcg(1, N, D, 64);
    }

    static float[] z() {
        float[] x = x(), z = lcg(2, N, Z_DIM, 512);
        for (int i = 0; i < N; i++) {
            z[i * 2] += x[i * D];
            z[i * 2 + 1] += x[i * D + 1];
        }
        return z;
    }

    static int[] labels() {
        int[] y = new int[N];
        for (int i = 0; i < N; i++) {
            y[i] = i % 3;
        }
        return y;
    }
}
