package org.bottleneck.metrics;

/**
 * Average precision, the area under the precision–recall curve as scikit-learn's
 * {@code average_precision_score} defines it: {@code AP = Σ_g (R_g − R_{g−1})·P_g} over the
 * distinct scores g from highest to lowest, where flagging every sample scoring ≥ score g gives
 * precision P_g = TP/(TP + FP) and recall R_g = TP/P (R_0 = 0). A step function, not the
 * trapezoid, which would overstate the area. Tied samples enter together. A random scorer gets
 * about the positive fraction P/n; a perfect one 1.
 */
public final class AveragePrecision {
    private AveragePrecision() {
    }

    /** AP in (0, 1] of {@code scores} (n), higher = more likely positive, against {@code positive} (n). */
    public static double of(double[] scores, boolean[] positive) {
        BinaryScores s = new BinaryScores(scores, positive, "average precision");
        double[][] sw = s.sweep();
        double ap = 0, lastRecall = 0;
        for (int g = 0; g < sw[0].length; g++) {
            double tp = sw[0][g], fp = sw[1][g];
            double recall = tp / s.positives;
            ap += (recall - lastRecall) * tp / (tp + fp);
            lastRecall = recall;
        }
        return ap;
    }
}
