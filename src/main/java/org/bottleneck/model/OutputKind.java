package org.bottleneck.model;

/**
 * What the decoder's last layer emits and the reconstruction loss on it, summed over the
 * output's values and averaged over the batch (the PyTorch VAE example's convention):
 * <ul>
 *   <li>BCE: logits; loss = BCE-with-logits; images = sigmoid(logits).</li>
 *   <li>SIGMOID_MSE: the model applies a sigmoid; loss = ‖t − sigmoid(y)‖²; images = sigmoid(y).</li>
 *   <li>MSE: the output as it is; loss = ‖t − y‖²; images = y (unbounded).</li>
 * </ul>
 */
public enum OutputKind {
    BCE("bce"), SIGMOID_MSE("sigmoid_mse"), MSE("mse");

    private final String json;

    OutputKind(String json) {
        this.json = json;
    }

    public String json() {
        return json;
    }

    public static OutputKind parse(String s) {
        for (OutputKind k : values()) {
            if (k.json.equalsIgnoreCase(s)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown output '" + s + "' (expected bce, sigmoid_mse or mse)");
    }
}
