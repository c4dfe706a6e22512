package org.bottleneck.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.bottleneck.backend.ConvGeometry;
import org.bottleneck.backend.cpu.CpuBackend;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Storage;
import org.bottleneck.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our cuDNN binding (native/cuda-host/cudnn_binding.c) and {@link CudnnConv} end to end without a
 * GPU: fake cuDNN libraries ({@link FakeCudaHost}: host_cudnn.c, a host twin of the calls we
 * make, strict about algorithms, math type, shapes and workspace) are found by
 * {@link CudaLibraries}, one is chosen for a CUDA 13 driver, dlopened, and run on host memory.
 * The results are compared with the CPU backend's convolutions (small integers: exact).
 *
 * <p>The second half runs the whole CUDA backend on the host emulation ({@link EmulatedDevice},
 * real host addresses) with the twin's handle: its self-test, the convolutions on cuDNN (no
 * kernel launched), and both fall-backs to the emulated kernels (a geometry cuDNN cannot plan,
 * a cuDNN call that fails mid-run), each still equal to the CPU backend.
 *
 * <p>What this cannot show: that real cuDNN behaves as the twin does (the GPU suite compares
 * the cuDNN path with the CPU on a GPU host, and asserts every test geometry ran on it).
 */
class CudnnConvTest {
    @TempDir
    static Path tmp;

    private static Path good;
    /** What loading the cuDNN with the broken sub-library said. */
    private static String brokenReason;
    private static long[] handle = {0};
    /** The CPU twin; the suite's one instance (OpenBLAS's threads are set once per process). */
    private static final CpuBackend cpu = CudaParityChecks.CPU;

    @BeforeAll
    static void buildFakeCudnnAndBind() throws Exception {
        // One cuDNN is bound per process: on a machine with a driver the GPU suite in this JVM binds
        // the real one, and a twin must not take its place.
        assumeTrue(CudaLibraries.onThisMachine().stream().noneMatch(f -> f.family().equals("cuda")),
                "skipped: this machine has a CUDA driver; the GPU suite tests the binding against its real cuDNN");
        assumeTrue(CudnnBinding.class.getResource("/org/bottleneck/native/libbottleneck_cuda.so") != null,
                "skipped: built without a C compiler, so without libbottleneck_cuda.so");
        // Searched first: a cuDNN 9 whose sub-library is not a library; then a cuDNN 9 built for
        // CUDA 14, which a CUDA 13 driver cannot run; then the wheel's cuDNN 8 for CUDA 12.4. None
        // of the folders is on the loader's path: the front library's cudnnCreate finds its
        // sub-library only because the binding preloaded it. (Two libraries of one soname cannot be
        // loaded at once: the two 9s are closed again before the 8 is opened.)
        Path broken = tmp.resolve("broken/lib");
        Path tooNew = tmp.resolve("cuda-14/lib64");
        good = tmp.resolve("venv/lib/python3.12/site-packages/nvidia/cudnn/lib");
        assumeTrue(FakeCudaHost.cudnn(broken, 9, "9.1.0", 90100, 13000, true), "skipped: no gcc");
        FakeCudaHost.cudnn(tooNew, 9, "9.9.0", 90900, 14000, false);
        FakeCudaHost.cudnn(good, 8, "8.9.7", 8907, 12040, false);

        brokenReason = CudnnBinding.load(CudaLibraries.find(List.of(broken)), 13000);
        List<CudaLibraries.Found> found = CudaLibraries.find(List.of(broken, tooNew, good));
        assertEquals(3, found.size(), found.toString());
        assertNull(CudnnBinding.load(found, 13000), CudnnBinding.unavailable());
        assertEquals(0, CudnnBinding.create(handle));
        assertNotEquals(0, handle[0]);
        assertEquals(0, CudnnBinding.setStream(handle[0], 0));
    }

    @AfterAll
    static void destroy() {
        if (handle[0] != 0) {
            CudnnBinding.destroy(handle[0]);
        }
    }

    @Test
    void aSubLibraryThatWillNotLoadFailsTheBindWithTheLoadersMessage() {
        assertNotNull(brokenReason);
        assertTrue(brokenReason.startsWith("dlopen cuDNN sub-library: ") && brokenReason.contains("libcudnn_ops.so.9")
                && brokenReason.contains("libcudnn.so.9 (9.1.0)"), brokenReason);
    }

    @Test
    void skipsTheBrokenAndTheTooNewCudnnAndBindsTheOneTheDriverRuns() {
        assertEquals(good.resolve("libcudnn.so.8"), CudnnBinding.bound().path());
        assertEquals("cuDNN 8.9.7 (for CUDA 12.4) from " + good.resolve("libcudnn.so.8"), CudnnBinding.describeBound());
        assertNull(CudnnBinding.unavailable());
        assertEquals("CUDNN_STATUS_BAD_PARAM (2000)", CudnnBinding.describe(2000));
    }

    @Test
    void aCudnnFitsADriverOfItsCudaMajorOrNewer() {
        assertTrue(CudnnBinding.fits(13000, 13000));
        assertTrue(CudnnBinding.fits(12040, 13000));
        assertTrue(CudnnBinding.fits(12080, 12020)); // minor versions: CUDA's compatibility within a major
        assertFalse(CudnnBinding.fits(13000, 12090));
        assertEquals("9.5.1", CudnnBinding.versionString(90501));
        assertEquals("8.9.7", CudnnBinding.versionString(8907));
    }

    /** The selection rule on its own: failed, non-deterministic, tensor-op and oversized entries are passed over. */
    @Test
    void picksTheFirstSucceededDeterministicFmaAlgorithmWithinTheLimit() {
        int[] status = {3000, 0, 0, 0, 0, 0};
        int[] det = {1, 0, 1, 1, 1, 1};
        int[] math = {3, 3, 1, 3, 3, 3};
        long[] memory = {0, 0, 0, 1L << 40, 64, 0};
        assertEquals(4, CudnnConv.pick(6, status, det, math, memory, 1 << 20));
        assertEquals(5, CudnnConv.pick(6, status, det, math, memory, 32));
        assertEquals(-1, CudnnConv.pick(3, status, det, math, memory, 1 << 20));
    }

    /** B 1 and 3, Cin 1 to 3, odd and non-square planes, k 1, 3 and 5, s 1 and 2, p 0 to 2. */
    private static final ConvGeometry[] CONVS = {
        new ConvGeometry(1, 1, 5, 4, 2, 3, 1, 1),
        new ConvGeometry(3, 1, 7, 5, 3, 3, 2, 0),
        new ConvGeometry(1, 3, 5, 6, 2, 3, 2, 1),
        new ConvGeometry(3, 3, 3, 5, 2, 1, 1, 0),
        new ConvGeometry(2, 2, 6, 6, 5, 5, 1, 2),
    };

    @Test
    void forwardAndBothBackwardsMatchTheCpuBackendExactly() {
        try (CudnnConv dnn = new CudnnConv(handle[0])) {
            for (ConvGeometry g : CONVS) {
                CudnnConv.Plan p = dnn.plan(g);
                assertNotNull(p, () -> dnn.whyNot(g));
                // the twin's only usable algorithm is 1 for each op (the others rank above it)
                assertEquals(List.of(1, 1, 1), List.of(p.forward(), p.backwardData(), p.backwardFilter()), g.toString());
                long patch = g.patchSize();
                assertEquals(4 * Math.max(patch * g.outPlane(), patch * g.outC()), p.workspaceBytes(), g.toString());
                assertEquals((p.workspaceBytes() + 3) / 4, dnn.workspaceFloats(g));
                convCase(dnn, p, g);
            }
        }
    }

    @Test
    void aGeometryWithoutADeterministicAlgorithmGetsNoPlanAndSaysWhy() {
        ConvGeometry g = new ConvGeometry(2, 1, 9, 9, 2, 7, 1, 0); // the twin's backward filter has none for k = 7
        try (CudnnConv dnn = new CudnnConv(handle[0])) {
            assertNull(dnn.plan(g));
            assertEquals(-1, dnn.workspaceFloats(g));
            String why = dnn.whyNot(g);
            assertTrue(why.contains("no deterministic FP32 backward filter algorithm") && why.contains("algo 0 non-deterministic")
                    && why.contains("algo 2 math 1"), why);
            assertNotNull(dnn.plan(CONVS[0]), "other geometries still plan");
        }
    }

    private static void convCase(CudnnConv dnn, CudnnConv.Plan p, ConvGeometry g) {
        SplittableRandom r = new SplittableRandom(7 + g.hashCode());
        int inN = (int) g.inputShape().size(), outN = (int) g.outputShape().size(), wN = (int) g.weightShape().size();
        float[] x = smallInts(r, inN), w = smallInts(r, wN), dy = smallInts(r, outN), dw0 = smallInts(r, wN);
        FloatBuffer ws = direct(Math.max(1, (int) dnn.workspaceFloats(g)));

        // forward: y pre-filled with NaN, which beta = 0 must never read
        FloatBuffer xb = of(x), wb = of(w), yb = nans(outN);
        dnn.forward(p, g, address(xb), address(wb), address(yb), address(ws));
        assertArrayEquals(cpuForward(g, x, w), read(yb), g + " forward");

        FloatBuffer dyb = of(dy), dxb = nans(inN);
        dnn.backwardData(p, g, address(dyb), address(wb), address(dxb), address(ws));
        assertArrayEquals(cpuBackwardData(g, dy, w), read(dxb), g + " backward data");

        FloatBuffer dwb = of(dw0);
        dnn.backwardFilter(p, g, address(xb), address(dyb), 1f, address(dwb), address(ws));
        assertArrayEquals(cpuBackwardFilter(g, x, dy, 1f, dw0), read(dwb), g + " backward filter, beta 1");
        FloatBuffer dwNew = nans(wN);
        dnn.backwardFilter(p, g, address(xb), address(dyb), 0f, address(dwNew), address(ws));
        assertArrayEquals(cpuBackwardFilter(g, x, dy, 0f, new float[wN]), read(dwNew), g + " backward filter, beta 0");
    }

    // ------------------------------------------------------------------ the whole backend on the host emulation

    @TempDir
    static Path harnessDir;

    private static CudaBackend emulatedBackend(EmulatedDevice device) {
        String why = HostHarness.unavailableReason();
        assumeTrue(why == null, why);
        return new CudaBackend(device, false, true);
    }

    /** x, w, dy of g uploaded to {@code b} (small integers, seeded by g), with their CPU copies. */
    private record Operands(ConvGeometry g, float[] x, float[] w, float[] dy, Tensor gx, Tensor gw, Tensor gdy, Tensor out,
                            Tensor dxOut, Tensor dwOut, Tensor ws) {
        static Operands of(CudaBackend b, ConvGeometry g) {
            SplittableRandom r = new SplittableRandom(11 + g.hashCode());
            float[] x = smallInts(r, (int) g.inputShape().size()), w = smallInts(r, (int) g.weightShape().size());
            float[] dy = smallInts(r, (int) g.outputShape().size());
            return new Operands(g, x, w, dy, upload(b, g.inputShape(), x), upload(b, g.weightShape(), w),
                    upload(b, g.outputShape(), dy), upload(b, g.outputShape(), null), upload(b, g.inputShape(), null),
                    upload(b, g.weightShape(), null), upload(b, Shape.of((int) Math.max(1, b.convWorkspaceFloats(g))), null));
        }

        private static Tensor upload(CudaBackend b, Shape s, float[] v) {
            Tensor t = new Tensor(b.allocate(s.size(), "operand"), 0, s);
            if (v != null) {
                b.upload(v, 0, t);
            }
            return t;
        }

        /** The three ops on {@code b}, each compared exactly with the CPU backend's. */
        void checkAll(CudaBackend b) {
            b.conv2dForward(g, gx, gw, out, ws);
            assertArrayEquals(cpuForward(g, x, w), download(b, out), g + " forward");
            b.conv2dBackwardData(g, gdy, gw, dxOut, ws);
            assertArrayEquals(cpuBackwardData(g, dy, w), download(b, dxOut), g + " backward data");
            b.conv2dBackwardFilter(g, gx, gdy, 0f, dwOut, ws);
            assertArrayEquals(cpuBackwardFilter(g, x, dy, 0f, new float[w.length]), download(b, dwOut), g + " backward filter");
        }

        private static float[] download(CudaBackend b, Tensor t) {
            float[] v = new float[(int) t.size()];
            b.download(t, v, 0);
            return v;
        }
    }

    @Test
    void theBackendPassesItsSelfTestAndRunsConvolutionsOnCudnnWithoutAKernel() {
        EmulatedDevice device = new EmulatedDevice(harnessDir, handle[0]);
        try (CudaBackend b = emulatedBackend(device)) {
            assertTrue(b.convolutionsOnCudnn(), b.describe());
            assertTrue(b.describe().contains("convolutions: cuDNN 8.9.7 (for CUDA 12.4)"), b.describe());
            for (ConvGeometry g : new ConvGeometry[] {CONVS[1], CONVS[4]}) {
                Operands o = Operands.of(b, g);
                assertNull(b.whyNotCudnn(g));
                int before = device.launches;
                o.checkAll(b);
                assertEquals(before, device.launches, g + ": a kernel ran, so the op did not go to cuDNN");
            }
        }
    }

    @Test
    void geometriesCudnnCannotPlanOrFailsOnRunOnTheKernelsAndStillMatchTheCpu() {
        EmulatedDevice device = new EmulatedDevice(harnessDir, handle[0]);
        try (CudaBackend b = emulatedBackend(device)) {
            // planning refuses it: the twin has no deterministic backward filter for k = 7
            ConvGeometry unplanned = new ConvGeometry(1, 1, 7, 7, 2, 7, 1, 1);
            Operands o = Operands.of(b, unplanned);
            assertTrue(b.whyNotCudnn(unplanned).contains("no deterministic FP32 backward filter"), b.whyNotCudnn(unplanned));
            int before = device.launches;
            o.checkAll(b);
            assertTrue(device.launches > before, "the kernels ran");

            // planned, but backward data fails when run (as a missing engine would): from then on the kernels
            ConvGeometry failing = new ConvGeometry(1, 2, 6, 5, 2, 5, 2, 2);
            Operands f = Operands.of(b, failing);
            assertNull(b.whyNotCudnn(failing));
            f.checkAll(b);
            String why = b.whyNotCudnn(failing);
            assertTrue(why != null && why.contains("conv2dBackwardData failed") && why.contains("CUDNN_STATUS_EXECUTION_FAILED"), why);
            before = device.launches;
            f.checkAll(b);
            assertTrue(device.launches > before, "after the failure every op of that geometry runs on the kernels");
            assertTrue(b.convolutionsOnCudnn(), "other geometries stay on cuDNN");
        }
    }

    // ------------------------------------------------------------------ the CPU twin

    private static Tensor cpuTensor(Shape s, float[] values) {
        Storage st = cpu.allocate(s.size(), "cudnn-test");
        Tensor t = new Tensor(st, 0, s);
        cpu.upload(values, 0, t);
        return t;
    }

    private static float[] download(Tensor t) {
        float[] out = new float[(int) t.size()];
        cpu.download(t, out, 0);
        t.storage().close();
        return out;
    }

    private static Tensor cpuWorkspace(ConvGeometry g) {
        return cpuTensor(Shape.of((int) Math.max(1, cpu.convWorkspaceFloats(g))), new float[(int) Math.max(1, cpu.convWorkspaceFloats(g))]);
    }

    private static float[] cpuForward(ConvGeometry g, float[] x, float[] w) {
        Tensor y = cpuTensor(g.outputShape(), new float[(int) g.outputShape().size()]);
        cpu.conv2dForward(g, cpuTensor(g.inputShape(), x), cpuTensor(g.weightShape(), w), y, cpuWorkspace(g));
        return download(y);
    }

    private static float[] cpuBackwardData(ConvGeometry g, float[] dy, float[] w) {
        Tensor dx = cpuTensor(g.inputShape(), new float[(int) g.inputShape().size()]);
        cpu.conv2dBackwardData(g, cpuTensor(g.outputShape(), dy), cpuTensor(g.weightShape(), w), dx, cpuWorkspace(g));
        return download(dx);
    }

    private static float[] cpuBackwardFilter(ConvGeometry g, float[] x, float[] dy, float beta, float[] dw0) {
        Tensor dw = cpuTensor(g.weightShape(), dw0);
        cpu.conv2dBackwardFilter(g, cpuTensor(g.inputShape(), x), cpuTensor(g.outputShape(), dy), beta, dw, cpuWorkspace(g));
        return download(dw);
    }

    // ------------------------------------------------------------------ host memory

    /** Integers in [-4, 4], never all zero: every sum of products is exact in float. */
    private static float[] smallInts(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextInt(9) - 4;
        }
        v[0] = 3;
        return v;
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static FloatBuffer of(float[] v) {
        FloatBuffer b = direct(v.length);
        b.put(0, v);
        return b;
    }

    private static FloatBuffer nans(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, Float.NaN);
        return of(v);
    }

    private static float[] read(FloatBuffer b) {
        float[] v = new float[b.capacity()];
        b.get(0, v);
        return v;
    }

    private static long address(FloatBuffer b) {
        return CublasBinding.address(b);
    }
}
