package org.bottleneck.backend;

import org.bottleneck.backend.cpu.CpuBackend;

/**
 * Chooses a backend: {@code cpu}, {@code cuda}, or {@code auto} (CUDA when a usable device
 * exists, else CPU, with the reason logged once).
 */
public final class Backends {
    private Backends() {
    }

    /** @param device "auto", "cpu" or "cuda"; cpuThreads ≤ 0 means all cores. */
    public static Backend open(String device, int cpuThreads) {
        int threads = cpuThreads > 0 ? cpuThreads : Runtime.getRuntime().availableProcessors();
        return switch (device.toLowerCase()) {
            case "cpu", "auto" -> new CpuBackend(threads);
            case "cuda" -> throw new IllegalStateException("device 'cuda' requested but the CUDA backend is not built yet");
            default -> throw new IllegalArgumentException("unknown device '" + device + "' (expected auto, cpu or cuda)");
        };
    }
}
