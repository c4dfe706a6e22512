package org.bottleneck.model;

import static org.bottleneck.backend.Activation.IDENTITY;
import static org.bottleneck.backend.Activation.RELU;

import java.util.ArrayList;
import java.util.List;
import org.bottleneck.model.LayerSpec.Conv2dSpec;
import org.bottleneck.model.LayerSpec.ConvTranspose2dSpec;
import org.bottleneck.tensor.Shape;

/**
 * The image applications' architectures: fully convolutional autoencoders whose code is a
 * feature map ({@link LatentHead#spatial}), so they fit images of any size H×W and their cost
 * grows with the pixels only. All end in a 3×3 conv to the target's channels: restore's
 * emits logits (BCE) for data in [0, 1], else raw values (MSE); superres's and colorize's a
 * residual over the input ({@link OutputKind#RESIDUAL_MSE}).
 * <ul>
 *   <li>{@code restore} (denoise; colorize with a residual output; inpaint with a dense code
 *       in the middle, {@link #inpaint}: input (Cin, H, W) → target (Cout, H, W)):
 *       Conv2d(Cin→32, k3 s2 p1) ReLU, Conv2d(32→64, k3 s2 p1) ReLU: a 64×H/4×W/4 code;
 *       ConvTranspose2d(64→32, k3 s2 p1 op1) ReLU, ConvTranspose2d(32→16, k3 s2 p1 op1) ReLU,
 *       Conv2d(16→Cout, k3 p1). When 4 does not divide H and W, one stride-2 stage (H/2) or
 *       none (H, with a Conv2d(64→16, k3 p1) ReLU instead of the transposes). On MNIST
 *       1×28×28 → 64×7×7 → 1×28×28: 2.9 M multiply-adds a sample forward.</li>
 *   <li>{@code superres} (input (C, H/f, W/f) → target (C, H, W), f = 2, 3, 4): after ESPCN
 *       (Shi et al. 2016), with a transposed convolution as the sub-pixel step: Center (each
 *       channel minus its mean), Conv2d(C→32, k3 p1) ReLU, Conv2d(32→32, k3 p1) ReLU: a
 *       32×H/f×W/f code; ConvTranspose2d(→16) ReLU per factor 2 or 3 of f (k3 s2 p1 op1 doubles,
 *       k3 s3 triples), Conv2d(16→C, k3 p1), all without biases (as Mohan et al. 2020's
 *       bias-free denoisers), whose output is added to the input upsampled by bicubic, the
 *       baseline ({@link OutputKind#RESIDUAL_BICUBIC_MSE}): the network learns the correction of
 *       the baseline, not the identity (with nearest neighbour as the base it lost to bicubic on
 *       flat photo patches), and adds exactly nothing to a flat patch.</li>
 * </ul>
 */
public final class TaskPresets {
    private TaskPresets() {
    }

    /** Same-size image to image (channels may differ, e.g. a marked hole's extra channel). */
    public static Architecture restore(String name, Shape input, Shape target, boolean unitInterval) {
        return restore(name, input, target, unitInterval ? OutputKind.BCE : OutputKind.MSE);
    }

    /**
     * Colorization: {@code restore}'s layers from luma (1, H, W) to RGB (3, H, W) with a residual
     * output: the decoder adds R − Y, G − Y, B − Y to the grey image, so it learns the colour
     * and not the luma it is given.
     */
    public static Architecture colorize(String name, Shape input, Shape target) {
        return restore(name, input, target, OutputKind.RESIDUAL_MSE);
    }

    /**
     * Inpainting: {@code restore}'s convolutions around a dense code of {@value #INPAINT_CODE}
     * values (Flatten → Dense → code → Dense → Unflatten): a hole larger than the convolutions
     * see across is filled from what the whole image says (which digit, which texture), not
     * only from its border.
     */
    public static Architecture inpaint(String name, Shape input, Shape target, boolean unitInterval) {
        Architecture r = restore(name, input, target, unitInterval);
        Shape code = r.latentShape();
        List<LayerSpec> enc = new ArrayList<>(r.encoder());
        enc.add(new LayerSpec.Flatten());
        List<LayerSpec> dec = new ArrayList<>();
        dec.add(new LayerSpec.Dense(Math.toIntExact(code.size()), RELU));
        dec.add(new LayerSpec.Unflatten(code.dims()));
        dec.addAll(r.decoder());
        return new Architecture(name, input.dims(), enc, LatentHead.code(INPAINT_CODE, IDENTITY, 0), dec, r.output());
    }

    static final int INPAINT_CODE = 128;

    private static Architecture restore(String name, Shape input, Shape target, OutputKind output) {
        int[] in = image(name, input), out = image(name, target);
        if (in[1] != out[1] || in[2] != out[2]) {
            throw new IllegalArgumentException("preset '" + name + "' maps an image to one of the same size, the data asks for "
                    + input + " → " + target);
        }
        int stages = in[1] % 4 == 0 && in[2] % 4 == 0 ? 2 : in[1] % 2 == 0 && in[2] % 2 == 0 ? 1 : 0;
        List<LayerSpec> enc = List.of(new Conv2dSpec(32, 3, stages > 0 ? 2 : 1, 1, RELU),
                new Conv2dSpec(64, 3, stages > 1 ? 2 : 1, 1, RELU));
        List<LayerSpec> dec = new ArrayList<>();
        for (int s = stages; s > 0; s--) {
            dec.add(new ConvTranspose2dSpec(s == 1 ? 16 : 32, 3, 2, 1, 1, RELU));
        }
        if (stages == 0) {
            dec.add(new Conv2dSpec(16, 3, 1, 1, RELU));
        }
        dec.add(new Conv2dSpec(out[0], 3, 1, 1, IDENTITY));
        return new Architecture(name, in, enc, LatentHead.spatial(0), dec, output);
    }

    /** Low resolution (C, H/f, W/f) to (C, H, W). */
    public static Architecture superres(String name, Shape input, Shape target, boolean unitInterval) {
        int[] in = image(name, input), out = image(name, target);
        int f = out[1] / in[1];
        if (in[0] != out[0] || f * in[1] != out[1] || f * in[2] != out[2] || f < 2) {
            throw new IllegalArgumentException("preset '" + name + "' enlarges an image by an integer factor ≥ 2, the data asks "
                    + "for " + input + " → " + target);
        }
        // no biases anywhere, after a centring layer: the correction is a positively homogeneous
        // function of the image's detail (twice the contrast, twice the correction; a flat patch,
        // none at all), so the low-contrast patches where bicubic is near exact stay near exact
        List<LayerSpec> enc = List.of(new LayerSpec.CenterSpec(), new Conv2dSpec(32, 3, 1, 1, RELU, false),
                new Conv2dSpec(32, 3, 1, 1, RELU, false));
        List<LayerSpec> dec = new ArrayList<>();
        int rest = f;
        while (rest % 2 == 0) {
            dec.add(new ConvTranspose2dSpec(16, 3, 2, 1, 1, RELU, false));
            rest /= 2;
        }
        while (rest % 3 == 0) {
            dec.add(new ConvTranspose2dSpec(16, 3, 3, 0, 0, RELU, false));
            rest /= 3;
        }
        if (rest != 1) {
            throw new IllegalArgumentException("preset '" + name + "' enlarges by products of 2 and 3 (2, 3, 4, 6, …), not " + f);
        }
        dec.add(new Conv2dSpec(out[0], 3, 1, 1, IDENTITY, false));
        // the decoder learns the correction of the bicubic-upsampled input, the baseline itself
        // (as VDSR learns a residual over bicubic): where bicubic is exact it has nothing to add
        return new Architecture(name, in, enc, LatentHead.spatial(0), dec, OutputKind.RESIDUAL_BICUBIC_MSE);
    }

    private static int[] image(String name, Shape s) {
        if (s.rank() != 3) {
            throw new IllegalArgumentException("preset '" + name + "' takes images (C, H, W), the data has samples of shape " + s);
        }
        return s.dims();
    }
}
