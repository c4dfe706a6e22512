package org.bottleneck.apps;

import java.util.Locale;
import org.bottleneck.data.transform.BoxMask;
import org.bottleneck.data.transform.Downsample;
import org.bottleneck.data.transform.FixedMask;
import org.bottleneck.data.transform.Pipeline;
import org.bottleneck.data.transform.Transform;
import org.bottleneck.model.Architecture;
import org.bottleneck.model.Safetensors;
import org.bottleneck.model.TaskPresets;
import org.bottleneck.tensor.Shape;
import org.bottleneck.train.TrainConfigJson;

/**
 * The four image applications. Each trains an autoencoder from a degraded image to the clean
 * one through the data pipeline, with a fully convolutional preset ({@link TaskPresets}), and
 * is judged against the classical methods of {@link RestorationReport}. The task is stored in
 * every checkpoint (metadata {@value #METADATA_KEY}), so a checkpoint is only ever applied to
 * the task it learned.
 */
public enum ImageTask {
    /** Noise (Gaussian, clipped; salt-and-pepper; masking) → the clean image. */
    DENOISE,
    /** An image area-downsampled by f → the full-size image. */
    SUPERRES,
    /** BT.601 luma → RGB; the output keeps the input's luma, the model supplies the chroma. */
    COLORIZE,
    /** An image with a hole (zeroed, marked in an extra input channel) → the image; outside the hole the input stays. */
    INPAINT;

    public static final String METADATA_KEY = "task";

    /** The command's name, e.g. "superres". */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The task's degradation at its headline setting, as a --degrade spec: Gaussian σ 0.5,
     * area downsampling by {@code factor}, luma, 12×12 holes marked in an extra channel.
     */
    public String defaultDegradation(int factor) {
        return switch (this) {
            case DENOISE -> "gaussian=0.5";
            case SUPERRES -> "down=" + factor + ":box";
            case COLORIZE -> "luma";
            case INPAINT -> "box=12:marked";
        };
    }

    /** The preset for inputs of shape {@code input} and targets of {@code target} (see {@link TaskPresets}). */
    public Architecture preset(Shape input, Shape target, boolean unitInterval) {
        return switch (this) {
            case SUPERRES -> TaskPresets.superres(id(), input, target, unitInterval);
            case COLORIZE -> TaskPresets.colorize(id(), input, target);
            case INPAINT -> TaskPresets.inpaint(id(), input, target, unitInterval);
            default -> TaskPresets.restore(id(), input, target, unitInterval);
        };
    }

    /** Enlargement from input to output: the downsampling factor for super-resolution, else 1. */
    public int factor(Pipeline p) {
        return p.degradations().get(0) instanceof Downsample d && !d.up() ? d.factor() : 1;
    }

    /** Whether the pipeline's hole is marked in an extra input channel. */
    public static boolean marked(Pipeline p) {
        Transform t = p.degradations().get(0);
        return t instanceof BoxMask b ? b.marked() : t instanceof FixedMask m && m.marked();
    }

    /**
     * The stored pipeline of a checkpoint written by this task, or an error naming what it was
     * trained for: a model only means something for the task it learned.
     */
    public Pipeline storedPipeline(Safetensors.Contents c, String source, boolean unitInterval) {
        String stored = c.metadata().get(METADATA_KEY);
        if (stored == null) {
            String degrade = TrainConfigJson.degradeSpec(c.metadata().get(TrainConfigJson.METADATA_KEY));
            throw new IllegalArgumentException("checkpoint " + source + " was not trained by an image command (no task in its "
                    + "metadata" + (degrade == null || degrade.isEmpty() ? "" : "; it learned --degrade " + degrade)
                    + "); train one with `bottleneck " + id() + "`");
        }
        if (!stored.equals(id())) {
            throw new IllegalArgumentException("checkpoint " + source + " was trained for " + stored + ", not " + id()
                    + "; use `bottleneck " + stored + "` with it, or train one with `bottleneck " + id() + "`");
        }
        String degrade = TrainConfigJson.degradeSpec(c.metadata().get(TrainConfigJson.METADATA_KEY));
        if (degrade == null || degrade.isEmpty()) {
            throw new IllegalArgumentException("checkpoint " + source + " holds no degradation; it cannot be a " + id() + " model");
        }
        return Pipeline.parse(null, degrade, unitInterval);
    }
}
