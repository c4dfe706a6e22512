package org.bottleneck.model;

/**
 * Reconstruction loss, summed over pixels and averaged over the batch.
 * BCE: the decoder emits logits and the loss is BCE-with-logits (pixels read as Bernoulli
 * probabilities). MSE: the decoder ends in a sigmoid and the loss is ‖x − x̂‖².
 */
public enum LossKind {
    BCE, MSE;

    public static LossKind parse(String s) {
        return switch (s.toLowerCase()) {
            case "bce" -> BCE;
            case "mse" -> MSE;
            default -> throw new IllegalArgumentException("unknown loss '" + s + "' (expected bce or mse)");
        };
    }
}
