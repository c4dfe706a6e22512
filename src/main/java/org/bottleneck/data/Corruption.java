package org.bottleneck.data;

import java.util.Locale;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Philox;
import org.bottleneck.backend.Streams;
import org.bottleneck.tensor.Tensor;

/**
 * Input corruption of a denoising autoencoder, a transform of the batch pipeline applied at
 * training time only (the target stays clean): GAUSSIAN adds N(0, level²) noise, MASKING
 * zeroes each value with probability level. Draws are a pure function of (seed, step):
 * element i of step s is element {@code (s << 32) + i} of stream {@code derive(seed, CORRUPTION)},
 * identical on CPU and GPU, so a resumed run repeats them.
 *
 * @param kind  NONE, GAUSSIAN or MASKING
 * @param level noise std (GAUSSIAN) or drop probability (MASKING)
 */
public record Corruption(Kind kind, double level) {
    public enum Kind { NONE, GAUSSIAN, MASKING }

    public static final Corruption NONE = new Corruption(Kind.NONE, 0);

    public Corruption {
        if (!(level >= 0) || Double.isInfinite(level) || (kind == Kind.MASKING && level >= 1)) {
            throw new IllegalArgumentException("corruption level must be finite and ≥ 0 (masking: < 1), got " + level);
        }
    }

    /** "none", "gaussian" or "masking"/"mask"; level is ignored for none. */
    public static Corruption parse(String kind, double level) {
        return switch (kind.toLowerCase(Locale.ROOT)) {
            case "none" -> NONE;
            case "gaussian" -> new Corruption(Kind.GAUSSIAN, level);
            case "masking", "mask" -> new Corruption(Kind.MASKING, level);
            default -> throw new IllegalArgumentException("unknown corruption '" + kind
                    + "' (expected none, gaussian or masking)");
        };
    }

    public boolean active() {
        return kind != Kind.NONE;
    }

    /** {@code out = corrupt(clean)} for training step {@code step}. */
    public void apply(Backend backend, Tensor clean, Tensor out, long seed, long step) {
        long stream = Philox.derive(seed, Streams.CORRUPTION);
        long offset = step << 32;
        switch (kind) {
            case GAUSSIAN -> backend.gaussianCorruption(clean, (float) level, stream, offset, out);
            case MASKING -> backend.maskingCorruption(clean, (float) level, stream, offset, out);
            case NONE -> backend.copy(clean, out);
        }
    }

    public String describe() {
        return kind == Kind.NONE ? "none" : kind.name().toLowerCase(Locale.ROOT) + "=" + level;
    }
}
