package org.bottleneck.metrics;

import java.util.stream.IntStream;

/**
 * Exact k nearest neighbours by brute force under the Euclidean distance, for low-dimensional
 * points (embeddings): for each of m query rows q (m, d) the indices of the k reference rows of
 * r (n, d) closest to it, ordered by (distance, index) — equal distances go to the lower index.
 * Squared distances are summed in double. Cost O(m·n·d); queries run in parallel.
 */
public final class NearestNeighbors {
    private NearestNeighbors() {
    }

    /**
     * @param ref     (n, dims) reference points, row-major
     * @param queries (m, dims) query points
     * @param self    whether queries are the reference points themselves (then m = n and row i
     *                is not its own neighbour, as scikit-learn's {@code kneighbors()} without X)
     * @return (m, k) neighbour indices into ref, nearest first
     */
    public static int[] search(float[] ref, int n, float[] queries, int m, int dims, int k, boolean self) {
        if (dims < 1 || ref.length != (long) n * dims || queries.length != (long) m * dims) {
            throw new IllegalArgumentException("nearest neighbours: reference " + ref.length + " floats for (" + n + ", "
                    + dims + "), queries " + queries.length + " floats for (" + m + ", " + dims + ")");
        }
        if (self && m != n) {
            throw new IllegalArgumentException("nearest neighbours among the reference points: " + m + " queries for "
                    + n + " points");
        }
        int available = self ? n - 1 : n;
        if (k < 1 || k > available) {
            throw new IllegalArgumentException("k = " + k + " neighbours asked for, but there are " + available
                    + " candidate points");
        }
        int[] out = new int[m * k];
        int block = 64;
        IntStream.range(0, (m + block - 1) / block).parallel().forEach(b -> {
            double[] d = new double[n];
            double[] scratch = new double[k];
            for (int q = b * block; q < Math.min(m, (b + 1) * block); q++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int c = 0; c < dims; c++) {
                        double t = (double) queries[q * dims + c] - ref[j * dims + c];
                        s += t * t;
                    }
                    d[j] = s;
                }
                TopK.smallest(d, n, self ? q : -1, k, out, q * k, scratch);
            }
        });
        return out;
    }
}
