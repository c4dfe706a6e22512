package org.bottleneck.apps.baselines;

import org.bottleneck.data.Resize;

/**
 * The super-resolution baselines: (C, h, w) → (C, H, W) by the PIL-style resampling of
 * {@link Resize} (half-pixel centres: output pixel i samples source coordinate
 * {@code (i + ½)·h/H}).
 * <ul>
 *   <li>{@link #nearest}: the box filter, which when growing picks the one source pixel under
 *       each output centre (for an integer factor f, every pixel repeated f × f times);</li>
 *   <li>{@link #bicubic}: Keys' cubic convolution with a = −0.5, support 2 (PIL, Matlab);
 *       not clamped, so it may overshoot [0, 1] a little near edges, as PIL's float mode does.</li>
 * </ul>
 */
public final class Upscale {
    private Upscale() {
    }

    /** (C, h, w) → (C, H, W), nearest neighbour. */
    public static float[] nearest(float[] x, int channels, int h, int w, int height, int width) {
        return resize("nearest upscale", x, channels, h, w, height, width, Resize.Filter.BOX);
    }

    /** (C, h, w) → (C, H, W), bicubic (Keys, a = −0.5). */
    public static float[] bicubic(float[] x, int channels, int h, int w, int height, int width) {
        return resize("bicubic upscale", x, channels, h, w, height, width, Resize.Filter.BICUBIC);
    }

    private static float[] resize(String op, float[] x, int channels, int h, int w, int height, int width,
            Resize.Filter filter) {
        Images.check(op, x, channels, h, w);
        if (height < h || width < w) {
            throw new IllegalArgumentException(op + ": " + h + "x" + w + " → " + height + "x" + width
                    + " would shrink; these baselines only grow");
        }
        return Resize.resize(x, channels, h, w, height, width, filter);
    }
}
