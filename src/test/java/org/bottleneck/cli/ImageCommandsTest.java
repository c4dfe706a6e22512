package org.bottleneck.cli;

import static org.bottleneck.cli.CliEndToEndTest.assertFailure;
import static org.bottleneck.cli.CliEndToEndTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.bottleneck.model.Checkpoint;
import org.bottleneck.testing.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image applications end to end, in process: denoise, superres and inpaint on a slice of
 * the shipped MNIST, colorize and superres on a small generated RGB folder; each trains one
 * short epoch (the point is the structure, not the quality: the quality is in BENCHMARKS.md),
 * writes its report, and applies its checkpoint to a non-square image whose size is no
 * multiple of the tile or the factor. Then the bad inputs the issue names.
 */
class ImageCommandsTest {
    @TempDir
    static Path tmp;
    private static Path denoiseRun, superresRun, inpaintRun, colorRun, rgb, photo;

    private static final String[] MNIST = {"--device", "cpu", "--data", "data/mnist", "--train-limit", "512",
            "--test-limit", "64", "--test-images", "32", "--epochs", "1", "--batch", "64", "--no-progress"};

    static CliEndToEndTest.Result run(String command, Path out, String[] base, String... more) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(List.of(base));
        args.addAll(List.of("--out", out.toString()));
        args.addAll(List.of(more));
        return cli(args.toArray(String[]::new));
    }

    private static CliEndToEndTest.Result ok(CliEndToEndTest.Result r) {
        assertEquals(0, r.code(), r::toString);
        return r;
    }

    /** Smooth colour images (a hue gradient per image) in [0, 1], so colour is learnable from luma. */
    static void smoothRgbFolder(Path dir, int n, int h, int w) throws IOException {
        for (int i = 0; i < n; i++) {
            byte[] px = new byte[3 * h * w];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double t = (x + y + i) / (double) (h + w + n);
                    px[y * w + x] = (byte) (255 * t);
                    px[h * w + y * w + x] = (byte) (255 * (1 - t) * (i % 2));
                    px[2 * h * w + y * w + x] = (byte) (128 + 100 * Math.sin(x * 0.5 + i));
                }
            }
            TestData.png(dir.resolve("img" + i + ".png"), 3, h, w, px);
        }
    }

    @BeforeAll
    static void trainAll() throws IOException {
        denoiseRun = tmp.resolve("denoise");
        ok(run("denoise", denoiseRun, MNIST));
        superresRun = tmp.resolve("superres");
        ok(run("superres", superresRun, MNIST, "--factor", "2"));
        inpaintRun = tmp.resolve("inpaint");
        ok(run("inpaint", inpaintRun, MNIST, "--hole", "8-12"));
        rgb = tmp.resolve("rgb");
        smoothRgbFolder(rgb, 40, 16, 16);
        colorRun = tmp.resolve("colorize");
        ok(run("colorize", colorRun, new String[] {"--device", "cpu", "--data", rgb.toString(), "--channels", "3",
                "--test-fraction", "0.25", "--epochs", "1", "--batch", "8", "--no-progress"}));
        photo = tmp.resolve("photo.png");
        TestData.randomPng(photo, 3, 23, 37, 5); // non-square, odd, not a multiple of any tile or factor
    }

    private static JsonNode report(Path run) throws IOException {
        return new ObjectMapper().readTree(run.resolve("restoration.json").toFile());
    }

    private static List<String> methods(JsonNode report) {
        List<String> names = new ArrayList<>();
        report.get("methods").forEach(m -> names.add(m.get("name").asText()));
        return names;
    }

    @Test
    void eachRunWritesTheReportTheCheckpointAndTheCurve() throws IOException {
        Object[][] runs = {{denoiseRun, "denoise", List.of("input", "median 3x3"), 32},
                {superresRun, "superres", List.of("nearest", "bicubic", "ours"), 32},
                {inpaintRun, "inpaint", List.of("mean fill", "harmonic fill", "ours"), 32},
                {colorRun, "colorize", List.of("grey", "mean chroma", "ours"), 10}};
        for (Object[] r : runs) {
            Path dir = (Path) r[0];
            for (String f : List.of("best.safetensors", "last.safetensors", "metrics.json", "training_curve.png",
                    "restoration.md", "restoration.png")) {
                assertTrue(Files.exists(dir.resolve(f)), dir + "/" + f);
            }
            assertEquals(r[1], Checkpoint.read(dir.resolve("best.safetensors")).metadata().get("task"));
            JsonNode rep = report(dir);
            assertEquals(r[3], rep.get("test_images").asInt(), rep.toString());
            assertTrue(methods(rep).containsAll((List<?>) r[2]), methods(rep).toString());
            for (JsonNode m : rep.get("methods")) {
                double psnr = m.get("psnr").get("mean").asDouble(), pooled = m.get("psnr_pooled").get("mean").asDouble();
                assertTrue(psnr > 3 && psnr < 60, m.toString());
                // Jensen: −log is convex, so the mean of per-image PSNRs is at least the PSNR of the mean error
                assertTrue(pooled > 3 && pooled <= psnr + 1e-9, m.toString());
                double median = m.get("psnr_median").get("mean").asDouble();
                assertTrue(median > 3 && median < 60, m.toString());
                if (m.get("name").asText().equals("ours")) {
                    assertFalse(m.has("ours_higher_psnr"), m.toString());
                } else {
                    double higher = m.get("ours_higher_psnr").get("mean").asDouble(), equal = m.get("ours_equal_psnr").get("mean").asDouble();
                    assertTrue(higher >= 0 && equal >= 0 && higher + equal <= 1, m.toString());
                }
            }
            List<String> rows = Files.readAllLines(dir.resolve("restoration_images.csv"));
            assertEquals(1 + rep.get("test_images").asInt(), rows.size(), "a header and one row per image");
            assertTrue(rows.get(0).startsWith("image,psnr_") && rows.get(0).endsWith(",psnr_ours"), rows.get(0));
            String md = Files.readString(dir.resolve("restoration.md"));
            assertTrue(md.contains("| median PSNR |") && md.contains("% of images (equal "), md);
            BufferedImage panel = ImageIO.read(dir.resolve("restoration.png").toFile());
            assertNotNull(panel);
        }
    }

    @Test
    void holesAreScoredOnTheHoleAndColorizationOnChroma() throws IOException {
        for (JsonNode m : report(inpaintRun).get("methods")) {
            assertTrue(m.has("psnr_hole") && m.has("ssim"), m.toString());
            // outside the hole every fill keeps the input, so the whole image scores higher than the hole
            assertTrue(m.get("psnr").get("mean").asDouble() > m.get("psnr_hole").get("mean").asDouble(), m.toString());
        }
        for (JsonNode m : report(colorRun).get("methods")) {
            assertTrue(m.has("chroma_psnr") && m.has("chroma_mae"), m.toString());
        }
        JsonNode grey = report(colorRun).get("methods").get(0);
        assertEquals("grey", grey.get("name").asText());
        assertTrue(grey.get("chroma_mae").get("mean").asDouble() > 0.01, "the test images have colour: " + grey);
    }

    @Test
    void imagesOfAnySizeAreRestoredTileByTile() throws IOException {
        Path grey = tmp.resolve("grey.png");
        TestData.randomPng(grey, 1, 23, 37, 6);
        Path out = tmp.resolve("den.png");
        ok(cli("denoise", "--device", "cpu", "-c", denoiseRun.resolve("best.safetensors").toString(), "--image",
                grey.toString(), "--out", out.toString()));
        assertSize(out, 37, 23, false);
        out = tmp.resolve("sr.png");
        String s = ok(cli("superres", "--device", "cpu", "-c", superresRun.resolve("best.safetensors").toString(), "--image",
                grey.toString(), "--out", out.toString())).out();
        assertSize(out, 74, 46, false); // exactly twice the 37×23 input
        assertTrue(s.contains("74x46"), s);
        out = tmp.resolve("col.png");
        ok(cli("colorize", "--device", "cpu", "-c", colorRun.resolve("best.safetensors").toString(), "--image",
                photo.toString(), "--out", out.toString()));
        assertSize(out, 37, 23, true);
        Path mask = boxMask(tmp.resolve("mask.png"), 23, 37, 5, 20, 10);
        out = tmp.resolve("inp.png");
        ok(cli("inpaint", "--device", "cpu", "-c", inpaintRun.resolve("best.safetensors").toString(), "--image",
                grey.toString(), "--mask", mask.toString(), "--out", out.toString()));
        assertSize(out, 37, 23, false);
        BufferedImage before = ImageIO.read(grey.toFile()), after = ImageIO.read(out.toFile());
        assertEquals(before.getRaster().getSample(0, 0, 0), after.getRaster().getSample(0, 0, 0), "outside the hole stays");
        assertEquals(before.getRaster().getSample(36, 22, 0), after.getRaster().getSample(36, 22, 0));
    }

    /** A mask PNG h×w, white on the side × side square at (y0, x0). */
    private static Path boxMask(Path png, int h, int w, int y0, int x0, int side) throws IOException {
        byte[] m = new byte[h * w];
        for (int y = y0; y < y0 + side; y++) {
            for (int x = x0; x < x0 + side; x++) {
                m[y * w + x] = (byte) 255;
            }
        }
        TestData.png(png, 1, h, w, m);
        return png;
    }

    private static void assertSize(Path png, int w, int h, boolean colour) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, png + " decodes");
        assertEquals(w, img.getWidth());
        assertEquals(h, img.getHeight());
        assertEquals(colour ? 3 : 1, img.getRaster().getNumBands());
        try (Stream<Path> s = Files.list(png.getParent())) {
            assertFalse(s.anyMatch(p -> p.toString().endsWith(".tmp")), "no half-written file");
        }
    }

    @Test
    void aCheckpointIsScoredAgainWithoutTraining() throws IOException {
        Path again = tmp.resolve("again");
        String out = ok(cli("superres", "--device", "cpu", "--data", "data/mnist", "--test-limit", "64", "--test-images",
                "32", "-c", superresRun.resolve("best.safetensors").toString(), "--out", again.toString())).out();
        assertTrue(out.contains("bicubic"), out);
        // the same model, data and draws: the same scores as the training run's report
        assertEquals(report(superresRun).toString(), report(again).toString());
        Path mask = boxMask(tmp.resolve("mask28.png"), 28, 28, 8, 8, 12);
        Path masked = tmp.resolve("masked");
        ok(cli("inpaint", "--device", "cpu", "--data", "data/mnist", "--test-limit", "64", "--test-images", "32", "-c",
                inpaintRun.resolve("best.safetensors").toString(), "--mask", mask.toString(), "--out", masked.toString()));
        assertTrue(report(masked).get("degradation").asText().startsWith("mask=mask28.png"), report(masked).toString());
    }

    @Test
    void badInputGetsOneLineAndNoOutput() throws IOException {
        // a factor that does not divide the image size: refused, with both numbers
        assertFailure(run("superres", tmp.resolve("f3"), MNIST, "--factor", "3"), "factor 3 does not divide", "28x28");
        assertFalse(Files.exists(tmp.resolve("f3").resolve("last.safetensors")));
        // a grey data set for colorize
        assertFailure(run("colorize", tmp.resolve("grey"), MNIST), "luma needs RGB images", "[1, 28, 28]");
        // a mask of another size, for an image and for the test split
        Path small = tmp.resolve("small-mask.png");
        TestData.solidPng(small, 1, 10, 10, 255);
        assertFailure(cli("inpaint", "--device", "cpu", "-c", inpaintRun.resolve("best.safetensors").toString(), "--image",
                photo.toString(), "--mask", small.toString(), "--out", tmp.resolve("x.png").toString()), "10x10", "37x23");
        assertFailure(cli("inpaint", "--device", "cpu", "--data", "data/mnist", "--test-limit", "8", "-c",
                inpaintRun.resolve("best.safetensors").toString(), "--mask", small.toString()), "10x10", "28x28");
        // an --image that is not an image
        Path text = tmp.resolve("notes.png");
        Files.writeString(text, "not a picture");
        assertFailure(cli("denoise", "--device", "cpu", "-c", denoiseRun.resolve("best.safetensors").toString(), "--image",
                text.toString(), "--out", tmp.resolve("y.png").toString()), "not a decodable image", "notes.png");
        assertFalse(Files.exists(tmp.resolve("y.png")));
        // a checkpoint trained for another task, and one not trained by an image command at all
        assertFailure(cli("superres", "--device", "cpu", "-c", denoiseRun.resolve("best.safetensors").toString(), "--image",
                photo.toString()), "trained for denoise, not superres");
        assertFailure(cli("superres", "--device", "cpu", "-c", superresRun.resolve("best.safetensors").toString(), "--image",
                photo.toString(), "--factor", "4"), "enlarges by 2, not --factor 4");
        Path plain = tmp.resolve("plain");
        ok(CliEndToEndTest.train(plain, "--model", "ae", "--hidden", "8", "--latent", "2", "--epochs", "1",
                "--train-limit", "64", "--test-limit", "16"));
        assertFailure(cli("denoise", "--device", "cpu", "-c", plain.resolve("best.safetensors").toString(), "--image",
                photo.toString()), "not trained by an image command");
        // inpaint --image needs its mask; option values are checked
        assertFailure(cli("inpaint", "--device", "cpu", "-c", inpaintRun.resolve("best.safetensors").toString(), "--image",
                photo.toString()), "needs --mask");
        assertFailure(run("denoise", tmp.resolve("n"), MNIST, "--noise", "speckle"), "speckle");
        assertFailure(run("inpaint", tmp.resolve("h"), MNIST, "--hole", "40"), "holes up to 40", "28x28");
        assertFailure(run("denoise", tmp.resolve("l"), MNIST, "--level", "NaN"), "--level", "NaN");
        assertFailure(run("denoise", tmp.resolve("l2"), MNIST, "--noise", "masking", "--level", "1.5"), "probability", "1.5");
        assertFailure(run("superres", tmp.resolve("f5"), MNIST, "--factor", "5"), "--factor must be 2, 3 or 4", "5");
        assertFailure(run("inpaint", tmp.resolve("h2"), MNIST, "--hole", "big"), "--hole", "big");
        assertFailure(run("inpaint", tmp.resolve("lo"), MNIST, "--loss", "edges"), "--loss", "edges");
        assertFailure(cli("denoise", "--device", "cpu", "--test-images", "0", "--out", tmp.resolve("t").toString()),
                "--test-images", "0");
        for (String d : List.of("l", "l2", "f5", "h2", "lo", "t")) {
            assertFalse(Files.exists(tmp.resolve(d).resolve("last.safetensors")), d + ": nothing written");
        }
    }
}
