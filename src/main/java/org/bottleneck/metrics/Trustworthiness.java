package org.bottleneck.metrics;

import java.util.stream.IntStream;

/**
 * Trustworthiness and continuity of an embedding (Venna &amp; Kaski 2001): whether the k nearest
 * neighbours of a point in the embedding Z (n, d) were near it in the input space X (n, D), and
 * the converse. With r(i, j) the 1-based rank of j among the other points by distance from i in
 * X, r̂(i, j) the same in Z, Nᵢᵏ and N̂ᵢᵏ the k nearest neighbours of i in X and in Z:
 * <pre>
 *   T(k) = 1 − 2/(n·k·(2n − 3k − 1)) · Σᵢ Σ_{j ∈ N̂ᵢᵏ} max(0, r(i, j) − k)
 *   C(k) = 1 − 2/(n·k·(2n − 3k − 1)) · Σᵢ Σ_{j ∈ Nᵢᵏ} max(0, r̂(i, j) − k)
 * </pre>
 * T is scikit-learn's {@code sklearn.manifold.trustworthiness(X, Z, n_neighbors=k)} (Euclidean),
 * and C(X, Z) = T(Z, X). Both lie in [0, 1], 1 when neighbourhoods are kept; k &lt; n/2.
 * Ranks and neighbour sets order equal distances by index (scikit-learn leaves that order to
 * its sort). Input distances come from {@link SquaredDistances} (float dot products),
 * embedding distances are exact doubles. Cost: O(n²·D) for the input distances, computed in
 * blocks of rows in parallel without holding the n×n matrix; O(n²·k) for the ranks.
 */
public final class Trustworthiness {
    private static final int BLOCK = 16;

    private Trustworthiness() {
    }

    /** T(k) and C(k) of one embedding. */
    public record Result(double trustworthiness, double continuity) {
    }

    /**
     * @param x    (n, inputDim) points in the input space, row-major
     * @param z    (n, codeDim) their embeddings
     * @param k    neighbourhood size, 1 ≤ k &lt; n/2
     */
    public static Result of(float[] x, int inputDim, float[] z, int codeDim, int n, int k) {
        if (n < 3 || x.length != (long) n * inputDim || z.length != (long) n * codeDim || codeDim < 1) {
            throw new IllegalArgumentException("trustworthiness: input " + x.length + " floats for (" + n + ", " + inputDim
                    + "), embedding " + z.length + " floats for (" + n + ", " + codeDim + ")");
        }
        if (k < 1 || 2 * k >= n) {
            throw new IllegalArgumentException("trustworthiness needs 1 ≤ k < n/2, got k = " + k + " for n = " + n);
        }
        SquaredDistances dx = new SquaredDistances(x, n, inputDim);
        long[][] sums = IntStream.range(0, (n + BLOCK - 1) / BLOCK).parallel()
                .mapToObj(b -> block(dx, z, codeDim, n, k, b * BLOCK, Math.min(BLOCK, n - b * BLOCK)))
                .toArray(long[][]::new);
        long t = 0, c = 0;
        for (long[] s : sums) {
            t += s[0];
            c += s[1];
        }
        double norm = 2.0 / ((double) n * k * (2.0 * n - 3.0 * k - 1.0));
        return new Result(1 - norm * t, 1 - norm * c);
    }

    /** {Σ over rows [i0, i0+b) of the trustworthiness penalty, of the continuity penalty}. */
    private static long[] block(SquaredDistances dx, float[] z, int codeDim, int n, int k, int i0, int b) {
        float[] rows = new float[b * n];
        dx.rows(i0, b, rows);
        double[] inX = new double[n], inZ = new double[n], scratch = new double[k];
        int[] nx = new int[k], nz = new int[k];
        long t = 0, c = 0;
        for (int r = 0; r < b; r++) {
            int i = i0 + r;
            for (int j = 0; j < n; j++) {
                inX[j] = rows[r * n + j];
                double s = 0;
                for (int q = 0; q < codeDim; q++) {
                    double e = (double) z[i * codeDim + q] - z[j * codeDim + q];
                    s += e * e;
                }
                inZ[j] = s;
            }
            TopK.smallest(inX, n, i, k, nx, 0, scratch);
            TopK.smallest(inZ, n, i, k, nz, 0, scratch);
            for (int a = 0; a < k; a++) {
                t += Math.max(0, TopK.rank(inX, n, i, nz[a]) - k);
                c += Math.max(0, TopK.rank(inZ, n, i, nx[a]) - k);
            }
        }
        return new long[] {t, c};
    }
}
