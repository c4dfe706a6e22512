package org.bottleneck.cli;

import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Backends;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options every command shares: where to compute and where the data is. */
public final class CommonOptions {
    @Option(names = "--device", defaultValue = "auto",
            description = "auto (CUDA when usable, else CPU), cpu or cuda. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--threads", defaultValue = "0",
            description = "CPU threads for OpenBLAS; 0 = all cores. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Mixin
    DataOptions data;

    Backend backend() {
        return Backends.open(device, threads);
    }
}
