package org.bottleneck.backend;

/**
 * The one registry of Philox stream ids: every random draw in Bottleneck comes from
 * {@code Philox.derive(seed, id)} with an id from here, so no two sources can collide and a
 * run is a pure function of its seed (DESIGN.md §2, Randomness). Ids are part of the
 * checkpoint contract: changing one changes every result drawn from it.
 */
public final class Streams {
    private Streams() {
    }

    /** 1 was the denoising corruption of (seed, step), replaced by the pipeline's TRANSFORM streams; not reused. */
    /** The VAE head's eps. */
    public static final long LATENT = 2;
    /** The train/test split of a dataset's source files (or table rows): {@code derive(seed, SPLIT)}. */
    public static final long SPLIT = 3;
    /** Where random patches are cut from source image f: {@code derive(derive(seed, PATCHES), f)}. */
    public static final long PATCHES = 4;
    /**
     * Dropout: the k-th dropout layer of the encoder draws from {@code derive(derive(seed, DROPOUT), k)},
     * the k-th of the m in the decoder from {@code derive(derive(seed, DROPOUT), 100 + m − 1 − k)}
     * (version 1's order, see Architecture.layers).
     */
    public static final long DROPOUT = 100;
    /** Initial parameters: parameter i draws from {@code derive(seed, PARAMETER_INIT + i)}. */
    public static final long PARAMETER_INIT = 1000;
    /** Epoch e's shuffle: {@code derive(seed, SHUFFLE + e)}. */
    public static final long SHUFFLE = 1_000_000L;
    /**
     * Transform slot t of the batch pipeline, for epoch e and sample i:
     * {@code derive(derive(derive(seed, TRANSFORM + t), e), i)} (data/transform/Draws).
     */
    public static final long TRANSFORM = 2_000_000L;

    /** Stream {@code index} of family {@code base} of {@code seed}. */
    public static long of(long seed, long base, long index) {
        return Philox.derive(seed, base + index);
    }
}
