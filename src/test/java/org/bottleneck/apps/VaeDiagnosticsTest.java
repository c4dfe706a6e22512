package org.bottleneck.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.bottleneck.backend.Activation;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Backends;
import org.bottleneck.data.Dataset;
import org.bottleneck.data.Mnist;
import org.bottleneck.data.transform.Pipeline;
import org.bottleneck.model.Architecture;
import org.bottleneck.model.LatentHead;
import org.bottleneck.model.Model;
import org.bottleneck.model.Presets;
import org.bottleneck.tensor.Tensor;
import org.bottleneck.train.EvalResult;
import org.bottleneck.train.Evaluator;
import org.bottleneck.train.Optimizer;
import org.bottleneck.train.Progress;
import org.bottleneck.train.Schedule;
import org.bottleneck.train.TrainConfig;
import org.bottleneck.train.TrainState;
import org.bottleneck.train.Trainer;
import org.bottleneck.viz.BarChart;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code diagnose}'s numbers against independent computations, on a tiny VAE (784-64 → 2×8,
 * seed 42) trained for 2 epochs on 2000 MNIST images, and on copies of it collapsed by hand: the
 * head's rows of mu_j and logvar_j set to zero give mu_j = logvar_j = 0 for every x, so KL_j is
 * exactly 0 and Var_x(mu_j) exactly 0.
 */
class VaeDiagnosticsTest {
    private static final int Z = 8;
    @TempDir
    static Path tmp;
    private static Backend backend;
    private static Dataset test;
    private static Model vae;

    @BeforeAll
    static void train() throws Exception {
        backend = Backends.open("cpu", 0);
        Dataset train = Mnist.load(Path.of("data/mnist"), true).slice(0, 2000);
        test = Mnist.load(Path.of("data/mnist"), false).slice(0, 500);
        vae = new Model(backend, tiny(1.0), 42);
        TrainConfig config = new TrainConfig(2, 100, 1e-3, "adam", 0, 0.9, Schedule.constant(), 0, 0, 42, 1, Pipeline.NONE);
        try (Optimizer opt = Trainer.optimizerFor(vae, config)) {
            org.bottleneck.apps.TrainSession.run(vae, config, opt, new TrainState(), train, test, tmp.resolve("run"),
                    Progress.NONE);
        }
    }

    @AfterAll
    static void close() {
        vae.close();
        backend.close();
    }

    private static Architecture tiny(double beta) {
        return Presets.denseRecipe("vae").withHidden(new int[] {64})
                .withHead(new LatentHead(true, Z, Activation.IDENTITY, beta, 0)).build("vae", 0);
    }

    @Test
    void klPerDimensionAddsUpToTheEvaluatorsKlAndMatchesAOneBatchTwoPassComputation() {
        LatentUsage u = LatentUsage.measure(vae, test, 64, LatentUsage.ACTIVE_THRESHOLD);
        EvalResult r = Evaluator.evaluate(vae, test, 100);
        // the Evaluator's KL is the backend's per-sample float32 sum over 8 dims; ours is float64
        // from the same mu, logvar: they differ by float32 rounding of O(10) nats, ~1e-6 relative
        assertEquals(r.kl(), u.totalKl(), 1e-5 * r.kl(), "Σ_j KL_j vs Evaluator KL");
        assertTrue(r.kl() > 1, "a trained VAE carries KL: " + r.kl());

        // independent: all 500 images in one batch, two-pass variance, float64
        int n = test.size();
        float[] h = new float[n * 2 * Z];
        vae.prepare(n);
        float[] x = Figures.images(test, 0, n);
        backend.upload(x, 0, vae.input());
        vae.encode();
        backend.download(vae.encoderOutput(), h, 0);
        for (int j = 0; j < Z; j++) {
            double mean = 0, kl = 0;
            for (int i = 0; i < n; i++) {
                double mu = h[i * 2 * Z + j], lv = h[i * 2 * Z + Z + j];
                mean += mu / n;
                kl += -0.5 * (1 + lv - mu * mu - Math.exp(lv)) / n;
            }
            double var = 0;
            for (int i = 0; i < n; i++) {
                double dmu = h[i * 2 * Z + j] - mean;
                var += dmu * dmu / n;
            }
            // batch 64 and batch 500 run different GEMM kernels: mu, logvar move by ~1e-6
            assertEquals(kl, u.klPerDim()[j], 1e-5 * (1 + kl), "KL of dim " + j);
            assertEquals(var, u.muVariance()[j], 1e-5 * (1 + var), "Var_x mu of dim " + j);
        }
        assertEquals(n, u.samples());
        assertEquals(u.active() == Z && u.silentDims().isEmpty(), u.collapseWarning() == null, u.collapseWarning());
    }

    /**
     * 100 images in one chunk: 111 forward passes. (Tiny GEMMs on the 2-thread CPU backend cost
     * a helper-thread wake-up each on a loaded machine, so passes, not FLOPs, set this test's time.)
     */
    @Test
    void boundIsNearTheElboAtKOneDecreasesInKAndChunkingChangesNothing() {
        Dataset sub = test.slice(0, 100);
        VaeDiagnostics.Result r = VaeDiagnostics.run(vae, test, 100, new int[] {100, 1, 10}, 100, 0.01,
                VaeDiagnostics.Progress.NONE);
        assertEquals(3, r.ks().length);
        assertEquals(1, r.ks()[0], "K sorted ascending");
        double elbo = r.elboOnBound(), k1 = r.nll()[0], k10 = r.nll()[1], k100 = r.nll()[2];
        String all = "−ELBO " + elbo + ", K=1 " + k1 + ", K=10 " + k10 + ", K=100 " + k100;
        assertEquals(Evaluator.evaluate(vae, sub, 100).negElbo(), elbo, 1e-9);
        // K = 1 is a one-sample estimate of −ELBO, and the ELBO's recon is another one-sample
        // estimate (its KL is exact): per image the two differ with a spread of ~5 nats, so over
        // 100 images with a standard error of ~0.5 (measured on the full VAE: 0.3 and 0.5 nats
        // apart on 500 and 100 images); 2.5 nats is 5 standard errors
        assertEquals(elbo, k1, 2.5, all);
        // the expected bound falls with K by a few nats here, far more than its MC noise
        assertTrue(k10 < k1 && k100 < k10, "bound not decreasing in K: " + all);
        assertTrue(k100 > 0.5 * elbo, "bound implausibly far below −ELBO: " + all);
        assertEquals(Evaluator.importanceSampledNll(vae, sub, 100, 10), k10, 1e-9 * k10);
        // two chunks of 50 draw what one call in batches of 50 draws: the same eps, the same mean
        double chunked = VaeDiagnostics.run(vae, sub, 50, new int[] {10}, 100, 0.01, VaeDiagnostics.Progress.NONE).nll()[0];
        assertEquals(Evaluator.importanceSampledNll(vae, sub, 50, 10), chunked, 1e-9 * chunked);
        assertEquals(r.test().recon() + r.test().kl(), r.test().negElbo(), 1e-9);
        assertEquals(test.size(), r.test().samples());
    }

    @Test
    void collapsedDimensionsAreFoundAndNamedInTheWarning() {
        try (Model m = copy(vae)) {
            collapse(m, 1, 3, 5);
            LatentUsage u = LatentUsage.measure(m, test, 100, LatentUsage.ACTIVE_THRESHOLD);
            for (int j : new int[] {1, 3, 5}) {
                assertEquals(0.0, u.klPerDim()[j], "KL of collapsed dim " + j); // −½(1 + 0 − 0 − e⁰) = 0 exactly
                assertEquals(0.0, u.muVariance()[j], "Var of collapsed dim " + j);
            }
            assertTrue(u.active() <= Z - 3, "active " + u.active());
            assertTrue(!u.activeDims().contains(1) && !u.activeDims().contains(3) && !u.activeDims().contains(5));
            assertTrue(u.silentDims().containsAll(java.util.List.of(1, 3, 5)), "silent " + u.silentDims());
            String w = u.collapseWarning();
            assertNotNull(w);
            assertTrue(w.contains(u.active() + " of 8 latent units active") && w.contains("1, 3, 5"), w);
            EvalResult r = Evaluator.evaluate(m, test, 100);
            assertEquals(r.kl(), u.totalKl(), 1e-5 * (1 + r.kl()));
        }
        try (Model m = copy(vae)) { // every dimension collapsed: the prior, no KL at all
            collapse(m, 0, 1, 2, 3, 4, 5, 6, 7);
            LatentUsage u = LatentUsage.measure(m, test, 100, LatentUsage.ACTIVE_THRESHOLD);
            assertEquals(0, u.active());
            assertEquals(0.0, u.totalKl());
            assertEquals(0.0, Evaluator.evaluate(m, test, 100).kl());
            assertTrue(u.collapseWarning().startsWith("posterior collapse: 0 of 8"), u.collapseWarning());
        }
    }

    @Test
    void reportFilesHoldTheNumbers() throws Exception {
        VaeDiagnostics.Result r = VaeDiagnostics.run(vae, test.slice(0, 100), 100, new int[] {1, 10}, 50, 0.01,
                VaeDiagnostics.Progress.NONE);
        Path dir = tmp.resolve("report");
        DiagnosticsReport.write(dir, r, "tiny", "mnist-test");
        JsonNode j = new ObjectMapper().readTree(dir.resolve(DiagnosticsReport.JSON).toFile());
        assertEquals(Z, j.get("dims").size());
        assertEquals(r.usage().active(), j.get("active_units").asInt());
        assertEquals(r.test().negElbo(), j.get("neg_elbo").get("total").asDouble(), 1e-12);
        assertEquals(r.nll()[1], j.get("importance_sampled").get("bounds").get(1).get("nll").asDouble(), 1e-12);
        assertEquals(50, j.get("importance_sampled").get("images").asInt());
        String md = Files.readString(dir.resolve(DiagnosticsReport.MD));
        assertTrue(md.contains("| 10 |") && md.contains("−ELBO"), md);
        BufferedImage png = ImageIO.read(dir.resolve(DiagnosticsReport.PNG).toFile());
        assertEquals(BarChart.WIDTH, png.getWidth());
        assertEquals(BarChart.HEIGHT, png.getHeight());
        try (var s = Files.list(dir)) {
            assertEquals(3, s.count(), "three files, no temporaries");
        }
    }

    @Test
    void badInputFailsWithTheValue() {
        try (Model ae = new Model(backend, Presets.get("ae"), 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> VaeDiagnostics.run(ae, test, 100, new int[] {1}, 10, 0.01, VaeDiagnostics.Progress.NONE));
            assertTrue(e.getMessage().contains("plain autoencoder"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VaeDiagnostics.run(vae, test, 100, new int[] {10, 0}, 10, 0.01, VaeDiagnostics.Progress.NONE));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> VaeDiagnostics.run(vae, test, 100, new int[] {1}, -1, 0.01, VaeDiagnostics.Progress.NONE));
        assertTrue(e.getMessage().contains("got -1"), e.getMessage());
    }

    /** A second model with the same architecture, seed and weights. */
    private static Model copy(Model src) {
        Model m = new Model(backend, src.architecture(), src.seed());
        for (int i = 0; i < src.parameters().valueViews().size(); i++) {
            float[] v = org.bottleneck.model.Checkpoint.download(backend, src.parameters().valueViews().get(i));
            backend.upload(v, 0, m.parameters().valueViews().get(i));
        }
        return m;
    }

    /** Zeroes the rows of mu_j and logvar_j (weight rows j and Z + j, and their biases) of the head. */
    private static void collapse(Model m, int... dims) {
        var ps = m.parameters();
        Tensor w = ps.valueViews().get(ps.indexOf("encoder.2.weight")); // (2Z, 64)
        Tensor b = ps.valueViews().get(ps.indexOf("encoder.2.bias"));   // (2Z)
        assertEquals(2 * Z, w.shape().dim(0), "head weight " + w.shape());
        float[] wv = org.bottleneck.model.Checkpoint.download(backend, w), bv = org.bottleneck.model.Checkpoint.download(backend, b);
        int in = w.shape().dim(1);
        for (int j : dims) {
            for (int row : new int[] {j, Z + j}) {
                java.util.Arrays.fill(wv, row * in, (row + 1) * in, 0f);
                bv[row] = 0f;
            }
        }
        backend.upload(wv, 0, w);
        backend.upload(bv, 0, b);
    }
}
