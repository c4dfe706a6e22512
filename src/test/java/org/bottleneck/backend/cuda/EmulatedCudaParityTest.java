package org.bottleneck.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.bottleneck.backend.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CUDA backend's own Java code (launchers, grids, argument order, GEMM mapping) driving the
 * real kernels compiled by g++ under host emulation, against CpuBackend. Runs without a GPU;
 * skips only when g++ is missing.
 */
class EmulatedCudaParityTest extends CudaParityChecks {
    @TempDir
    static Path dir;
    private static EmulatedDevice device;
    private static CudaBackend backend;

    @BeforeAll
    static void open() {
        String why = HostHarness.unavailableReason();
        Assumptions.assumeTrue(why == null, why);
        device = new EmulatedDevice(dir);
        backend = new CudaBackend(device);
    }

    @AfterAll
    static void close() {
        if (backend != null) {
            backend.close();
            backend.close(); // idempotent
        }
    }

    @Override
    Backend cuda() {
        return backend;
    }

    @Override
    boolean emulated() {
        return true;
    }

    @Test
    void kernelsReallyRan() {
        int before = device.launches;
        Twin x = twin(gaussian(3, 1f), 3);
        backend.scale(x.g, 2f);
        assertTrue(device.launches == before + 1, "scale did not launch a kernel");
    }
}
