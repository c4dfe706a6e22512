package org.bottleneck.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bottleneck.apps.Figures;
import org.bottleneck.apps.RestorationReport;
import org.bottleneck.apps.TrainSession;
import org.bottleneck.backend.Backend;
import org.bottleneck.data.Dataset;
import org.bottleneck.data.Splits;
import org.bottleneck.data.Standardization;
import org.bottleneck.data.transform.Pipeline;
import org.bottleneck.tensor.Shape;
import org.bottleneck.model.Architecture;
import org.bottleneck.model.Checkpoint;
import org.bottleneck.model.LatentHead;
import org.bottleneck.model.Model;
import org.bottleneck.model.Presets;
import org.bottleneck.model.Safetensors;
import org.bottleneck.train.DataChecks;
import org.bottleneck.train.EvalResult;
import org.bottleneck.train.Optimizer;
import org.bottleneck.train.Schedule;
import org.bottleneck.train.TrainConfig;
import org.bottleneck.train.TrainState;
import org.bottleneck.train.Trainer;
import org.bottleneck.train.TrainingCheckpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", defaultValue = "vae", description = "vae, ae, lecture, convae or convvae. Default: ${DEFAULT-VALUE}.")
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
            + "(clipped to [0, 1]; gaussian=σ:unclipped not), salt-pepper=p, masking=p, box=MIN[-MAX][:whole] (holes; the loss covers the hole unless :whole), "
            + "down=F[:box|bilinear|bicubic][:up], luma. Default: none.")
    String degrade;

    @Option(names = "--l1", description = "Sparse autoencoder: L1 weight on the code. Default: the model's (0).")
    Double l1;

    @Option(names = "--dropout", defaultValue = "0", description = "Dense presets: dropout after hidden layers. Default: ${DEFAULT-VALUE}.")
    double dropout;

    @Option(names = "--epochs", defaultValue = "10", description = "Epochs. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch", defaultValue = "128", description = "Batch size. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Learning rate. Default: ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--optimizer", defaultValue = "adam", description = "adam, adamw or sgd. Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--weight-decay", defaultValue = "0", description = "Weight decay (decoupled for adamw). Default: ${DEFAULT-VALUE}.")
    double weightDecay;

    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum. Default: ${DEFAULT-VALUE}.")
    double momentum;

    @Option(names = "--schedule", defaultValue = "constant", description = "constant, step or cosine. Default: ${DEFAULT-VALUE}.")
    String schedule;

    @Option(names = "--step-epochs", defaultValue = "5", description = "Step schedule: epochs between decays. Default: ${DEFAULT-VALUE}.")
    int stepEpochs;

    @Option(names = "--gamma", defaultValue = "0.5", description = "Step schedule: decay factor. Default: ${DEFAULT-VALUE}.")
    double gamma;

    @Option(names = "--clip", defaultValue = "0", description = "Clip the gradient norm to this (0 = off). Default: ${DEFAULT-VALUE}.")
    double clip;

    @Option(names = "--patience", defaultValue = "0", description = "Early stopping: epochs without improvement (0 = off). Default: ${DEFAULT-VALUE}.")
    int patience;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of every random draw. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--out", description = "Output folder. Default: runs/<model>, or the folder of --resume.")
    Path out;

    @Option(names = "--resume", description = "Continue from a last.safetensors exactly as if never stopped (--epochs may raise the total).")
    Path resume;

    @Option(names = "--train-limit", defaultValue = "0", description = "Use only the first N training samples (0 = all). Default: ${DEFAULT-VALUE}.")
    int trainLimit;

    @Option(names = "--loss-every", description = "Read losses back every N steps. Default: 1 on CPU, 20 on CUDA.")
    Integer lossEvery;

    @Option(names = "--no-progress", description = "No progress bar (one line per epoch only).")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        // A resumed run continues in its own folder unless told otherwise.
        Path outDir = out != null ? out
                : resume != null && resume.toAbsolutePath().getParent() != null ? resume.toAbsolutePath().getParent()
                : Path.of("runs", arch != null ? stem(arch) : model);
        try (Backend backend = common.backend()) {
            Safetensors.Contents ckpt = resume != null ? Checkpoint.read(resume) : null;
            String storedStd = ckpt != null ? ckpt.metadata().get(Standardization.METADATA_KEY) : null;
            Splits splits = common.data.open(storedStd == null ? null : Standardization.fromJson(storedStd, resume.toString()));
            Dataset train = DataOptions.limit(splits.train(), trainLimit);
            Dataset test = common.data.test(null);
            Model ae;
            TrainConfig config;
            TrainState state;
            if (resume != null) {
                config = storedConfig(ckpt, backend, train.unitInterval());
                ae = Checkpoint.load(resume, backend);
                state = TrainingCheckpoint.trainState(resume, ckpt);
            } else {
                config = trainConfig(backend, train.unitInterval());
                Shape sample = train.sampleShape();
                ae = new Model(backend, architecture(train, config.pipeline().inputShape(sample),
                        config.pipeline().targetShape(sample)), seed);
                state = new TrainState();
            }
            try (ae; Optimizer opt = Trainer.optimizerFor(ae, config)) {
                DataChecks.fits(ae, train, config.pipeline(), "training"); // before anything is written
                DataChecks.fits(ae, test, config.pipeline(), "test");
                if (ckpt != null) {
                    TrainingCheckpoint.loadOptimizer(resume, ckpt, opt);
                }
                System.out.println("model    " + ae.architecture().describe() + "  (" + ae.parameters().count() + " parameters)");
                if (!config.pipeline().isEmpty()) {
                    System.out.println("pipeline " + config.pipeline().describe() + (config.pipeline().degrades()
                            ? " (targets: the clean samples)" : ""));
                }
                System.out.println("backend  " + backend.describe());
                System.out.println("data     " + splits.description());
                System.out.println("         training on " + train.size() + ", testing on " + test.size() + " samples");
                System.out.println("training " + config.epochs() + " epochs, batch " + config.batchSize() + ", "
                        + opt.describe() + " lr " + config.lr() + (state.epochsDone > 0
                        ? ", resuming after epoch " + state.epochsDone : "") + " → " + outDir);
                boolean bar = !noProgress && System.console() != null;
                Map<String, String> dataMeta = new LinkedHashMap<>();
                dataMeta.put("data", splits.description());
                if (splits.standardization() != null) {
                    dataMeta.put(Standardization.METADATA_KEY, splits.standardization().toJson());
                }
                state = TrainSession.run(ae, config, opt, state, train, test, outDir, dataMeta,
                        new ConsoleProgress(System.out, bar));
                if (state.stoppedEarly) {
                    System.out.println("early stop: no improvement for " + config.patience() + " epochs (best epoch "
                            + state.bestEpoch + ")");
                }
                EvalResult r = TrainSession.finish(ae, state, train, test, outDir, config.pipeline(), config.seed(),
                        Trainer.evalBatch(config));
                System.out.printf(Locale.ROOT, "test (best epoch %d): loss %.3f  recon %.3f  kl %.3f%s  mse/pixel %.5f%n",
                        state.bestEpoch, r.loss(), r.recon(), r.kl(),
                        ae.isVariational() ? String.format(Locale.ROOT, "  -ELBO %.3f", r.negElbo()) : "",
                        r.msePerPixel());
                System.out.println("wrote    " + outDir + "/{best,last}.safetensors, metrics.csv, metrics.json, "
                        + "training_curve.png" + (Figures.drawable(test) ? ", reconstructions.png, samples.png, interpolation.png" : "")
                        + (RestorationReport.applies(config.pipeline(), test) ? ", restoration.{md,json,png}" : ""));
            }
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
        a.layers(null, 0); // the shapes chain, or the error names the layer
        return a;
    }

    private static String stem(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith(".json") ? n.substring(0, n.length() - 5) : n;
    }

    private TrainConfig trainConfig(Backend backend, boolean unitInterval) {
        int every = lossEvery != null ? lossEvery : backend.name().equals("cuda") ? 20 : 1;
        return new TrainConfig(epochs, batch, lr, optimizer.toLowerCase(Locale.ROOT), weightDecay, momentum,
                new Schedule(schedule, stepEpochs, gamma), clip, patience, seed, every,
                Pipeline.parse(augment, degradeSpec(), unitInterval));
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

    /**
     * The pipeline of a stored run: v2 since this round keeps "augment"/"degrade" specs, earlier
     * v2 files "corruption"/"corruption_level", v1 kept the corruption in the model config.
     */
    private static Pipeline storedPipeline(JsonNode trainConfig, Safetensors.Contents c, boolean unitInterval) {
        String legacy = Checkpoint.legacyDegradation(c);
        if (legacy != null) {
            return Pipeline.parse(null, legacy, unitInterval);
        }
        if (trainConfig.has("degrade") || trainConfig.has("augment")) {
            return Pipeline.parse(trainConfig.path("augment").asText(""), trainConfig.path("degrade").asText(""), unitInterval);
        }
        JsonNode kind = trainConfig.get("corruption");
        String k = kind == null ? "none" : kind.asText();
        return Pipeline.parse(null, k.equals("none") ? null : k + "=" + trainConfig.get("corruption_level").asDouble()
                + (k.equals("gaussian") ? ":unclipped" : ""), unitInterval); // that noise was never clipped
    }

    /** The train config saved with the checkpoint; only an explicit --epochs overrides it. */
    private TrainConfig storedConfig(Safetensors.Contents c, Backend backend, boolean unitInterval) throws java.io.IOException {
        String json = c.metadata().get("train_config");
        if (json == null) {
            throw new IllegalArgumentException(resume + " holds no training configuration; resume from a last.safetensors");
        }
        JsonNode o = new ObjectMapper().readTree(json);
        int e = spec.commandLine().getParseResult().hasMatchedOption("--epochs") ? epochs : o.get("epochs").asInt();
        int every = lossEvery != null ? lossEvery : backend.name().equals("cuda") ? 20 : 1;
        return new TrainConfig(e, o.get("batch_size").asInt(), o.get("lr").asDouble(), o.get("optimizer").asText(),
                o.get("weight_decay").asDouble(), o.get("momentum").asDouble(),
                new Schedule(o.get("schedule").asText(), o.get("step_epochs").asInt(), o.get("gamma").asDouble()),
                o.get("clip_norm").asDouble(), o.get("patience").asInt(), o.get("seed").asLong(), every,
                storedPipeline(o, c, unitInterval));
    }
}
