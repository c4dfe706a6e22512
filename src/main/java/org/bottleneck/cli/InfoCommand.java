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
        try (Backend backend = common.backend()) {
            System.out.println("backend   " + backend.describe() + "  (--device " + common.device + ")");
        }
        return 0;
    }
}
