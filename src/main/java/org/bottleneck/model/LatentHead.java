package org.bottleneck.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bottleneck.backend.Activation;

/**
 * The bottleneck: a Dense layer appended to the encoder that makes the code, and what is done
 * with it. {@code code}: z = act(W·h + b) of {@code size} values, with an optional L1 activity
 * penalty λ·Σ|z| per sample (a sparse autoencoder). {@code gaussian}: the Dense emits
 * 2·size values [mu | logvar] and the VAE head draws z = mu + exp(½·logvar)·eps, adding
 * β·KL(q(z|x) ‖ N(0, I)) to the loss (a β-VAE; β = 1 is the VAE). {@code spatial}: no Dense;
 * the encoder's output itself, e.g. (64, H/4, W/4), is the code and the decoder's input — a
 * fully convolutional autoencoder whose bottleneck is its downsampled feature map (the image
 * applications' presets), with the optional L1 penalty. Its size is the encoder's output size,
 * known once the shapes are inferred ({@link Architecture#latentShape()}); {@code size} is 0.
 *
 * @param gaussian   VAE head (true) or plain code (false)
 * @param size       Z, the code size (0 for a spatial code)
 * @param activation the code's activation (plain code only; identity for a VAE)
 * @param beta       KL weight (VAE only)
 * @param l1         L1 weight on the code z (0 = off)
 */
public record LatentHead(boolean gaussian, int size, Activation activation, double beta, double l1) {
    public LatentHead {
        if (size < 0 || (size == 0 && (gaussian || activation != Activation.IDENTITY))) {
            throw new IllegalArgumentException("latent size must be positive, got " + size
                    + (size == 0 ? " (only a spatial code, type \"spatial\", has no size)" : ""));
        }
        if (!(beta >= 0) || !(l1 >= 0) || Double.isInfinite(beta) || Double.isInfinite(l1)) {
            throw new IllegalArgumentException("latent head needs finite beta ≥ 0 and l1 ≥ 0, got beta=" + beta + " l1=" + l1);
        }
        if (gaussian && activation != Activation.IDENTITY) {
            throw new IllegalArgumentException("a gaussian latent head takes no activation (got " + activation + ")");
        }
        if (!gaussian && beta != 1.0) {
            throw new IllegalArgumentException("beta " + beta + " only applies to a gaussian (VAE) latent head");
        }
    }

    public static LatentHead code(int size, Activation activation, double l1) {
        return new LatentHead(false, size, activation, 1.0, l1);
    }

    /** The encoder's output is the code (no Dense), with an L1 weight λ on it (0 = off). */
    public static LatentHead spatial(double l1) {
        return new LatentHead(false, 0, Activation.IDENTITY, 1.0, l1);
    }

    /** Whether the code is the encoder's output itself (no Dense). */
    public boolean spatial() {
        return size == 0;
    }

    /** The same kind of head with another size (a spatial head has none and stays as it is). */
    public LatentHead withSize(int z) {
        if (z <= 0) {
            throw new IllegalArgumentException("latent size must be positive, got " + z);
        }
        return spatial() ? this : new LatentHead(gaussian, z, activation, beta, l1);
    }

    /** The same head with another β (gaussian heads) and L1 weight. */
    public LatentHead with(double newBeta, double newL1) {
        return new LatentHead(gaussian, size, activation, newBeta, newL1);
    }

    public static LatentHead gaussian(int size, double beta) {
        return new LatentHead(true, size, Activation.IDENTITY, beta, 0);
    }

    /** Width of the Dense layer that feeds the head: Z, or 2Z for [mu | logvar]. */
    public int denseWidth() {
        return gaussian ? 2 * size : size;
    }

    public LayerSpec.Dense dense() {
        return new LayerSpec.Dense(denseWidth(), activation);
    }

    void write(ObjectNode o) {
        if (spatial()) {
            o.put("type", "spatial");
            o.put("l1", l1);
            return;
        }
        o.put("type", gaussian ? "gaussian" : "code");
        o.put("size", size);
        if (gaussian) {
            o.put("beta", beta);
        } else {
            o.put("activation", LayerSpec.Fields.name(activation));
        }
        o.put("l1", l1);
    }

    static LatentHead parse(JsonNode node) {
        LayerSpec.Fields f = new LayerSpec.Fields(node, "latent");
        String type = f.text("type");
        return switch (type) {
            case "code" -> code(f.positive("size"), f.activation(), f.number("l1", 0));
            case "spatial" -> {
                if (node.has("size") || node.has("activation")) {
                    throw new IllegalArgumentException("latent: a spatial code is the encoder's output; it takes no size or "
                            + "activation, got " + node);
                }
                yield spatial(f.number("l1", 0));
            }
            case "gaussian" -> {
                if (node.has("activation")) {
                    throw new IllegalArgumentException("latent: a gaussian head takes no activation, got " + node);
                }
                yield new LatentHead(true, f.positive("size"), Activation.IDENTITY, f.number("beta", 1.0),
                        f.number("l1", 0));
            }
            default -> throw new IllegalArgumentException("latent: unknown type '" + type + "' (expected code, gaussian or spatial)");
        };
    }
}
