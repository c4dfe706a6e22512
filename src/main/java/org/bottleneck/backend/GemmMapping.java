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
 * <p>Mutable so a backend can reuse one instance for every GEMM ({@link #set}): the training
 * step allocates nothing, even before the JIT's escape analysis would remove a fresh object.
 * Accessors: {@code transFirst}/{@code transSecond} are the transpose flags of the first
 * (row-major B) and second (row-major A) column-major operands; {@code m, n} the column-major
 * result size (= row-major n, m); {@code ldFirst}, {@code ldSecond}, {@code ldc} the leading
 * dimensions of row-major B, A and C.
 */
public final class GemmMapping {
    private boolean transFirst, transSecond;
    private int m, n, k, ldFirst, ldSecond, ldc;

    /** A new mapping of row-major {@code op(A)(m×k)·op(B)(k×n)}. */
    public static GemmMapping rowMajor(boolean transA, boolean transB, int m, int n, int k) {
        return new GemmMapping().set(transA, transB, m, n, k);
    }

    /** Makes this the mapping of row-major {@code op(A)(m×k)·op(B)(k×n)}; returns this. */
    public GemmMapping set(boolean transA, boolean transB, int rowM, int rowN, int rowK) {
        if (rowM < 0 || rowN < 0 || rowK < 0) {
            throw new IllegalArgumentException("gemm: negative size m=" + rowM + " n=" + rowN + " k=" + rowK);
        }
        transFirst = transB;
        transSecond = transA;
        m = rowN;
        n = rowM;
        k = rowK;
        ldFirst = Math.max(1, transB ? rowK : rowN);
        ldSecond = Math.max(1, transA ? rowM : rowK);
        ldc = Math.max(1, rowN);
        return this;
    }

    public boolean transFirst() {
        return transFirst;
    }

    public boolean transSecond() {
        return transSecond;
    }

    public int m() {
        return m;
    }

    public int n() {
        return n;
    }

    public int k() {
        return k;
    }

    public int ldFirst() {
        return ldFirst;
    }

    public int ldSecond() {
        return ldSecond;
    }

    public int ldc() {
        return ldc;
    }

    @Override
    public String toString() {
        return "GemmMapping[transFirst=" + transFirst + ", transSecond=" + transSecond + ", m=" + m + ", n=" + n
                + ", k=" + k + ", ldFirst=" + ldFirst + ", ldSecond=" + ldSecond + ", ldc=" + ldc + "]";
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
