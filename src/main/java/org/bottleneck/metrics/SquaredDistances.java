package org.bottleneck.metrics;

/**
 * Squared Euclidean distances between the rows of one (n, D) float matrix X, a block of rows at
 * a time, for neighbour ranks in a high-dimensional input space (10,000 MNIST images: 10⁸ pairs
 * of 784 values). {@code ‖xᵢ − xⱼ‖² = ‖xᵢ‖² + ‖xⱼ‖² − 2·xᵢ·xⱼ} with the norms in double and the
 * dot products in float, four rows of the block against a tile of 256 columns at a time from
 * Xᵀ (D, n) so the JIT vectorizes the inner loop over columns; a feature that is zero in all
 * four rows (most of an MNIST digit's background) is skipped. Float dot products carry a
 * relative error of about D·2⁻²⁴, which only reorders near-ties. Immutable; blocks may be
 * computed from several threads at once.
 */
final class SquaredDistances {
    private static final int TILE = 256;

    private final int n;
    private final int d;
    private final float[] x;   // (n, D)
    private final float[] xt;  // (D, n)
    private final double[] sq; // (n) squared norms

    SquaredDistances(float[] x, int n, int d) {
        if (n < 1 || d < 1 || x.length != (long) n * d) {
            throw new IllegalArgumentException("distances: " + x.length + " floats for (" + n + ", " + d + ") points");
        }
        this.n = n;
        this.d = d;
        this.x = x;
        this.xt = new float[n * d];
        this.sq = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int p = 0; p < d; p++) {
                float v = x[i * d + p];
                xt[p * n + i] = v;
                s += (double) v * v;
            }
            sq[i] = s;
        }
    }

    /** Writes the distances of rows [i0, i0 + b) to every row into {@code out} (b, n), clamped at 0. */
    void rows(int i0, int b, float[] out) {
        float[] a0 = new float[TILE], a1 = new float[TILE], a2 = new float[TILE], a3 = new float[TILE];
        for (int jt = 0; jt < n; jt += TILE) {
            int t = Math.min(TILE, n - jt);
            for (int r = 0; r < b; r += 4) {
                int last = i0 + b - 1;
                int r0 = i0 + r, r1 = Math.min(r0 + 1, last), r2 = Math.min(r0 + 2, last), r3 = Math.min(r0 + 3, last);
                java.util.Arrays.fill(a0, 0);
                java.util.Arrays.fill(a1, 0);
                java.util.Arrays.fill(a2, 0);
                java.util.Arrays.fill(a3, 0);
                for (int p = 0; p < d; p++) {
                    float v0 = x[r0 * d + p], v1 = x[r1 * d + p], v2 = x[r2 * d + p], v3 = x[r3 * d + p];
                    if (v0 == 0 && v1 == 0 && v2 == 0 && v3 == 0) {
                        continue;
                    }
                    int base = p * n + jt;
                    for (int j = 0; j < t; j++) {
                        float c = xt[base + j];
                        a0[j] += v0 * c;
                        a1[j] += v1 * c;
                        a2[j] += v2 * c;
                        a3[j] += v3 * c;
                    }
                }
                store(a0, r0, r, i0, b, jt, t, out);
                store(a1, r1, r + 1, i0, b, jt, t, out);
                store(a2, r2, r + 2, i0, b, jt, t, out);
                store(a3, r3, r + 3, i0, b, jt, t, out);
            }
        }
    }

    private void store(float[] dot, int row, int r, int i0, int b, int jt, int t, float[] out) {
        if (r >= b) {
            return; // a padding row of the last group of four
        }
        double si = sq[row];
        for (int j = 0; j < t; j++) {
            out[r * n + jt + j] = (float) Math.max(0, si + sq[jt + j] - 2.0 * dot[j]);
        }
    }
}
