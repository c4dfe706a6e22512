package org.bottleneck.cli;

import org.bottleneck.apps.ImageTask;
import picocli.CommandLine.Command;

@Command(name = "colorize", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a colorization autoencoder on RGB images (an image folder read with --channels 3): the "
                + "input is the BT.601 luma Y = 0.299 R + 0.587 G + 0.114 B, the output RGB; the result keeps the input's "
                + "luma and takes its chroma (Cb, Cr) from the model. Scores it on the test split against the grey image "
                + "and the training set's mean chroma (PSNR, SSIM, chroma PSNR and mean absolute error).",
                "Preset: a fully convolutional autoencoder (README, \"Image applications\"); --arch replaces it.",
                "--checkpoint FILE: score a trained model only. --image FILE: colorize one image of any size (tiled; a "
                        + "colour image is reduced to its luma first)."})
public final class ColorizeCommand extends ImageCommand {
    @Override
    ImageTask task() {
        return ImageTask.COLORIZE;
    }

    @Override
    String degradeSpec() {
        return "luma";
    }
}
