package org.bottleneck.cli;

import java.util.concurrent.Callable;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Backends;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Which backend would run, with how many threads, which BLAS core, and why no GPU is used.")
public final class InfoCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        System.out.println("java      " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        System.out.println("cores     " + Runtime.getRuntime().availableProcessors());
        System.out.println("cuda      " + Backends.cudaStatus());
        System.out.println("kernels   " + Backends.cudaKernels());
        for (String line : Backends.cudaLibraries()) {
            System.out.println("lib       " + line);
        }
        try (Backend backend = common.backend()) {
            System.out.println("backend   " + backend.describe() + "  (--device " + common.device + ")");
        }
        String coreType = System.getenv("OPENBLAS_CORETYPE");
        if (coreType != null) {
            // Easy to miss and it matters: on an AVX-512 machine Haswell's kernels ran our GEMMs
            // at 0.55× the speed of those OpenBLAS picks itself (BENCHMARKS.md).
            System.out.println("note      OPENBLAS_CORETYPE=" + coreType + " in the environment chooses OpenBLAS's kernels "
                    + "instead of OpenBLAS itself; unset it to let OpenBLAS pick the best for this CPU");
        }
        return 0;
    }
}
