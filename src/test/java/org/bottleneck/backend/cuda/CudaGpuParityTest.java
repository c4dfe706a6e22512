package org.bottleneck.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bottleneck.backend.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * GPU suite, op level: every Backend op on a real CudaBackend against CpuBackend (the checks of
 * {@link CudaParityChecks}), convolutions on cuDNN where it is bound; {@link
 * CudaGpuKernelConvParityTest} runs the same checks with cuDNN switched off. Tagged "gpu";
 * without a usable CUDA device every test is skipped with the probe's reason. Run it with
 * {@code mvn -B test -Dgroups=gpu} (scripts/gpu-check.sh, or the device kit).
 *
 * <p>Training-step parity lives next to the models ({@code train/GpuTrainingParityTest}).
 */
@Tag("gpu")
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // one backend per class, opened as the subclass says
class CudaGpuParityTest extends CudaParityChecks {
    private CudaBackend backend;

    /** Whether this class's backend may run convolutions on cuDNN (it does where one is bound). */
    boolean useCudnn() {
        return true;
    }

    @BeforeAll
    void open() {
        if (CudaProbe.status().usable()) {
            backend = new CudaBackend(0, useCudnn());
        }
    }

    /** Per test, so each one is reported as skipped with the reason. */
    @BeforeEach
    void requireGpu() {
        CudaProbe.Status status = CudaProbe.status();
        Assumptions.assumeTrue(status.usable(), "skipped: " + status.reason());
    }

    @AfterAll
    void close() {
        if (backend != null) {
            backend.close();
        }
    }

    @Override
    Backend cuda() {
        return backend;
    }

    /**
     * With cuDNN, which may choose FFT or Winograd algorithms: exact only to rounding. On the
     * small-integer inputs the error is about ε·log2(plane)·Σ|x·w| ≲ 6e-8·17·1152 ≈ 1e-3 in the
     * largest case (72 taps of |x·w| ≤ 16); an indexing mistake is off by at least 1.
     */
    @Override
    double convAtol() {
        return backend.convolutionsOnCudnn() ? 1e-2 : 0;
    }

    /**
     * Where a cuDNN our binding takes is installed, it must be bound, pass the backend's
     * self-test and be used (unless switched off) for every test geometry, or be one built for a
     * newer CUDA; where none is, the kernels run. Never skipped: the
     * device kit counts a skip on a GPU machine as a failure.
     */
    @Test
    void aCudnnThatIsThereIsUsed() {
        System.out.println("[gpu suite] " + backend.describe());
        boolean present = CudaLibraries.onThisMachine().stream()
                .anyMatch(f -> f.family().equals("cudnn") && CudnnBinding.MAJORS.contains(f.major()));
        String why = CudnnBinding.unavailable();
        if (present) {
            assertTrue(why == null || why.contains("built for CUDA"), "cuDNN found but not bound: " + why);
        } else {
            assertTrue(why != null, "bound a cuDNN that CudaLibraries did not find: " + CudnnBinding.describeBound());
        }
        assertTrue(backend.convolutionsOnCudnn() == (why == null && useCudnn()), backend.describe());
        if (backend.convolutionsOnCudnn()) {
            // and no test geometry quietly fell back to our kernels (the parity checks would still pass)
            for (org.bottleneck.backend.ConvGeometry g : CONVS) {
                assertTrue(backend.whyNotCudnn(g) == null, g + " does not run on cuDNN: " + backend.whyNotCudnn(g));
            }
        }
    }
}
