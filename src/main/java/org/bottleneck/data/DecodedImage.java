package org.bottleneck.data;

/**
 * An image decoded by {@link ImageDecoder}: 8-bit pixels, channel-first.
 *
 * @param channels C: 1 (grey) or 3 (R, G, B)
 * @param height   H ≥ 1
 * @param width    W ≥ 1
 * @param chw      (C, H, W) unsigned bytes: {@code chw[(c·H + y)·W + x] & 0xFF}
 */
public record DecodedImage(int channels, int height, int width, byte[] chw) {
    public DecodedImage {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (height < 1 || width < 1 || (long) channels * height * width != chw.length) {
            throw new IllegalArgumentException("(C, H, W) = (" + channels + ", " + height + ", " + width
                    + ") does not match " + chw.length + " bytes");
        }
    }

    /** The value of channel {@code c} at row {@code y}, column {@code x}, in [0, 255]. */
    public int get(int c, int y, int x) {
        return chw[(c * height + y) * width + x] & 0xFF;
    }
}
