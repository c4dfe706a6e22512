package org.bottleneck.metrics;

/**
 * k-nearest-neighbour classification from precomputed neighbours (see {@link NearestNeighbors}):
 * each query gets the most frequent label among its first k neighbours, uniform weights; a tie in
 * the vote goes to the smallest label, as scikit-learn's {@code KNeighborsClassifier}
 * (scipy's {@code mode} returns the smallest of the most frequent values). Accuracy is the share
 * of queries whose predicted label equals their true one.
 */
public final class KnnClassifier {
    private KnnClassifier() {
    }

    /**
     * @param neighbours (m, kMax) indices into {@code refLabels}, nearest first
     * @param kMax       neighbours stored per query
     * @param k          neighbours that vote, 1 ≤ k ≤ kMax
     * @param refLabels  (n) labels ≥ 0 of the reference points
     * @return (m) predicted labels
     */
    public static int[] predict(int[] neighbours, int kMax, int k, int[] refLabels) {
        if (k < 1 || k > kMax || neighbours.length % kMax != 0) {
            throw new IllegalArgumentException("kNN vote: k = " + k + " of " + kMax + " stored neighbours, "
                    + neighbours.length + " indices");
        }
        int maxLabel = 0;
        for (int y : refLabels) {
            if (y < 0) {
                throw new IllegalArgumentException("kNN needs labelled reference points; found label " + y);
            }
            maxLabel = Math.max(maxLabel, y);
        }
        int m = neighbours.length / kMax;
        int[] votes = new int[maxLabel + 1];
        int[] pred = new int[m];
        for (int q = 0; q < m; q++) {
            for (int i = 0; i < k; i++) {
                votes[refLabels[neighbours[q * kMax + i]]]++;
            }
            int best = 0;
            for (int y = 1; y <= maxLabel; y++) {
                if (votes[y] > votes[best]) { // strict: the smallest label wins a tie
                    best = y;
                }
            }
            pred[q] = best;
            for (int i = 0; i < k; i++) {
                votes[refLabels[neighbours[q * kMax + i]]] = 0;
            }
        }
        return pred;
    }

    /** Share of queries whose k-NN vote equals {@code queryLabels} (m). */
    public static double accuracy(int[] neighbours, int kMax, int k, int[] refLabels, int[] queryLabels) {
        int[] pred = predict(neighbours, kMax, k, refLabels);
        if (pred.length != queryLabels.length) {
            throw new IllegalArgumentException("kNN accuracy: " + pred.length + " predictions for " + queryLabels.length
                    + " query labels");
        }
        if (pred.length == 0) {
            throw new IllegalArgumentException("kNN accuracy of no queries");
        }
        int hit = 0;
        for (int q = 0; q < pred.length; q++) {
            hit += pred[q] == queryLabels[q] ? 1 : 0;
        }
        return (double) hit / pred.length;
    }
}
