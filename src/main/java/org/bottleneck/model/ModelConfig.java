package org.bottleneck.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import org.bottleneck.backend.Activation;

/**
 * Architecture of a dense (variational) autoencoder. The decoder mirrors the encoder:
 * encoder D → hidden[0] → … → hidden[n−1] → Z (or 2Z = [mu | logvar] for a VAE), decoder
 * Z → hidden[n−1] → … → hidden[0] → D.
 *
 * @param name           preset name or "custom"
 * @param inputDim       D, pixels per image
 * @param hidden         encoder hidden widths, outermost first
 * @param latentDim      Z
 * @param variational    VAE (GaussianLatent head, KL term) or plain autoencoder
 * @param activation     hidden activation
 * @param codeActivation activation on the code of a plain autoencoder (ignored for a VAE)
 * @param loss           reconstruction loss (also fixes the output: logits for BCE, sigmoid for MSE)
 * @param beta           KL weight of a β-VAE (1 = the plain VAE)
 * @param corruption     denoising input corruption (training only)
 * @param corruptionLevel noise std (GAUSSIAN) or drop probability (MASKING)
 * @param l1             sparse autoencoder: λ of the L1 penalty λ·Σ|code| per sample (0 = off)
 * @param dropout        dropout probability after each hidden activation (0 = off)
 */
public record ModelConfig(String name, int inputDim, int[] hidden, int latentDim, boolean variational,
                          Activation activation, Activation codeActivation, LossKind loss, double beta,
                          Corruption corruption, double corruptionLevel, double l1, double dropout) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ModelConfig {
        hidden = hidden.clone();
        if (inputDim <= 0 || latentDim <= 0) {
            throw new IllegalArgumentException("model '" + name + "': input and latent dims must be positive, got D="
                    + inputDim + " Z=" + latentDim);
        }
        for (int h : hidden) {
            if (h <= 0) {
                throw new IllegalArgumentException("model '" + name + "': hidden widths must be positive, got "
                        + Arrays.toString(hidden));
            }
        }
        if (!(beta >= 0) || !(l1 >= 0) || !(corruptionLevel >= 0) || !(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("model '" + name + "': need beta ≥ 0, l1 ≥ 0, corruption level ≥ 0,"
                    + " 0 ≤ dropout < 1; got beta=" + beta + " l1=" + l1 + " corruption=" + corruptionLevel
                    + " dropout=" + dropout);
        }
    }

    /**
     * {@code vae}: 784-512-256 (ReLU) → 2×20, decoder 20-256-512-784 logits, BCE + KL.
     * {@code ae}: 784-512-256-32 (ReLU, linear code), mirrored decoder, BCE.
     * {@code lecture}: 784-100-10, decoder 10-100-784, sigmoid everywhere, MSE
     * (W¹ 100×784, W² 10×100, U¹ 100×10, U² 784×100).
     */
    public static ModelConfig preset(String name) {
        return switch (name) {
            case "vae" -> new ModelConfig("vae", 784, new int[] {512, 256}, 20, true, Activation.RELU,
                    Activation.IDENTITY, LossKind.BCE, 1.0, Corruption.NONE, 0, 0, 0);
            case "ae" -> new ModelConfig("ae", 784, new int[] {512, 256}, 32, false, Activation.RELU,
                    Activation.IDENTITY, LossKind.BCE, 1.0, Corruption.NONE, 0, 0, 0);
            case "lecture" -> new ModelConfig("lecture", 784, new int[] {100}, 10, false, Activation.SIGMOID,
                    Activation.SIGMOID, LossKind.MSE, 1.0, Corruption.NONE, 0, 0, 0);
            default -> throw new IllegalArgumentException("unknown model '" + name + "' (expected vae, ae or lecture)");
        };
    }

    public ModelConfig withBeta(double b) {
        return new ModelConfig(name, inputDim, hidden, latentDim, variational, activation, codeActivation, loss, b,
                corruption, corruptionLevel, l1, dropout);
    }

    public ModelConfig withCorruption(Corruption c, double level) {
        return new ModelConfig(name, inputDim, hidden, latentDim, variational, activation, codeActivation, loss, beta,
                c, level, l1, dropout);
    }

    public ModelConfig withL1(double lambda) {
        return new ModelConfig(name, inputDim, hidden, latentDim, variational, activation, codeActivation, loss, beta,
                corruption, corruptionLevel, lambda, dropout);
    }

    public ModelConfig withDropout(double p) {
        return new ModelConfig(name, inputDim, hidden, latentDim, variational, activation, codeActivation, loss, beta,
                corruption, corruptionLevel, l1, p);
    }

    public ModelConfig withShape(int[] newHidden, int newLatent) {
        return new ModelConfig("custom", inputDim, newHidden, newLatent, variational, activation, codeActivation, loss,
                beta, corruption, corruptionLevel, l1, dropout);
    }

    @Override
    public int[] hidden() {
        return hidden.clone();
    }

    /** A short human description: "vae 784-512-256-(2×20) | 20-256-512-784 bce β=1". */
    public String describe() {
        StringBuilder sb = new StringBuilder(name).append(' ').append(inputDim);
        for (int h : hidden) {
            sb.append('-').append(h);
        }
        sb.append(variational ? "-(2×" + latentDim + ")" : "-" + latentDim).append(" | ").append(latentDim);
        for (int i = hidden.length - 1; i >= 0; i--) {
            sb.append('-').append(hidden[i]);
        }
        sb.append('-').append(inputDim).append(' ').append(loss.name().toLowerCase());
        if (variational) {
            sb.append(" β=").append(beta);
        }
        if (corruption != Corruption.NONE) {
            sb.append(" denoising ").append(corruption.name().toLowerCase()).append('=').append(corruptionLevel);
        }
        if (l1 > 0) {
            sb.append(" l1=").append(l1);
        }
        if (dropout > 0) {
            sb.append(" dropout=").append(dropout);
        }
        return sb.toString();
    }

    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", name);
        o.put("input_dim", inputDim);
        o.putPOJO("hidden", hidden);
        o.put("latent_dim", latentDim);
        o.put("variational", variational);
        o.put("activation", activation.name().toLowerCase());
        o.put("code_activation", codeActivation.name().toLowerCase());
        o.put("loss", loss.name().toLowerCase());
        o.put("beta", beta);
        o.put("corruption", corruption.name().toLowerCase());
        o.put("corruption_level", corruptionLevel);
        o.put("l1", l1);
        o.put("dropout", dropout);
        return o.toString();
    }

    public static ModelConfig fromJson(String json) {
        try {
            JsonNode o = JSON.readTree(json);
            int[] hidden = JSON.convertValue(require(o, "hidden"), int[].class);
            return new ModelConfig(require(o, "name").asText(), require(o, "input_dim").asInt(), hidden,
                    require(o, "latent_dim").asInt(), require(o, "variational").asBoolean(),
                    Activation.parse(require(o, "activation").asText()),
                    Activation.parse(require(o, "code_activation").asText()),
                    LossKind.parse(require(o, "loss").asText()), require(o, "beta").asDouble(),
                    Corruption.parse(require(o, "corruption").asText()), require(o, "corruption_level").asDouble(),
                    require(o, "l1").asDouble(), require(o, "dropout").asDouble());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("model config is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static JsonNode require(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("model config lacks field '" + field + "': " + o);
        }
        return v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelConfig c && toJson().equals(c.toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    @Override
    public String toString() {
        return describe();
    }
}
