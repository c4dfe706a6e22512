package org.bottleneck.apps;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bottleneck.data.Dataset;
import org.bottleneck.data.transform.Pipeline;
import org.bottleneck.io.AtomicFile;
import org.bottleneck.model.Model;
import org.bottleneck.model.Checkpoint;
import org.bottleneck.train.EpochMetrics;
import org.bottleneck.train.EvalResult;
import org.bottleneck.train.Evaluator;
import org.bottleneck.train.Optimizer;
import org.bottleneck.train.Progress;
import org.bottleneck.train.TrainConfig;
import org.bottleneck.train.TrainState;
import org.bottleneck.train.TrainConfigJson;
import org.bottleneck.train.TrainingCheckpoint;
import org.bottleneck.train.Trainer;

/**
 * A training run in an output folder: trains (or resumes), and after every epoch writes
 * {@code last.safetensors} (model + optimizer + trainer state), {@code best.safetensors} when
 * validation improves, {@code metrics.csv} and {@code training_curve.png}; at the end evaluates
 * the best model on the test set ({@code metrics.json}) and draws reconstructions, samples and
 * a latent interpolation. Every file is written atomically.
 */
public final class TrainSession {
    public static final String LAST = "last.safetensors";
    public static final String BEST = "best.safetensors";
    /** Test images of the restoration report (against the classical baselines) of a degrading run. */
    public static final int REPORT_IMAGES = 1000;

    private TrainSession() {
    }

    /**
     * @param resumeFrom a {@code last.safetensors} to continue from, or null for a fresh run
     *                   (its parameters and optimizer state must already be loaded by the caller
     *                   through {@link #resume})
     */
    public static TrainState run(Model model, TrainConfig config, Optimizer optimizer, TrainState start,
                                 Dataset train, Dataset test, Path out, Progress progress) throws IOException {
        return run(model, config, optimizer, start, train, test, out, Map.of(), progress);
    }

    /**
     * As above, with {@code dataMetadata} (the data source, its standardization) stored in
     * every checkpoint, so eval and encode later read the data as training did.
     */
    public static TrainState run(Model model, TrainConfig config, Optimizer optimizer, TrainState start,
                                 Dataset train, Dataset test, Path out, Map<String, String> dataMetadata,
                                 Progress progress) throws IOException {
        Files.createDirectories(out);
        if (!Files.isWritable(out)) {
            throw new IOException("output folder " + out.toAbsolutePath() + " is not writable");
        }
        Map<String, String> meta = new LinkedHashMap<>(dataMetadata);
        meta.put(TrainConfigJson.METADATA_KEY, TrainConfigJson.write(config));
        Trainer trainer = new Trainer(model, config, optimizer, progress, (state, opt, improved) -> {
            TrainingCheckpoint.save(out.resolve(LAST), model, opt, state, meta);
            if (improved) {
                Map<String, String> best = new LinkedHashMap<>(meta); // with the train config: what the model learned
                best.put("epoch", Integer.toString(state.bestEpoch));
                Checkpoint.save(out.resolve(BEST), model, null, best);
            }
            writeCsv(out.resolve("metrics.csv"), state);
            Figures.trainingCurve(state.history, model.architecture().describe(), out.resolve("training_curve.png"));
        });
        TrainState state = trainer.fit(train, test, start);
        return state;
    }

    /**
     * What {@link #finish} measured and wrote: the test result, the restoration report of a
     * degrading run (null otherwise) and the files, by name, in the run folder.
     */
    public record Finished(EvalResult test, RestorationReport.Report restoration, List<String> wrote) {
    }

    /** Loads {@code best.safetensors} into the model, evaluates it and draws the figures. */
    public static Finished finish(Model model, TrainState state, Dataset train, Dataset test, Path out,
                                  long seed) throws IOException {
        return finish(model, state, train, test, out, Pipeline.NONE, seed, 1000, REPORT_IMAGES);
    }

    /** As above, evaluating through the run's pipeline (degraded inputs against clean targets). */
    public static Finished finish(Model model, TrainState state, Dataset train, Dataset test, Path out,
                                  Pipeline pipeline, long seed, int evalBatch, int reportImages) throws IOException {
        Path best = out.resolve(BEST);
        if (Files.exists(best)) {
            Checkpoint.loadParameters(best, Checkpoint.read(best), model);
        }
        List<String> wrote = new ArrayList<>(List.of(BEST, LAST, "metrics.csv", "metrics.json", "training_curve.png"));
        RestorationReport.Report report = null;
        // the validation batch: the best epoch's validation loss is then this test loss exactly
        EvalResult r = Evaluator.evaluate(model, test, evalBatch, pipeline, seed);
        if (Figures.drawable(test)) { // tables have no picture
            Codec codec = new Codec(model);
            wrote.add("reconstructions.png");
            if (pipeline.degrades()) {
                Figures.restorations(codec, test, pipeline, seed, 16, out.resolve("reconstructions.png"));
                if (RestorationReport.applies(pipeline, test)) {
                    report = RestorationReport.write(codec, train, test, pipeline, seed, reportImages, out);
                    wrote.addAll(List.of("restoration.md", "restoration.json", "restoration_images.csv", "restoration.png"));
                }
            } else {
                Figures.reconstructions(codec, test, 16, out.resolve("reconstructions.png"));
            }
            if (pipeline.inputShape(test.sampleShape()).equals(test.sampleShape())) { // codes of clean samples
                if (!model.architecture().latent().spatial()) { // a feature map is no density to draw from
                    Figures.samples(codec, train, 64, seed, out.resolve("samples.png"));
                    wrote.add("samples.png");
                }
                Figures.interpolation(codec, test, pairs(test.size()), 10, out.resolve("interpolation.png"));
                wrote.add("interpolation.png");
            }
        }
        writeJson(out.resolve("metrics.json"), model, state, r);
        return new Finished(r, report, wrote);
    }

    /** Up to four disjoint pairs (0,1), (2,3), … of the first samples. */
    private static int[][] pairs(int n) {
        int k = Math.max(1, Math.min(4, n / 2));
        int[][] p = new int[k][];
        for (int i = 0; i < k; i++) {
            p[i] = new int[] {(2 * i) % n, (2 * i + 1) % n};
        }
        return p;
    }

    private static void writeCsv(Path file, TrainState state) throws IOException {
        StringBuilder sb = new StringBuilder(EpochMetrics.CSV_HEADER).append('\n');
        for (EpochMetrics m : state.history) {
            sb.append(m.toCsv()).append('\n');
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(file, ch -> ch.write(java.nio.ByteBuffer.wrap(bytes)));
    }

    private static void writeJson(Path file, Model model, TrainState state, EvalResult r) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode o = json.createObjectNode();
        o.put("model", model.architecture().describe());
        o.put("backend", model.backend().describe());
        o.put("epochs_done", state.epochsDone);
        o.put("best_epoch", state.bestEpoch);
        o.put("stopped_early", state.stoppedEarly);
        ObjectNode t = o.putObject("test");
        t.put("samples", r.samples());
        t.put("loss", r.loss());
        t.put("recon", r.recon());
        t.put("kl", r.kl());
        t.put("neg_elbo", r.negElbo());
        t.put("mse_per_pixel", r.msePerPixel());
        if (!state.history.isEmpty()) {
            o.put("train_samples_per_s", state.history.get(state.history.size() - 1).samplesPerSecond());
        }
        byte[] bytes = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(o);
        AtomicFile.write(file, ch -> ch.write(java.nio.ByteBuffer.wrap(bytes)));
    }
}
