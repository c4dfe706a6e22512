package org.bottleneck.viz;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.nio.file.Path;

/** One image (C, H, W) in [0, 1] as an 8-bit grey (C = 1) or RGB (C = 3) PNG, pixel for pixel, written atomically. */
public final class ImageFile {
    private ImageFile() {
    }

    public static void writePng(Path png, float[] chw, int channels, int height, int width) {
        PngFiles.write(png, png(chw, channels, height, width, "writing " + png));
    }

    /** The PNG bytes of one image (C, H, W) in [0, 1] (C = 1 or 3), for an HTTP response. */
    public static byte[] png(float[] chw, int channels, int height, int width) {
        return png(chw, channels, height, width, "encoding a PNG");
    }

    private static byte[] png(float[] chw, int channels, int height, int width, String doing) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("a PNG holds 1 or 3 channels, got " + channels + " (" + doing + ")");
        }
        if (height < 1 || width < 1 || chw.length != (long) channels * height * width) {
            throw new IllegalArgumentException("image of " + chw.length + " values is not " + channels + "×" + height + "×"
                    + width + " (" + doing + ")");
        }
        BufferedImage img = new BufferedImage(width, height, channels == 1 ? BufferedImage.TYPE_BYTE_GRAY
                : BufferedImage.TYPE_3BYTE_BGR);
        WritableRaster r = img.getRaster();
        int plane = height * width;
        int[] px = new int[channels];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < channels; c++) {
                    px[c] = level(chw[c * plane + y * width + x]);
                }
                r.setPixel(x, y, px);
            }
        }
        return PngFiles.encode(img);
    }

    /** round(v·255) of v clamped to [0, 1]; NaN → 0. */
    static int level(float v) {
        if (!(v > 0)) {
            return 0;
        }
        return v >= 1 ? 255 : Math.round(v * 255f);
    }
}
