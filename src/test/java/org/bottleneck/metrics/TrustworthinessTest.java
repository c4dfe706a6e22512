package org.bottleneck.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TrustworthinessTest {
    /**
     * Worked by hand. X on a line: x = 0, 1, 3, 7; Z swaps the middle two: z = 0, 3, 1, 7; k = 1,
     * n = 4, so the factor is 2/(n·k·(2n − 3k − 1)) = 2/16.
     * Nearest in Z: 0→2, 1→2, 2→0, 3→1; their ranks in X: r(0,2) = 2 (1 is closer), r(1,2) = 2
     * (0 is closer), r(2,0) = 2 (1), r(3,1) = 2 (2): penalty Σ (r − 1) = 4, T = 1 − 4·2/16 = 0.5.
     * Nearest in X: 0→1, 1→0, 2→1, 3→2; their ranks in Z: r̂(0,1) = 2 (2 is closer), r̂(1,0) = 2
     * (2), r̂(2,1) = 2 (0), r̂(3,2) = 2 (1): C = 0.5 too. Exact in binary, so compared exactly.
     */
    @Test
    void swappingTwoPointsOnALineByHand() {
        float[] x = {0, 1, 3, 7};
        float[] z = {0, 3, 1, 7};
        Trustworthiness.Result r = Trustworthiness.of(x, 1, z, 1, 4, 1);
        assertEquals(0.5, r.trustworthiness(), 0);
        assertEquals(0.5, r.continuity(), 0);
    }

    /**
     * By hand, with ties: X = 0, 1, 2, 10, 11, 12 (two clusters) and an embedding that
     * keeps the order but moves point 2 next to the far cluster: z = 0, 1, 9, 10, 11, 12; k = 1,
     * n = 6, factor 2/(6·1·8) = 1/24.
     * Nearest in Z: 0→1, 1→0, 2→3, 3→2 (|10−9| = 1 ties |10−11| = 1: the lower index 2 wins),
     * 4→3 (ties 5: 3 wins), 5→4. Ranks in X: r(2,3): from 2 the others lie at 2 (0), 1 (1),
     * 8 (3): rank 3, penalty 2; r(3,2): from 10: 1 (4), 2 (5), 8 (2): rank 3, penalty 2; the
     * rest rank 1. T = 1 − 4/24 = 5/6.
     * Nearest in X: 0→1, 1→0 (ties 2: 0 wins), 2→1, 3→4, 4→3, 5→4. Ranks in Z: r̂(2,1): from 9
     * the others lie at 1 (3), 2 (4), 3 (5), 8 (1): rank 4, penalty 3; r̂(1,0): from 1, 0 at 1
     * and 9 at 8: rank 1; r̂(3,4): from 10, point 2 at 1 ties point 4 at 1 and the lower index goes
     * first: rank 2, penalty 1; the rest rank 1. C = 1 − 4/24 = 5/6, equal to T by chance from other
     * pairs (the scikit-learn fixture below has T ≠ C).
     */
    @Test
    void aPointMovedToTheOtherClusterByHand() {
        float[] x = {0, 1, 2, 10, 11, 12};
        float[] z = {0, 1, 9, 10, 11, 12};
        Trustworthiness.Result r = Trustworthiness.of(x, 1, z, 1, 6, 1);
        assertEquals(5.0 / 6, r.trustworthiness(), 1e-15);
        assertEquals(5.0 / 6, r.continuity(), 1e-15);
    }

    @Test
    void aRotatedCopyIsPerfect() {
        int n = 50;
        float[] x = EmbeddingFixture.lcg(9, n, 2, 64);
        float[] z = new float[2 * n];
        for (int i = 0; i < n; i++) { // rotation by 90° and a shift: every distance is kept
            z[2 * i] = -x[2 * i + 1] + 3;
            z[2 * i + 1] = x[2 * i];
        }
        Trustworthiness.Result r = Trustworthiness.of(x, 2, z, 2, n, 5);
        assertEquals(1.0, r.trustworthiness(), 0);
        assertEquals(1.0, r.continuity(), 0);
    }

    /**
     * scikit-learn 1.2.1, {@code trustworthiness(X, Z, n_neighbors=k)} and the same with X and Z
     * swapped for continuity, on the points of scripts/metrics/embedding_fixture.py (no ties, exact
     * distances): the sums of penalties are integers, so the values agree to round-off (1e-12).
     */
    @ParameterizedTest
    @CsvSource({"1, 0.634868421053, 0.650000000000", "3, 0.650000000000, 0.665714285714",
            "5, 0.650468750000, 0.656718750000"})
    void matchesScikitLearn(int k, double trust, double continuity) {
        Trustworthiness.Result r = Trustworthiness.of(EmbeddingFixture.x(), EmbeddingFixture.D, EmbeddingFixture.z(),
                EmbeddingFixture.Z_DIM, EmbeddingFixture.N, k);
        assertEquals(trust, r.trustworthiness(), 1e-12, "trustworthiness");
        assertEquals(continuity, r.continuity(), 1e-12, "continuity");
    }

    /**
     * The blocked float distances against a double loop on awkward sizes (301 rows, not a multiple
     * of the 256-column tile or of four rows; 13 features, a third of them zero). Values below 1
     * over 13 features: the float dot products err by at most ~13·2⁻²⁴ relative, hence 1e-5.
     */
    @Test
    void blockedDistancesMatchADoubleLoop() {
        SplittableRandom rnd = new SplittableRandom(5);
        int n = 301, d = 13;
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextInt(3) == 0 ? 0 : (float) rnd.nextDouble();
        }
        SquaredDistances sd = new SquaredDistances(x, n, d);
        for (int[] block : new int[][] {{0, 7}, {7, 16}, {290, 11}}) {
            float[] out = new float[block[1] * n];
            sd.rows(block[0], block[1], out);
            for (int r = 0; r < block[1]; r++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < d; p++) {
                        double t = (double) x[(block[0] + r) * d + p] - x[j * d + p];
                        s += t * t;
                    }
                    assertEquals(s, out[r * n + j], 1e-5, "row " + (block[0] + r) + ", column " + j);
                }
            }
        }
    }

    @Test
    void refusesAKTooLargeWithTheValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Trustworthiness.of(new float[4], 1, new float[4], 1, 4, 2));
        assertTrue(e.getMessage().contains("k = 2") && e.getMessage().contains("n = 4"), e.getMessage());
    }
}
