package org.bottleneck.data;

import org.bottleneck.backend.Philox;
import org.bottleneck.backend.Streams;

/**
 * A deterministic train/test split by source: samples that come from one source (a photo and
 * its patches, a table row) land on the same side. The sources are shuffled by a seeded
 * Fisher–Yates on Philox stream {@code derive(seed, SPLIT)}, and the first
 * {@code round(fraction · sources)} go to the test side, at least one and at most all but one
 * when there are two or more sources and the fraction is positive.
 */
public final class Split {
    private Split() {
    }

    /** Which of {@code sources} sources are test sources. */
    public static boolean[] testSources(int sources, double fraction, long seed) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("--test-fraction must be in [0, 1), got " + fraction);
        }
        int[] order = new int[sources];
        for (int i = 0; i < sources; i++) {
            order[i] = i;
        }
        long stream = Philox.derive(seed, Streams.SPLIT);
        for (int i = sources - 1; i > 0; i--) {
            // (32 random bits · (i + 1)) >> 32 is uniform on [0, i] up to a bias below 2^-32·i
            int j = (int) (((Philox.word(stream, i) & 0xFFFFFFFFL) * (i + 1)) >>> 32);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int test = (int) Math.round(fraction * sources);
        if (fraction > 0 && sources >= 2) {
            test = Math.max(1, Math.min(sources - 1, test));
        }
        boolean[] isTest = new boolean[sources];
        for (int i = 0; i < test; i++) {
            isTest[order[i]] = true;
        }
        return isTest;
    }

    /** Sample indices, in order, whose source ({@code sourceOf[i]}) is on the requested side. */
    public static int[] samples(int[] sourceOf, boolean[] testSource, boolean test) {
        int n = 0;
        for (int s : sourceOf) {
            if (testSource[s] == test) {
                n++;
            }
        }
        int[] out = new int[n];
        int k = 0;
        for (int i = 0; i < sourceOf.length; i++) {
            if (testSource[sourceOf[i]] == test) {
                out[k++] = i;
            }
        }
        return out;
    }
}
