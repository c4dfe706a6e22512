package org.bottleneck.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bottleneck.backend.cuda.CudaException;
import org.bottleneck.backend.cuda.CudaProbe;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Device selection on a machine without CUDA (the CI case); skipped where CUDA is usable. */
class BackendsSelectionTest {

    private static CudaProbe.Status unusable() {
        CudaProbe.Status status = CudaProbe.status();
        Assumptions.assumeFalse(status.usable(), "skipped: CUDA is usable here (" + status.reason() + ")");
        return status;
    }

    @Test
    void probeIsCachedAndGivesAReason() {
        CudaProbe.Status status = unusable();
        assertTrue(status == CudaProbe.status(), "probe must be asked once and cached");
        assertFalse(status.reason().isBlank());
        assertEquals("unavailable: " + status.reason(), Backends.cudaStatus());
    }

    @Test
    void autoFallsBackToCpu() {
        unusable();
        try (Backend b = Backends.open("auto", 1)) {
            assertEquals("cpu", b.name());
        }
        try (Backend b = Backends.open("AUTO", 1)) { // second time: no second log line, same answer
            assertEquals("cpu", b.name());
        }
    }

    @Test
    void explicitCudaFailsClearlyEveryTime() {
        CudaProbe.Status status = unusable();
        for (int i = 0; i < 2; i++) { // the second touch must not turn into NoClassDefFoundError
            CudaException e = assertThrows(CudaException.class, () -> Backends.open("cuda", 1));
            assertTrue(e.getMessage().contains(status.reason()), e.getMessage());
            assertTrue(e.getMessage().startsWith("device 'cuda' requested but CUDA is unavailable"), e.getMessage());
        }
    }

    @Test
    void unknownDeviceIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.open("tpu", 1));
        assertTrue(e.getMessage().contains("'tpu'"));
    }
}
