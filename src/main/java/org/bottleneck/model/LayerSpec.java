package org.bottleneck.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import org.bottleneck.backend.Activation;
import org.bottleneck.backend.Backend;
import org.bottleneck.nn.CenterPlanes;
import org.bottleneck.nn.Conv2d;
import org.bottleneck.nn.Dropout;
import org.bottleneck.nn.Layer;
import org.bottleneck.nn.Linear;
import org.bottleneck.nn.MaxPool2d;
import org.bottleneck.nn.Reshape;
import org.bottleneck.nn.Upsample;
import org.bottleneck.tensor.Shape;

/**
 * One layer of an architecture, as data: its kind and hyper-parameters, written to and read
 * from JSON ({@code {"type": "conv2d", "out": 32, "kernel": 3, "stride": 2, "padding": 1,
 * "activation": "relu"}}) and built into the {@link Layer} that runs it. Input sizes (channels,
 * features) are not part of the spec: they are inferred from the previous layer's output
 * when the model is built. Adding a kind: a record here, its entry in {@link #KINDS}, its layer
 * in nn/ with the Backend op it needs.
 */
public sealed interface LayerSpec {

    /** The JSON "type" of this kind. */
    String type();

    /**
     * The layer for input {@code in} (batch first). Shape problems throw
     * IllegalArgumentException with the shapes; the architecture adds the layer index.
     *
     * @param dropoutSeed the Philox stream this layer draws from, if it is random
     */
    Layer build(Backend backend, Shape in, long dropoutSeed);

    /** Writes the hyper-parameters (not "type") into {@code o}. */
    void write(ObjectNode o);

    /** Parsers by JSON type. */
    Map<String, Function<Fields, LayerSpec>> KINDS = Map.of(
            "dense", f -> new Dense(f.positive("out"), f.activation()),
            "conv2d", f -> new Conv2dSpec(f.positive("out"), f.positive("kernel"), f.optional("stride", 1),
                    f.optional("padding", 0), f.activation(), f.bool("bias", true)),
            "conv_transpose2d", f -> new ConvTranspose2dSpec(f.positive("out"), f.positive("kernel"),
                    f.optional("stride", 1), f.optional("padding", 0), f.optional("output_padding", 0), f.activation(),
                    f.bool("bias", true)),
            "center", f -> new CenterSpec(),
            "upsample", f -> new UpsampleSpec(f.positive("factor")),
            "max_pool2d", f -> new MaxPool2dSpec(f.positive("kernel"), f.optional("stride", f.positive("kernel"))),
            "flatten", f -> new Flatten(),
            "unflatten", f -> new Unflatten(f.dims("shape")),
            "dropout", f -> new DropoutSpec(f.probability("p")));

    static LayerSpec parse(JsonNode o, String where) {
        Fields f = new Fields(o, where);
        String type = f.text("type");
        Function<Fields, LayerSpec> parser = KINDS.get(type);
        if (parser == null) {
            throw new IllegalArgumentException(where + ": unknown layer type '" + type + "' (known: "
                    + String.join(", ", KINDS.keySet().stream().sorted().toList()) + ")");
        }
        LayerSpec spec = parser.apply(f);
        f.rejectUnread(type); // a misspelt or misplaced field ("bias" on a dense layer) must not pass silently
        return spec;
    }

    /** Fully connected: (B,N) → act((B,N)·Wᵀ + b), W (out, N). */
    record Dense(int out, Activation activation) implements LayerSpec {
        public String type() {
            return "dense";
        }

        public Layer build(Backend backend, Shape in, long dropoutSeed) {
            if (in.rank() != 2) {
                throw new IllegalArgumentException("dense needs a flat input (B,N), got " + in
                        + "; put {\"type\": \"flatten\"} before it");
            }
            return new Linear(backend, in.dim(1), out, activation);
        }

        public void write(ObjectNode o) {
            o.put("out", out);
            o.put("activation", Fields.name(activation));
        }
    }

    /**
     * (B,Cin,H,W) → (B,out,Ho,Wo), PyTorch's Conv2d(Cin, out, kernel, stride, padding, bias);
     * {@code "bias": false} drops the bias (written only then, so older specs read the same).
     */
    record Conv2dSpec(int out, int kernel, int stride, int padding, Activation activation, boolean bias)
            implements LayerSpec {
        /** With a bias. */
        public Conv2dSpec(int out, int kernel, int stride, int padding, Activation activation) {
            this(out, kernel, stride, padding, activation, true);
        }

        public String type() {
            return "conv2d";
        }

        public Layer build(Backend backend, Shape in, long dropoutSeed) {
            requireImage(this, in);
            Conv2d c = new Conv2d(backend, in.dim(1), out, kernel, stride, padding, activation, bias);
            c.outputShape(in); // fails here, with the shapes, if the kernel does not fit
            return c;
        }

        public void write(ObjectNode o) {
            o.put("out", out);
            o.put("kernel", kernel);
            o.put("stride", stride);
            o.put("padding", padding);
            o.put("activation", Fields.name(activation));
            if (!bias) {
                o.put("bias", false);
            }
        }
    }

    /** (B,Cin,H,W) → (B,out,(H−1)s−2p+k+op,…), PyTorch's ConvTranspose2d; {@code "bias"} as for conv2d. */
    record ConvTranspose2dSpec(int out, int kernel, int stride, int padding, int outputPadding, Activation activation,
                               boolean bias) implements LayerSpec {
        /** With a bias. */
        public ConvTranspose2dSpec(int out, int kernel, int stride, int padding, int outputPadding, Activation activation) {
            this(out, kernel, stride, padding, outputPadding, activation, true);
        }

        public String type() {
            return "conv_transpose2d";
        }

        public Layer build(Backend backend, Shape in, long dropoutSeed) {
            requireImage(this, in);
            org.bottleneck.nn.ConvTranspose2d c = new org.bottleneck.nn.ConvTranspose2d(backend, in.dim(1), out, kernel,
                    stride, padding, outputPadding, activation, bias);
            c.outputShape(in);
            return c;
        }

        public void write(ObjectNode o) {
            o.put("out", out);
            o.put("kernel", kernel);
            o.put("stride", stride);
            o.put("padding", padding);
            o.put("output_padding", outputPadding);
            o.put("activation", Fields.name(activation));
            if (!bias) {
                o.put("bias", false);
            }
        }
    }

    /**
     * (B,C,H,W) → the same with each sample's channel minus its mean over the image ({@link
     * CenterPlanes}); with bias-free layers after it, a flat image maps to exactly zero.
     */
    record CenterSpec() implements LayerSpec {
        public String type() {
            return "center";
        }

        public Layer build(Backend backend, Shape in, long dropoutSeed) {
            requireImage(this, in);
            return new CenterPlanes(backend);
        }

        public void write(ObjectNode o) {
        }
    }

    /** Nearest-neighbour upsampling by an integer factor. */
    record UpsampleSpec(int factor) implements LayerSpec {
        public String type() {
            return "upsample";
        }

        public Layer build(Backend backend, Shape in, long dropoutSeed) {
            requireImage(this, in);
            return new Upsample(backend, factor);
        }

        public void write(ObjectNode o) {
            o.put("factor", factor);
        }
    }

    /** Max pooling, no padding; stride defaults to the kernel. */
    record MaxPool2dSpec(int kernel, int stride) implements LayerSpec {
        public String type() {
            return "max_pool2d";
        }

        public Layer build(Backend backend, Shape in, long dropoutSeed) {
            requireImage(this, in);
            MaxPool2d p = new MaxPool2d(backend, kernel, stride);
            p.outputShape(in);
            return p;
        }

        public void write(ObjectNode o) {
            o.put("kernel", kernel);
            o.put("stride", stride);
        }
    }

    /** (B,C,H,W) → (B,C·H·W). */
    record Flatten() implements LayerSpec {
        public String type() {
            return "flatten";
        }

        public Layer build(Backend backend, Shape in, long dropoutSeed) {
            return Reshape.flatten();
        }

        public void write(ObjectNode o) {
        }
    }

    /** (B,N) → (B, shape...), N = the product of shape. */
    record Unflatten(int[] shape) implements LayerSpec {
        public Unflatten {
            shape = shape.clone();
        }

        public String type() {
            return "unflatten";
        }

        public Layer build(Backend backend, Shape in, long dropoutSeed) {
            Reshape r = Reshape.unflatten(shape);
            r.outputShape(in);
            return r;
        }

        public void write(ObjectNode o) {
            var a = o.putArray("shape");
            for (int d : shape) {
                a.add(d);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Unflatten u && Arrays.equals(shape, u.shape);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return "Unflatten" + Arrays.toString(shape);
        }
    }

    /** Inverted dropout with probability p, active in training only. */
    record DropoutSpec(double p) implements LayerSpec {
        public String type() {
            return "dropout";
        }

        public Layer build(Backend backend, Shape in, long dropoutSeed) {
            return new Dropout(backend, (float) p, dropoutSeed);
        }

        public void write(ObjectNode o) {
            o.put("p", p);
        }
    }

    private static void requireImage(LayerSpec s, Shape in) {
        if (in.rank() != 4) {
            throw new IllegalArgumentException(s.type() + " needs images (B,C,H,W), got " + in
                    + (in.rank() == 2 ? " (vector data; a conv layer needs an input shape [C, H, W])" : ""));
        }
    }

    /** Typed reads of one JSON object, each failure naming the field, the value and where. */
    final class Fields {
        private final JsonNode o;
        private final String where;

        private final java.util.Set<String> read = new java.util.HashSet<>();

        /** The field's value or null, remembering that the parser asked for it. */
        private JsonNode read(String field) {
            read.add(field);
            return o.get(field);
        }

        /** Fails, naming the field and the fields this kind takes, if the object has one no parser read. */
        void rejectUnread(String kind) {
            var names = o.fieldNames();
            while (names.hasNext()) {
                String n = names.next();
                if (!read.contains(n)) {
                    throw new IllegalArgumentException(where + ": " + kind + " has no field '" + n + "' (it takes: "
                            + String.join(", ", read.stream().sorted().toList()) + ")");
                }
            }
        }

        Fields(JsonNode o, String where) {
            if (o == null || !o.isObject()) {
                throw new IllegalArgumentException(where + ": expected a JSON object, got " + o);
            }
            this.o = o;
            this.where = where;
        }

        JsonNode get(String field) {
            JsonNode v = read(field);
            if (v == null || v.isNull()) {
                throw new IllegalArgumentException(where + ": missing field '" + field + "' in " + o);
            }
            return v;
        }

        String text(String field) {
            JsonNode v = get(field);
            if (!v.isTextual()) {
                throw new IllegalArgumentException(where + ": field '" + field + "' must be a string, got " + v);
            }
            return v.asText();
        }

        int positive(String field) {
            JsonNode v = get(field);
            if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() <= 0) {
                throw new IllegalArgumentException(where + ": field '" + field + "' must be a positive integer, got " + v);
            }
            return v.asInt();
        }

        int optional(String field, int dflt) {
            JsonNode v = read(field);
            if (v == null) {
                return dflt;
            }
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0) {
                throw new IllegalArgumentException(where + ": field '" + field + "' must be an integer ≥ 0, got " + v);
            }
            return v.asInt();
        }

        double number(String field, double dflt) {
            JsonNode v = read(field);
            if (v == null) {
                return dflt;
            }
            if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < 0) {
                throw new IllegalArgumentException(where + ": field '" + field + "' must be a number ≥ 0, got " + v);
            }
            return v.asDouble();
        }

        boolean bool(String field, boolean dflt) {
            JsonNode v = read(field);
            if (v == null) {
                return dflt;
            }
            if (!v.isBoolean()) {
                throw new IllegalArgumentException(where + ": field '" + field + "' must be true or false, got " + v);
            }
            return v.asBoolean();
        }

        double probability(String field) {
            double p = number(field, Double.NaN);
            if (!(p >= 0 && p < 1)) {
                throw new IllegalArgumentException(where + ": field '" + field + "' must be in [0, 1), got " + o.get(field));
            }
            return p;
        }

        Activation activation() {
            JsonNode v = read("activation");
            try {
                return v == null ? Activation.IDENTITY : Activation.parse(v.asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }

        int[] dims(String field) {
            JsonNode v = get(field);
            if (!v.isArray() || v.isEmpty()) {
                throw new IllegalArgumentException(where + ": field '" + field + "' must be a list of positive integers, got " + v);
            }
            int[] d = new int[v.size()];
            for (int i = 0; i < d.length; i++) {
                if (!v.get(i).isIntegralNumber() || v.get(i).asInt() <= 0) {
                    throw new IllegalArgumentException(where + ": field '" + field + "' must be a list of positive integers, got " + v);
                }
                d[i] = v.get(i).asInt();
            }
            return d;
        }

        static String name(Activation a) {
            return a.name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
