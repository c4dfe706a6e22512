package org.bottleneck.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bottleneck.backend.Backend;
import org.bottleneck.model.Safetensors.Contents;
import org.bottleneck.model.Safetensors.NamedTensor;
import org.bottleneck.nn.ParamSpec;
import org.bottleneck.nn.ParameterSet;
import org.bottleneck.tensor.Tensor;
import org.bottleneck.train.EpochMetrics;
import org.bottleneck.train.Optimizer;
import org.bottleneck.train.TrainState;

/**
 * Model checkpoints as safetensors: parameters under PyTorch's names and shapes
 * ("encoder.0.weight" (512,784), …), the model config and seed in {@code __metadata__}, so
 * {@code model.load_state_dict(safetensors.torch.load_file(path))} works for the equivalent
 * PyTorch module (see README). A training checkpoint adds the optimizer state as flat tensors
 * "optimizer.&lt;name&gt;" (the size of the padded parameter buffer) and the trainer state as JSON;
 * PyTorch users skip those with {@code strict=False}. Writes are atomic (temp file + rename).
 */
public final class Checkpoint {
    public static final String FORMAT = "bottleneck-checkpoint-1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Checkpoint() {
    }

    /** Saves the model, and if optimizer is not null the optimizer and trainer state too. */
    public static void save(Path file, Autoencoder model, Optimizer optimizer, TrainState state,
                            Map<String, String> extraMetadata) {
        Backend backend = model.backend();
        ParameterSet ps = model.parameters();
        List<NamedTensor> tensors = new ArrayList<>();
        for (int i = 0; i < ps.specs().size(); i++) {
            ParamSpec spec = ps.specs().get(i);
            tensors.add(new NamedTensor(spec.name(), spec.shape().dims(), download(backend, ps.valueViews().get(i))));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("model", model.config().toJson());
        meta.put("seed", Long.toString(model.seed()));
        if (optimizer != null) {
            for (Optimizer.Named s : optimizer.state()) {
                tensors.add(new NamedTensor("optimizer." + s.name(), new int[] {s.tensor().length()},
                        download(backend, s.tensor())));
            }
            meta.put("optimizer", optimizer.describe());
            meta.put("optimizer_steps", Integer.toString(optimizer.steps()));
        }
        if (state != null) {
            meta.put("train_state", stateJson(state));
        }
        if (extraMetadata != null) {
            meta.putAll(extraMetadata);
        }
        Safetensors.write(file, tensors, meta);
    }

    private static float[] download(Backend backend, Tensor t) {
        float[] host = new float[t.length()];
        backend.download(t, host, 0);
        return host;
    }

    /** Reads a checkpoint file and checks it is one of ours. */
    public static Contents read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException("checkpoint not found: " + file.toAbsolutePath());
        }
        Contents c = Safetensors.read(file);
        String format = c.metadata().get("format");
        if (!FORMAT.equals(format) || !c.metadata().containsKey("model")) {
            throw new CheckpointException(file + " is a safetensors file but not a Bottleneck checkpoint"
                    + " (metadata format=" + format + ", expected " + FORMAT + ")");
        }
        return c;
    }

    /** The model config stored in a checkpoint. */
    public static ModelConfig config(Contents c) {
        return ModelConfig.fromJson(c.metadata().get("model"));
    }

    /** Builds the model a checkpoint describes on {@code backend} and loads its parameters. */
    public static Autoencoder load(Path file, Backend backend) {
        Contents c = read(file);
        long seed = Long.parseLong(c.metadata().getOrDefault("seed", "0"));
        Autoencoder model = new Autoencoder(backend, config(c), seed);
        try {
            loadParameters(file, c, model);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /**
     * Copies the checkpoint's parameters into {@code model}, first checking that names, shapes
     * and count match exactly; the error lists every difference.
     */
    public static void loadParameters(Path file, Contents c, Autoencoder model) {
        ParameterSet ps = model.parameters();
        List<String> problems = new ArrayList<>();
        for (ParamSpec spec : ps.specs()) {
            NamedTensor t = c.tensors().get(spec.name());
            if (t == null) {
                problems.add("missing " + spec.name() + " " + spec.shape());
            } else if (!Arrays.equals(t.shape(), spec.shape().dims())) {
                problems.add(spec.name() + " has shape " + Arrays.toString(t.shape()) + ", model expects "
                        + spec.shape());
            }
        }
        for (String name : c.tensors().keySet()) {
            if (!name.startsWith("optimizer.") && ps.indexOf(name) < 0) {
                problems.add("unexpected tensor " + name + " " + Arrays.toString(c.tensors().get(name).shape()));
            }
        }
        if (!problems.isEmpty()) {
            throw new CheckpointException("checkpoint " + file + " does not fit model " + model.config().describe()
                    + ": " + String.join("; ", problems));
        }
        for (int i = 0; i < ps.specs().size(); i++) {
            NamedTensor t = c.tensors().get(ps.specs().get(i).name());
            checkFinite(file, t);
            model.backend().upload(t.data(), 0, ps.valueViews().get(i));
        }
    }

    private static void checkFinite(Path file, NamedTensor t) {
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            if (!Float.isFinite(d[i])) {
                throw new CheckpointException("checkpoint " + file + ": tensor " + t.name() + " holds " + d[i]
                        + " at element " + i);
            }
        }
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
