package org.bottleneck.cli;

import java.nio.file.Path;
import org.bottleneck.apps.ImageTask;
import org.bottleneck.data.transform.Pipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "superres", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a super-resolution autoencoder: the input is the image area-downsampled by --factor, the "
                + "output the full-size image. Scores it on the test split against nearest and bicubic (Keys a = −0.5) "
                + "upscaling and writes the run to --out.",
                "The factor must divide the images' height and width: resize with --image-size (image folders) or "
                        + "crop with a data set of another size; the run refuses otherwise.",
                "Preset: ESPCN-like, fully convolutional, learning the correction of the bicubic-upsampled input, "
                        + "bias-free on a centred input so a flat patch stays exactly bicubic's (README, \"Image "
                        + "applications\"); --arch replaces it.",
                "--checkpoint FILE: score a trained model only. --image FILE: enlarge one image of any size by the factor (tiled)."})
public final class SuperresCommand extends ImageCommand {
    @Option(names = "--factor", description = "2, 3 or 4. Default: 2 (with --checkpoint or --image: the model's).")
    Integer factor;

    @Override
    ImageTask task() {
        return ImageTask.SUPERRES;
    }

    @Override
    String degradeSpec() {
        int f = factor != null ? factor : 2;
        if (f < 2 || f > 4) {
            throw new IllegalArgumentException("--factor must be 2, 3 or 4, got " + f);
        }
        return "down=" + f + ":box";
    }

    @Override
    Pipeline evaluationPipeline(Pipeline stored, Path source) {
        int trained = task().factor(stored);
        if (factor != null && factor != trained) {
            throw new IllegalArgumentException("checkpoint " + source + " enlarges by " + trained + ", not --factor " + factor
                    + "; train a model for factor " + factor);
        }
        return stored;
    }
}
