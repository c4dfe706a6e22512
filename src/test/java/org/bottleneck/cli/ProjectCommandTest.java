package org.bottleneck.cli;

import static org.bottleneck.cli.CliEndToEndTest.assertFailure;
import static org.bottleneck.cli.CliEndToEndTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.bottleneck.testing.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code project} end to end on a slice of the shipped MNIST: it trains ae2d and vae2d for one
 * short epoch on 300 images (the point is the structure; the quality is in BENCHMARKS.md), scores
 * them and PCA on 100 test images, and writes every file; then projects checkpoints given with
 * -c, and refuses the bad inputs the issue names with one line.
 */
class ProjectCommandTest {
    @TempDir
    static Path tmp;
    private static Path run;
    private static CliEndToEndTest.Result trained;

    private static final String[] SLICE = {"--device", "cpu", "--data", "data/mnist", "--fit-limit", "300",
            "--test-limit", "100", "--metric-points", "100", "--no-progress"};

    private static CliEndToEndTest.Result project(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("project"));
        args.addAll(List.of(SLICE));
        args.addAll(List.of("--out", out.toString()));
        args.addAll(List.of(more));
        return cli(args.toArray(String[]::new));
    }

    @BeforeAll
    static void trainAndProject() {
        run = tmp.resolve("run");
        trained = project(run, "--epochs", "1", "--batch", "64");
    }

    @Test
    void trainsScoresAndWritesEveryFile() throws Exception {
        assertEquals(0, trained.code(), trained::toString);
        for (String f : List.of("projection.md", "projection.json", "projection.png", "embedding_pca.png", "embedding_ae2d.png",
                "embedding_vae2d.png", "embeddings_train.csv", "embeddings_test.csv", "ae2d/best.safetensors",
                "vae2d/best.safetensors")) {
            assertTrue(Files.size(run.resolve(f)) > 0, f);
        }
        JsonNode j = new ObjectMapper().readTree(run.resolve("projection.json").toFile());
        assertEquals(2, j.get("dims").asInt());
        assertEquals(300, j.get("train_samples").asInt());
        assertEquals(100, j.get("test_samples").asInt());
        List<String> names = new ArrayList<>();
        for (JsonNode m : j.get("methods")) {
            names.add(m.get("name").asText());
            for (String key : List.of("knn_1", "knn_5", "trustworthiness", "continuity")) {
                double v = m.get(key).asDouble();
                assertTrue(v >= 0 && v <= 1, m.get("name") + " " + key + " = " + v);
            }
            assertTrue(m.get("recon_error").asDouble() > 0, m.toString());
        }
        assertEquals(List.of("pca", "ae2d", "vae2d"), names);
        // PCA-2 separates MNIST digits well above chance (0.1) even from 300 images: about 0.35–0.45 in
        // the full protocol; 0.2 leaves room for the small slice. An embedding keeps neighbourhoods
        // better than a random map (trustworthiness ≈ 0.5): PCA gives about 0.74.
        JsonNode pca = j.get("methods").get(0);
        assertTrue(pca.get("knn_5").asDouble() > 0.2, pca.toString());
        assertTrue(pca.get("trustworthiness").asDouble() > 0.6, pca.toString());
        List<String> test = Files.readAllLines(run.resolve("embeddings_test.csv"));
        assertEquals("index,label,pca_z0,pca_z1,ae2d_z0,ae2d_z1,vae2d_z0,vae2d_z1", test.get(0));
        assertEquals(101, test.size());
        assertEquals(301, Files.readAllLines(run.resolve("embeddings_train.csv")).size());
        BufferedImage all = ImageIO.read(run.resolve("projection.png").toFile());
        BufferedImage one = ImageIO.read(run.resolve("embedding_pca.png").toFile());
        assertNotNull(all);
        assertEquals(3 * one.getWidth(), all.getWidth(), "three panels side by side");
        String md = Files.readString(run.resolve("projection.md"));
        assertTrue(md.contains("| pca |") && md.contains("| ae2d |") && md.contains("| vae2d |"), md);
    }

    /** -c repeated: two checkpoints (here the same one twice, named apart), no training. */
    @Test
    void projectsGivenCheckpoints() throws Exception {
        Path out = tmp.resolve("given");
        Path ae = run.resolve("ae2d/best.safetensors");
        CliEndToEndTest.Result r = project(out, "-c", ae.toString(), "-c", ae.toString());
        assertEquals(0, r.code(), r::toString);
        assertTrue(Files.notExists(out.resolve("ae2d")), "nothing trained");
        assertTrue(Files.readAllLines(out.resolve("embeddings_test.csv")).get(0).endsWith("ae2d_z1,ae2d-2_z0,ae2d-2_z1"));
    }

    @Test
    void refusesDimsLargerThanTheCode() {
        Path ae = run.resolve("ae2d/best.safetensors");
        assertFailure(project(tmp.resolve("bad-dims"), "-c", ae.toString(), "--dims", "3"), "--dims 3", "'ae2d'",
                "(2 values)");
        assertTrue(Files.notExists(tmp.resolve("bad-dims/projection.json")));
    }

    @Test
    void refusesUnlabelledData() throws Exception {
        Path folder = tmp.resolve("unlabelled");
        Files.createDirectories(folder);
        for (int i = 0; i < 12; i++) {
            TestData.randomPng(folder.resolve("img" + i + ".png"), 1, 8, 8, i);
        }
        assertFailure(cli("project", "--device", "cpu", "--data", folder.toString(), "--out", tmp.resolve("u").toString(),
                "--no-progress"), "needs labels", "unlabelled");
        assertTrue(Files.notExists(tmp.resolve("u")), "nothing trained or written");
    }

    @Test
    void refusesNonPositiveDims() {
        assertFailure(project(tmp.resolve("zero"), "--dims", "0"), "--dims must be ≥ 1, got 0");
    }
}
