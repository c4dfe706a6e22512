package org.bottleneck.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bottleneck.model.Checkpoint;
import org.bottleneck.model.CheckpointException;
import org.bottleneck.model.Model;
import org.bottleneck.model.Safetensors.Contents;
import org.bottleneck.model.Safetensors.NamedTensor;

/**
 * A model checkpoint plus what resuming needs: the optimizer state as flat tensors
 * "optimizer.&lt;name&gt;" (the size of the padded parameter buffer; PyTorch users skip them with
 * {@code strict=False}), the optimizer's step count and the trainer state as JSON metadata.
 * Lives in train/ so that model/ never depends on training.
 */
public final class TrainingCheckpoint {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrainingCheckpoint() {
    }

    /** Saves model + optimizer + trainer state (+ extra metadata) atomically. */
    public static void save(Path file, Model model, Optimizer optimizer, TrainState state,
                            Map<String, String> extraMetadata) {
        List<NamedTensor> tensors = new ArrayList<>();
        Map<String, String> meta = new LinkedHashMap<>();
        for (Optimizer.Named s : optimizer.state()) {
            tensors.add(new NamedTensor("optimizer." + s.name(), new int[] {s.tensor().length()},
                    Checkpoint.download(optimizer.backend(), s.tensor())));
        }
        meta.put("optimizer", optimizer.describe());
        meta.put("optimizer_steps", Integer.toString(optimizer.steps()));
        meta.put("train_state", stateJson(state));
        if (extraMetadata != null) {
            meta.putAll(extraMetadata);
        }
        Checkpoint.save(file, model, tensors, meta);
    }

    /** Restores optimizer state; fails clearly if the checkpoint holds none or a different kind. */
    public static void loadOptimizer(Path file, Contents c, Optimizer optimizer) {
        for (Optimizer.Named s : optimizer.state()) {
            NamedTensor t = c.tensors().get("optimizer." + s.name());
            if (t == null) {
                throw new CheckpointException("checkpoint " + file + " has no optimizer." + s.name() + " for "
                        + optimizer.describe() + " (it was saved with " + c.metadata().getOrDefault("optimizer", "none")
                        + "); cannot resume exactly");
            }
            if (t.data().length != s.tensor().length()) {
                throw new CheckpointException("checkpoint " + file + ": optimizer." + s.name() + " holds "
                        + t.data().length + " values, the model's parameter buffer needs " + s.tensor().length());
            }
            optimizer.backend().upload(t.data(), 0, s.tensor());
        }
        optimizer.setSteps(Integer.parseInt(c.metadata().getOrDefault("optimizer_steps", "0")));
    }

    /** The trainer state stored in a training checkpoint. */
    public static TrainState trainState(Path file, Contents c) {
        String json = c.metadata().get("train_state");
        if (json == null) {
            throw new CheckpointException("checkpoint " + file + " holds no trainer state (a best-model file?);"
                    + " resume from last.safetensors");
        }
        try {
            JsonNode o = JSON.readTree(json);
            TrainState s = new TrainState();
            s.epochsDone = o.get("epochs_done").asInt();
            s.step = o.get("step").asLong();
            s.bestValLoss = o.get("best_val_loss").asDouble();
            s.bestEpoch = o.get("best_epoch").asInt();
            s.epochsSinceBest = o.get("epochs_since_best").asInt();
            for (JsonNode row : o.get("history")) {
                s.history.add(EpochMetrics.fromCsv(row.asText()));
            }
            return s;
        } catch (java.io.IOException | NullPointerException e) {
            throw new CheckpointException("checkpoint " + file + ": unreadable train_state metadata: " + e);
        }
    }

    private static String stateJson(TrainState s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("epochs_done", s.epochsDone);
        o.put("step", s.step);
        o.put("best_val_loss", s.bestValLoss);
        o.put("best_epoch", s.bestEpoch);
        o.put("epochs_since_best", s.epochsSinceBest);
        var rows = o.putArray("history");
        for (EpochMetrics m : s.history) {
            rows.add(m.toCsv());
        }
        return o.toString();
    }
}
