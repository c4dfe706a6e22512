package org.bottleneck.model;

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

/**
 * Model checkpoints as safetensors: parameters under the names and shapes of the equivalent
 * PyTorch module ({@code encoder.0.weight} (32,1,3,3) for a Conv2d, (Cin,Cout,k,k) for a
 * ConvTranspose2d, (out,in) for a Linear), the architecture JSON and the seed in
 * {@code __metadata__} (format {@value #FORMAT}), so {@code model.load_state_dict(load_file(path))}
 * works in PyTorch. Version-1 files ({@value #FORMAT_V1}, dense models only) still load: their
 * config is read as the equivalent architecture. Callers may add tensors and metadata (the
 * training checkpoint adds the optimizer state). Writes are atomic (temp file + rename).
 */
public final class Checkpoint {
    public static final String FORMAT = "bottleneck-checkpoint-2";
    public static final String FORMAT_V1 = "bottleneck-checkpoint-1";

    private Checkpoint() {
    }

    /** Saves the model's parameters and architecture, plus {@code extraTensors} and {@code extraMetadata}. */
    public static void save(Path file, Model model, List<NamedTensor> extraTensors, Map<String, String> extraMetadata) {
        Backend backend = model.backend();
        ParameterSet ps = model.parameters();
        List<NamedTensor> tensors = new ArrayList<>();
        for (int i = 0; i < ps.specs().size(); i++) {
            ParamSpec spec = ps.specs().get(i);
            tensors.add(new NamedTensor(spec.name(), spec.shape().dims(), download(backend, ps.valueViews().get(i))));
        }
        if (extraTensors != null) {
            tensors.addAll(extraTensors);
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("architecture", model.architecture().toJson());
        meta.put("seed", Long.toString(model.seed()));
        if (extraMetadata != null) {
            meta.putAll(extraMetadata);
        }
        Safetensors.write(file, tensors, meta);
    }

    public static float[] download(Backend backend, Tensor t) {
        float[] host = new float[t.length()];
        backend.download(t, host, 0);
        return host;
    }

    /** Reads a checkpoint file and checks it is one of ours, of a format we know. */
    public static Contents read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException("checkpoint not found: " + file.toAbsolutePath());
        }
        Contents c = Safetensors.read(file);
        String format = c.metadata().get("format");
        boolean v2 = FORMAT.equals(format) && c.metadata().containsKey("architecture");
        boolean v1 = FORMAT_V1.equals(format) && c.metadata().containsKey("model");
        if (!v1 && !v2) {
            throw new CheckpointException(file + " is a safetensors file but not a Bottleneck checkpoint we can read"
                    + " (metadata format=" + format + ", expected " + FORMAT + " or " + FORMAT_V1 + ")");
        }
        return c;
    }

    /** The architecture a checkpoint describes (a v1 config read as its equivalent). */
    public static Architecture architecture(Path file, Contents c) {
        try {
            if (FORMAT_V1.equals(c.metadata().get("format"))) {
                return LegacyConfig.fromJson(c.metadata().get("model")).architecture();
            }
            return Architecture.fromJson(c.metadata().get("architecture"));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("checkpoint " + file + ": " + e.getMessage());
        }
    }

    /**
     * The denoising corruption a v1 checkpoint kept in its model config, as a --degrade spec
     * ("" for none), or null for v2, which keeps it in the training config.
     */
    public static String legacyDegradation(Contents c) {
        return FORMAT_V1.equals(c.metadata().get("format"))
                ? LegacyConfig.fromJson(c.metadata().get("model")).degradation() : null;
    }

    public static long seed(Contents c) {
        return Long.parseLong(c.metadata().getOrDefault("seed", "0"));
    }

    /**
     * Tensors stored beside the parameters that are not the model's: the optimizer state of a
     * training checkpoint ("optimizer.…") and an anomaly detector's code Gaussian ("anomaly.…").
     */
    public static boolean isAuxiliary(String tensorName) {
        return tensorName.startsWith("optimizer.") || tensorName.startsWith("anomaly.");
    }

    /** Builds the model a checkpoint describes on {@code backend} and loads its parameters. */
    public static Model load(Path file, Backend backend) {
        Contents c = read(file);
        Model model = new Model(backend, architecture(file, c), seed(c));
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
    public static void loadParameters(Path file, Contents c, Model model) {
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
            if (!isAuxiliary(name) && ps.indexOf(name) < 0) {
                problems.add("unexpected tensor " + name + " " + Arrays.toString(c.tensors().get(name).shape()));
            }
        }
        if (!problems.isEmpty()) {
            throw new CheckpointException("checkpoint " + file + " does not fit model " + model.architecture().describe()
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
}
