package org.bottleneck.train;

import org.bottleneck.data.Dataset;
import org.bottleneck.model.Model;
import org.bottleneck.tensor.Shape;

/** Whether a dataset can feed a model: the one place that says so, with both shapes in the message. */
public final class DataChecks {
    private DataChecks() {
    }

    /**
     * The data's samples must have the model's input shape (a vector model also takes images
     * of the same size, read row-major), and, while targets are the inputs themselves, the
     * model's output shape must equal its input shape.
     */
    public static void fits(Model model, Dataset data, String role) {
        Shape in = model.inputShape(), sample = data.sampleShape();
        boolean vectorModel = in.rank() == 1;
        if (vectorModel ? in.size() != sample.size() : !in.equals(sample)) {
            String hint = !vectorModel && sample.rank() == 1
                    ? " (the model takes images; this data holds vectors)" : "";
            throw new IllegalArgumentException("model '" + model.architecture().name() + "' takes samples of shape " + in
                    + ", the " + role + " data '" + data.name() + "' has " + sample + hint);
        }
        if (model.outputShape().size() != in.size() || (!vectorModel && !model.outputShape().equals(in))) {
            throw new IllegalArgumentException("model '" + model.architecture().name() + "' outputs " + model.outputShape()
                    + " but is trained to reconstruct its input " + in + "; a different target needs a paired dataset");
        }
    }
}
