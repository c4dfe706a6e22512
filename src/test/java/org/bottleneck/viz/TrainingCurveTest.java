package org.bottleneck.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingCurveTest {
    @TempDir
    Path tmp;

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    @Test
    void writesAPngOfTheExpectedSizeWithColouredLines() throws IOException {
        int[] epochs = {1, 2, 3, 4, 5, 6};
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("train", new double[] {180, 130, 115, 108, 104, 101});
        series.put("validation", new double[] {170, 128, 117, 112, Double.NaN, 109});
        Path png = tmp.resolve("plots/loss.png");
        TrainingCurve.write(png, "VAE on MNIST", "loss (nats / image)", epochs, series);

        byte[] bytes = Files.readAllBytes(png);
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(bytes, 8));
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(TrainingCurve.WIDTH, img.getWidth());
        assertEquals(TrainingCurve.HEIGHT, img.getHeight());
        int coloured = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                int r = rgb >> 16 & 0xFF, g = rgb >> 8 & 0xFF, b = rgb & 0xFF;
                coloured += Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60 ? 1 : 0;
            }
        }
        assertTrue(coloured > 500, "series lines are drawn in colour: " + coloured + " coloured pixels");

        Path small = tmp.resolve("small.png");
        TrainingCurve.write(small, "t", "y", epochs, series, 320, 240);
        BufferedImage s = ImageIO.read(small.toFile());
        assertEquals(320, s.getWidth());
        assertEquals(240, s.getHeight());
    }

    @Test
    void rejectsMismatchedLengthsAndEmptyInput() {
        Map<String, double[]> bad = Map.of("train", new double[] {1, 2});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingCurve.write(tmp.resolve("x.png"), "t", "y", new int[] {1, 2, 3}, bad));
        assertTrue(e.getMessage().contains("series 'train' has 2 values for 3 epochs"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> TrainingCurve.write(tmp.resolve("x.png"), "t", "y", new int[] {1}, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> TrainingCurve.write(tmp.resolve("x.png"), "t", "y",
                new int[] {1}, Map.of("nan", new double[] {Double.NaN})));
        assertTrue(!Files.exists(tmp.resolve("x.png")));
    }
}
