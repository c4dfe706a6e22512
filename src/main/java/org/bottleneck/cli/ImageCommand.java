package org.bottleneck.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bottleneck.apps.ImageApply;
import org.bottleneck.apps.ImageTask;
import org.bottleneck.apps.RestorationReport;
import org.bottleneck.apps.TrainRun;
import org.bottleneck.apps.TrainSession;
import org.bottleneck.backend.Backend;
import org.bottleneck.data.Dataset;
import org.bottleneck.data.Standardization;
import org.bottleneck.data.transform.Pipeline;
import org.bottleneck.model.Architecture;
import org.bottleneck.model.Checkpoint;
import org.bottleneck.model.Model;
import org.bottleneck.model.Safetensors;
import org.bottleneck.tensor.Shape;
import org.bottleneck.train.DataChecks;
import org.bottleneck.train.TrainConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The structure the four image applications share. Without {@code --checkpoint} or
 * {@code --image}: train the task's model (or resume), evaluate it on the test split against
 * the classical baselines, write the run folder. With {@code --checkpoint}: evaluate that
 * model only. With {@code --image}: apply a trained model to one image of any size.
 */
abstract class ImageCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    TrainingOptions training;

    @Option(names = "--arch", description = "Architecture JSON file instead of the task preset (see the README). Default: the preset.")
    Path arch;

    @Option(names = {"-c", "--checkpoint"}, description = "A model this command trained: evaluate it (no training), or apply it "
            + "with --image. Default with --image: runs/<command>/best.safetensors.")
    Path checkpoint;

    @Option(names = "--image", description = "Apply the model to this image (PNG, JPEG, BMP, GIF; any size) and write --out "
            + "(a PNG; default <image>_<command>.png beside the image). Default: none.")
    Path image;

    @Option(names = "--test-images", defaultValue = "1000", description = "Test images the report scores. Default: ${DEFAULT-VALUE}.")
    int testImages;

    abstract ImageTask task();

    /** The task's degradation as a --degrade spec. */
    abstract String degradeSpec();

    /** The pipeline a stored model is evaluated or applied with: the stored one, checked against this command's options. */
    Pipeline evaluationPipeline(Pipeline stored, Path source) {
        return stored;
    }

    /** The mask PNG of inpaint, else null. */
    Path mask() {
        return null;
    }

    @Override
    public Integer call() throws Exception {
        if (testImages < 1) {
            throw new IllegalArgumentException("--test-images must be ≥ 1, got " + testImages);
        }
        try (Backend backend = common.backend()) {
            if (image != null) {
                return applyToImage(backend);
            }
            if (checkpoint != null) {
                return evaluate(backend);
            }
            return train(backend);
        }
    }

    private int train(Backend backend) throws Exception {
        String name = task().id();
        TrainRun.Plan plan = training.plan(backend, name, Map.of(ImageTask.METADATA_KEY, name), testImages);
        if (plan.resume() != null) {
            task().storedPipeline(Checkpoint.read(plan.resume()), plan.resume().toString(), true); // the right task
        }
        TrainRun.Outcome o = TrainRun.run(backend, plan, common.data.source(), new TrainRun.Fresh() {
            public TrainConfig config(boolean unitInterval) {
                return training.config(backend, Pipeline.parse(null, degradeSpec(), unitInterval));
            }

            public Architecture architecture(Dataset train, Shape input, Shape target) {
                return arch != null ? Architecture.read(arch) : task().preset(input, target, train.unitInterval());
            }
        }, System.out, training.progress());
        printReport(o.finished().restoration());
        System.out.println("wrote    " + o.out() + "/{" + String.join(", ", o.finished().wrote()) + "}");
        return 0;
    }

    private int evaluate(Backend backend) throws Exception {
        Safetensors.Contents c = Checkpoint.read(checkpoint);
        Path out = training.out != null ? training.out
                : checkpoint.toAbsolutePath().getParent() != null ? checkpoint.toAbsolutePath().getParent() : Path.of(".");
        try (Model model = Checkpoint.load(checkpoint, backend)) {
            String json = c.metadata().get(Standardization.METADATA_KEY);
            Standardization std = json == null ? null : Standardization.fromJson(json, checkpoint.toString());
            Dataset test = common.data.test(std);
            Pipeline p = evaluationPipeline(task().storedPipeline(c, checkpoint.toString(), test.unitInterval()), checkpoint);
            Dataset train = common.data.open(std).train();
            DataChecks.fits(model, test, p, "test");
            if (!RestorationReport.applies(p, test)) {
                throw new IllegalArgumentException("the test data (" + test.sampleShape() + ") cannot be scored as images in [0, 1]");
            }
            Files.createDirectories(out);
            System.out.println("model    " + model.architecture().describe());
            System.out.println("pipeline degrade " + p.degradeSpec());
            RestorationReport.Report r = RestorationReport.write(new org.bottleneck.apps.Codec(model), train, test, p,
                    Checkpoint.seed(c), testImages, out);
            printReport(r);
            System.out.println("wrote    " + out + "/{restoration.md, restoration.json, restoration_images.csv, restoration.png}");
        }
        return 0;
    }

    private int applyToImage(Backend backend) throws Exception {
        Path ckpt = checkpoint != null ? checkpoint : Path.of("runs", task().id(), TrainSession.BEST);
        if (!Files.exists(ckpt)) {
            throw new IllegalArgumentException("no model at " + ckpt + "; train one with `bottleneck " + task().id()
                    + "` or pass --checkpoint");
        }
        Safetensors.Contents c = Checkpoint.read(ckpt);
        Pipeline p = evaluationPipeline(task().storedPipeline(c, ckpt.toString(), true), ckpt);
        Path out = training.out != null ? training.out : defaultImageOut();
        try (Model model = Checkpoint.load(ckpt, backend)) {
            ImageApply.Result r = ImageApply.apply(model, task(), p, image, mask(), out, null);
            System.out.printf(Locale.ROOT, "wrote    %s (%dx%d, %d channel%s, %d tiles of %s)%n", out, r.width(), r.height(),
                    r.channels(), r.channels() == 1 ? "" : "s", r.tiles(), model.inputShape());
        }
        return 0;
    }

    private Path defaultImageOut() {
        String n = image.getFileName().toString();
        int dot = n.lastIndexOf('.');
        String stem = dot > 0 ? n.substring(0, dot) : n;
        Path dir = image.toAbsolutePath().getParent();
        return (dir != null ? dir : Path.of(".")).resolve(stem + "_" + task().id() + ".png");
    }

    /** Ours against the best classical method, on every score. */
    static void printReport(RestorationReport.Report r) {
        if (r == null) {
            return;
        }
        RestorationReport.Method ours = r.method(RestorationReport.OURS);
        for (String key : ours.scores().keySet()) {
            RestorationReport.Method best = r.bestBaseline(key);
            double a = ours.get(key).mean(), b = best.get(key).mean();
            int decimals = key.equals(RestorationReport.SSIM) || key.equals(RestorationReport.CHROMA_MAE) ? 4 : 2;
            String gain = Double.isFinite(a - b) ? String.format(Locale.ROOT, "%+." + decimals + "f", a - b) : "n/a: an exact image";
            // pooled and median scores have no standard error: format() prints the number alone
            System.out.printf(Locale.ROOT, "%-12s ours %s vs %s %s (%s)%n", key, ours.get(key).format(decimals), best.name(),
                    best.get(key).format(decimals), gain);
        }
        RestorationReport.Method best = r.bestBaseline(RestorationReport.PSNR_MEDIAN);
        System.out.printf(Locale.ROOT, "%-12s ours higher PSNR than %s on %.1f%% of the images (equal on %.1f%%)%n", "per image",
                best.name(), 100 * best.get(RestorationReport.OURS_HIGHER).mean(), 100 * best.get(RestorationReport.OURS_EQUAL).mean());
    }
}
