package org.bottleneck.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bottleneck.backend.GemmMapping;
import org.junit.jupiter.api.Test;

/**
 * OpenBLAS runs its parallel GEMM jobs on the native pool that our loops use
 * (native/cpu/thread_pool.h). The pool must give exactly the bits OpenBLAS's own workers give
 * (the training results depend on them), and GEMMs and loops from several Java threads at once
 * must neither deadlock nor mix up each other's work.
 */
class SharedPoolTest {
    /** Big enough for OpenBLAS to split it over two threads; the reference models' shapes. */
    private static final int[][] SHAPES = {{128, 512, 784}, {128, 784, 512}, {512, 784, 128}, {256, 512, 128},
        {131, 509, 257}};

    private static boolean pooled() {
        new CpuBackend(); // sets the threads (and the callback) once per process
        return CriticalGemm.available() && CriticalGemm.sharesPool();
    }

    @Test
    void openBlasRunsOnThePoolWhenThereAreTwoCores() {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "one core: nothing to share");
        assertTrue(pooled(), "OpenBLAS does not run on the shared pool: " + new CpuBackend().describe());
    }

    @Test
    void poolAndOpenBlasWorkersGiveTheSameBits() {
        assumeTrue(pooled(), "OpenBLAS runs on its own workers here");
        SplittableRandom rnd = new SplittableRandom(3);
        for (int[] s : SHAPES) {
            for (int t = 0; t < 4; t++) {
                Gemm g = new Gemm(rnd, s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0);
                float[] pooled = g.run();
                float[] ownWorkers;
                CriticalGemm.useSharedPool(false);
                try {
                    ownWorkers = g.run();
                } finally {
                    CriticalGemm.useSharedPool(true);
                }
                assertArrayEquals(ownWorkers, pooled, g.toString());
                assertTrue(norm(pooled) > 0, "vacuous GEMM " + g);
            }
        }
    }

    @Test
    void concurrentCallersGetTheirOwnResults() throws Exception {
        new CpuBackend();
        SplittableRandom rnd = new SplittableRandom(5);
        List<Gemm> gemms = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int[] s = SHAPES[i];
            Gemm g = new Gemm(rnd, s[0], s[1], s[2], i % 2 == 1, i >= 2);
            gemms.add(g);
            expected.add(g.run()); // one at a time: the reference
        }
        float[] bceX = new float[128 * 784], bceT = new float[128 * 784];
        for (int i = 0; i < bceX.length; i++) {
            bceX[i] = (float) rnd.nextDouble(-8, 8);
            bceT[i] = (float) rnd.nextDouble();
        }
        float[] bceLoss = new float[128], bceGrad = new float[bceX.length];
        NativeLoops loops = new NativeLoops();
        loops.bceWithLogits(bceX, 0, bceT, 0, bceLoss, 0, bceGrad, 0, 128, 784, 1f / 128);

        // Four Java threads on two cores, each repeating GEMMs (parts that wait on each other)
        // and the loss (parts that do not): every result must equal the one-at-a-time one. A
        // deadlock shows as the timeout.
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
                List<Future<String>> done = new ArrayList<>();
                for (int c = 0; c < 4; c++) {
                    int me = c;
                    done.add(callers.submit(() -> {
                        float[] loss = new float[128], grad = new float[bceX.length];
                        for (int r = 0; r < 25; r++) {
                            int i = (me + r) % gemms.size();
                            if (!java.util.Arrays.equals(gemms.get(i).run(), expected.get(i))) {
                                return "caller " + me + " round " + r + ": " + gemms.get(i) + " differs";
                            }
                            loops.bceWithLogits(bceX, 0, bceT, 0, loss, 0, grad, 0, 128, 784, 1f / 128);
                            if (!java.util.Arrays.equals(loss, bceLoss) || !java.util.Arrays.equals(grad, bceGrad)) {
                                return "caller " + me + " round " + r + ": BCE differs";
                            }
                        }
                        return null;
                    }));
                }
                for (Future<String> f : done) {
                    String problem = f.get();
                    assertTrue(problem == null, problem);
                }
            });
        } finally {
            callers.shutdownNow();
        }
    }

    /** One row-major C (m × n) = op(A)·op(B) through the zero-copy shim, on fresh output each run. */
    private record Gemm(float[] a, float[] b, int m, int n, int k, boolean ta, boolean tb) {
        Gemm(SplittableRandom rnd, int m, int n, int k, boolean ta, boolean tb) {
            this(random(rnd, m * k), random(rnd, k * n), m, n, k, ta, tb);
        }

        float[] run() {
            float[] c = new float[m * n];
            GemmMapping g = GemmMapping.rowMajor(ta, tb, m, n, k);
            CriticalGemm.sgemm(g.transFirst(), g.transSecond(), g.m(), g.n(), g.k(), 1f, b, 0, g.ldFirst(), a, 0,
                    g.ldSecond(), 0f, c, 0, g.ldc());
            return c;
        }

        @Override
        public String toString() {
            return "gemm m=" + m + " n=" + n + " k=" + k + " transA=" + ta + " transB=" + tb;
        }
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextDouble(-1, 1);
        }
        return x;
    }

    private static double norm(float[] x) {
        double s = 0;
        for (float v : x) {
            s += v * v;
        }
        return Math.sqrt(s);
    }
}
