package org.bottleneck.train;

import org.bottleneck.data.Dataset;
import org.bottleneck.data.transform.Pipeline;
import org.bottleneck.model.Model;
import org.bottleneck.tensor.Shape;

/** Whether a dataset, through a pipeline, can feed a model: the one place that says so, with the shapes in the message. */
public final class DataChecks {
    private DataChecks() {
    }

    /** {@link #fits(Model, Dataset, Pipeline, String)} without transforms: targets are the inputs. */
    public static void fits(Model model, Dataset data, String role) {
        fits(model, data, Pipeline.NONE, role);
    }

    /**
     * The pipeline's inputs must have the model's input shape and its targets the model's
     * output shape (a vector model also takes images of the same size, read row-major).
     */
    public static void fits(Model model, Dataset data, Pipeline pipeline, String role) {
        Shape sample = data.sampleShape();
        Shape in = pipeline.inputShape(sample), target = pipeline.targetShape(sample);
        String through = pipeline.isEmpty() ? "" : " (after " + pipeline.describe() + ")";
        if (!sameValues(model.inputShape(), in)) {
            String hint = model.inputShape().rank() > 1 && in.rank() == 1 ? " (the model takes images; this data holds vectors)" : "";
            throw new IllegalArgumentException("model '" + model.architecture().name() + "' takes samples of shape "
                    + model.inputShape() + ", the " + role + " data '" + data.name() + "' gives " + in + through + hint);
        }
        if (!sameValues(model.outputShape(), target)) {
            throw new IllegalArgumentException("model '" + model.architecture().name() + "' outputs " + model.outputShape()
                    + " but the " + role + " targets of '" + data.name() + "' have shape " + target + through
                    + (pipeline.degrades() ? "" : "; a target other than the input needs --degrade"));
        }
    }

    /** Equal shapes, or a vector and any shape of the same size (dense models read images row-major). */
    private static boolean sameValues(Shape model, Shape data) {
        return model.rank() == 1 ? model.size() == data.size() : model.equals(data);
    }
}
