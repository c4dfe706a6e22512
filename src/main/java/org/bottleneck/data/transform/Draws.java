package org.bottleneck.data.transform;

import org.bottleneck.backend.Philox;

/**
 * The random numbers one transform may use on one example: Philox stream
 * {@code derive(derive(derive(seed, TRANSFORM + slot), epoch), sampleIndex)}, counters from 0.
 * A pure function of (seed, slot, epoch, sample index): the same on every backend and after a
 * resume, whatever the batch composition.
 */
public final class Draws {
    private long stream;
    private final int[] scratch = new int[4];

    void reset(long stream) {
        this.stream = stream;
    }

    /** Uniform n in (0, 1). */
    public float uniform(long n) {
        return Philox.uniform(stream, n);
    }

    /** An integer uniform on [0, bound) from word n (bias below 2^-32·bound). */
    public int below(long n, int bound) {
        return (int) (((Philox.word(stream, n) & 0xFFFFFFFFL) * bound) >>> 32);
    }

    /** Normals offset..offset+count into out[from..]. */
    public void normals(long offset, float[] out, int from, int count) {
        Philox.fillNormal(stream, offset, out, from, count, scratch);
    }

    /** Uniforms offset..offset+count into out[0..count). */
    public void uniforms(long offset, float[] out, int count) {
        Philox.fillUniform(stream, offset, out, count, scratch);
    }
}
