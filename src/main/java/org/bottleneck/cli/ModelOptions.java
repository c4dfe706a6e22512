package org.bottleneck.cli;

import java.nio.file.Path;
import org.bottleneck.data.Dataset;
import org.bottleneck.model.Architecture;
import org.bottleneck.model.LatentHead;
import org.bottleneck.model.OutputKind;
import org.bottleneck.model.Presets;
import org.bottleneck.tensor.Shape;
import picocli.CommandLine.Option;

/** Which model to build for a fresh run: a preset varied by option, or an --arch file (train, anomaly). */
public final class ModelOptions {
    @Option(names = "--model", description = "vae, ae, lecture, convae, convvae, or the 2-d codes ae2d, vae2d, convae2d "
            + "(for `project`). Default: the command's (train: vae, anomaly: ae).")
    String model;

    @Option(names = "--arch", description = "Architecture JSON file (replaces --model; see the README). Default: none.")
    Path arch;

    @Option(names = "--hidden", split = ",", description = "Dense models: encoder hidden widths, e.g. 512,256 (decoder mirrors). Default: the model's.")
    int[] hidden;

    @Option(names = "--latent", description = "Latent dimension Z. Default: the model's (vae 20, ae 32, lecture 10, convae 32, convvae 16).")
    Integer latent;

    @Option(names = "--beta", description = "KL weight of a β-VAE. Default: the model's (1).")
    Double beta;

    @Option(names = "--l1", description = "Sparse autoencoder: L1 weight on the code. Default: the model's (0).")
    Double l1;

    @Option(names = "--dropout", defaultValue = "0", description = "Dense presets: dropout after hidden layers. Default: ${DEFAULT-VALUE}.")
    double dropout;

    @Option(names = "--loss", defaultValue = "auto", description = "Reconstruction loss: auto (the model's: BCE on data in "
            + "[0, 1], else MSE), bce, or mse (squared error, through a sigmoid on data in [0, 1]). Default: ${DEFAULT-VALUE}.")
    String loss;

    /** The run's name: the --arch file's stem, or the model (the command's default when none was given). */
    String name(String defaultModel) {
        if (arch != null) {
            String n = arch.getFileName().toString();
            return n.endsWith(".json") ? n.substring(0, n.length() - 5) : n;
        }
        return model != null ? model : defaultModel;
    }

    /** --arch or --model, with --hidden/--latent/--beta/--l1/--dropout applied, for inputs {@code input} → {@code target}. */
    Architecture architecture(String defaultModel, Dataset data, Shape input, Shape target) {
        String m = model != null ? model : defaultModel;
        boolean densePreset = arch == null && Presets.isDense(m);
        if (!densePreset && (hidden != null || latent != null || dropout > 0)) {
            throw new IllegalArgumentException("--hidden, --latent and --dropout vary the dense presets (vae, ae, lecture), not "
                    + (arch != null ? arch : m) + "; write the layers in an --arch file instead");
        }
        Architecture a;
        if (densePreset) {
            Presets.DenseRecipe r = Presets.denseRecipe(m, input, target, data.unitInterval());
            if (hidden != null) {
                r = r.withHidden(hidden);
            }
            r = r.withHead(r.head().withSize(latent != null ? latent : r.head().size()));
            boolean varied = hidden != null || latent != null || dropout > 0;
            a = r.build(varied ? "custom" : m, dropout);
        } else {
            a = arch != null ? Architecture.read(arch) : Presets.get(m, input, target, data.unitInterval());
        }
        LatentHead h = a.latent();
        if (beta != null && !h.gaussian()) {
            throw new IllegalArgumentException("--beta " + beta + " only applies to a model with a gaussian latent head"
                    + " (vae, convvae), not " + a.name());
        }
        return withLoss(a.withLatent(h.with(beta != null ? beta : h.beta(), l1 != null ? l1 : h.l1())), data.unitInterval());
    }

    private Architecture withLoss(Architecture a, boolean unitInterval) {
        String l = loss.trim().toLowerCase(java.util.Locale.ROOT);
        return switch (l) {
            case "auto" -> a;
            case "mse" -> a.output().residual() ? a
                    : a.withOutput(unitInterval ? OutputKind.SIGMOID_MSE : OutputKind.MSE);
            case "bce" -> {
                if (!unitInterval) {
                    throw new IllegalArgumentException("--loss bce needs data in [0, 1]; this data is standardized (values "
                            + "outside [0, 1]): use --loss mse, or --standardize no on data in [0, 1]");
                }
                yield a.withOutput(OutputKind.BCE);
            }
            default -> throw new IllegalArgumentException("--loss must be auto, bce or mse, got '" + loss + "'");
        };
    }
}
