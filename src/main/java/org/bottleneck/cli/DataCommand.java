package org.bottleneck.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.bottleneck.apps.DataReport;
import org.bottleneck.apps.Figures;
import org.bottleneck.backend.Backend;
import org.bottleneck.data.Corruption;
import org.bottleneck.data.Splits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "data", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Describe a data source: sample counts, shape, value range, per-channel mean/std, the label",
                "histogram and what the split gives; and draw a few samples (with their corrupted inputs when",
                "--corruption is given) to a PNG."})
public final class DataCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--count", defaultValue = "16", description = "Samples to draw. Default: ${DEFAULT-VALUE}.")
    int count;

    @Option(names = "--corruption", defaultValue = "none", description = "Also draw inputs corrupted by none, gaussian or masking. Default: ${DEFAULT-VALUE}.")
    String corruption;

    @Option(names = "--noise", defaultValue = "0.3", description = "Corruption level. Default: ${DEFAULT-VALUE}.")
    double noise;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the corruption draws. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = {"-o", "--out"}, defaultValue = "data.png", description = "PNG to write. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Override
    public Integer call() {
        if (count < 1) {
            throw new IllegalArgumentException("--count must be ≥ 1, got " + count);
        }
        Corruption c = Corruption.parse(corruption, noise);
        Splits s = common.data.open(null);
        DataReport.describe(s).forEach(System.out::println);
        if (!Figures.drawable(s.train())) {
            System.out.println("picture   none: samples of shape " + s.train().sampleShape() + " are not images");
            return 0;
        }
        try (Backend backend = common.backend()) {
            DataReport.picture(backend, s.train(), count, c, seed, out);
        }
        System.out.println("wrote     " + out);
        return 0;
    }
}
