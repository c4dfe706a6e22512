package org.bottleneck.backend.cuda;

import static org.bottleneck.backend.cuda.KernelSignatures.Param.F32;
import static org.bottleneck.backend.cuda.KernelSignatures.Param.I32;
import static org.bottleneck.backend.cuda.KernelSignatures.Param.PTR;
import static org.bottleneck.backend.cuda.KernelSignatures.Param.U64;

import java.util.List;

/**
 * The one table of kernel launch contracts: for every kernel in native/kernels, its entry name
 * and the kinds of its parameters in order. {@link Kernel} refuses a launch whose arguments do
 * not follow its signature, and a test checks every signature against the {@code .entry}
 * parameter lists of the built PTX, so the Java launchers and the CUDA sources cannot drift
 * apart unnoticed. Sizes are 32-bit ints (a tensor view is int-indexed); Philox seeds and
 * offsets are 64-bit.
 */
public final class KernelSignatures {
    private KernelSignatures() {
    }

    /** A kernel parameter kind and the PTX type nvcc gives it. */
    public enum Param {
        /** A device pointer (float* or double*). */
        PTR(".u64"),
        /** int. */
        I32(".u32"),
        /** unsigned long long (Philox seed, offset). */
        U64(".u64"),
        /** float. */
        F32(".f32");

        private final String ptxType;

        Param(String ptxType) {
            this.ptxType = ptxType;
        }

        public String ptxType() {
            return ptxType;
        }
    }

    /** Entry point {@code name} taking {@code params} in order. */
    public record Signature(String name, List<Param> params) {
        public Signature {
            params = List.copyOf(params);
        }

        static Signature of(String name, Param... params) {
            return new Signature(name, List.of(params));
        }
    }

    // basic.cu
    public static final Signature SCALE = Signature.of("scale", PTR, I32, F32);
    public static final Signature MULTIPLY = Signature.of("multiply", PTR, PTR, PTR, I32);
    public static final Signature ACCUMULATE = Signature.of("accumulate", PTR, PTR, I32, I32, I32);
    public static final Signature SUM_SQUARES = Signature.of("sum_squares", PTR, I32, PTR);
    public static final Signature SUM_SQUARES_FINISH = Signature.of("sum_squares_finish", PTR, I32, PTR);
    // bias_activation.cu
    public static final Signature BIAS_ACTIVATION_FORWARD =
            Signature.of("bias_activation_forward", PTR, PTR, PTR, I32, I32, I32);
    public static final Signature BIAS_ACTIVATION_BACKWARD =
            Signature.of("bias_activation_backward", PTR, PTR, PTR, PTR, I32, I32, I32);
    // loss.cu
    public static final Signature BCE_WITH_LOGITS = Signature.of("bce_with_logits", PTR, PTR, PTR, PTR, PTR, I32, I32, F32);
    public static final Signature MSE = Signature.of("mse", PTR, PTR, PTR, PTR, PTR, I32, I32, F32);
    public static final Signature L1_PENALTY = Signature.of("l1_penalty", PTR, PTR, PTR, I32, I32, F32, F32);
    // latent.cu
    public static final Signature GAUSSIAN_LATENT_FORWARD =
            Signature.of("gaussian_latent_forward", PTR, PTR, PTR, PTR, I32, I32, I32, U64, U64);
    public static final Signature GAUSSIAN_LATENT_BACKWARD =
            Signature.of("gaussian_latent_backward", PTR, PTR, PTR, PTR, I32, I32, F32);
    // random.cu
    public static final Signature UNIFORM = Signature.of("uniform", PTR, I32, U64, U64);
    public static final Signature NORMAL = Signature.of("normal", PTR, I32, U64, U64, F32, F32);
    public static final Signature DROPOUT_FORWARD = Signature.of("dropout_forward", PTR, PTR, PTR, I32, F32, F32, U64, U64);
    // optim.cu
    public static final Signature ADAMW = Signature.of("adamw", PTR, PTR, PTR, PTR, I32, F32, F32, F32, F32, F32, F32);
    public static final Signature SGD = Signature.of("sgd", PTR, PTR, PTR, I32, F32, F32, F32);
    // conv.cu: (nb, cin, h, w, k, s, p, ho, wo) for the im2col pair, (nb, plane, c) for the layout
    // moves, (planes = B·C, h, w, …) for pooling and upsampling
    public static final Signature IM2COL = Signature.of("im2col", PTR, PTR, I32, I32, I32, I32, I32, I32, I32, I32, I32);
    public static final Signature COL2IM = Signature.of("col2im", PTR, PTR, I32, I32, I32, I32, I32, I32, I32, I32, I32);
    public static final Signature ROWS_TO_NCHW = Signature.of("rows_to_nchw", PTR, PTR, I32, I32, I32);
    public static final Signature NCHW_TO_ROWS = Signature.of("nchw_to_rows", PTR, PTR, I32, I32, I32);
    public static final Signature CHANNEL_BIAS_ACTIVATION_FORWARD =
            Signature.of("channel_bias_activation_forward", PTR, PTR, PTR, I32, I32, I32, I32);
    public static final Signature CHANNEL_BIAS_ACTIVATION_BACKWARD =
            Signature.of("channel_bias_activation_backward", PTR, PTR, PTR, PTR, I32, I32, I32, I32);
    public static final Signature UPSAMPLE_NEAREST_FORWARD =
            Signature.of("upsample_nearest_forward", PTR, PTR, I32, I32, I32, I32);
    public static final Signature UPSAMPLE_NEAREST_BACKWARD =
            Signature.of("upsample_nearest_backward", PTR, PTR, I32, I32, I32, I32);
    public static final Signature UPSAMPLE_BICUBIC_FORWARD =
            Signature.of("upsample_bicubic_forward", PTR, PTR, I32, I32, I32, I32);
    public static final Signature SUBTRACT_PLANE_MEAN =
            Signature.of("subtract_plane_mean", PTR, PTR, I32, I32);
    public static final Signature MAX_POOL_FORWARD =
            Signature.of("max_pool_forward", PTR, PTR, PTR, I32, I32, I32, I32, I32, I32, I32);
    public static final Signature MAX_POOL_BACKWARD =
            Signature.of("max_pool_backward", PTR, PTR, PTR, I32, I32, I32, I32, I32, I32, I32);

    /** Every kernel the backend launches. */
    public static final List<Signature> ALL = List.of(
            SCALE, MULTIPLY, ACCUMULATE, SUM_SQUARES, SUM_SQUARES_FINISH,
            BIAS_ACTIVATION_FORWARD, BIAS_ACTIVATION_BACKWARD,
            BCE_WITH_LOGITS, MSE, L1_PENALTY,
            GAUSSIAN_LATENT_FORWARD, GAUSSIAN_LATENT_BACKWARD,
            UNIFORM, NORMAL, DROPOUT_FORWARD,
            ADAMW, SGD,
            IM2COL, COL2IM, ROWS_TO_NCHW, NCHW_TO_ROWS,
            CHANNEL_BIAS_ACTIVATION_FORWARD, CHANNEL_BIAS_ACTIVATION_BACKWARD,
            UPSAMPLE_NEAREST_FORWARD, UPSAMPLE_NEAREST_BACKWARD, UPSAMPLE_BICUBIC_FORWARD, SUBTRACT_PLANE_MEAN,
            MAX_POOL_FORWARD,
            MAX_POOL_BACKWARD);
}
