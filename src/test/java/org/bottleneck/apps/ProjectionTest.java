package org.bottleneck.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.SplittableRandom;
import org.bottleneck.data.ArrayDataset;
import org.bottleneck.data.Dataset;
import org.bottleneck.model.Model;
import org.bottleneck.model.Presets;
import org.bottleneck.tensor.Shape;
import org.bottleneck.testing.TestBackends;
import org.junit.jupiter.api.Test;

/**
 * The projection pipeline without MNIST: two labelled clusters in [0, 1]⁸ that PCA separates
 * along its first component, and an untrained dense autoencoder with an 8-d code, which the
 * pipeline reduces to 2-d by PCA on its training codes.
 */
class ProjectionTest {
    private static Dataset clusters(String name, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * 8];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            for (int j = 0; j < 8; j++) {
                x[i * 8 + j] = (float) ((y[i] == 0 ? 0.2 : 0.8) + 0.05 * (r.nextDouble() - 0.5));
            }
        }
        return new ArrayDataset(name, Shape.of(8), x, y);
    }

    @Test
    void pcaSeparatesClustersAndALargerCodeIsReduced() {
        Dataset train = clusters("train", 120, 1), test = clusters("test", 40, 2);
        try (Model ae = new Model(TestBackends.cpu(), Presets.denseRecipe("ae", Shape.of(8), true)
                .withHidden(new int[] {16}).withHead(Presets.denseRecipe("ae").head().withSize(8)).build("small", 0), 3)) {
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            Projection.Result r = Projection.run(new Projection.Settings(2, 100, 40, 3, new int[] {1, 5}), train, test,
                    List.of(new Projection.Method("small", ae)), "clusters", new PrintStream(log, true));
            assertEquals(100, r.trainCount(), "fitted on the first 100");
            assertEquals(2, r.rows().size());
            Projection.Row pca = r.rows().get(0), model = r.rows().get(1);
            // the clusters are 0.6·√8 ≈ 1.7 apart with a spread of ±0.025 per value: any sane 2-d map classifies them perfectly
            assertEquals(1.0, pca.knnAccuracy()[0], 0);
            assertEquals(1.0, pca.knnAccuracy()[1], 0);
            assertEquals(100 * 2, pca.train().length);
            assertEquals(40 * 2, model.test().length, "the 8-d code reduced to 2");
            assertTrue(model.description().contains("reduced to 2 by PCA"), model.description());
            assertTrue(Double.isFinite(model.reconError()) && model.reconError() > 0, "recon " + model.reconError());
            assertTrue(log.toString().contains("pca") && log.toString().contains("small"), log.toString());
        }
    }

    @Test
    void refusesDimsAboveTheCodeAndUnlabelledData() {
        Dataset train = clusters("train", 60, 1), test = clusters("test", 20, 2);
        try (Model ae = new Model(TestBackends.cpu(), Presets.get("ae2d", Shape.of(8), true), 3)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Projection.run(
                    Projection.Settings.sainburg(3), train, test, List.of(new Projection.Method("ae2d", ae)), "c",
                    new PrintStream(new ByteArrayOutputStream())));
            assertTrue(e.getMessage().contains("--dims 3") && e.getMessage().contains("(2 values)"), e.getMessage());
        }
        Dataset unlabelled = new ArrayDataset("bare", Shape.of(8), new float[60 * 8]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Projection.run(
                Projection.Settings.sainburg(2), unlabelled, test, List.of(), "c", new PrintStream(new ByteArrayOutputStream())));
        assertTrue(e.getMessage().contains("needs labels"), e.getMessage());
    }
}
