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

@Command(name = "interpolate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Decode a straight line in latent space between the codes of two test images (PNG strip).")
public final class InterpolateCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    CheckpointOption ckpt;

    @Option(names = "--from", defaultValue = "0", description = "Index of the first test image. Default: ${DEFAULT-VALUE}.")
    int from;

    @Option(names = "--to", defaultValue = "1", description = "Index of the second test image. Default: ${DEFAULT-VALUE}.")
    int to;

    @Option(names = "--steps", defaultValue = "10", description = "Decoded points on the line. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = {"-o", "--out"}, defaultValue = "interpolation.png", description = "PNG to write. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Override
    public Integer call() {
        if (steps < 2) {
            throw new IllegalArgumentException("--steps must be ≥ 2, got " + steps);
        }
        try (Backend backend = common.backend(); Model model = ckpt.load(backend)) {
            Figures.interpolation(new Codec(model), ckpt.test(model, common.data), new int[][] {{from, to}}, steps, out);
            System.out.println("wrote " + out);
        }
        return 0;
    }
}
