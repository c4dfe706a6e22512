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

@Command(name = "reconstruct", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Draw test images above their reconstructions (PNG).")
public final class ReconstructCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    CheckpointOption ckpt;

    @Option(names = "--count", defaultValue = "16", description = "Images. Default: ${DEFAULT-VALUE}.")
    int count;

    @Option(names = {"-o", "--out"}, defaultValue = "reconstructions.png", description = "PNG to write. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Override
    public Integer call() {
        try (Backend backend = common.backend(); Model model = ckpt.load(backend)) {
            Figures.reconstructions(new Codec(model), ckpt.test(model, common.data), count, out);
            System.out.println("wrote " + out);
        }
        return 0;
    }
}
