package org.bottleneck.nn;

/**
 * One GEMM a layer runs per training step, row-major {@code C(m×n) = op(A)(m×k)·op(B)(k×n)}
 * (see Backend.gemm), so a benchmark can time a step's GEMMs alone: the GEMM-bound ceiling.
 */
public record GemmShape(boolean transA, boolean transB, int m, int n, int k) {
    public double flops() {
        return 2.0 * m * n * k;
    }
}
