package org.bottleneck.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;

/**
 * Per-feature standardization {@code x' = (x − mean_j) / std_j}, fitted on the training split
 * only and stored in the checkpoint (metadata key {@value #METADATA_KEY}), so that eval,
 * encode and scoring later apply exactly the transform the model was trained on. A feature
 * that is constant on the training split gets std 1 (it is only centred).
 *
 * @param mean (F) per-feature mean of the training split
 * @param std  (F) per-feature population standard deviation, constant features 1
 */
public record Standardization(double[] mean, double[] std) {
    public static final String METADATA_KEY = "standardization";
    private static final ObjectMapper JSON = new ObjectMapper();

    public Standardization {
        if (mean.length != std.length) {
            throw new IllegalArgumentException(mean.length + " means but " + std.length + " standard deviations");
        }
        for (int j = 0; j < std.length; j++) {
            if (!Double.isFinite(mean[j]) || !(std[j] > 0) || !Double.isFinite(std[j])) {
                throw new IllegalArgumentException("feature " + j + ": mean " + mean[j] + ", std " + std[j]
                        + " (need a finite mean and a positive finite std)");
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    public int features() {
        return mean.length;
    }

    /** Fits mean and std of each of the F columns of rows {@code rows} of {@code x} (N, F) in float64. */
    public static Standardization fit(float[] x, int features, int[] rows) {
        if (rows.length == 0) {
            throw new IllegalArgumentException("cannot fit a standardization on zero training rows");
        }
        double[] mean = new double[features], m2 = new double[features];
        int n = 0;
        for (int r : rows) { // Welford: stable for features with a large offset
            n++;
            int base = r * features;
            for (int j = 0; j < features; j++) {
                double d = x[base + j] - mean[j];
                mean[j] += d / n;
                m2[j] += d * (x[base + j] - mean[j]);
            }
        }
        double[] std = new double[features];
        for (int j = 0; j < features; j++) {
            double s = Math.sqrt(m2[j] / n);
            std[j] = s > 1e-12 * Math.max(1, Math.abs(mean[j])) ? s : 1;
        }
        return new Standardization(mean, std);
    }

    /** Standardizes x (N, F) in place; throws when F differs from the fitted features. */
    public void applyInPlace(float[] x, int features, String what) {
        if (features != mean.length) {
            throw new DataException(what + " has " + features + " features, the standardization was fitted on "
                    + mean.length);
        }
        for (int i = 0; i < x.length; i++) {
            int j = i % features;
            x[i] = (float) ((x[i] - mean[j]) / std[j]);
        }
    }

    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        ArrayNode m = o.putArray("mean"), s = o.putArray("std");
        for (int j = 0; j < mean.length; j++) {
            m.add(mean[j]);
            s.add(std[j]);
        }
        return o.toString();
    }

    /** Parses {@link #toJson}; {@code source} names the checkpoint in errors. */
    public static Standardization fromJson(String json, String source) {
        try {
            JsonNode o = JSON.readTree(json);
            JsonNode m = o.get("mean"), s = o.get("std");
            if (m == null || s == null || !m.isArray() || !s.isArray()) {
                throw new DataFormatException(source + ": standardization needs arrays 'mean' and 'std'");
            }
            double[] mean = new double[m.size()], std = new double[s.size()];
            for (int j = 0; j < mean.length; j++) {
                mean[j] = m.get(j).asDouble(Double.NaN);
            }
            for (int j = 0; j < std.length; j++) {
                std[j] = s.get(j).asDouble(Double.NaN);
            }
            return new Standardization(mean, std);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            throw new DataFormatException(source + ": unreadable standardization: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Standardization s && Arrays.equals(mean, s.mean) && Arrays.equals(std, s.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Standardization[" + mean.length + " features]";
    }
}
