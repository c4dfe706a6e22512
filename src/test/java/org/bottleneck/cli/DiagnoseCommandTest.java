package org.bottleneck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.bottleneck.cli.CliEndToEndTest.Result;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tier 6 for {@code diagnose}: a tiny VAE (784-64 → 2×8) and a tiny plain autoencoder trained one
 * epoch on 2000 MNIST images through {@code train}, then {@code diagnose} on 200 test images.
 * Good input: exit 0, the three report files, numbers that add up. Bad input: a non-zero exit and
 * one line on stderr naming the value.
 */
class DiagnoseCommandTest {
    @TempDir
    static Path dir;
    private static Path vae, ae;
    private static Result vaeRun;

    @BeforeAll
    static void trainBoth() {
        vae = dir.resolve("vae");
        ae = dir.resolve("ae");
        String[] tiny = {"--hidden", "64", "--latent", "8", "--epochs", "1", "--batch", "100"};
        vaeRun = CliEndToEndTest.train(vae, concat(new String[] {"--model", "vae"}, tiny));
        Result aeRun = CliEndToEndTest.train(ae, concat(new String[] {"--model", "ae"}, tiny));
        assertEquals(0, vaeRun.code(), vaeRun::toString);
        assertEquals(0, aeRun.code(), aeRun::toString);
    }

    private static String[] concat(String[] a, String[] b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }

    private static Result diagnose(Path ckpt, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("diagnose", "--device", "cpu", "--data", "data/mnist",
                "--test-limit", "200", "-c", ckpt.resolve("best.safetensors").toString()));
        args.addAll(List.of(more));
        return CliEndToEndTest.cli(args.toArray(String[]::new));
    }

    @Test
    void trainEndsAVaeRunWithItsActiveUnits() {
        String out = vaeRun.out();
        assertTrue(out.contains("latent   ") && out.contains(" of 8 units active")
                || out.contains("warning: posterior collapse: "), out);
        assertEquals("", vaeRun.err());
    }

    @Test
    void diagnoseWritesTheReportAndItsNumbersAddUp() throws Exception {
        Path report = dir.resolve("report");
        Result r = diagnose(vae, "--k", "10,1", "--bound-images", "50", "-o", report.toString());
        assertEquals(0, r.code(), r::toString);
        assertEquals("", r.err(), "a good run writes nothing to stderr");
        assertTrue(r.out().contains("-ELBO") && r.out().contains("active") && r.out().contains("K=10"), r.out());
        JsonNode j = new ObjectMapper().readTree(report.resolve("diagnose.json").toFile());
        assertEquals(200, j.get("test_images").asInt());
        assertEquals(8, j.get("latent_dim").asInt());
        JsonNode e = j.get("neg_elbo");
        assertEquals(e.get("total").asDouble(), e.get("recon").asDouble() + e.get("kl").asDouble(), 1e-9);
        double klSum = 0;
        int active = 0;
        for (JsonNode d : j.get("dims")) {
            klSum += d.get("kl").asDouble();
            active += d.get("active").asBoolean() ? 1 : 0;
            assertEquals(d.get("mu_variance").asDouble() > 0.01, d.get("active").asBoolean(), d.toString());
        }
        assertEquals(active, j.get("active_units").asInt());
        // Σ_j KL_j in float64 vs the backend's float32 per-sample KL: ~1e-6 relative
        assertEquals(e.get("kl").asDouble(), klSum, 1e-4 * (1 + klSum));
        JsonNode b = j.get("importance_sampled");
        assertEquals(50, b.get("images").asInt());
        assertEquals(1, b.get("bounds").get(0).get("k").asInt());
        double k1 = b.get("bounds").get(0).get("nll").asDouble(), k10 = b.get("bounds").get(1).get("nll").asDouble();
        // one epoch: −ELBO ~ 150 nats; K = 10 tightens the bound, K = 1 is near −ELBO (see VaeDiagnosticsTest)
        assertTrue(k10 < k1 && Math.abs(k1 - b.get("neg_elbo_on_these").asDouble()) < 5, b.toString());
        assertEquals(j.get("collapse_warning").isNull(), !r.out().contains("warning: posterior collapse"), r.out());
        assertEquals(900, ImageIO.read(report.resolve("kl_per_dim.png").toFile()).getWidth());
        assertTrue(Files.readString(report.resolve("diagnose.md")).contains("| K |"));
        try (Stream<Path> s = Files.list(report)) {
            assertFalse(s.anyMatch(p -> p.toString().endsWith(".tmp")), "temporary files left behind");
        }
    }

    /**
     * On train's 500 test images at train's evaluation batch (500) the evaluation draws are the
     * same, so the −ELBO split equals metrics.json's to the last digit.
     */
    @Test
    void withoutOutTheReportGoesBesideTheCheckpointAndMatchesTrainsTestMetrics() throws Exception {
        Result r = CliEndToEndTest.cli("diagnose", "--device", "cpu", "--data", "data/mnist", "--test-limit", "500",
                "-c", vae.resolve("best.safetensors").toString(), "--bound-images", "0");
        assertEquals(0, r.code(), r::toString);
        assertFalse(r.out().contains("IS bound"), r.out());
        JsonNode j = new ObjectMapper().readTree(vae.resolve("diagnose.json").toFile());
        assertEquals(0, j.get("importance_sampled").get("bounds").size());
        assertTrue(Files.exists(vae.resolve("kl_per_dim.png")));
        JsonNode metrics = new ObjectMapper().readTree(vae.resolve("metrics.json").toFile()).get("test");
        assertEquals(metrics.get("neg_elbo").asDouble(), j.get("neg_elbo").get("total").asDouble(), 1e-9);
        assertEquals(metrics.get("recon").asDouble(), j.get("neg_elbo").get("recon").asDouble(), 1e-9);
    }

    @Test
    void aPlainAutoencoderCheckpointIsRefusedInOneLine() {
        Result r = diagnose(ae);
        assertEquals(1, r.code(), r::toString);
        assertOneLine(r, "needs a VAE checkpoint", "plain autoencoder", "best.safetensors");
        assertFalse(Files.exists(ae.resolve("diagnose.json")), "nothing written for a refused checkpoint");
    }

    @Test
    void badOptionValuesAreRefusedInOneLineWithTheValue() {
        assertOneLine(diagnose(vae, "--k", "1,0"), "K must be ≥ 1, got 0");
        assertOneLine(diagnose(vae, "--k", "-5"), "got -5");
        assertOneLine(diagnose(vae, "--bound-images", "-1"), "got -1");
        assertOneLine(diagnose(vae, "--threshold", "0"), "threshold", "got 0.0");
        assertOneLine(diagnose(vae, "--batch", "0"), "batch must be ≥ 1, got 0");
        Result r = diagnose(vae, "--k", "ten");
        assertNotEquals(0, r.code(), r::toString);
        assertTrue(r.err().contains("ten"), r.err());
        assertOneLine(diagnose(dir.resolve("missing")), "checkpoint not found");
    }

    @Test
    void helpListsEveryOptionWithItsDefault() {
        Result r = CliEndToEndTest.cli("diagnose", "--help");
        assertEquals(0, r.code(), r::toString);
        for (String s : new String[] {"--k", "Default: 1,10,100,1000", "--bound-images", "Default: 500", "--threshold",
                "Default: 0.01", "--batch", "Default: 500", "--out", "Default: the checkpoint's folder", "--checkpoint",
                "--test-limit"}) {
            assertTrue(r.out().replaceAll("\\s+", " ").contains(s), "help lacks '" + s + "':\n" + r.out());
        }
        assertTrue(CliEndToEndTest.cli("--help").out().contains("diagnose"), "diagnose is not a listed subcommand");
    }

    private static void assertOneLine(Result r, String... parts) {
        assertNotEquals(0, r.code(), r::toString);
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), "one line on stderr:\n" + r.err());
        assertTrue(err.startsWith("error: "), err);
        for (String p : parts) {
            assertTrue(err.contains(p), "'" + err + "' lacks '" + p + "'");
        }
    }
}
