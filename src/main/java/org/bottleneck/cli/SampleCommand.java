package org.bottleneck.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.bottleneck.apps.Codec;
import org.bottleneck.apps.Figures;
import org.bottleneck.backend.Backend;
import org.bottleneck.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Decode random codes into images (PNG grid).",
                "VAE: codes from the prior N(0, I). Plain autoencoder: codes from a Gaussian fitted to the",
                "codes of the training images, which shows why plain autoencoders generate poorly."})
public final class SampleCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    CheckpointOption ckpt;

    @Option(names = "--count", defaultValue = "64", description = "Samples. Default: ${DEFAULT-VALUE}.")
    int count;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the draws. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = {"-o", "--out"}, defaultValue = "samples.png", description = "PNG to write. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Override
    public Integer call() {
        if (count < 1) {
            throw new IllegalArgumentException("--count must be ≥ 1, got " + count);
        }
        try (Backend backend = common.backend(); Model model = ckpt.load(backend)) {
            Figures.samples(new Codec(model), ckpt.train(model, common.data), count, seed, out);
            System.out.println("wrote " + out);
        }
        return 0;
    }
}
