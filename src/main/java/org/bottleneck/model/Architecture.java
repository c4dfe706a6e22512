package org.bottleneck.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Philox;
import org.bottleneck.backend.Streams;
import org.bottleneck.nn.Layer;
import org.bottleneck.tensor.Shape;

/**
 * An autoencoder as data: the shape of one input sample ((C,H,W) for images, (D) for vectors),
 * the encoder's layers, the latent head (which appends the Dense that makes the code, unless the
 * code is spatial: the encoder's output itself), the
 * decoder's layers, and the output + loss. The decoder need not mirror the encoder, and its
 * output shape may differ from the input's (super-resolution, colorization). Shapes are
 * inferred and checked by {@link #layers}: a spec whose shapes do not chain fails with the
 * layer's place, its kind and both shapes. JSON form: see README ("Architectures").
 *
 * @param name    preset name, or the name given in the JSON
 * @param input   per-sample input dims
 * @param encoder layers before the latent head's Dense
 * @param latent  the code: plain (with activation, L1) or Gaussian (β)
 * @param decoder layers from the code (B,Z) to the output
 * @param output  what the last layer emits and the reconstruction loss
 */
public record Architecture(String name, int[] input, List<LayerSpec> encoder, LatentHead latent,
                           List<LayerSpec> decoder, OutputKind output) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public Architecture {
        input = input.clone();
        encoder = List.copyOf(encoder);
        decoder = List.copyOf(decoder);
        if (input.length == 0 || Arrays.stream(input).anyMatch(d -> d <= 0)) {
            throw new IllegalArgumentException("architecture '" + name + "': input shape must be positive dims, got "
                    + Arrays.toString(input));
        }
        if (decoder.isEmpty()) {
            throw new IllegalArgumentException("architecture '" + name + "': the decoder has no layers");
        }
    }

    @Override
    public int[] input() {
        return input.clone();
    }

    /** One input sample's shape. */
    public Shape inputShape() {
        return Shape.of(input);
    }

    public boolean variational() {
        return latent.gaussian();
    }

    /** Z: values per sample of the code (for a spatial code, the encoder's output size). */
    public int latentDim() {
        return latent.spatial() ? Math.toIntExact(latentShape().size()) : latent.size();
    }

    /** One sample's code shape: (Z), or the encoder's output shape for a spatial code, e.g. (64, 7, 7). */
    public Shape latentShape() {
        if (!latent.spatial()) {
            return Shape.of(latent.size());
        }
        Shape s = inputShape().batched(1);
        for (int i = 0; i < encoder.size(); i++) {
            s = build(encoder.get(i), null, s, 0, "encoder layer " + i).outputShape(s);
        }
        return Shape.of(Arrays.copyOfRange(s.dims(), 1, s.rank()));
    }

    /** The layers of a model, each built for the shape its predecessor gives, and the shapes. */
    public record Layers(List<Layer> encoder, List<Layer> decoder, Shape outputShape) {
    }

    /**
     * Builds every layer on {@code backend} (null: only check the shapes) for batch-1 shapes,
     * or fails naming the layer: "decoder layer 3 (conv_transpose2d): …".
     */
    public Layers layers(Backend backend, long seed) {
        long dropSeed = Philox.derive(seed, Streams.DROPOUT);
        List<LayerSpec> enc = new ArrayList<>(encoder);
        if (!latent.spatial()) {
            enc.add(latent.dense());
        }
        Shape s = inputShape().batched(1);
        List<Layer> e = new ArrayList<>();
        int drops = 0;
        for (int i = 0; i < enc.size(); i++) {
            LayerSpec spec = enc.get(i);
            String where = i < encoder.size() ? "encoder layer " + i : "latent head";
            Layer l = build(spec, backend, s, Philox.derive(dropSeed, drops), where);
            drops += spec instanceof LayerSpec.DropoutSpec ? 1 : 0;
            s = l.outputShape(s);
            e.add(l);
        }
        if (!latent.spatial()) {
            s = Shape.of(1, latent.size());
        }
        // Decoder dropout k of m draws from stream 100 + m − 1 − k: the order version 1 used
        // (it counted the mirrored hidden layers down), so its runs repeat bit for bit.
        int m = (int) decoder.stream().filter(d -> d instanceof LayerSpec.DropoutSpec).count();
        List<Layer> d = new ArrayList<>();
        drops = 0;
        for (int i = 0; i < decoder.size(); i++) {
            LayerSpec spec = decoder.get(i);
            Layer l = build(spec, backend, s, Philox.derive(dropSeed, 100 + m - 1 - drops), "decoder layer " + i);
            drops += spec instanceof LayerSpec.DropoutSpec ? 1 : 0;
            s = l.outputShape(s);
            d.add(l);
        }
        if (output.residual()) {
            residualFactor(inputShape(), Shape.of(Arrays.copyOfRange(s.dims(), 1, s.rank())));
        }
        return new Layers(e, d, s);
    }

    private static Layer build(LayerSpec spec, Backend backend, Shape in, long dropSeed, String where) {
        try {
            Layer l = spec.build(backend, in, dropSeed);
            l.outputShape(in);
            return l;
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(where + " (" + spec.type() + "): input " + perSample(in) + ": "
                    + ex.getMessage(), ex);
        }
    }

    static String perSample(Shape s) {
        return Arrays.toString(Arrays.copyOfRange(s.dims(), 1, s.rank()));
    }

    /**
     * The upsampling factor f of a residual output (nearest or bicubic): out = (C, f·H, f·W) for an input
     * (C, H, W), or (C, H, W) for a one-channel input (1, H, W) (f = 1, the grey image in every
     * channel), or an error naming both shapes.
     */
    public static int residualFactor(Shape in, Shape out) {
        boolean images = in.rank() == 3 && out.rank() == 3;
        int f = images ? out.dim(1) / in.dim(1) : 0;
        if (!images && in.equals(out)) {
            return 1;
        }
        boolean channels = images && (in.dim(0) == out.dim(0) || (f == 1 && in.dim(0) == 1));
        if (!images || f < 1 || !channels || f * in.dim(1) != out.dim(1) || f * in.dim(2) != out.dim(2)) {
            throw new IllegalArgumentException("a residual output (residual_mse, residual_bicubic_mse) adds the input to "
                    + "the output, upsampled by an integer "
                    + "factor with the same channels (or one channel repeated at the same size): input " + in
                    + " does not fit output " + out);
        }
        return f;
    }

    /** Per-sample output shape (checks every layer). */
    public Shape outputShape() {
        Shape s = layers(null, 0).outputShape();
        return Shape.of(Arrays.copyOfRange(s.dims(), 1, s.rank()));
    }

    // ------------------------------------------------------------------ variants

    public Architecture withLatent(LatentHead head) {
        return new Architecture(name, input, encoder, head, decoder, output);
    }

    public Architecture withOutput(OutputKind kind) {
        return new Architecture(name, input, encoder, latent, decoder, kind);
    }

    public Architecture withName(String n) {
        return new Architecture(n, input, encoder, latent, decoder, output);
    }

    // ------------------------------------------------------------------ text

    /** One line: "convae [1, 28, 28] conv2d(32 k3 s2 p1 relu) … → code 32 | dense(3136 relu) … → bce". */
    public String describe() {
        StringBuilder sb = new StringBuilder(name).append(' ').append(Arrays.toString(input));
        for (LayerSpec l : encoder) {
            sb.append(' ').append(brief(l));
        }
        sb.append(latent.spatial() ? " → spatial code " + Arrays.stream(latentShape().dims()).mapToObj(Integer::toString)
                .collect(java.util.stream.Collectors.joining("×"))
                + (latent.l1() > 0 ? " l1=" + latent.l1() : "")
                : latent.gaussian() ? " → gaussian 2×" + latent.size() + " β=" + latent.beta()
                : " → code " + latent.size() + (latent.activation() == org.bottleneck.backend.Activation.IDENTITY ? ""
                : " " + LayerSpec.Fields.name(latent.activation())) + (latent.l1() > 0 ? " l1=" + latent.l1() : ""));
        sb.append(" |");
        for (LayerSpec l : decoder) {
            sb.append(' ').append(brief(l));
        }
        return sb.append(" → ").append(output.json()).toString();
    }

    /** Short names of the hyper-parameters in {@link #describe}: conv2d(32 k3 s2 p1 relu). */
    private static final java.util.Map<String, String> SHORT = java.util.Map.of("out", "", "activation", "",
            "kernel", "k", "stride", "s", "padding", "p", "output_padding", "op", "factor", "×", "shape", "", "p", "p");

    private static String brief(LayerSpec l) {
        ObjectNode o = JSON.createObjectNode();
        l.write(o);
        List<String> parts = new ArrayList<>();
        o.fields().forEachRemaining(f -> parts.add(SHORT.getOrDefault(f.getKey(), f.getKey() + "=")
                + (f.getValue().isArray() ? f.getValue().toString() : f.getValue().asText())));
        return l.type() + (parts.isEmpty() ? "" : "(" + String.join(" ", parts) + ")");
    }

    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", name);
        ArrayNode in = o.putArray("input");
        for (int d : input) {
            in.add(d);
        }
        o.set("encoder", layersJson(encoder));
        latent.write(o.putObject("latent"));
        o.set("decoder", layersJson(decoder));
        o.put("output", output.json());
        return o.toString();
    }

    /** Indented JSON for people (the README's example, {@code --arch} files). */
    public String toPrettyJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(toJson()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ArrayNode layersJson(List<LayerSpec> layers) {
        ArrayNode a = JSON.createArrayNode();
        for (LayerSpec l : layers) {
            ObjectNode o = a.addObject();
            o.put("type", l.type());
            l.write(o);
        }
        return a;
    }

    /** Parses and shape-checks an architecture; every error names the field or layer and the value. */
    public static Architecture fromJson(String json) {
        JsonNode o;
        try {
            o = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("architecture is not valid JSON: " + jsonProblem(e));
        }
        LayerSpec.Fields f = new LayerSpec.Fields(o, "architecture");
        Architecture a = new Architecture(o.has("name") ? f.text("name") : "custom", f.dims("input"),
                parseLayers(f.get("encoder"), "encoder"), LatentHead.parse(f.get("latent")),
                parseLayers(f.get("decoder"), "decoder"), OutputKind.parse(f.text("output")));
        a.layers(null, 0); // shapes chain, or the error names the layer
        return a;
    }

    /** Jackson's problem in one line, with where it is: "Unexpected end-of-input (line 1, column 31)". */
    static String jsonProblem(IOException e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
            var at = j.getLocation();
            String msg = j.getOriginalMessage().lines().findFirst().orElse("").strip();
            return msg + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
        }
        return e.getMessage();
    }

    public static Architecture read(Path file) {
        try {
            return fromJson(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read architecture file " + file.toAbsolutePath() + ": " + e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static List<LayerSpec> parseLayers(JsonNode a, String where) {
        if (!a.isArray()) {
            throw new IllegalArgumentException(where + " must be a list of layers, got " + a);
        }
        List<LayerSpec> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            out.add(LayerSpec.parse(a.get(i), where + " layer " + i));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Architecture a && toJson().equals(a.toJson());
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
