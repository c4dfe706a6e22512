package org.bottleneck.cli;

import static org.bottleneck.cli.CliEndToEndTest.assertFailure;
import static org.bottleneck.cli.CliEndToEndTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.bottleneck.apps.anomaly.AnomalyScore;
import org.bottleneck.apps.anomaly.Detector;
import org.bottleneck.cli.CliEndToEndTest.Result;
import org.bottleneck.model.Checkpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tier 6 for {@code anomaly} and {@code score} on a slice of the shipped MNIST: a one-class run
 * of two digits with a small dense autoencoder for one epoch writes its tables, figures and
 * detectors; {@code score} flags with the stored threshold; bad input fails with one line.
 */
class AnomalyCommandsTest {
    @TempDir
    static Path shared;
    private static Path run;
    private static Result runResult;

    /** anomaly with the slice defaults, less those {@code more} names (picocli rejects an option given twice), plus {@code more}. */
    static Result anomaly(Path out, String... more) {
        List<String> extra = List.of(more);
        List<String> args = new ArrayList<>(List.of("anomaly", "--no-progress"));
        String[][] defaults = {{"--device", "cpu"}, {"--data", "data/mnist"}, {"--train-limit", "2000"}, {"--test-limit", "500"},
                {"--out", out.toString()}, {"--model", "ae"}, {"--hidden", "64"}, {"--latent", "8"}, {"--pca-dims", "0"}};
        for (String[] d : defaults) {
            if (!extra.contains(d[0])) {
                args.addAll(List.of(d));
            }
        }
        args.addAll(extra);
        return cli(args.toArray(String[]::new));
    }

    @BeforeAll
    static void runOneClass() {
        run = shared.resolve("anomaly");
        runResult = anomaly(run, "--classes", "0,1", "--epochs", "8", "--batch", "32", "--pca-dims", "8", "--loss", "mse");
    }

    @Test
    void oneClassRunWritesTablesFiguresAndDetectors() throws IOException {
        assertEquals(0, runResult.code(), runResult::toString);
        for (String f : List.of("anomaly.md", "anomaly.csv", "anomaly.json", "roc.png", "histograms.png",
                "one-class-0.safetensors", "one-class-1.safetensors")) {
            assertTrue(Files.size(run.resolve(f)) > 0, f);
        }
        assertNotNull(ImageIO.read(run.resolve("roc.png").toFile()));
        assertNotNull(ImageIO.read(run.resolve("histograms.png").toFile()));
        JsonNode j = new ObjectMapper().readTree(run.resolve("anomaly.json").toFile());
        assertEquals(2, j.get("classes").size());
        for (JsonNode c : j.get("classes")) {
            // 8 epochs on ~190 images of one digit rank most other digits above it (a 0 or a 1 differs
            // from most digits in many pixels); 0.5 is chance
            double auc = c.get("methods").get("recon").get("roc_auc").asDouble();
            assertTrue(auc > 0.85 && auc <= 1, "class " + c.get("name") + " recon ROC-AUC " + auc);
            assertTrue(c.get("methods").has("mahalanobis"), c.toString());
            // PCA-8 reconstruction error, fitted on the same ~170 normal images: as good a ranker here
            double pca = c.get("methods").get("pca-8").get("roc_auc").asDouble();
            assertTrue(pca > 0.85 && pca <= 1, "class " + c.get("name") + " PCA-8 ROC-AUC " + pca);
        }
        List<String> csv = Files.readAllLines(run.resolve("anomaly.csv"));
        assertEquals("protocol,class,seed,method,roc_auc,average_precision,threshold,test_fpr,test_tpr,train_seconds", csv.get(0));
        assertEquals(1 + 2 * 3, csv.size(), "2 classes × (recon, mahalanobis, pca-8)");
        assertTrue(Files.readString(run.resolve("anomaly.md")).contains("| **mean** |"));
        Detector d = Detector.read(Checkpoint.read(run.resolve("one-class-0.safetensors")), "test");
        assertEquals(List.of("0"), d.normal());
        assertEquals(AnomalyScore.RECON, d.primary());
        assertNotNull(d.gaussian());
        assertEquals(8, d.gaussian().dim());
        assertEquals(org.bottleneck.model.OutputKind.SIGMOID_MSE,
                Checkpoint.architecture(run.resolve("one-class-0.safetensors"), Checkpoint.read(run.resolve("one-class-0.safetensors")))
                        .output(), "--loss mse on images: squared error through a sigmoid");
    }

    @Test
    void leaveOutWithAVaeMeasuresEveryScore(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("lo");
        Result r = anomaly(out, "--protocol", "leave-out", "--classes", "1", "--epochs", "1", "--model", "vae", "--latent", "4",
                "--score", "elbo", "--draws", "3", "--train-limit", "600");
        assertEquals(0, r.code(), r::toString);
        JsonNode j = new ObjectMapper().readTree(out.resolve("anomaly.json").toFile());
        assertEquals("leave-out", j.get("protocol").asText());
        JsonNode methods = j.get("classes").get(0).get("methods");
        for (String m : List.of("recon", "elbo", "recon-prob", "mahalanobis")) {
            double auc = methods.get(m).get("roc_auc").asDouble();
            assertTrue(auc >= 0 && auc <= 1, m + " " + auc); // one epoch: any ranking, but a defined one
        }
        // trained on every digit but 1, the 1s are the anomalies: 1 of 10 digits in the test slice
        int anomalous = j.get("classes").get(0).get("test_anomalous").asInt();
        assertTrue(anomalous > 20 && anomalous < 100, "test 1s: " + anomalous);
        Detector d = Detector.read(Checkpoint.read(out.resolve("leave-out-1.safetensors")), "test");
        assertEquals(AnomalyScore.ELBO, d.primary());
        assertEquals(9, d.normal().size());
        assertEquals(3, d.draws());
    }

    @Test
    void scoreFlagsWithTheStoredThreshold(@TempDir Path tmp) throws IOException {
        assertEquals(0, runResult.code(), runResult::toString);
        Path csv = tmp.resolve("scores.csv");
        Result r = cli("score", "--device", "cpu", "--data", "data/mnist", "--test-limit", "200", "-c",
                run.resolve("one-class-1.safetensors").toString(), "-o", csv.toString());
        assertEquals(0, r.code(), r::toString);
        List<String> lines = Files.readAllLines(csv);
        assertEquals("index,label,recon,mahalanobis,anomalous", lines.get(0));
        assertEquals(201, lines.size());
        int ones = 0, onesFlagged = 0, others = 0, othersFlagged = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            boolean flagged = f[4].equals("1");
            if (f[1].equals("1")) {
                ones++;
                onesFlagged += flagged ? 1 : 0;
            } else {
                others++;
                othersFlagged += flagged ? 1 : 0;
            }
        }
        // the detector of digit 1 flags other digits far more often than 1s (its threshold lets ~5% of held-out 1s through)
        assertTrue((double) othersFlagged / others > 2.0 * onesFlagged / ones, "flagged: 1s " + onesFlagged + "/" + ones
                + ", others " + othersFlagged + "/" + others);
        assertTrue(r.out().contains("flagged anomalous"), r::toString);
    }

    @Test
    void badInputFailsWithOneLine(@TempDir Path tmp) throws IOException {
        assertFailure(anomaly(tmp.resolve("a"), "--classes", "12", "--epochs", "1"), "class 12", "0..9");
        // the first 10 training labels are 5 0 4 1 9 2 1 3 1 4: no 7
        assertFailure(anomaly(tmp.resolve("b"), "--classes", "7", "--epochs", "1", "--train-limit", "10"), "class 7",
                "no training samples");
        assertFailure(anomaly(tmp.resolve("c"), "--fpr", "1.5"), "--fpr", "1.5");
        assertFailure(anomaly(tmp.resolve("d"), "--score", "elbo", "--classes", "0"), "elbo", "does not apply", "--model vae");
        assertFailure(anomaly(tmp.resolve("e"), "--classes", "zero"), "--classes", "zero");
        assertFailure(anomaly(tmp.resolve("g"), "--loss", "l2", "--classes", "0"), "--loss", "l2");
        assertFailure(anomaly(tmp.resolve("h"), "--seeds", "0", "--classes", "0"), "--seeds", "0");
        assertFailure(anomaly(tmp.resolve("i"), "--holdout", "1", "--classes", "0"), "--holdout", "1");
        assertFailure(anomaly(tmp.resolve("j"), "--protocol", "two-class", "--classes", "0"), "--protocol", "two-class");
        assertFalse(Files.exists(tmp.resolve("a")) || Files.exists(tmp.resolve("b")) || Files.exists(tmp.resolve("d")),
                "a refused run writes nothing");

        Path table = tmp.resolve("t.csv");
        StringBuilder rows = new StringBuilder("a,b,c,d,e\n");
        for (int i = 0; i < 60; i++) {
            rows.append(i % 7).append(',').append(i % 5).append(",1,").append(i).append(",0.5\n");
        }
        Files.writeString(table, rows);
        Result unlabelled = cli("anomaly", "--device", "cpu", "--data", table.toString(), "--out", tmp.resolve("f").toString(),
                "--no-progress", "--epochs", "1");
        assertFailure(unlabelled, "labelled", "t-train", "no labels");

        assertEquals(0, runResult.code(), runResult::toString);
        Result shapes = cli("score", "--device", "cpu", "--data", table.toString(), "-c",
                run.resolve("one-class-0.safetensors").toString(), "-o", tmp.resolve("s.csv").toString());
        assertFailure(shapes, "784", "5");
        Result noGaussian = cli("score", "--device", "cpu", "--data", "data/mnist", "--test-limit", "10", "-c",
                run.resolve("one-class-0.safetensors").toString(), "--score", "elbo", "-o", tmp.resolve("s.csv").toString());
        assertFailure(noGaussian, "elbo", "not available");
        Result nanThreshold = cli("score", "--device", "cpu", "--data", "data/mnist", "--test-limit", "10", "-c",
                run.resolve("one-class-0.safetensors").toString(), "--threshold", "NaN", "-o", tmp.resolve("s.csv").toString());
        assertFailure(nanThreshold, "--threshold", "NaN");
        Result badSplit = cli("score", "--device", "cpu", "--data", "data/mnist", "-c",
                run.resolve("one-class-0.safetensors").toString(), "--split", "val", "-o", tmp.resolve("s.csv").toString());
        assertFailure(badSplit, "--split", "val");
        assertFalse(Files.exists(tmp.resolve("s.csv")));
    }
}
