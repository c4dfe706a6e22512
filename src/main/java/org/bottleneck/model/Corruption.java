package org.bottleneck.model;

/**
 * Input corruption of a denoising autoencoder, applied at training time only:
 * GAUSSIAN adds N(0, level²) noise, MASKING zeroes each pixel with probability level.
 */
public enum Corruption {
    NONE, GAUSSIAN, MASKING;

    public static Corruption parse(String s) {
        return switch (s.toLowerCase()) {
            case "none" -> NONE;
            case "gaussian" -> GAUSSIAN;
            case "masking", "mask" -> MASKING;
            default -> throw new IllegalArgumentException("unknown corruption '" + s + "' (expected none, gaussian or masking)");
        };
    }
}
