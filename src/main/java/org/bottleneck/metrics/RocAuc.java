package org.bottleneck.metrics;

/**
 * Area under the ROC curve of scores where a higher score means "more likely positive":
 * the probability that a random positive scores above a random negative, ties counting ½
 * (Mann–Whitney U / (P·N)). Computed as the trapezoidal area under the curve through one point
 * per distinct score, which equals that probability exactly, ties included (a tied group is a
 * straight segment: half its rectangle).
 */
public final class RocAuc {
    private RocAuc() {
    }

    /**
     * The ROC curve from (0, 0) to (1, 1): point g is the false- and true-positive rate when
     * every sample scoring ≥ threshold[g] is flagged (threshold[0] = +∞ flags none).
     */
    public record Curve(double[] fpr, double[] tpr, double[] threshold) {
    }

    /** ROC-AUC in [0, 1] of {@code scores} (n) against {@code positive} (n); needs both classes, no NaN. */
    public static double of(double[] scores, boolean[] positive) {
        Curve c = curve(scores, positive);
        double area = 0;
        for (int g = 1; g < c.fpr.length; g++) {
            area += (c.fpr[g] - c.fpr[g - 1]) * (c.tpr[g] + c.tpr[g - 1]) / 2;
        }
        return area;
    }

    public static Curve curve(double[] scores, boolean[] positive) {
        BinaryScores s = new BinaryScores(scores, positive, "ROC-AUC");
        double[][] sw = s.sweep();
        int g = sw[0].length;
        double[] fpr = new double[g + 1], tpr = new double[g + 1], th = new double[g + 1];
        th[0] = Double.POSITIVE_INFINITY;
        for (int i = 0; i < g; i++) {
            tpr[i + 1] = sw[0][i] / s.positives;
            fpr[i + 1] = sw[1][i] / s.negatives;
            th[i + 1] = sw[2][i];
        }
        return new Curve(fpr, tpr, th);
    }
}
