package org.bottleneck.cli;

import java.nio.file.Path;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Backends;
import org.bottleneck.data.Dataset;
import org.bottleneck.data.Mnist;
import picocli.CommandLine.Option;

/** Options every command shares: where to compute and where the data is. */
public final class CommonOptions {
    @Option(names = "--device", defaultValue = "auto",
            description = "auto (CUDA when usable, else CPU), cpu or cuda. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--threads", defaultValue = "0",
            description = "CPU threads for OpenBLAS; 0 = all cores. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--data", description = "Folder with the MNIST IDX files. Default: data/mnist.")
    Path data;

    @Option(names = "--test-limit", defaultValue = "0",
            description = "Use only the first N test images (0 = all). Default: ${DEFAULT-VALUE}.")
    int testLimit;

    Backend backend() {
        return Backends.open(device, threads);
    }

    Path dataDir() {
        return data != null ? data : Mnist.defaultDir();
    }

    Dataset test() {
        return limit(Mnist.load(dataDir(), false), testLimit);
    }

    static Dataset limit(Dataset d, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("a limit must be ≥ 0, got " + n);
        }
        return n == 0 || n >= d.size() ? d : d.slice(0, n);
    }
}
