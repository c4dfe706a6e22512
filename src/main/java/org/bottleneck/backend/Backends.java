package org.bottleneck.backend;

import java.util.concurrent.atomic.AtomicBoolean;
import org.bottleneck.backend.cpu.CpuBackend;
import org.bottleneck.backend.cuda.CudaBackend;
import org.bottleneck.backend.cuda.CudaException;
import org.bottleneck.backend.cuda.CudaProbe;

/**
 * Chooses a backend: {@code cpu}, {@code cuda}, or {@code auto} (CUDA when a usable device
 * exists, else CPU, with the reason logged once). Whether CUDA is usable is probed once per
 * process ({@link CudaProbe}) and cached.
 */
public final class Backends {
    private static final AtomicBoolean FALLBACK_LOGGED = new AtomicBoolean();

    private Backends() {
    }

    /**
     * @param device "auto", "cpu" or "cuda"; cpuThreads ≤ 0 means all cores.
     * @throws CudaException for "cuda" when CUDA cannot start here, with the reason
     */
    public static Backend open(String device, int cpuThreads) {
        int threads = cpuThreads > 0 ? cpuThreads : Runtime.getRuntime().availableProcessors();
        return switch (device.toLowerCase()) {
            case "cpu" -> new CpuBackend(threads);
            case "cuda" -> new CudaBackend(0);
            case "auto" -> openAuto(threads);
            default -> throw new IllegalArgumentException("unknown device '" + device + "' (expected auto, cpu or cuda)");
        };
    }

    private static Backend openAuto(int threads) {
        CudaProbe.Status status = CudaProbe.status();
        String reason = status.reason();
        if (status.usable()) {
            try {
                return new CudaBackend(0);
            } catch (CudaException e) {
                reason = e.getMessage();
            }
        }
        if (FALLBACK_LOGGED.compareAndSet(false, true)) {
            System.err.println("[bottleneck] cuda unavailable: " + reason + "; using cpu");
        }
        return new CpuBackend(threads);
    }

    /**
     * One line for {@code info}: "available: 1 CUDA device, driver 12.4" or
     * "unavailable: no CUDA driver (libcuda.so.1 not found)".
     */
    /** The jar's CUDA kernels: toolchain and the driver they need (see CudaProbe#kernels). */
    public static String cudaKernels() {
        return CudaProbe.kernels();
    }

    /** The CUDA libraries found on this machine, one line each, and whether we can use them (see CudaLibraries). */
    public static java.util.List<String> cudaLibraries() {
        return org.bottleneck.backend.cuda.CudaLibraries.report(org.bottleneck.backend.cuda.CudaLibraries.onThisMachine());
    }

    public static String cudaStatus() {
        CudaProbe.Status status = CudaProbe.status();
        return (status.usable() ? "available: " : "unavailable: ") + status.reason();
    }
}
