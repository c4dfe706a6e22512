package org.bottleneck.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One image to a PNG, pixel for pixel: read back through ImageIO, every level is round(v·255) of v clamped. */
class ImageFileTest {
    @TempDir
    Path tmp;

    @Test
    void greyAndRgbRoundTrip() throws IOException {
        int h = 3, w = 5;
        for (int c : new int[] {1, 3}) {
            float[] x = new float[c * h * w];
            for (int i = 0; i < x.length; i++) {
                x[i] = (i * 37 % 101) / 90f - 0.05f; // some below 0, some above 1
            }
            x[0] = Float.NaN;
            Path png = tmp.resolve("i" + c + ".png");
            ImageFile.writePng(png, x, c, h, w);
            BufferedImage img = ImageIO.read(png.toFile());
            assertEquals(w, img.getWidth());
            assertEquals(h, img.getHeight());
            assertEquals(c, img.getRaster().getNumBands());
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int xx = 0; xx < w; xx++) {
                        float v = x[(ch * h + y) * w + xx];
                        int expected = Float.isNaN(v) ? 0 : Math.round(Math.min(1f, Math.max(0f, v)) * 255f);
                        assertEquals(expected, img.getRaster().getSample(xx, y, ch), "channel " + ch + " at " + y + "," + xx);
                    }
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> ImageFile.writePng(tmp.resolve("x.png"), new float[8], 2, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> ImageFile.writePng(tmp.resolve("x.png"), new float[7], 1, 2, 4));
    }
}
