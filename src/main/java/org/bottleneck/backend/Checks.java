package org.bottleneck.backend;

import org.bottleneck.tensor.Tensor;

/** Preconditions both backends share, so their messages and rules cannot drift (conv ops: {@link ConvChecks}). */
public final class Checks {
    private Checks() {
    }

    /**
     * r for {@link Backend#accumulate}: src (B, S) and dst (B, r·S) with the same rows; throws
     * naming both shapes otherwise.
     */
    public static int repeat(String op, Tensor src, Tensor dst) {
        int s = src.rowSize(), d = dst.rowSize();
        if (src.rows() != dst.rows() || s == 0 || d % s != 0) {
            throw new IllegalArgumentException(op + ": size mismatch " + src.shape() + " vs " + dst.shape()
                    + " (dst rows must hold a whole number of src rows)");
        }
        return d / s;
    }
}
