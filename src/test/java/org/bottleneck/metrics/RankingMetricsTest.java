package org.bottleneck.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * ROC-AUC and average precision against hand-worked cases, against scikit-learn 1.2.1 on a set
 * with many ties (values printed by {@code roc_auc_score} / {@code average_precision_score}), and
 * against brute-force definitions (all positive–negative pairs; precision at every threshold) on
 * seeded random sets. Both metrics are exact rational numbers computed in double: 1e-12 leaves
 * room only for summation rounding.
 */
class RankingMetricsTest {
    private static final double EXACT = 1e-12;

    @Test
    void scikitLearnDocExample() {
        double[] s = {0.1, 0.4, 0.35, 0.8};
        boolean[] y = {false, false, true, true};
        assertEquals(0.75, RocAuc.of(s, y), EXACT);        // 3 of 4 pairs ordered right
        assertEquals(5.0 / 6, AveragePrecision.of(s, y), EXACT); // ½·1 + ½·⅔
    }

    @Test
    void tiedPairCountsHalf() {
        // positives 0.5, 0.9; negatives 0.5, 0.1: pairs 0.5|0.5 → ½, the other three → 1: 3.5/4.
        double[] s = {0.5, 0.5, 0.9, 0.1};
        boolean[] y = {true, false, true, false};
        assertEquals(0.875, RocAuc.of(s, y), EXACT);
        // thresholds 0.9: P 1, R ½; 0.5 (both tied samples at once): P ⅔, R 1 → ½ + ½·⅔
        assertEquals(5.0 / 6, AveragePrecision.of(s, y), EXACT);
    }

    @Test
    void allTiedIsChance() {
        double[] s = {2, 2, 2, 2, 2};
        boolean[] y = {true, false, false, true, false};
        assertEquals(0.5, RocAuc.of(s, y), EXACT);
        assertEquals(0.4, AveragePrecision.of(s, y), EXACT); // one threshold: precision = P/n
    }

    @Test
    void perfectAndReversed() {
        double[] s = {1, 2, 3, 4};
        boolean[] y = {false, false, true, true};
        assertEquals(1, RocAuc.of(s, y), EXACT);
        assertEquals(1, AveragePrecision.of(s, y), EXACT);
        boolean[] rev = {true, true, false, false};
        assertEquals(0, RocAuc.of(s, rev), EXACT);
        assertEquals((0.5 * 1 / 3 + 0.5 * 2.0 / 4), AveragePrecision.of(s, rev), EXACT);
    }

    @Test
    void matchesScikitLearnWithManyTies() {
        double[] s = {0.3, 0.1, 0.3, 0.7, 0.5, 0.5, 0.9, 0.2, 0.3, 0.8, 0.5, 0.1, 0.6, 0.3, 0.4, 0.9, 0.2, 0.7, 0.5, 0.3};
        int[] y = {0, 0, 1, 1, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 0, 0};
        boolean[] pos = new boolean[y.length];
        for (int i = 0; i < y.length; i++) {
            pos[i] = y[i] == 1;
        }
        assertEquals(0.6868686868686869, RocAuc.of(s, pos), EXACT);
        assertEquals(0.6074074074074074, AveragePrecision.of(s, pos), EXACT);
    }

    @Test
    void matchesBruteForceOnRandomSetsWithTies() {
        SplittableRandom r = new SplittableRandom(7);
        for (int trial = 0; trial < 50; trial++) {
            int n = 2 + r.nextInt(60);
            double[] s = new double[n];
            boolean[] y = new boolean[n];
            for (int i = 0; i < n; i++) {
                s[i] = r.nextInt(8); // few distinct values: many ties
                y[i] = r.nextInt(3) == 0;
            }
            y[0] = true;
            y[1] = false;
            assertEquals(pairs(s, y), RocAuc.of(s, y), EXACT, "trial " + trial);
            assertEquals(precisionSteps(s, y), AveragePrecision.of(s, y), EXACT, "trial " + trial);
        }
    }

    @Test
    void curveRunsFromNothingToEverythingFlagged() {
        RocAuc.Curve c = RocAuc.curve(new double[] {0.2, 0.9, 0.2, 0.4}, new boolean[] {false, true, true, false});
        assertEquals(0, c.fpr()[0]);
        assertEquals(0, c.tpr()[0]);
        assertEquals(1, c.fpr()[c.fpr().length - 1]);
        assertEquals(1, c.tpr()[c.tpr().length - 1]);
        assertEquals(4, c.fpr().length); // +∞ and the three distinct scores
        assertEquals(Double.POSITIVE_INFINITY, c.threshold()[0]);
    }

    @Test
    void rejectsOneClassNaNAndLengthMismatch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RocAuc.of(new double[] {1, 2}, new boolean[] {true, true}));
        assertTrue(e.getMessage().contains("2 positive of 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> AveragePrecision.of(new double[] {1, Double.NaN}, new boolean[] {true, false}));
        assertThrows(IllegalArgumentException.class, () -> RocAuc.of(new double[] {1}, new boolean[] {true, false}));
    }

    /** P(score⁺ > score⁻) + ½·P(tie) over all positive–negative pairs. */
    private static double pairs(double[] s, boolean[] y) {
        double wins = 0;
        int count = 0;
        for (int i = 0; i < s.length; i++) {
            for (int j = 0; j < s.length; j++) {
                if (y[i] && !y[j]) {
                    wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
                    count++;
                }
            }
        }
        return wins / count;
    }

    /** Σ over distinct thresholds t (descending) of ΔR·P, counting flagged samples (score ≥ t) from scratch each time. */
    private static double precisionSteps(double[] s, boolean[] y) {
        double[] t = java.util.Arrays.stream(s).distinct().sorted().toArray();
        int p = 0;
        for (boolean b : y) {
            p += b ? 1 : 0;
        }
        double ap = 0, last = 0;
        for (int k = t.length - 1; k >= 0; k--) {
            int tp = 0, fp = 0;
            for (int i = 0; i < s.length; i++) {
                if (s[i] >= t[k]) {
                    if (y[i]) {
                        tp++;
                    } else {
                        fp++;
                    }
                }
            }
            double recall = (double) tp / p;
            ap += (recall - last) * tp / (tp + fp);
            last = recall;
        }
        return ap;
    }
}
