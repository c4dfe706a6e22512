package org.bottleneck.metrics;

/**
 * The k smallest entries of a row of distances, in increasing order of (distance, index):
 * equal distances go to the lower index, so results are deterministic. Insertion into a sorted
 * array of k: O(n·k) worst case, O(n) when most entries are larger than the k-th, as for
 * neighbour searches.
 */
final class TopK {
    private TopK() {
    }

    /**
     * Writes into {@code out[o .. o+k)} the indices of the k smallest of {@code d[0 .. n)},
     * skipping index {@code skip} (−1: none); {@code dist} (k) is scratch.
     */
    static void smallest(double[] d, int n, int skip, int k, int[] out, int o, double[] dist) {
        int filled = 0;
        for (int j = 0; j < n; j++) {
            if (j == skip) {
                continue;
            }
            double v = d[j];
            if (filled == k && !(v < dist[k - 1])) { // ties with the k-th keep the lower index, already in
                continue;
            }
            int pos = filled == k ? k - 1 : filled++;
            while (pos > 0 && dist[pos - 1] > v) { // strict: an equal distance stays after the lower index
                dist[pos] = dist[pos - 1];
                out[o + pos] = out[o + pos - 1];
                pos--;
            }
            dist[pos] = v;
            out[o + pos] = j;
        }
        if (filled < k) {
            throw new IllegalArgumentException("asked for " + k + " neighbours among " + (skip >= 0 ? n - 1 : n) + " points");
        }
    }

    /** The 1-based rank of j among the entries l ≠ skip of d, ordered by (distance, index): 1 + #{l ≠ skip : (d[l], l) &lt; (d[j], j)}. */
    static int rank(double[] d, int n, int skip, int j) {
        double v = d[j];
        int r = 1;
        for (int l = 0; l < n; l++) {
            if (l != skip && l != j && (d[l] < v || (d[l] == v && l < j))) {
                r++;
            }
        }
        return r;
    }
}
