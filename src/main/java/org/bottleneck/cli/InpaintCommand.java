package org.bottleneck.cli;

import java.nio.file.Path;
import org.bottleneck.apps.ImageTask;
import org.bottleneck.data.transform.FixedMask;
import org.bottleneck.data.transform.Pipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "inpaint", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train an inpainting autoencoder: random rectangular holes are zeroed in the input and marked in "
                + "an extra input channel; the model fills them, and outside the hole the result keeps the input's pixels. "
                + "Scores it on the test split against mean and harmonic (Laplace) fill, on the hole and on the whole image.",
                "Preset: convolutions around a dense code of 128, so a hole is filled from the whole image (README, "
                        + "\"Image applications\"); --arch replaces it.",
                "--checkpoint FILE: score a trained model only (with --mask: on that hole in every test image). "
                        + "--image FILE --mask PNG: fill the white pixels of the mask in one image of any size (tiled)."})
public final class InpaintCommand extends ImageCommand {
    @Option(names = "--hole", defaultValue = "12", description = "Hole sides in pixels, MIN or MIN-MAX (height and width "
            + "drawn independently). Default: ${DEFAULT-VALUE}.")
    String hole;

    @Option(names = "--loss", defaultValue = "hole", description = "hole (the loss covers the missing pixels only) or whole "
            + "(every pixel). Default: ${DEFAULT-VALUE}.")
    String loss;

    @Option(names = "--mask", description = "A mask PNG (white = missing) of the images' size: the hole of --checkpoint's "
            + "evaluation or of --image. Default: none (random holes).")
    Path mask;

    @Override
    ImageTask task() {
        return ImageTask.INPAINT;
    }

    @Override
    String degradeSpec() {
        if (!loss.equals("hole") && !loss.equals("whole")) {
            throw new IllegalArgumentException("--loss must be hole or whole, got '" + loss + "'");
        }
        if (mask != null && checkpoint == null) {
            throw new IllegalArgumentException("--mask gives the hole of an evaluation (--checkpoint) or of --image; training "
                    + "draws random holes (--hole)");
        }
        if (!hole.matches("\\d+(-\\d+)?")) {
            throw new IllegalArgumentException("--hole must be MIN or MIN-MAX in pixels, got '" + hole + "'");
        }
        return "box=" + hole + (loss.equals("whole") ? ":whole" : "") + ":marked";
    }

    @Override
    Pipeline evaluationPipeline(Pipeline stored, Path source) {
        if (mask == null || image != null) {
            return stored; // --image reads the mask itself, at the image's size
        }
        FixedMask f = FixedMask.read(mask, true, ImageTask.marked(stored));
        if (f.holePixels() == 0) {
            throw new IllegalArgumentException("mask " + mask + " has no white pixels: there is no hole to fill");
        }
        return new Pipeline(java.util.List.of(), java.util.List.of(f));
    }

    @Override
    Path mask() {
        return mask;
    }
}
