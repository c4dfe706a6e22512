package org.bottleneck.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bottleneck.apps.TrainRun;
import org.bottleneck.apps.TrainSession;
import org.bottleneck.backend.Backend;
import org.bottleneck.data.Dataset;
import org.bottleneck.data.transform.Pipeline;
import org.bottleneck.model.Architecture;
import org.bottleneck.model.LatentHead;
import org.bottleneck.model.Presets;
import org.bottleneck.tensor.Shape;
import org.bottleneck.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train an autoencoder (on MNIST unless --data says otherwise) and write checkpoints, metrics and pictures to --out.",
                "With no options: the reference VAE (784-512-256-2×20, Adam 1e-3, batch 128) for 10 epochs.",
                "Models: vae (β-VAE with --beta), ae (784-512-256-32, linear code), lecture (784-100-10, "
                        + "sigmoid, MSE: W¹ 100×784, W² 10×100, U¹ 100×10, U² 784×100), convae (conv encoder "
                        + "32-64, code 32, transposed-conv decoder), convvae (the same with a 16-d Gaussian head);",
                "or any architecture as JSON with --arch FILE (format in the README).",
                "Denoising: --corruption gaussian|masking|salt-pepper --noise LEVEL (or --degrade). Sparse: --l1 LAMBDA.",
                "Data: --data FOLDER|FILE (IDX, images, CSV, NPY; see `bottleneck data --help`)."})
public final class TrainCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--model", defaultValue = "vae", description = "vae, ae, lecture, convae, convvae, or the 2-d codes ae2d, vae2d, convae2d (for `project`). Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--arch", description = "Architecture JSON file (replaces --model; see the README). Default: none.")
    Path arch;

    @Option(names = "--hidden", split = ",", description = "Dense models: encoder hidden widths, e.g. 512,256 (decoder mirrors). Default: the model's.")
    int[] hidden;

    @Option(names = "--latent", description = "Latent dimension Z. Default: the model's (vae 20, ae 32, lecture 10, convae 32, convvae 16).")
    Integer latent;

    @Option(names = "--beta", description = "KL weight of a β-VAE. Default: the model's (1).")
    Double beta;

    @Option(names = "--corruption", defaultValue = "none", description = "Denoising shorthand: none, gaussian (unclipped), "
            + "masking or salt-pepper at level --noise (= --degrade KIND=LEVEL). Default: ${DEFAULT-VALUE}.")
    String corruption;

    @Option(names = "--noise", defaultValue = "0.3", description = "Corruption level: Gaussian std, masking or salt-and-pepper probability. Default: ${DEFAULT-VALUE}.")
    double noise;

    @Option(names = "--augment", description = "Augmentations of input and target alike, comma-separated: crop=H[xW], flip. Default: none.")
    String augment;

    @Option(names = "--degrade", description = "Degradations of the input only (targets stay clean), in order: gaussian=σ, "
            + "(clipped to [0, 1]; gaussian=σ:unclipped not), salt-pepper=p, masking=p, box=MIN[-MAX][:whole][:marked] (holes; the loss covers the hole unless :whole; :marked adds a hole channel to the input), "
            + "down=F[:box|bilinear|bicubic][:up], luma. Default: none.")
    String degrade;

    @Option(names = "--l1", description = "Sparse autoencoder: L1 weight on the code. Default: the model's (0).")
    Double l1;

    @Option(names = "--dropout", defaultValue = "0", description = "Dense presets: dropout after hidden layers. Default: ${DEFAULT-VALUE}.")
    double dropout;

    @Mixin
    TrainingOptions training;

    @Override
    public Integer call() throws Exception {
        try (Backend backend = common.backend()) {
            TrainRun.Plan plan = training.plan(backend, arch != null ? stem(arch) : model, Map.of(),
                    TrainSession.REPORT_IMAGES);
            TrainRun.Outcome o = TrainRun.run(backend, plan, common.data.source(), new TrainRun.Fresh() {
                public TrainConfig config(boolean unitInterval) {
                    return training.config(backend, Pipeline.parse(augment, degradeSpec(), unitInterval));
                }

                public Architecture architecture(Dataset train, Shape input, Shape target) {
                    return TrainCommand.this.architecture(train, input, target);
                }
            }, System.out, training.progress());
            System.out.println("wrote    " + o.out() + "/{" + String.join(", ", o.finished().wrote()) + "}");
        }
        return 0;
    }

    /** --arch or --model, with --hidden/--latent/--beta/--l1/--dropout applied; checked against the data. */
    private Architecture architecture(Dataset data, Shape input, Shape target) {
        boolean densePreset = arch == null && Presets.isDense(model);
        if (!densePreset && (hidden != null || latent != null || dropout > 0)) {
            throw new IllegalArgumentException("--hidden, --latent and --dropout vary the dense presets (vae, ae, lecture), not "
                    + (arch != null ? arch : model) + "; write the layers in an --arch file instead");
        }
        Architecture a;
        if (densePreset) {
            Presets.DenseRecipe r = Presets.denseRecipe(model, input, target, data.unitInterval());
            if (hidden != null) {
                r = r.withHidden(hidden);
            }
            r = r.withHead(r.head().withSize(latent != null ? latent : r.head().size()));
            boolean varied = hidden != null || latent != null || dropout > 0;
            a = r.build(varied ? "custom" : model, dropout);
        } else {
            a = arch != null ? Architecture.read(arch) : Presets.get(model, input, target, data.unitInterval());
        }
        LatentHead h = a.latent();
        if (beta != null && !h.gaussian()) {
            throw new IllegalArgumentException("--beta " + beta + " only applies to a model with a gaussian latent head"
                    + " (vae, convvae), not " + a.name());
        }
        a = a.withLatent(h.with(beta != null ? beta : h.beta(), l1 != null ? l1 : h.l1()));
        return a;
    }

    private static String stem(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith(".json") ? n.substring(0, n.length() - 5) : n;
    }

    /** --degrade, with --corruption KIND --noise LEVEL as its shorthand in front. */
    private String degradeSpec() {
        String c = corruption.toLowerCase(Locale.ROOT);
        if (!List.of("none", "gaussian", "masking", "mask", "salt-pepper").contains(c)) {
            throw new IllegalArgumentException("unknown --corruption '" + corruption
                    + "' (expected none, gaussian, masking or salt-pepper; or use --degrade)");
        }
        // gaussian as before this round: unclipped, zero-mean noise (its denoising numbers stay)
        String shorthand = c.equals("none") ? null : c + "=" + noise + (c.equals("gaussian") ? ":unclipped" : "");
        if (shorthand == null) {
            return degrade;
        }
        return degrade == null ? shorthand : shorthand + "," + degrade;
    }
}
