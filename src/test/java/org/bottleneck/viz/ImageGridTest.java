package org.bottleneck.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageGridTest {
    @TempDir
    Path tmp;

    private static int gray(BufferedImage img, int x, int y) {
        return img.getRaster().getSample(x, y, 0);
    }

    @Test
    void gridHasExpectedGeometryAndPixels() throws IOException {
        int count = 5, h = 3, w = 4, columns = 3, scale = 2;
        float[] px = new float[count * h * w];
        Random r = new Random(11);
        for (int i = 0; i < px.length; i++) {
            px[i] = r.nextFloat();
        }
        px[1 * h * w + 2 * w + 3] = 1.7f;  // image 1, y 2, x 3: clamps to 255
        px[4 * h * w] = -0.3f;              // image 4, y 0, x 0: clamps to 0
        px[3 * h * w + 5] = Float.NaN;      // image 3, y 1, x 1: NaN shows as 0
        Path png = tmp.resolve("new/folder/grid.png");
        ImageGrid.write(png, px, count, h, w, columns, scale);

        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(3 * 4 * 2 + 2, img.getWidth());   // 3 tiles of 8 px + 2 gaps
        assertEquals(2 * 3 * 2 + 1, img.getHeight());  // 2 rows of 6 px + 1 gap
        // image 0 pixel (y 1, x 2), every replica of the 2×2 upscaled block
        int expected = Math.round(px[1 * w + 2] * 255f);
        for (int dy = 0; dy < 2; dy++) {
            for (int dx = 0; dx < 2; dx++) {
                assertEquals(expected, gray(img, 2 * 2 + dx, 1 * 2 + dy));
            }
        }
        // image 1 is column 1: x0 = 8 + 1
        assertEquals(255, gray(img, 9 + 3 * 2 + 1, 2 * 2 + 1));
        // image 4 is row 1, column 1: x0 = 9, y0 = 6 + 1
        assertEquals(0, gray(img, 9, 7));
        // image 3 is row 1, column 0
        assertEquals(0, gray(img, 1 * 2, 7 + 1 * 2));
        // gaps and the unused last cell are gray
        assertEquals(ImageGrid.GAP_GRAY, gray(img, 8, 0));
        assertEquals(ImageGrid.GAP_GRAY, gray(img, 0, 6));
        assertEquals(ImageGrid.GAP_GRAY, gray(img, 2 * 9 + 3, 10));
    }

    @Test
    void fewerImagesThanColumnsShrinksTheGrid() throws IOException {
        Path png = tmp.resolve("two.png");
        ImageGrid.write(png, new float[] {0f, 0.5f, 1f, 0.25f}, 2, 1, 2, 10, 1);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(5, img.getWidth());
        assertEquals(1, img.getHeight());
        int[] expected = {0, 128, ImageGrid.GAP_GRAY, 255, 64};
        for (int x = 0; x < 5; x++) {
            assertEquals(expected[x], gray(img, x, 0), "x " + x);
        }
    }

    @Test
    void rowsStackStripsWithLabelsInAMargin() throws IOException {
        float[] originals = new float[3 * 2 * 2];
        float[] recon = new float[2 * 2 * 2];
        java.util.Arrays.fill(originals, 1f);
        java.util.Arrays.fill(recon, 0.5f);
        Path plain = tmp.resolve("rows.png");
        ImageGrid.writeRows(plain, List.of(originals, recon), 2, 2, 3);
        BufferedImage a = ImageIO.read(plain.toFile());
        assertEquals(3 * 6 + 2, a.getWidth());
        assertEquals(2 * 6 + 1, a.getHeight());
        assertEquals(255, gray(a, 0, 0));
        assertEquals(128, gray(a, 0, 7));
        assertEquals(ImageGrid.GAP_GRAY, gray(a, 2 * 7 + 1, 7)); // row 2 has only 2 images

        Path labelled = tmp.resolve("labelled.png");
        ImageGrid.writeRows(labelled, List.of("original", "reconstruction"), List.of(originals, recon), 2, 2, 3);
        BufferedImage b = ImageIO.read(labelled.toFile());
        int margin = b.getWidth() - a.getWidth();
        assertTrue(margin > 20, "label margin " + margin);
        assertEquals(a.getHeight(), b.getHeight());
        assertEquals(255, gray(b, margin, 0));
        assertEquals(128, gray(b, margin, 7));
        int bright = 0;
        for (int y = 0; y < b.getHeight(); y++) {
            for (int x = 0; x < margin; x++) {
                bright += gray(b, x, y) > 128 ? 1 : 0;
            }
        }
        assertTrue(bright > 0, "label text was drawn");
    }

    @Test
    void threeChannelsAreDrawnInColour() throws IOException {
        Path png = tmp.resolve("rgb.png");
        // two (3, 1, 2) images: pixel (0,0) of image 0 is pure red, (0,1) mid grey; image 1 blue then white
        float[] px = {1, 0.5f, 0, 0.5f, 0, 0.5f, 0, 1, 0, 1, 1, 1};
        ImageGrid.write(png, px, 2, 3, 1, 2, 2, 1);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(5, img.getWidth()); // 2·2 + 1 gap
        assertEquals(0xFF0000, img.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0x808080, img.getRGB(1, 0) & 0xFFFFFF);
        assertEquals(0x0000FF, img.getRGB(3, 0) & 0xFFFFFF);
        assertEquals(0xFFFFFF, img.getRGB(4, 0) & 0xFFFFFF);
    }

    @Test
    void rejectsBadArgumentsAndUnwritableFolders() throws IOException {
        IllegalArgumentException few = assertThrows(IllegalArgumentException.class,
                () -> ImageGrid.write(tmp.resolve("x.png"), new float[10], 3, 2, 2, 2, 1));
        assertTrue(few.getMessage().contains("pixels has 10 values, fewer than count·C·H·W = 3·1·2·2 = 12"), few.getMessage());
        IllegalArgumentException row = assertThrows(IllegalArgumentException.class,
                () -> ImageGrid.writeRows(tmp.resolve("x.png"), List.of(new float[4], new float[5]), 2, 2, 1));
        assertTrue(row.getMessage().contains("row 1 has 5 values"), row.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.write(tmp.resolve("x.png"), new float[4], 1, 2, 2, 1, 0));

        Path file = Files.write(tmp.resolve("not-a-folder"), new byte[] {1});
        Path target = file.resolve("grid.png");
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> ImageGrid.write(target, new float[4], 1, 2, 2, 1, 1));
        assertTrue(e.getMessage().contains(target.toAbsolutePath().toString()), e.getMessage());
        try (Stream<Path> s = Files.walk(tmp)) {
            assertEquals(List.of(), s.filter(p -> p.toString().endsWith(".tmp") || p.toString().endsWith(".png")).toList());
        }
    }
}
