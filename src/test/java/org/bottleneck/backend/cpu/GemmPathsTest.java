package org.bottleneck.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bottleneck.backend.GemmMapping;
import org.junit.jupiter.api.Test;

/**
 * The two ways the CPU backend reaches OpenBLAS — the zero-copy JNI shim and the off-heap
 * staging fallback — must give bit-identical results: same BLAS, same arguments, only the
 * memory the operands sit in differs. BackendOpsTest checks the backend (whichever path it
 * uses) against float64 references; this pins the other path to it.
 */
class GemmPathsTest {

    @Test
    void shimIsBuiltAndBound() {
        // Maven builds the shim whenever a C compiler exists (always on our machines and CI).
        assertTrue(CriticalGemm.available(), "zero-copy GEMM unavailable: " + CriticalGemm.status());
    }

    @Test
    void stagedAndZeroCopyAgreeBitForBit() {
        new CpuBackend(); // loads OpenBLAS and sets its threads once
        SplittableRandom rnd = new SplittableRandom(7);
        int[][] sizes = {{1, 1, 1}, {7, 13, 5}, {128, 65, 33}, {3, 1, 129}};
        GemmStaging staging = new GemmStaging();
        try {
            for (int[] s : sizes) {
                for (int t = 0; t < 4; t++) {
                    boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                    int m = s[0], n = s[1], k = s[2];
                    // Operands at odd offsets inside larger arrays, as views into a flat buffer are.
                    int oa = 3, ob = 11, oc = 5;
                    float[] a = random(rnd, oa + m * k + 2), b = random(rnd, ob + k * n + 2);
                    float[] c1 = random(rnd, oc + m * n + 2), c2 = c1.clone();
                    GemmMapping g = GemmMapping.rowMajor(ta, tb, m, n, k);
                    staging.gemm(g, 0.5f, a, oa, m * k, b, ob, k * n, 0.25f, c1, oc, m * n);
                    CriticalGemm.sgemm(g.transFirst(), g.transSecond(), g.m(), g.n(), g.k(), 0.5f,
                            b, ob, g.ldFirst(), a, oa, g.ldSecond(), 0.25f, c2, oc, g.ldc());
                    assertArrayEquals(c1, c2, "m=" + m + " n=" + n + " k=" + k + " transA=" + ta + " transB=" + tb);
                }
            }
        } finally {
            staging.close();
        }
    }

    /** Row-major m = 1 (one image through a Linear) takes the sgemv path; it must match staged sgemm. */
    @Test
    void singleRowGemvMatchesStagedGemm() {
        CpuBackend backend = new CpuBackend();
        SplittableRandom rnd = new SplittableRandom(11);
        GemmStaging staging = new GemmStaging();
        try {
            for (int[] s : new int[][] {{1, 512, 784}, {1, 7, 13}, {1, 1, 5}}) {
                for (int t = 0; t < 4; t++) {
                    boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                    int m = s[0], n = s[1], k = s[2];
                    float[] a = random(rnd, 3 + m * k), b = random(rnd, 5 + k * n), c = random(rnd, 2 + m * n);
                    float[] expected = c.clone();
                    staging.gemm(GemmMapping.rowMajor(ta, tb, m, n, k), 0.5f, a, 3, m * k, b, 5, k * n, 0.25f,
                            expected, 2, m * n);
                    try (var sa = backend.allocate(a.length, "a"); var sb = backend.allocate(b.length, "b");
                         var sc = backend.allocate(c.length, "c")) {
                        var ta1 = new org.bottleneck.tensor.Tensor(sa, 3, org.bottleneck.tensor.Shape.of(m * k));
                        var tb1 = new org.bottleneck.tensor.Tensor(sb, 5, org.bottleneck.tensor.Shape.of(k * n));
                        var tc1 = new org.bottleneck.tensor.Tensor(sc, 2, org.bottleneck.tensor.Shape.of(m * n));
                        backend.upload(java.util.Arrays.copyOfRange(a, 3, 3 + m * k), 0, ta1);
                        backend.upload(java.util.Arrays.copyOfRange(b, 5, 5 + k * n), 0, tb1);
                        backend.upload(java.util.Arrays.copyOfRange(c, 2, 2 + m * n), 0, tc1);
                        backend.gemm(ta, tb, m, n, k, 0.5f, ta1, tb1, 0.25f, tc1);
                        float[] got = new float[m * n];
                        backend.download(tc1, got, 0);
                        // sgemv and sgemm sum in different orders: 1e-5 relative covers k ≤ 784 terms of |x| ≤ 1
                        for (int i = 0; i < m * n; i++) {
                            float e = expected[2 + i];
                            assertTrue(Math.abs(got[i] - e) <= 1e-5f * (1 + Math.abs(e)),
                                    "n=" + n + " k=" + k + " transA=" + ta + " transB=" + tb + " [" + i + "]: " + got[i]
                                            + " vs " + e);
                        }
                    }
                }
            }
        } finally {
            staging.close();
        }
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextDouble(-1, 1);
        }
        return x;
    }
}
