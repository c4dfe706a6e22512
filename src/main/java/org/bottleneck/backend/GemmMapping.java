package org.bottleneck.backend;

/**
 * Maps a row-major GEMM {@code C(m×n) = α·op(A)·op(B) + β·C} onto column-major BLAS arguments.
 *
 * <p>A row-major matrix is the column-major view of its transpose, so row-major
 * {@code C = op(A)·op(B)} is column-major {@code Cᵀ = op(B)ᵀ·op(A)ᵀ}: swap the operands, swap
 * m and n, keep each operand's transpose flag. Leading dimensions are row lengths:
 * A is (m×k) or (k×m) when transposed, so lda = transA ? m : k; likewise ldb = transB ? k : n;
 * ldc = n. Both the CPU (cblas_sgemm ColMajor) and CUDA (cublasSgemm) backends use this one
 * mapping, so the CPU tests cover the GPU's argument order too.
 *
 * @param transFirst  transpose flag of the first column-major operand (row-major B)
 * @param transSecond transpose flag of the second column-major operand (row-major A)
 * @param m           column-major rows of the result (= row-major n)
 * @param n           column-major columns of the result (= row-major m)
 * @param k           inner dimension
 * @param ldFirst     leading dimension of row-major B
 * @param ldSecond    leading dimension of row-major A
 * @param ldc         leading dimension of C
 */
public record GemmMapping(boolean transFirst, boolean transSecond, int m, int n, int k,
                          int ldFirst, int ldSecond, int ldc) {

    public static GemmMapping rowMajor(boolean transA, boolean transB, int m, int n, int k) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("gemm: negative size m=" + m + " n=" + n + " k=" + k);
        }
        int lda = Math.max(1, transA ? m : k);
        int ldb = Math.max(1, transB ? k : n);
        int ldc = Math.max(1, n);
        return new GemmMapping(transB, transA, n, m, k, ldb, lda, ldc);
    }

    /** Floats op(A), op(B) and C must hold, for precondition checks. */
    public static void check(String op, int m, int n, int k, long aSize, long bSize, long cSize) {
        if (aSize < (long) m * k || bSize < (long) k * n || cSize < (long) m * n) {
            throw new IllegalArgumentException(op + ": m=" + m + " n=" + n + " k=" + k
                    + " needs A ≥ " + (long) m * k + ", B ≥ " + (long) k * n + ", C ≥ " + (long) m * n
                    + " floats but got A=" + aSize + ", B=" + bSize + ", C=" + cSize);
        }
    }
}
