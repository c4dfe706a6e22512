package org.bottleneck.apps.anomaly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bottleneck.apps.Codec;
import org.bottleneck.apps.LatentGaussian;
import org.bottleneck.backend.Activation;
import org.bottleneck.data.ArrayDataset;
import org.bottleneck.data.Dataset;
import org.bottleneck.model.Architecture;
import org.bottleneck.model.Checkpoint;
import org.bottleneck.model.LatentHead;
import org.bottleneck.model.Model;
import org.bottleneck.model.OutputKind;
import org.bottleneck.model.Presets;
import org.bottleneck.model.Safetensors;
import org.bottleneck.tensor.Shape;
import org.bottleneck.testing.TestBackends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-sample scores, the threshold and the stored detector, each against an independent computation. */
class AnomalyScoresTest {
    private static final int D = 12, N = 37;

    @Test
    void thresholdFlagsTheTargetFractionOfNormals() {
        double[] s = new double[1000];
        for (int i = 0; i < s.length; i++) {
            s[(i * 7) % 1000] = i + 1; // 1..1000, shuffled
        }
        assertEquals(950, Detector.threshold(s, 0.05)); // exactly 50 lie above
        assertEquals(1000, Detector.threshold(s, 0.0001)); // fewer than one sample: flag none
        assertEquals(1, Detector.threshold(s, 0.9999));
        assertThrows(IllegalArgumentException.class, () -> Detector.threshold(s, 0));
        assertThrows(IllegalArgumentException.class, () -> Detector.threshold(new double[0], 0.1));
    }

    @Test
    void mahalanobisWorkedByHand() {
        // codes (±2, 0), (0, ±1): mean 0, sample variances 8/3 and 2/3, no covariance; for (2, 1):
        // d² = 4/(8/3) + 1/(2/3) = 3. The fit adds 1e-6 to the diagonal: 1e-5 absorbs it.
        float[] codes = {2, 0, -2, 0, 0, 1, 0, -1};
        LatentGaussian g = LatentGaussian.fit(codes, 4, 2, 0);
        assertEquals(3, g.mahalanobis2(new float[] {2, 1}, 0), 1e-5);
        assertEquals(0, g.mahalanobis2(new float[] {9, 9, 0, 0}, 1), 1e-12);
        // a ridge of 1 adds tr(Σ)/Z = 5/3 to each variance: 4/(13/3) + 1/(7/3)
        LatentGaussian r = LatentGaussian.fit(codes, 4, 2, 1);
        assertEquals(12.0 / 13 + 3.0 / 7, r.mahalanobis2(new float[] {2, 1}, 0), 1e-5);
    }

    @Test
    void autoencoderScoresMatchBceOfTheReconstructionAndTheCodeGaussian() {
        Dataset data = data(N, 1);
        Architecture a = Presets.dense("t", D, new int[] {9}, Activation.RELU, LatentHead.code(3, Activation.IDENTITY, 0),
                OutputKind.BCE, 0);
        try (Model m = new Model(TestBackends.cpu(), a, 5)) {
            Codec codec = new Codec(m);
            float[] x = images(data);
            float[] codes = codec.encode(x, N);
            LatentGaussian g = LatentGaussian.fit(codes, N, 3, 1e-3);
            assertEquals(List.of(AnomalyScore.RECON, AnomalyScore.MAHALANOBIS), AnomalyScore.available(m));
            Map<AnomalyScore, double[]> s = ModelScores.of(m, data, AnomalyScore.available(m), g, 0, 10); // batches of 10: a ragged last one
            float[] p = codec.reconstruct(x, N);
            for (int i = 0; i < N; i++) {
                double bce = 0;
                for (int j = 0; j < D; j++) {
                    double y = x[i * D + j], q = p[i * D + j];
                    bce -= y * Math.log(q) + (1 - y) * Math.log(1 - q);
                }
                // BCE from probabilities vs the stable logit form in float: a few ulps of 12 terms near 1
                assertEquals(bce, s.get(AnomalyScore.RECON)[i], 1e-4 * Math.max(1, bce), "sample " + i);
                // codes from batches of 10 vs one batch of 37: GEMMs of other shapes round differently (~1e-7)
                double d2 = g.mahalanobis2(codes, i);
                assertEquals(d2, s.get(AnomalyScore.MAHALANOBIS)[i], 1e-5 * Math.max(1, d2), "sample " + i);
            }
            float[] again = ModelScores.codes(m, data, 7);
            for (int i = 0; i < codes.length; i++) {
                assertEquals(codes[i], again[i], 1e-5 * Math.max(1, Math.abs(codes[i])), "code value " + i); // as above
            }
        }
    }

    @Test
    void vaeElboIsReconPlusTheClosedFormKl() {
        Dataset data = data(N, 2);
        Architecture a = Presets.dense("v", D, new int[] {9}, Activation.RELU, LatentHead.gaussian(3, 1), OutputKind.BCE, 0);
        try (Model m = new Model(TestBackends.cpu(), a, 6)) {
            assertEquals(List.of(AnomalyScore.values()), AnomalyScore.available(m));
            Map<AnomalyScore, double[]> s = ModelScores.of(m, data, List.of(AnomalyScore.RECON, AnomalyScore.ELBO,
                    AnomalyScore.RECON_PROB), null, 4, 16);
            // the encoder's (mu | logvar), computed again through the model's plain encode pass
            float[] x = images(data), h = new float[N * 6];
            m.prepare(N);
            m.backend().upload(x, 0, m.input());
            m.encode();
            m.backend().download(m.encoderOutput(), h, 0);
            for (int i = 0; i < N; i++) {
                double kl = 0;
                for (int j = 0; j < 3; j++) {
                    double mu = h[i * 6 + j], lv = h[i * 6 + 3 + j];
                    kl += -0.5 * (1 + lv - mu * mu - Math.exp(lv));
                }
                // float KL of 3 terms against double: 1e-5
                assertEquals(s.get(AnomalyScore.RECON)[i] + kl, s.get(AnomalyScore.ELBO)[i], 1e-5, "sample " + i);
                assertTrue(s.get(AnomalyScore.RECON_PROB)[i] > 0, "a BCE average is positive");
            }
            // the draws are fixed streams: the same scores again
            assertArrayEquals(s.get(AnomalyScore.RECON_PROB), ModelScores.of(m, data, List.of(AnomalyScore.RECON_PROB), null, 4, 16)
                    .get(AnomalyScore.RECON_PROB));
            assertThrows(IllegalArgumentException.class, () -> ModelScores.of(m, data, List.of(AnomalyScore.MAHALANOBIS), null, 1, 8));
        }
    }

    @Test
    void detectorTravelsInTheCheckpointAndLoadingTheModelSkipsIt(@TempDir Path tmp) {
        Architecture a = Presets.dense("t", D, new int[] {9}, Activation.RELU, LatentHead.code(3, Activation.IDENTITY, 0),
                OutputKind.BCE, 0);
        LatentGaussian g = LatentGaussian.fit(new float[] {1, 2, 3, 2, 1, 0, 5, 5, 1, 0, 0, 2}, 4, 3, 0.1);
        Map<AnomalyScore, Double> th = new EnumMap<>(AnomalyScore.class);
        th.put(AnomalyScore.RECON, 12.5);
        th.put(AnomalyScore.MAHALANOBIS, 3.25);
        Detector d = new Detector(List.of("0", "7"), AnomalyScore.MAHALANOBIS, 0.05, 600, th, g, 10);
        Path f = tmp.resolve("d.safetensors");
        try (Model m = new Model(TestBackends.cpu(), a, 5)) {
            Checkpoint.save(f, m, d.tensors(), Map.of(Detector.METADATA_KEY, d.toJson()));
        }
        Safetensors.Contents c = Checkpoint.read(f);
        Detector back = Detector.read(c, f.toString());
        assertNotNull(back);
        assertEquals(d.normal(), back.normal());
        assertEquals(d.primary(), back.primary());
        assertEquals(d.thresholds(), back.thresholds());
        assertEquals(600, back.heldOut());
        assertArrayEquals(g.mean(), back.gaussian().mean());
        assertArrayEquals(g.cholesky(), back.gaussian().cholesky());
        try (Model loaded = Checkpoint.load(f, TestBackends.cpu())) {
            assertEquals(3, loaded.latentDim());
        }
        assertNull(Detector.read(new Safetensors.Contents(Map.of(), Map.of()), "none"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.threshold(AnomalyScore.ELBO));
        assertTrue(e.getMessage().contains("elbo"), e.getMessage());
    }

    /** n samples of D values in [0, 1], seeded; labels alternate 0/1. */
    static ArrayDataset data(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * D];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < D; j++) {
                x[i * D + j] = (float) r.nextDouble();
            }
            labels[i] = i % 2;
        }
        return new ArrayDataset("rand", Shape.of(D), x, labels);
    }

    static float[] images(Dataset d) {
        float[] x = new float[d.size() * d.features()];
        for (int i = 0; i < d.size(); i++) {
            d.copySample(i, x, i * d.features());
        }
        return x;
    }
}
