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

/**
 * The named architectures (all for MNIST's 1×28×28, 784 values):
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
 */
public final class Presets {
    public static final List<String> NAMES = List.of("vae", "ae", "lecture", "convae", "convvae");

    private Presets() {
    }

    public static Architecture get(String name) {
        return switch (name) {
            case "convae" -> conv("convae", LatentHead.code(32, IDENTITY, 0));
            case "convvae" -> conv("convvae", LatentHead.gaussian(16, 1.0));
            default -> denseRecipe(name).build(name, 0);
        };
    }

    /** Whether {@code name} is one of the dense presets (vae, ae, lecture), which --hidden/--latent/--dropout vary. */
    public static boolean isDense(String name) {
        return name.equals("vae") || name.equals("ae") || name.equals("lecture");
    }

    /** The recipe of a dense preset, to vary its widths, code and dropout (the CLI's --hidden, --latent, --dropout). */
    public static DenseRecipe denseRecipe(String name) {
        return switch (name) {
            case "vae" -> new DenseRecipe(784, new int[] {512, 256}, RELU, LatentHead.gaussian(20, 1.0), OutputKind.BCE);
            case "ae" -> new DenseRecipe(784, new int[] {512, 256}, RELU, LatentHead.code(32, IDENTITY, 0), OutputKind.BCE);
            case "lecture" -> new DenseRecipe(784, new int[] {100}, SIGMOID, LatentHead.code(10, SIGMOID, 0),
                    OutputKind.SIGMOID_MSE);
            case "convae", "convvae" -> throw new IllegalArgumentException("model '" + name
                    + "' is not a dense preset; vary it with an --arch file");
            default -> throw new IllegalArgumentException("unknown model '" + name + "' (expected one of "
                    + String.join(", ", NAMES) + ", or --arch FILE)");
        };
    }

    /** A mirrored dense autoencoder's parameters (see {@link #dense}). */
    public record DenseRecipe(int inputDim, int[] hidden, Activation activation, LatentHead head, OutputKind output) {
        public DenseRecipe {
            hidden = hidden.clone();
        }

        public DenseRecipe withHidden(int[] h) {
            return new DenseRecipe(inputDim, h, activation, head, output);
        }

        public DenseRecipe withHead(LatentHead h) {
            return new DenseRecipe(inputDim, hidden, activation, h, output);
        }

        public Architecture build(String name, double dropout) {
            return dense(name, inputDim, hidden, activation, head, output, dropout);
        }
    }

    /**
     * A dense autoencoder whose decoder mirrors the encoder: D → hidden… → head; Z → hidden
     * reversed → D, with Dropout(p) after every hidden activation when p &gt; 0. The last layer
     * emits logits (BCE, MSE) or pre-sigmoid values (SIGMOID_MSE).
     */
    public static Architecture dense(String name, int inputDim, int[] hidden, Activation act, LatentHead head,
                                     OutputKind output, double dropout) {
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
        dec.add(new Dense(inputDim, IDENTITY));
        return new Architecture(name, new int[] {inputDim}, enc, head, dec, output);
    }

    private static Architecture conv(String name, LatentHead head) {
        List<LayerSpec> enc = List.of(new Conv2dSpec(32, 3, 2, 1, RELU), new Conv2dSpec(64, 3, 2, 1, RELU), new Flatten());
        List<LayerSpec> dec = List.of(new Dense(3136, RELU), new Unflatten(new int[] {64, 7, 7}),
                new ConvTranspose2dSpec(32, 3, 2, 1, 1, RELU), new ConvTranspose2dSpec(1, 3, 2, 1, 1, IDENTITY));
        return new Architecture(name, new int[] {1, 28, 28}, enc, head, dec, OutputKind.BCE);
    }
}
