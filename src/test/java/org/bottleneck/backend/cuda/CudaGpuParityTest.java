package org.bottleneck.backend.cuda;

import org.bottleneck.backend.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

/**
 * GPU suite, op level: every Backend op on a real CudaBackend against CpuBackend (the checks of
 * {@link CudaParityChecks}). Tagged "gpu"; without a usable CUDA device every test is skipped
 * with the probe's reason. Run it with {@code mvn -B test -Dgroups=gpu} (scripts/gpu-check.sh).
 *
 * <p>Training-step parity (one optimizer step of the reference models on both backends) belongs
 * next to the models: add it as a {@code @Tag("gpu")} test in the train package, skipped the
 * same way via {@link CudaProbe#status()}, and gpu-check.sh will pick it up.
 */
@Tag("gpu")
class CudaGpuParityTest extends CudaParityChecks {
    private static CudaBackend backend;

    @BeforeAll
    static void open() {
        if (CudaProbe.status().usable()) {
            backend = new CudaBackend(0);
        }
    }

    /** Per test, so each one is reported as skipped with the reason. */
    @BeforeEach
    void requireGpu() {
        CudaProbe.Status status = CudaProbe.status();
        Assumptions.assumeTrue(status.usable(), "skipped: " + status.reason());
    }

    @AfterAll
    static void close() {
        if (backend != null) {
            backend.close();
        }
    }

    @Override
    Backend cuda() {
        return backend;
    }
}
