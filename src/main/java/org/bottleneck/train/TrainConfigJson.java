package org.bottleneck.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bottleneck.data.transform.Pipeline;

/**
 * The training configuration as every {@code last.safetensors} stores it (metadata key
 * {@code train_config}), and back, so a resumed run continues exactly as it was configured.
 */
public final class TrainConfigJson {
    public static final String METADATA_KEY = "train_config";

    private TrainConfigJson() {
    }

    public static String write(TrainConfig c) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("epochs", c.epochs());
        o.put("batch_size", c.batchSize());
        o.put("lr", c.lr());
        o.put("optimizer", c.optimizer());
        o.put("weight_decay", c.weightDecay());
        o.put("momentum", c.momentum());
        o.put("schedule", c.schedule().kind());
        o.put("step_epochs", c.schedule().stepEpochs());
        o.put("gamma", c.schedule().gamma());
        o.put("clip_norm", c.clipNorm());
        o.put("patience", c.patience());
        o.put("seed", c.seed());
        o.put("augment", c.pipeline().augmentSpec());
        o.put("degrade", c.pipeline().degradeSpec());
        return o.toString();
    }

    /**
     * The stored configuration.
     *
     * @param legacyDegradation the corruption a version-1 checkpoint kept in its model config
     *                          (a --degrade spec), or null
     * @param epochs            a new total number of epochs, or null to keep the stored one
     * @param lossEvery         how often to read losses back (a property of this machine, not the run)
     * @param source            the checkpoint, for messages
     */
    public static TrainConfig read(String json, String legacyDegradation, Integer epochs, int lossEvery,
                                   boolean unitInterval, String source) {
        if (json == null) {
            throw new IllegalArgumentException(source + " holds no training configuration; resume from a last.safetensors");
        }
        JsonNode o;
        try {
            o = new ObjectMapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": unreadable training configuration: " + e.getOriginalMessage());
        }
        return new TrainConfig(epochs != null ? epochs : o.get("epochs").asInt(), o.get("batch_size").asInt(),
                o.get("lr").asDouble(), o.get("optimizer").asText(), o.get("weight_decay").asDouble(),
                o.get("momentum").asDouble(),
                new Schedule(o.get("schedule").asText(), o.get("step_epochs").asInt(), o.get("gamma").asDouble()),
                o.get("clip_norm").asDouble(), o.get("patience").asInt(), o.get("seed").asLong(), lossEvery,
                pipeline(o, legacyDegradation, unitInterval));
    }

    /**
     * The pipeline of a stored run: v2 since this round keeps "augment"/"degrade" specs, earlier
     * v2 files "corruption"/"corruption_level", v1 kept the corruption in the model config.
     */
    static Pipeline pipeline(JsonNode o, String legacyDegradation, boolean unitInterval) {
        if (legacyDegradation != null) {
            return Pipeline.parse(null, legacyDegradation, unitInterval);
        }
        if (o.has("degrade") || o.has("augment")) {
            return Pipeline.parse(o.path("augment").asText(""), o.path("degrade").asText(""), unitInterval);
        }
        JsonNode kind = o.get("corruption");
        String k = kind == null ? "none" : kind.asText();
        return Pipeline.parse(null, k.equals("none") ? null : k + "=" + o.get("corruption_level").asDouble()
                + (k.equals("gaussian") ? ":unclipped" : ""), unitInterval); // that noise was never clipped
    }

    /** The stored degradation spec of a checkpoint's training configuration ("" for none), or null without one. */
    public static String degradeSpec(String json) {
        if (json == null) {
            return null;
        }
        try {
            return new ObjectMapper().readTree(json).path("degrade").asText("");
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
