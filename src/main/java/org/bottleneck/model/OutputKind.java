package org.bottleneck.model;

/**
 * What the decoder's last layer emits and the reconstruction loss on it, summed over the
 * output's values and averaged over the batch (the PyTorch VAE example's convention):
 * <ul>
 *   <li>BCE: logits; loss = BCE-with-logits; images = sigmoid(logits).</li>
 *   <li>SIGMOID_MSE: the model applies a sigmoid; loss = ‖t − sigmoid(y)‖²; images = sigmoid(y).</li>
 *   <li>MSE: the output as it is; loss = ‖t − y‖²; images = y (unbounded).</li>
 *   <li>RESIDUAL_MSE: a residual connection from the input: images = y + up(x), x upsampled
 *       by nearest neighbour to the output's size (f = 1: x itself; the channels must match,
 *       or x has one channel and is added to each: colorization learns the chroma offsets);
 *       loss = ‖t − (y + up(x))‖². The decoder learns the correction of the input, as in
 *       VDSR (Kim et al. 2016), instead of relearning the identity. Decoding a code alone
 *       (no input) gives y.</li>
 *   <li>RESIDUAL_BICUBIC_MSE: as RESIDUAL_MSE with x upsampled by bicubic (PIL's, the
 *       super-resolution baseline; {@code Backend#upsampleBicubicForward}) instead of nearest
 *       neighbour: the decoder starts from the baseline and learns only what it misses, and
 *       where bicubic is already exact (a flat patch) a zero correction keeps it so.</li>
 * </ul>
 */
public enum OutputKind {
    BCE("bce"), SIGMOID_MSE("sigmoid_mse"), MSE("mse"), RESIDUAL_MSE("residual_mse"),
    RESIDUAL_BICUBIC_MSE("residual_bicubic_mse");

    private final String json;

    OutputKind(String json) {
        this.json = json;
    }

    public String json() {
        return json;
    }

    /** Whether the output adds the (upsampled) input to the decoder's: the two residual kinds. */
    public boolean residual() {
        return this == RESIDUAL_MSE || this == RESIDUAL_BICUBIC_MSE;
    }

    public static OutputKind parse(String s) {
        for (OutputKind k : values()) {
            if (k.json.equalsIgnoreCase(s)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown output '" + s + "' (expected bce, sigmoid_mse, mse, residual_mse or residual_bicubic_mse)");
    }
}
