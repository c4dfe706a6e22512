package org.bottleneck.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Our cuBLAS binding (native/cuda-host/cublas_binding.c) end to end on a CUDA 13 host without a
 * GPU: a fake libcublas.so.13 and libcublasLt.so.13 ({@link FakeCudaHost}: a host twin of the five
 * functions, with the real dependency between the two) in a pip-wheel folder, found by
 * {@link CudaLibraries}, chosen for a CUDA 13 driver, dlopened and called with host addresses. What
 * runs is the binding's real code path; only the library behind it is a twin.
 */
class CublasBindingTest {
    @TempDir
    static Path tmp;

    private static Path wheel;
    /** What dlopen said when cuBLAS was opened before its cublasLt was loaded. */
    private static String withoutLt;

    @BeforeAll
    static void buildFakeCublasAndBind() throws Exception {
        // One cuBLAS is bound per process: on a machine with a driver the GPU tests in this JVM bind
        // the real one (and test it), and the host twin must not take its place.
        assumeTrue(CudaLibraries.onThisMachine().stream().noneMatch(f -> f.family().equals("cuda")),
                "skipped: this machine has a CUDA driver; the GPU suite tests the binding against its real cuBLAS");
        wheel = tmp.resolve("venv/lib/python3.12/site-packages/nvidia/cu13/lib");
        assumeTrue(FakeCudaHost.cublas(wheel, 13), "skipped: no gcc");
        assumeTrue(CublasBinding.class.getResource("/org/bottleneck/native/libbottleneck_cuda.so") != null,
                "skipped: built without a C compiler, so without libbottleneck_cuda.so");

        CudaLibraries.CublasChoice choice = CudaLibraries.chooseCublas(CudaLibraries.find(List.of(wheel)), 13000);
        // First without cublasLt: the dependency is real, so dlopen must refuse and say what is missing.
        withoutLt = CublasBinding.load(new CudaLibraries.CublasChoice(choice.cublas(), null, null));
        assertNull(CublasBinding.load(choice), "binding the fake cuBLAS 13 with its cublasLt");
    }

    @Test
    void findsChoosesAndBindsTheWheelsCublas13() {
        assertNotNull(withoutLt);
        assertTrue(withoutLt.contains("libcublasLt.so.13") && withoutLt.contains("no cublasLt of its major found"), withoutLt);
        assertEquals(wheel.resolve("libcublas.so.13"), CublasBinding.bound().path());
        assertEquals("13.0.2.14", CublasBinding.bound().version());

        long[] handle = {0};
        assertEquals(0, CublasBinding.create(handle));
        assertNotEquals(0, handle[0]);
        int[] version = {0};
        assertEquals(0, CublasBinding.version(handle[0], version));
        assertEquals("13.0.2", CublasBinding.versionString(version[0]), "read through the fake cublasLt");
        assertEquals(0, CublasBinding.destroy(handle[0]));
    }

    /** Column-major (m, n) from op(A)·op(B), A and B with padded leading dimensions; small integers, so float is exact. */
    @ParameterizedTest(name = "transA={0} transB={1} m={2} n={3} k={4}")
    @CsvSource({"false,false,5,3,7", "true,false,5,3,7", "false,true,1,13,2", "true,true,17,1,11", "false,false,64,31,1"})
    void sgemmMatchesTheReferenceForEveryTransposeAndPaddedLeadingDimensions(boolean ta, boolean tb, int m, int n, int k) {
        int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
        int lda = aRows + 3, ldb = bRows + 2, ldc = m + 1;
        SplittableRandom r = new SplittableRandom(1234 + m * 31 + n * 7 + k);
        FloatBuffer a = direct(lda * aCols), b = direct(ldb * bCols), c = direct(ldc * n);
        fill(a, r);
        fill(b, r);
        fill(c, r);
        float[] expected = new float[ldc * n];
        c.get(0, expected);
        float alpha = 2f, beta = -3f;
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                double acc = 0;
                for (int l = 0; l < k; l++) {
                    acc += (double) a.get(ta ? l + i * lda : i + l * lda) * b.get(tb ? j + l * ldb : l + j * ldb);
                }
                expected[i + j * ldc] = (float) (alpha * acc + beta * expected[i + j * ldc]);
            }
        }
        long[] h = {0};
        assertEquals(0, CublasBinding.create(h));
        try {
            assertEquals(0, CublasBinding.setStream(h[0], 0x5eedL));
            int status = CublasBinding.sgemm(h[0], ta, tb, m, n, k, alpha, CublasBinding.address(a), lda,
                    CublasBinding.address(b), ldb, beta, CublasBinding.address(c), ldc);
            assertEquals(0, status, CublasBinding.describe(status));
        } finally {
            CublasBinding.destroy(h[0]);
        }
        float[] got = new float[ldc * n];
        c.get(0, got);
        double norm = 0;
        for (int i = 0; i < got.length; i++) {
            assertEquals(expected[i], got[i], 0f, "element " + i + " (padding rows must be left alone)");
            norm += Math.abs(got[i]);
        }
        assertTrue(norm > 0, "a zero result would pass vacuously");
    }

    @Test
    void statusesComeBackWithCublasOwnNames() {
        long[] h = {0};
        assertEquals(0, CublasBinding.create(h));
        try {
            FloatBuffer x = direct(16);
            long p = CublasBinding.address(x);
            int unset = CublasBinding.sgemm(h[0], false, false, 2, 2, 2, 1f, p, 2, p, 2, 0f, p, 2);
            assertEquals("CUBLAS_STATUS_EXECUTION_FAILED (13)", CublasBinding.describe(unset), "no stream set");
            assertEquals(0, CublasBinding.setStream(h[0], 1L));
            int badLd = CublasBinding.sgemm(h[0], false, false, 4, 2, 2, 1f, p, 3, p, 2, 0f, p, 4);
            assertEquals("CUBLAS_STATUS_INVALID_VALUE (7)", CublasBinding.describe(badLd), "lda 3 < m 4");
        } finally {
            CublasBinding.destroy(h[0]);
        }
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** Integers in [-4, 4]: products and sums of a few of them are exact in float. */
    private static void fill(FloatBuffer f, SplittableRandom r) {
        for (int i = 0; i < f.capacity(); i++) {
            f.put(i, r.nextInt(-4, 5));
        }
    }
}
