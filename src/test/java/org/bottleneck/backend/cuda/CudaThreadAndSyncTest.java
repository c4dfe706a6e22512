package org.bottleneck.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Storage;
import org.bottleneck.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under host emulation, whose device keeps one current context per thread as the driver does:
 * a CUDA backend opened on one thread works from another (every entry point binds its context
 * first), while the same device used raw from that thread fails, so the check can fail; and the
 * sync switch names the kernel, grid and arguments of a launch whose fault only a synchronize
 * reveals, where without the switch the launch returns and the fault surfaces later, unnamed.
 */
class CudaThreadAndSyncTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void harness() {
        String why = HostHarness.unavailableReason();
        Assumptions.assumeTrue(why == null, why);
    }

    private static Tensor tensor(CudaBackend b, float[] values) {
        Storage s = b.allocate(values.length, "t");
        Tensor t = new Tensor(s, 0, Shape.of(values.length));
        b.upload(values, 0, t);
        return t;
    }

    @Test
    void aBackendOpenedOnOneThreadWorksFromAnother() throws Exception {
        EmulatedDevice raw = new EmulatedDevice(dir);
        try (CudaBackend backend = new CudaBackend(raw, false)) {
            Tensor x = tensor(backend, new float[] {1, -2, 3});
            ExecutorService other = Executors.newSingleThreadExecutor(r -> new Thread(r, "request-thread"));
            try {
                float[] got = other.submit(() -> {
                    backend.scale(x, 2f); // launches a kernel from a thread that never opened the device
                    float[] out = new float[3];
                    backend.download(x, out, 0);
                    return out;
                }).get(60, TimeUnit.SECONDS);
                assertArrayEquals(new float[] {2, -4, 6}, got);
                // The control: the raw device from a fresh thread, without binding, is refused as the driver would.
                java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                        () -> Executors.newSingleThreadExecutor(r -> new Thread(r, "unbound-thread"))
                                .submit(() -> raw.synchronize()).get(60, TimeUnit.SECONDS));
                assertTrue(e.getCause().getMessage().contains("CUDA_ERROR_INVALID_CONTEXT")
                        && e.getCause().getMessage().contains("unbound-thread"), e.getCause().getMessage());
            } finally {
                other.shutdownNow();
            }
        }
    }

    @Test
    void theSyncSwitchNamesTheFailingKernelAndItsArguments() {
        EmulatedDevice raw = new EmulatedDevice(dir);
        try (CudaBackend backend = new CudaBackend(raw, true)) {
            Tensor x = tensor(backend, new float[] {1, 2, 3, 4, 5});
            raw.failNextSynchronize = "CUDA_ERROR_ILLEGAL_ADDRESS";
            CudaException e = assertThrows(CudaException.class, () -> backend.scale(x, 0.5f));
            String m = e.getMessage();
            assertTrue(m.startsWith("kernel scale") && m.contains("grid 1×1") && m.contains("0.5")
                    && m.contains("CUDA_ERROR_ILLEGAL_ADDRESS"), m);
            assertTrue(backend.describe().contains("synchronizing after every launch"), backend.describe());
        }
    }

    @Test
    void withoutItTheLaunchReturnsAndTheFaultComesLaterUnnamed() {
        EmulatedDevice raw = new EmulatedDevice(dir);
        try (CudaBackend backend = new CudaBackend(raw, false)) {
            Tensor x = tensor(backend, new float[] {1, 2, 3});
            raw.failNextSynchronize = "CUDA_ERROR_ILLEGAL_ADDRESS";
            backend.scale(x, 0.5f); // returns: nothing waited for the kernel
            CudaException e = assertThrows(CudaException.class, backend::synchronize);
            assertTrue(!e.getMessage().contains("kernel scale") && e.getMessage().contains("ILLEGAL_ADDRESS"), e.getMessage());
        }
    }
}
