package org.bottleneck.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.cpu.CpuBackend;
import org.bottleneck.backend.cuda.CudaBackend;
import org.bottleneck.backend.cuda.CudaProbe;

/**
 * The backends the op tests run on. The CPU backend always exists. A GPU backend is added
 * here only when it opens: {@link #all()} must never fail for want of a device (tests skip,
 * never fail, without a GPU — DESIGN.md §5 #11). To add CUDA: try to open it in
 * {@link #open()} and add it to the list on success; on failure record nothing (the GPU suite
 * reports skips separately).
 */
public final class TestBackends {
    private static List<Backend> backends;

    private TestBackends() {
    }

    /** One shared CPU backend per test JVM (OpenBLAS threads are set once per process). */
    public static synchronized CpuBackend cpu() {
        return (CpuBackend) all().get(0);
    }

    /** Every backend that opened, CPU first. Shared for the JVM; never closed by tests. */
    public static synchronized List<Backend> all() {
        if (backends == null) {
            backends = open();
        }
        return backends;
    }

    public static Stream<Backend> stream() {
        return all().stream();
    }

    private static List<Backend> open() {
        List<Backend> list = new ArrayList<>();
        list.add(new CpuBackend());
        // CUDA only where a device is usable; the gpu-tagged suite reports the skip and its reason.
        if (CudaProbe.status().usable()) {
            list.add(new CudaBackend(0));
        }
        return List.copyOf(list);
    }
}
