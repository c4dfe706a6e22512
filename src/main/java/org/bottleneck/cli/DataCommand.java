package org.bottleneck.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.bottleneck.apps.DataReport;
import org.bottleneck.apps.Figures;
import org.bottleneck.data.Splits;
import org.bottleneck.data.transform.Pipeline;
import org.bottleneck.tensor.Shape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "data", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Describe a data source: sample counts, shape, value range, per-channel mean/std, the label",
                "histogram and what the split gives; and draw a few samples (with their degraded inputs when",
                "--degrade is given, as `train` would make them in its first epoch) to a PNG."})
public final class DataCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--count", defaultValue = "16", description = "Samples to draw. Default: ${DEFAULT-VALUE}.")
    int count;

    @Option(names = "--augment", description = "Augmentations, as train takes them (crop=H[xW], flip). Default: none.")
    String augment;

    @Option(names = "--degrade", description = "Degradations, as train takes them (gaussian=σ, salt-pepper=p, masking=p, "
            + "box=MIN[-MAX], down=F[:filter][:up], luma). Default: none.")
    String degrade;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the pipeline's draws. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = {"-o", "--out"}, defaultValue = "data.png", description = "PNG to write. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Override
    public Integer call() {
        if (count < 1) {
            throw new IllegalArgumentException("--count must be ≥ 1, got " + count);
        }
        Splits s = common.data.open(null);
        DataReport.describe(s).forEach(System.out::println);
        Pipeline pipeline = Pipeline.parse(augment, degrade, s.train().unitInterval());
        Shape sample = s.train().sampleShape();
        if (!pipeline.isEmpty()) {
            System.out.println("pipeline  " + pipeline.describe() + ": inputs " + pipeline.inputShape(sample) + ", targets "
                    + pipeline.targetShape(sample));
        }
        if (!Figures.drawable(s.train())) {
            System.out.println("picture   none: samples of shape " + s.train().sampleShape() + " are not images");
            return 0;
        }
        DataReport.picture(s.train(), pipeline, count, seed, out);
        System.out.println("wrote     " + out);
        return 0;
    }
}
