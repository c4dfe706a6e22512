package org.bottleneck.data.transform;

import org.bottleneck.tensor.Shape;

/**
 * Punches a hole into an example's (C, H, W) input, shared by {@link BoxMask} and
 * {@link FixedMask}: the hole is zeroed in every channel; with {@code holeLoss} the loss mask
 * is 1 on the hole and 0 elsewhere (else the whole image counts); with {@code marked} the input
 * gains a last channel that is 1 on the hole, so a model knows what is missing even where the
 * image is black (MNIST's background) — the input becomes (C+1, H, W).
 */
final class Holes {
    private Holes() {
    }

    /** The input shape after a hole: (C+1, H, W) when marked. */
    static Shape shape(int[] chw, boolean marked) {
        return marked ? Shape.of(chw[0] + 1, chw[1], chw[2]) : Shape.of(chw);
    }

    /**
     * The hole is the rectangle [y0, y0+h) × [x0, x0+w) when {@code plane} is null, else the
     * pixels where {@code plane} (H·W) is above ½.
     */
    static void punch(Example e, boolean holeLoss, boolean marked, int y0, int x0, int h, int w, float[] plane) {
        int[] chw = e.inputShape.dims();
        int c = chw[0], hh = chw[1], ww = chw[2], n = hh * ww;
        if (holeLoss) {
            e.masked = true;
        }
        e.holed = true;
        for (int y = 0; y < hh; y++) {
            for (int x = 0; x < ww; x++) {
                int p = y * ww + x;
                boolean in = plane != null ? plane[p] > 0.5f : y >= y0 && y < y0 + h && x >= x0 && x < x0 + w;
                e.hole[p] = in ? 1f : 0f;
                for (int ch = 0; ch < c; ch++) {
                    if (in) {
                        e.input[ch * n + p] = 0f;
                    }
                    if (holeLoss) {
                        e.mask[ch * n + p] = in ? 1f : 0f;
                    }
                }
                if (marked) {
                    e.input[c * n + p] = in ? 1f : 0f; // the buffers hold the largest shape: (C+1)·H·W fits
                }
            }
        }
        if (marked) {
            e.inputShape = Shape.of(c + 1, hh, ww);
        }
    }
}
