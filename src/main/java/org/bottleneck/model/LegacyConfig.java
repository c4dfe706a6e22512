package org.bottleneck.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.bottleneck.backend.Activation;

/**
 * Reads the model config of a version-1 checkpoint ({@code bottleneck-checkpoint-1}: a mirrored
 * dense (V)AE described by 13 fields) as the {@link Architecture} that computes the same thing
 * with the same parameter names, so every v1 file still loads and evaluates to the same
 * numbers. v1 kept the denoising corruption in the model; it is returned separately, for a
 * resumed run's batch pipeline.
 */
final class LegacyConfig {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LegacyConfig() {
    }

    /** @param degradation the v1 corruption as a --degrade spec ("gaussian=0.3"), or "" for none */
    record Converted(Architecture architecture, String degradation) {
    }

    static Converted fromJson(String json) {
        JsonNode o;
        try {
            o = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("version-1 model config is not valid JSON: " + Architecture.jsonProblem(e));
        }
        LayerSpec.Fields f = new LayerSpec.Fields(o, "version-1 model config");
        int z = f.positive("latent_dim");
        boolean variational = f.get("variational").asBoolean();
        Activation act = Activation.parse(f.text("activation"));
        Activation codeAct = Activation.parse(f.text("code_activation"));
        double l1 = f.number("l1", 0), beta = f.number("beta", 1.0);
        // v1's MSE models ended in a fused sigmoid: the same as SIGMOID_MSE on a linear last layer.
        OutputKind output = switch (f.text("loss")) {
            case "bce" -> OutputKind.BCE;
            case "mse" -> OutputKind.SIGMOID_MSE;
            default -> throw new IllegalArgumentException("version-1 model config: unknown loss '" + f.text("loss") + "'");
        };
        LatentHead head = variational ? new LatentHead(true, z, Activation.IDENTITY, beta, l1)
                : LatentHead.code(z, codeAct, l1);
        Architecture a = Presets.dense(f.text("name"), f.positive("input_dim"), JSON.convertValue(f.get("hidden"), int[].class),
                act, head, output, f.number("dropout", 0));
        String kind = f.text("corruption");
        String degradation = switch (kind) {
            case "none" -> "";
            case "gaussian" -> "gaussian=" + f.number("corruption_level", 0) + ":unclipped"; // v1 never clipped
            case "masking" -> "masking=" + f.number("corruption_level", 0);
            default -> throw new IllegalArgumentException("version-1 model config: unknown corruption '" + kind + "'");
        };
        return new Converted(a, degradation);
    }
}
