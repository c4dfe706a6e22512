package org.bottleneck.metrics;

/**
 * Scores of n samples with a binary truth (true = positive, here: anomalous), checked once and
 * ordered by decreasing score, the order every threshold sweep walks. Samples with equal
 * scores form one group: a threshold either flags all of them or none, so the curves have one
 * point per distinct score, never one per sample (the ordering of ties cannot matter).
 */
final class BinaryScores {
    final double[] scores;
    final boolean[] positive;
    final Integer[] byScoreDesc;
    final int positives, negatives;

    BinaryScores(double[] scores, boolean[] positive, String metric) {
        if (scores.length != positive.length) {
            throw new IllegalArgumentException(metric + ": " + scores.length + " scores for " + positive.length + " labels");
        }
        int p = 0;
        for (int i = 0; i < scores.length; i++) {
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException(metric + ": score " + i + " is NaN");
            }
            p += positive[i] ? 1 : 0;
        }
        if (p == 0 || p == scores.length) {
            throw new IllegalArgumentException(metric + " needs positives and negatives, got " + p + " positive of "
                    + scores.length);
        }
        this.scores = scores;
        this.positive = positive;
        this.positives = p;
        this.negatives = scores.length - p;
        byScoreDesc = new Integer[scores.length];
        for (int i = 0; i < scores.length; i++) {
            byScoreDesc[i] = i;
        }
        java.util.Arrays.sort(byScoreDesc, (a, b) -> Double.compare(scores[b], scores[a]));
    }

    /** Cumulative counts after each distinct score, highest first: {tp[g], fp[g], threshold[g]}. */
    double[][] sweep() {
        int n = scores.length;
        double[] tp = new double[n], fp = new double[n], th = new double[n];
        int groups = 0, t = 0, f = 0;
        for (int i = 0; i < n; i++) {
            int s = byScoreDesc[i];
            if (positive[s]) {
                t++;
            } else {
                f++;
            }
            boolean lastOfGroup = i == n - 1 || scores[byScoreDesc[i + 1]] != scores[s];
            if (lastOfGroup) {
                tp[groups] = t;
                fp[groups] = f;
                th[groups] = scores[s];
                groups++;
            }
        }
        return new double[][] {java.util.Arrays.copyOf(tp, groups), java.util.Arrays.copyOf(fp, groups),
                java.util.Arrays.copyOf(th, groups)};
    }
}
