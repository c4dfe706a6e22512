package org.bottleneck.model;

import static org.bottleneck.backend.Activation.IDENTITY;
import static org.bottleneck.backend.Activation.RELU;
import static org.bottleneck.backend.Activation.SIGMOID;

import java.util.ArrayList;
import java.util.List;
import org.bottleneck.backend.Activation;
import org.bottleneck.model.LayerSpec.Conv2dSpec;
import org.bottleneck.model.LayerSpec.ConvTranspose2dSpec;
import org.bottleneck.model.LayerSpec.Dense;
import org.bottleneck.model.LayerSpec.DropoutSpec;
import org.bottleneck.model.LayerSpec.Flatten;
import org.bottleneck.model.LayerSpec.Unflatten;
import org.bottleneck.tensor.Shape;

/**
 * The named architectures, shown for MNIST's 1×28×28 (784 values). Each adapts to the data it
 * is built for ({@link #get(String, Shape, boolean)}): dense presets take D = the sample's size,
 * conv presets C×H×W with H and W multiples of 4 (the decoder starts at 64×H/4×W/4 and ends
 * with C channels); data outside [0, 1] (standardized tables) gets an MSE output instead of BCE.
 * <ul>
 *   <li>{@code vae}: 784-512-256 (ReLU) → Dense 2×20 → Gaussian head; decoder 20-256-512-784 logits, BCE.</li>
 *   <li>{@code ae}: 784-512-256 (ReLU) → code 32 (linear); decoder 32-256-512-784 logits, BCE.</li>
 *   <li>{@code lecture}: 784-100 → code 10, decoder 10-100-784, sigmoid everywhere, MSE
 *       (W¹ 100×784, W² 10×100, U¹ 100×10, U² 784×100).</li>
 *   <li>{@code convae}: Conv2d(1→32, k3 s2 p1) ReLU, Conv2d(32→64, k3 s2 p1) ReLU, Flatten,
 *       Dense(3136→32) code; Dense(32→3136) ReLU, Unflatten(64,7,7), ConvTranspose2d(64→32, k3 s2
 *       p1 op1) ReLU, ConvTranspose2d(32→1, k3 s2 p1 op1) logits, BCE.</li>
 *   <li>{@code convvae}: the same encoder into Dense(3136→2×16) and the Gaussian head; decoder
 *       from Dense(16→3136) as convae's.</li>
 * </ul>
 * Two-dimensional codes, for {@code project} (2-D embeddings to plot and to score). The code is
 * linear: a ReLU code collapses in 2-D (whole half-planes map to one point).
 * <ul>
 *   <li>{@code ae2d}: {@code ae} with a 2-d linear code: 784-512-256 (ReLU) → 2; decoder 2-256-512-784 logits, BCE.</li>
 *   <li>{@code vae2d}: {@code vae} with a 2-d Gaussian head: 784-512-256 (ReLU) → Dense 2×2 (mu, logvar);
 *       decoder 2-256-512-784 logits, BCE + β·KL.</li>
 *   <li>{@code convae2d}: {@code convae}'s conv layers around a 2-d linear code, bridged by a
 *       Dense(512) ReLU each way (as Sainburg et al. 2021's conv AE; straight from 3136 conv
 *       features to 2 numbers, 5-NN on MNIST was 0.45 after 8 epochs, bridged 0.77 after 30):
 *       Conv2d(1→32) ReLU, Conv2d(32→64) ReLU, Flatten, Dense(3136→512) ReLU, Dense(512→2);
 *       Dense(2→512) ReLU, Dense(512→3136) ReLU, Unflatten(64,7,7), ConvTranspose2d(64→32) ReLU,
 *       ConvTranspose2d(32→1) logits, BCE.</li>
 * </ul>
 */
public final class Presets {
    public static final List<String> NAMES = List.of("vae", "ae", "lecture", "convae", "convvae", "ae2d", "vae2d",
            "convae2d");

    private Presets() {
    }

    /** The preset for MNIST (1×28×28 in [0, 1]). */
    public static Architecture get(String name) {
        return get(name, MNIST, true);
    }

    /**
     * The preset for samples of shape {@code input}; {@code unitInterval}: the data lies in
     * [0, 1] (BCE output), else MSE.
     */
    public static Architecture get(String name, Shape input, boolean unitInterval) {
        return get(name, input, input, unitInterval);
    }

    /**
     * The preset from inputs of shape {@code input} to targets of shape {@code output} (they
     * differ for super-resolution or colorization): dense presets end in a layer of the
     * target's size; conv presets need equal shapes.
     */
    public static Architecture get(String name, Shape input, Shape output, boolean unitInterval) {
        if (isConv(name) && !input.equals(output)) {
            throw new IllegalArgumentException("model '" + name + "' maps images to images of the same shape, the data "
                    + "asks for " + input + " → " + output + "; use a dense preset or an --arch file");
        }
        return switch (name) {
            case "convae" -> conv("convae", input, LatentHead.code(32, IDENTITY, 0), 0, unitInterval);
            case "convvae" -> conv("convvae", input, LatentHead.gaussian(16, 1.0), 0, unitInterval);
            case "convae2d" -> conv("convae2d", input, LatentHead.code(2, IDENTITY, 0), 512, unitInterval);
            default -> denseRecipe(name, input, output, unitInterval).build(name, 0);
        };
    }

    static final Shape MNIST = Shape.of(1, 28, 28);

    /** Whether {@code name} is one of the dense presets (vae, ae, lecture, ae2d, vae2d), which --hidden/--latent/--dropout vary. */
    public static boolean isDense(String name) {
        return List.of("vae", "ae", "lecture", "ae2d", "vae2d").contains(name);
    }

    private static boolean isConv(String name) {
        return List.of("convae", "convvae", "convae2d").contains(name);
    }

    /** The recipe of a dense preset for MNIST. */
    public static DenseRecipe denseRecipe(String name) {
        return denseRecipe(name, MNIST, true);
    }

    /** The recipe of a dense preset, to vary its widths, code and dropout (the CLI's --hidden, --latent, --dropout). */
    public static DenseRecipe denseRecipe(String name, Shape input, boolean unitInterval) {
        return denseRecipe(name, input, input, unitInterval);
    }

    /** As above from inputs of shape {@code input} to targets of shape {@code output}. */
    public static DenseRecipe denseRecipe(String name, Shape input, Shape output, boolean unitInterval) {
        int d = Math.toIntExact(input.size()), o = Math.toIntExact(output.size());
        OutputKind logits = unitInterval ? OutputKind.BCE : OutputKind.MSE;
        return switch (name) {
            case "vae" -> new DenseRecipe(d, o, new int[] {512, 256}, RELU, LatentHead.gaussian(20, 1.0), logits);
            case "ae" -> new DenseRecipe(d, o, new int[] {512, 256}, RELU, LatentHead.code(32, IDENTITY, 0), logits);
            case "ae2d" -> new DenseRecipe(d, o, new int[] {512, 256}, RELU, LatentHead.code(2, IDENTITY, 0), logits);
            case "vae2d" -> new DenseRecipe(d, o, new int[] {512, 256}, RELU, LatentHead.gaussian(2, 1.0), logits);
            case "lecture" -> {
                if (!unitInterval) {
                    throw new IllegalArgumentException("model 'lecture' ends in a sigmoid, which cannot fit data outside [0, 1] "
                            + "(a standardized table); use ae or vae, or --standardize no on data in [0, 1]");
                }
                yield new DenseRecipe(d, o, new int[] {100}, SIGMOID, LatentHead.code(10, SIGMOID, 0), OutputKind.SIGMOID_MSE);
            }
            case "convae", "convvae", "convae2d" -> throw new IllegalArgumentException("model '" + name
                    + "' is not a dense preset; vary it with an --arch file");
            default -> throw new IllegalArgumentException("unknown model '" + name + "' (expected one of "
                    + String.join(", ", NAMES) + ", or --arch FILE)");
        };
    }

    /** A mirrored dense autoencoder's parameters (see {@link #dense}). */
    public record DenseRecipe(int inputDim, int outputDim, int[] hidden, Activation activation, LatentHead head,
                              OutputKind output) {
        public DenseRecipe {
            hidden = hidden.clone();
        }

        public DenseRecipe withHidden(int[] h) {
            return new DenseRecipe(inputDim, outputDim, h, activation, head, output);
        }

        public DenseRecipe withHead(LatentHead h) {
            return new DenseRecipe(inputDim, outputDim, hidden, activation, h, output);
        }

        public Architecture build(String name, double dropout) {
            return dense(name, inputDim, outputDim, hidden, activation, head, output, dropout);
        }
    }

    /**
     * A dense autoencoder whose decoder mirrors the encoder: D → hidden… → head; Z → hidden
     * reversed → D, with Dropout(p) after every hidden activation when p &gt; 0. The last layer
     * emits logits (BCE, MSE) or pre-sigmoid values (SIGMOID_MSE).
     */
    public static Architecture dense(String name, int inputDim, int[] hidden, Activation act, LatentHead head,
                                     OutputKind output, double dropout) {
        return dense(name, inputDim, inputDim, hidden, act, head, output, dropout);
    }

    /** As above with a last layer of {@code outputDim} values (a target other than the input). */
    public static Architecture dense(String name, int inputDim, int outputDim, int[] hidden, Activation act,
                                     LatentHead head, OutputKind output, double dropout) {
        List<LayerSpec> enc = new ArrayList<>();
        for (int h : hidden) {
            enc.add(new Dense(h, act));
            if (dropout > 0) {
                enc.add(new DropoutSpec(dropout));
            }
        }
        List<LayerSpec> dec = new ArrayList<>();
        for (int i = hidden.length - 1; i >= 0; i--) {
            dec.add(new Dense(hidden[i], act));
            if (dropout > 0) {
                dec.add(new DropoutSpec(dropout));
            }
        }
        dec.add(new Dense(outputDim, IDENTITY));
        return new Architecture(name, new int[] {inputDim}, enc, head, dec, output);
    }

    /** The conv presets; {@code bridge} > 0 puts a Dense(bridge) ReLU between the conv features and the code, both ways. */
    private static Architecture conv(String name, Shape input, LatentHead head, int bridge, boolean unitInterval) {
        if (input.rank() != 3 || input.dim(1) % 4 != 0 || input.dim(2) % 4 != 0) {
            throw new IllegalArgumentException("model '" + name + "' takes images C×H×W with H and W multiples of 4 "
                    + "(two stride-2 convolutions and their transposes), the data has samples of shape " + input
                    + (input.rank() == 3 ? "; pass --image-size to resize, or an --arch file" : ""));
        }
        int c = input.dim(0), h = input.dim(1) / 4, w = input.dim(2) / 4;
        List<LayerSpec> enc = new ArrayList<>(List.of(new Conv2dSpec(32, 3, 2, 1, RELU), new Conv2dSpec(64, 3, 2, 1, RELU),
                new Flatten()));
        List<LayerSpec> dec = new ArrayList<>(List.of(new Dense(64 * h * w, RELU), new Unflatten(new int[] {64, h, w}),
                new ConvTranspose2dSpec(32, 3, 2, 1, 1, RELU), new ConvTranspose2dSpec(c, 3, 2, 1, 1, IDENTITY)));
        if (bridge > 0) {
            enc.add(new Dense(bridge, RELU));
            dec.add(0, new Dense(bridge, RELU));
        }
        return new Architecture(name, input.dims(), enc, head, dec, unitInterval ? OutputKind.BCE : OutputKind.MSE);
    }
}
