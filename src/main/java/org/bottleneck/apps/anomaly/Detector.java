package org.bottleneck.apps.anomaly;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.bottleneck.apps.LatentGaussian;
import org.bottleneck.model.Safetensors.Contents;
import org.bottleneck.model.Safetensors.NamedTensor;

/**
 * What turns a trained model into an anomaly detector, stored in its checkpoint: the score to
 * flag by, a threshold per score chosen on held-out normal data so that a fraction
 * {@code fpr} of it is flagged, the Gaussian of the normal codes (for the Mahalanobis score)
 * and L (for the reconstruction probability). Metadata key {@value #METADATA_KEY} holds the
 * JSON; the Gaussian is two tensors, {@code anomaly.code_mean} (Z) and
 * {@code anomaly.code_cholesky} (Z, Z), which loading the model skips.
 *
 * @param normal     the labels that were normal in training (for the record)
 * @param primary    the score {@code score} flags by unless told otherwise
 * @param fpr        the target false-positive rate on held-out normal data
 * @param heldOut    how many held-out normal samples chose the thresholds
 * @param thresholds per score: flag when score &gt; threshold
 * @param gaussian   the normal codes' Gaussian, or null
 * @param draws      L for {@link AnomalyScore#RECON_PROB}
 */
public record Detector(List<String> normal, AnomalyScore primary, double fpr, int heldOut,
                       Map<AnomalyScore, Double> thresholds, LatentGaussian gaussian, int draws) {
    public static final String METADATA_KEY = "anomaly";
    static final String MEAN = "anomaly.code_mean", CHOLESKY = "anomaly.code_cholesky";

    public Detector {
        if (!thresholds.containsKey(primary)) {
            throw new IllegalArgumentException("no threshold for the primary score '" + primary.id() + "'");
        }
    }

    /**
     * The threshold that flags (score &gt; t) at most a fraction {@code fpr} of {@code normalScores}:
     * the ⌈(1 − fpr)·n⌉-th smallest score, so that with n = 1000 and fpr = 0.05 the 50 highest
     * lie above it (ties at the threshold are not flagged).
     */
    public static double threshold(double[] normalScores, double fpr) {
        if (!(fpr > 0 && fpr < 1)) {
            throw new IllegalArgumentException("the target false-positive rate must lie in (0, 1), got " + fpr);
        }
        if (normalScores.length == 0) {
            throw new IllegalArgumentException("no held-out normal samples to choose a threshold on");
        }
        double[] s = normalScores.clone();
        Arrays.sort(s);
        int k = (int) Math.ceil((1 - fpr) * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, k))];
    }

    public double threshold(AnomalyScore s) {
        Double t = thresholds.get(s);
        if (t == null) {
            throw new IllegalArgumentException("the detector has no threshold for score '" + s.id() + "' (it has "
                    + thresholds.keySet().stream().map(AnomalyScore::id).toList() + ")");
        }
        return t;
    }

    public String toJson() {
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = m.createObjectNode();
        normal.forEach(o.putArray("normal")::add);
        o.put("primary", primary.id());
        o.put("fpr", fpr);
        o.put("held_out", heldOut);
        ObjectNode t = o.putObject("thresholds");
        thresholds.forEach((k, v) -> t.put(k.id(), v));
        o.put("draws", draws);
        return o.toString();
    }

    /** The Gaussian's tensors for the checkpoint (none without one). */
    public List<NamedTensor> tensors() {
        if (gaussian == null) {
            return List.of();
        }
        int z = gaussian.dim();
        return List.of(new NamedTensor(MEAN, new int[] {z}, gaussian.mean()),
                new NamedTensor(CHOLESKY, new int[] {z, z}, gaussian.cholesky()));
    }

    /** The detector stored in a checkpoint, or null when it holds none. */
    public static Detector read(Contents c, String source) {
        String json = c.metadata().get(METADATA_KEY);
        if (json == null) {
            return null;
        }
        try {
            JsonNode o = new ObjectMapper().readTree(json);
            List<String> normal = new ArrayList<>();
            o.get("normal").forEach(n -> normal.add(n.asText()));
            Map<AnomalyScore, Double> th = new EnumMap<>(AnomalyScore.class);
            o.get("thresholds").fields().forEachRemaining(e -> th.put(AnomalyScore.parse(e.getKey()), e.getValue().asDouble()));
            LatentGaussian g = null;
            NamedTensor mean = c.tensors().get(MEAN), chol = c.tensors().get(CHOLESKY);
            if (mean != null && chol != null) {
                int z = mean.shape()[0];
                if (chol.data().length != z * z) {
                    throw new IllegalArgumentException(CHOLESKY + " has " + chol.data().length + " values for a code of " + z);
                }
                g = new LatentGaussian(mean.data(), chol.data(), z);
            }
            return new Detector(normal, AnomalyScore.parse(o.get("primary").asText()), o.get("fpr").asDouble(),
                    o.get("held_out").asInt(), th, g, o.get("draws").asInt());
        } catch (JsonProcessingException | NullPointerException e) {
            throw new IllegalArgumentException(source + ": unreadable anomaly detector metadata ("
                    + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : "a field is missing") + ")");
        }
    }
}
