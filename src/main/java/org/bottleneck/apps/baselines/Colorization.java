package org.bottleneck.apps.baselines;

import java.util.List;

/**
 * The colorization baselines: from a luma image (1, H, W) back to RGB (3, H, W).
 *
 * <p>Colour space: full-range ITU-R BT.601 YCbCr, the one JPEG/JFIF uses, on values in [0, 1]
 * (the luma is the data pipeline's {@code luma} transform):
 * <pre>
 *   Y  = 0.299 R + 0.587 G + 0.114 B
 *   Cb = (B − Y) / 1.772          (1.772 = 2·(1 − 0.114))
 *   Cr = (R − Y) / 1.402          (1.402 = 2·(1 − 0.299))
 *   R = Y + 1.402 Cr,   B = Y + 1.772 Cb,   G = (Y − 0.299 R − 0.114 B) / 0.587
 * </pre>
 * Cb and Cr are kept centred on 0 (in [−0.5, 0.5]); JPEG stores them offset by one half (128
 * of 255), an offset that cancels here because chroma is only averaged and put back.
 */
public final class Colorization {
    private static final double KR = 0.299, KG = 0.587, KB = 0.114;
    private static final double CB_SCALE = 2 * (1 - KB), CR_SCALE = 2 * (1 - KR); // 1.772, 1.402

    private Colorization() {
    }

    /** Chroma (Cb, Cr) centred on 0, applied uniformly to every pixel of a luma image. */
    public record Chroma(double cb, double cr) {
        /** (1, H, W) luma → (3, H, W) RGB with this chroma everywhere, each channel clamped to [0, 1]. */
        public float[] colorize(float[] luma, int height, int width) {
            Images.check("colorize", luma, 1, height, width);
            int plane = height * width;
            float[] rgb = new float[3 * plane];
            for (int i = 0; i < plane; i++) {
                double y = luma[i];
                double r = y + CR_SCALE * cr, b = y + CB_SCALE * cb, g = (y - KR * r - KB * b) / KG;
                rgb[i] = clamp(r);
                rgb[plane + i] = clamp(g);
                rgb[2 * plane + i] = clamp(b);
            }
            return rgb;
        }
    }

    /** (1, H, W) luma → (3, H, W) with R = G = B = Y (zero chroma), not clamped. */
    public static float[] grey(float[] luma, int height, int width) {
        Images.check("grey", luma, 1, height, width);
        int plane = height * width;
        float[] rgb = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            System.arraycopy(luma, 0, rgb, c * plane, plane);
        }
        return rgb;
    }

    /**
     * The mean chroma of a training set: Cb and Cr averaged over every pixel of every image
     * (all images have the same size, so each image weighs the same).
     *
     * @param rgb n ≥ 1 images, each (3, H, W) in [0, 1]
     */
    public static Chroma meanChroma(List<float[]> rgb, int height, int width) {
        if (rgb.isEmpty()) {
            throw new IllegalArgumentException("mean chroma of no training images");
        }
        int plane = height * width;
        double cb = 0, cr = 0;
        for (int n = 0; n < rgb.size(); n++) {
            float[] x = rgb.get(n);
            Images.check("mean chroma (image " + n + ")", x, 3, height, width);
            for (int i = 0; i < plane; i++) {
                double r = x[i], g = x[plane + i], b = x[2 * plane + i];
                double y = KR * r + KG * g + KB * b;
                cb += (b - y) / CB_SCALE;
                cr += (r - y) / CR_SCALE;
            }
        }
        double count = (double) rgb.size() * plane;
        return new Chroma(cb / count, cr / count);
    }

    /** (3, H, W) RGB → (3, H, W) planes Y, Cb, Cr (chroma centred on 0), by the formulas above. */
    public static float[] toYCbCr(float[] rgb, int height, int width) {
        Images.check("toYCbCr", rgb, 3, height, width);
        int plane = height * width;
        float[] out = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            double r = rgb[i], g = rgb[plane + i], b = rgb[2 * plane + i];
            double y = KR * r + KG * g + KB * b;
            out[i] = (float) y;
            out[plane + i] = (float) ((b - y) / CB_SCALE);
            out[2 * plane + i] = (float) ((r - y) / CR_SCALE);
        }
        return out;
    }

    /** (3, H, W) planes Y, Cb, Cr → (3, H, W) RGB, not clamped (the exact inverse of {@link #toYCbCr}). */
    public static float[] toRgb(float[] ycbcr, int height, int width) {
        Images.check("toRgb", ycbcr, 3, height, width);
        int plane = height * width;
        float[] out = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            double y = ycbcr[i], cb = ycbcr[plane + i], cr = ycbcr[2 * plane + i];
            double r = y + CR_SCALE * cr, b = y + CB_SCALE * cb;
            out[i] = (float) r;
            out[plane + i] = (float) ((y - KR * r - KB * b) / KG);
            out[2 * plane + i] = (float) b;
        }
        return out;
    }

    private static float clamp(double v) {
        return (float) Math.min(1, Math.max(0, v));
    }
}
