package org.bottleneck.apps.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Backends;
import org.bottleneck.data.ArrayDataset;
import org.bottleneck.data.Dataset;
import org.bottleneck.model.Checkpoint;
import org.bottleneck.model.Model;
import org.bottleneck.model.Presets;
import org.bottleneck.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The explorer on data that is not MNIST: a standardized 7-column table without labels (drawn as
 * a heat strip, MSE output) and 3×12×20 colour images with two named classes (a conv VAE with a
 * 16-value code, so a principal plane). Seeded random data and weights: what is checked is that
 * every shape flows through to the right pictures, not what a model learned.
 */
class ExplorerDataShapesTest {
    @TempDir
    Path tmp;

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private Explorer open(String preset, Dataset data) {
        Path ckpt = tmp.resolve(preset + ".safetensors");
        try (Backend b = Backends.open("cpu", 0);
             Model m = new Model(b, Presets.get(preset, data.sampleShape(), data.unitInterval()), 11)) {
            Checkpoint.save(ckpt, m, null, Map.of());
        }
        return Explorer.open(ckpt, data, 1, () -> Backends.open("cpu", 0), QUIET);
    }

    private static BufferedImage png(byte[] bytes) throws Exception {
        return ImageIO.read(new ByteArrayInputStream(bytes));
    }

    @Test
    void aStandardizedTableIsDrawnAsAHeatStrip() throws Exception {
        int n = 60, d = 7;
        float[] x = new float[n * d];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (1.5 * r.nextGaussian());
        }
        Dataset table = ArrayDataset.of("table", Shape.of(d), x, null, List.of(), false);
        try (Explorer e = open("ae", table)) {
            ObjectNode info = e.info();
            assertEquals("strip", info.get("input_drawn_as").asText());
            assertEquals("strip", info.get("output_drawn_as").asText());
            assertEquals("pca", info.get("plane").get("kind").asText(), "ae's code has 32 values");
            BufferedImage img = png(e.image(5));
            assertEquals(d, img.getWidth());
            assertEquals(1, img.getHeight());
            int[] px = img.getRaster().getPixels(0, 0, d, 1, (int[]) null);
            for (int j = 0; j < d; j++) {
                float v = 0.5f + x[5 * d + j] / 6f; // ±3 standard deviations span black to white
                int expected = !(v > 0) ? 0 : v >= 1 ? 255 : Math.round(v * 255f);
                assertEquals(expected, px[j], "cell " + j + " of value " + x[5 * d + j]);
            }
            BufferedImage decoded = png(e.decode(e.map().codeAt(0.3, -0.2)));
            assertEquals(d, decoded.getWidth());
            JsonNode points = e.points();
            assertEquals(n, points.get("label").size());
            assertEquals(-1, points.get("label").get(0).asInt(), "unlabelled data: label -1");
            assertTrue(info.get("metrics").get("mse_per_value").asDouble() > 0);
        }
    }

    @Test
    void colourImagesOfAnotherSizeStayColourImages() throws Exception {
        int n = 40, c = 3, h = 12, w = 20, d = c * h * w;
        float[] x = new float[n * d];
        int[] labels = new int[n];
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
        }
        Dataset images = ArrayDataset.of("colour", Shape.of(c, h, w), x, labels, List.of("cat", "dog"), true);
        try (Explorer e = open("convvae", images)) {
            assertTrue(e.map().principalPlane(), "convvae's code has 16 values");
            BufferedImage img = png(e.image(3));
            assertEquals(w, img.getWidth());
            assertEquals(h, img.getHeight());
            assertEquals(3, img.getRaster().getNumBands(), "RGB");
            int[] rgb = img.getRaster().getPixel(7, 4, (int[]) null);
            for (int k = 0; k < 3; k++) {
                float v = x[3 * d + k * h * w + 4 * w + 7];
                assertEquals(Math.round(v * 255f), rgb[k], "channel " + k + " of pixel (4, 7)");
            }
            BufferedImage grid = png(e.grid(3));
            assertEquals(3 * w + 2, grid.getWidth());
            assertEquals(3 * h + 2, grid.getHeight());
            assertEquals(List.of("cat", "dog"), List.of(e.points().get("classes").get(0).asText(),
                    e.points().get("classes").get(1).asText()));
        }
    }

    @Test
    void largeOutputsGetSmallerGridsAndStrips() {
        // side² · out ≤ 4 Mi values: MNIST keeps 32; 3×256×256 gets floor(√(4194304 / 196608)) = 4.
        assertEquals(32, Explorer.maxGridSide(784));
        assertEquals(4, Explorer.maxGridSide(3 * 256 * 256));
        assertEquals(64, Explorer.maxSteps(784));
        assertEquals(21, Explorer.maxSteps(3 * 256 * 256));
        assertEquals(1, Explorer.maxGridSide(Integer.MAX_VALUE));
        assertEquals(2, Explorer.maxSteps(Integer.MAX_VALUE));
    }

    @Test
    void aModelThatDoesNotTakeTheDataIsRefusedWithBothShapes() {
        Dataset small = ArrayDataset.of("small", Shape.of(5), new float[5 * 10], null, List.of(), true);
        Path ckpt = tmp.resolve("vae.safetensors");
        try (Backend b = Backends.open("cpu", 0); Model m = new Model(b, Presets.get("vae"), 1)) {
            Checkpoint.save(ckpt, m, null, Map.of());
        }
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> Explorer.open(ckpt, small, 1, () -> Backends.open("cpu", 0), QUIET));
        assertTrue(ex.getMessage().contains("[784]") && ex.getMessage().contains("[5]"), ex.getMessage());
    }
}
