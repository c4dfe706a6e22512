package org.bottleneck.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KnnClassifierTest {
    /** Reference points on a line at 0, 1, 2, 3, 10 with labels 2, 1, 1, 2, 0. */
    private static final float[] REF = {0, 1, 2, 3, 10};
    private static final int[] REF_LABELS = {2, 1, 1, 2, 0};

    /**
     * Worked by hand. The query at 1.5 is 0.5 from points 1 and 2, 1.5 from 0 and 3, 8.5 from 4:
     * equal distances keep the lower index, so its neighbours are 1, 2, 0, 3, 4. Query 9 → 4, 3, 2, 1, 0.
     * Query 0.5 → 0 and 1 tie (0 first), then 2, 3, 4.
     */
    @Test
    void neighboursOrderedByDistanceThenIndex() {
        int[] nn = NearestNeighbors.search(REF, 5, new float[] {1.5f, 9, 0.5f}, 3, 1, 5, false);
        assertArrayEquals(new int[] {1, 2, 0, 3, 4, 4, 3, 2, 1, 0, 0, 1, 2, 3, 4}, nn);
    }

    /**
     * Votes by hand for the queries above (neighbour labels in order: 1.5 → 1, 1, 2, 2, 0;
     * 9 → 0, 2, 1, 1, 2; 0.5 → 2, 1, 1, 2, 0). k = 1: the nearest's label. k = 2: 1.5 → {1, 1} = 1;
     * 9 → {0, 2} tie → 0; 0.5 → {2, 1} tie → the smaller label 1. k = 3: 1.5 → 1, 1, 2 → 1; 9 → 0, 2, 1,
     * a three-way tie → 0; 0.5 → 2, 1, 1 → 1. k = 4: 1.5 → two 1s, two 2s → 1;
     * 9 → 0, 2, 1, 1 → 1; 0.5 → 2, 1, 1, 2 tie → 1. k = 5: 1.5 → 1 and 2 twice each → 1; 9 → 1 and 2
     * twice → 1; 0.5 → 2 twice, 1 twice → 1.
     */
    @ParameterizedTest
    @CsvSource({"1, 1, 0, 2", "2, 1, 0, 1", "3, 1, 0, 1", "4, 1, 1, 1", "5, 1, 1, 1"})
    void votesBreakTiesToTheSmallestLabel(int k, int a, int b, int c) {
        int[] nn = NearestNeighbors.search(REF, 5, new float[] {1.5f, 9, 0.5f}, 3, 1, 5, false);
        assertArrayEquals(new int[] {a, b, c}, KnnClassifier.predict(nn, 5, k, REF_LABELS), "k = " + k);
    }

    /** k = 3 votes by hand: 1.5 → 1, 1, 2 → 1; 9 → 0, 2, 1 → three-way tie → 0; 0.5 → 2, 1, 1 → 1: with true labels 1, 2, 1, accuracy 2/3. */
    @Test
    void accuracyIsTheShareOfCorrectVotes() {
        int[] nn = NearestNeighbors.search(REF, 5, new float[] {1.5f, 9, 0.5f}, 3, 1, 5, false);
        assertEquals(2.0 / 3, KnnClassifier.accuracy(nn, 5, 3, REF_LABELS, new int[] {1, 2, 1}), 1e-15);
    }

    /** Among the reference points themselves, a point is not its own neighbour. */
    @Test
    void selfSearchSkipsThePointItself() {
        int[] nn = NearestNeighbors.search(REF, 5, REF, 5, 1, 1, true);
        assertArrayEquals(new int[] {1, 0, 1, 2, 3}, nn); // point 2 at 2: 1 and 3 tie, 1 wins
    }

    /** scikit-learn 1.2.1's KNeighborsClassifier fitted on the fixture's first 30 embeddings, scored on the last 10 (scripts/metrics/embedding_fixture.py). */
    @ParameterizedTest
    @CsvSource({"1, 0.3", "3, 0.3", "5, 0.4"})
    void matchesScikitLearn(int k, double expected) {
        float[] z = EmbeddingFixture.z();
        int[] y = EmbeddingFixture.labels();
        float[] train = java.util.Arrays.copyOfRange(z, 0, 60), test = java.util.Arrays.copyOfRange(z, 60, 80);
        int[] nn = NearestNeighbors.search(train, 30, test, 10, 2, k, false);
        assertEquals(expected, KnnClassifier.accuracy(nn, k, k, java.util.Arrays.copyOfRange(y, 0, 30),
                java.util.Arrays.copyOfRange(y, 30, 40)), 1e-12);
    }

    @Test
    void refusesUnlabelledPointsAndTooManyNeighbours() {
        int[] nn = {0, 1};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KnnClassifier.predict(nn, 2, 1, new int[] {-1, 0}));
        assertTrue(e.getMessage().contains("label -1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NearestNeighbors.search(REF, 5, REF, 5, 1, 5, true));
        assertTrue(e.getMessage().contains("k = 5") && e.getMessage().contains("4 candidate"), e.getMessage());
    }
}
