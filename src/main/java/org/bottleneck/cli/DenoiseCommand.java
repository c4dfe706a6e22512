package org.bottleneck.cli;

import java.util.Locale;
import org.bottleneck.apps.ImageTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "denoise", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a denoising autoencoder (MNIST unless --data says otherwise), score it on the test split "
                + "against the noisy input, a 3×3 median filter and the best Gaussian blur, and write the run to --out.",
                "Preset: a fully convolutional autoencoder (see the README, \"Image applications\"); --arch replaces it.",
                "--checkpoint FILE: score a trained model only. --image FILE: denoise one image of any size (tiled)."})
public final class DenoiseCommand extends ImageCommand {
    @Option(names = "--noise", defaultValue = "gaussian", description = "gaussian (clipped to [0, 1]), salt-pepper or "
            + "masking. Default: ${DEFAULT-VALUE}.")
    String noise;

    @Option(names = "--level", defaultValue = "0.5", description = "Gaussian σ, or the salt-and-pepper or masking probability. "
            + "Default: ${DEFAULT-VALUE}.")
    double level;

    @Override
    ImageTask task() {
        return ImageTask.DENOISE;
    }

    @Override
    String degradeSpec() {
        String n = noise.toLowerCase(Locale.ROOT);
        if (!n.equals("gaussian") && !n.equals("salt-pepper") && !n.equals("masking")) {
            throw new IllegalArgumentException("--noise must be gaussian, salt-pepper or masking, got '" + noise + "'");
        }
        if (!(level > 0) || (!n.equals("gaussian") && level >= 1) || Double.isInfinite(level)) {
            throw new IllegalArgumentException("--level must be a σ > 0 for gaussian, a probability in (0, 1) otherwise; got "
                    + level);
        }
        return n + "=" + level;
    }
}
