package org.bottleneck.model;

import java.util.ArrayList;
import java.util.List;
import org.bottleneck.backend.Activation;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Philox;
import org.bottleneck.backend.Streams;
import org.bottleneck.nn.GaussianLatent;
import org.bottleneck.nn.Layer;
import org.bottleneck.nn.ParamSpec;
import org.bottleneck.nn.ParameterInit;
import org.bottleneck.nn.ParameterSet;
import org.bottleneck.nn.Pass;
import org.bottleneck.nn.Sequential;
import org.bottleneck.tensor.Arena;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Tensor;

/**
 * Runs any {@link Architecture} on one backend: encoder → latent head → decoder → output and
 * loss. It owns the objective: the per-sample loss {@code recon + β·KL + penalty} is formed
 * only here ({@link #readLosses}), and callers get images, never logits ({@link #images}).
 *
 * <p>Memory: parameters and gradients are one allocation each ({@link ParameterSet});
 * activations, conv columns and the batch buffers live in one arena sized by {@link #prepare}
 * for the largest batch seen; smaller batches reuse it. A steady-state {@link #trainStep}
 * allocates nothing.
 *
 * <p>Tensors of a batch of B samples: x (B, in…) input, t (B, out…) target (x itself for a plain
 * autoencoder), h (B,Z) or (B,2Z) encoder output (a spatial code: (B, C', H', W')), z (B,Z) code, y (B, out…) last layer's output
 * (logits for BCE, pre-sigmoid for SIGMOID_MSE), p (B, out…) images, recon/penalty (B).
 */
public final class Model implements AutoCloseable {
    private final Backend backend;
    private final Architecture arch;
    private final long seed;
    private final Sequential encoder;
    private final GaussianLatent latent; // null for a plain code
    private final Sequential decoder;
    private final Shape outSample;       // one output sample's dims
    private final Shape codeSample;      // one code's dims: (Z), or (C', H', W') for a spatial code
    private final ParameterSet params;
    private final Pass pass = new Pass();

    private Arena arena;
    private int batch = -1;
    private Tensor x, target, mask, zIn, dOut, recon, penalty, zeroBias, sigmoidOut, images;
    private Tensor residualOut; // y + up(x) of a RESIDUAL_MSE output
    private final int residualFactor;
    private Tensor y;      // last layer's output of the last pass
    private Tensor code;   // last code: h (plain) or z (VAE)
    private Tensor h;      // last encoder output

    public Model(Backend backend, Architecture arch, long seed) {
        this.backend = backend;
        this.arch = arch;
        this.seed = seed;
        Architecture.Layers layers = arch.layers(backend, seed);
        encoder = new Sequential("encoder", layers.encoder());
        decoder = new Sequential("decoder", layers.decoder());
        latent = arch.variational()
                ? new GaussianLatent(backend, arch.latentDim(), Philox.derive(seed, Streams.LATENT)) : null;
        int[] od = layers.outputShape().dims();
        outSample = Shape.of(java.util.Arrays.copyOfRange(od, 1, od.length));
        codeSample = arch.latentShape();
        residualFactor = arch.output().residual() ? Architecture.residualFactor(arch.inputShape(), outSample) : 0;

        List<ParamSpec> specs = new ArrayList<>(encoder.parameters());
        specs.addAll(decoder.parameters());
        params = new ParameterSet(backend, specs);
        int ne = encoder.parameters().size();
        List<Tensor> v = params.valueViews(), g = params.gradViews();
        encoder.bind(v.subList(0, ne), g.subList(0, ne));
        decoder.bind(v.subList(ne, v.size()), g.subList(ne, g.size()));
        ParameterInit init = new ParameterInit(backend, seed);
        encoder.initialize(init);
        decoder.initialize(init);
        if (arch.output().residual()) {
            // The last layer starts at zero, so a residual model starts as its base (the
            // upsampled input) and learns the correction from there, not from noise.
            List<Layer> dl = decoder.layers();
            int last = dl.get(dl.size() - 1).parameters().size();
            for (Tensor t : v.subList(v.size() - last, v.size())) {
                backend.fill(t, 0f);
            }
        }
    }

    public Backend backend() {
        return backend;
    }

    public Architecture architecture() {
        return arch;
    }

    public long seed() {
        return seed;
    }

    public Sequential encoder() {
        return encoder;
    }

    public Sequential decoder() {
        return decoder;
    }

    public ParameterSet parameters() {
        return params;
    }

    /** One input sample's shape, e.g. (1, 28, 28) or (784). */
    public Shape inputShape() {
        return arch.inputShape();
    }

    /** One output sample's shape. */
    public Shape outputShape() {
        return outSample;
    }

    public int inputSize() {
        return (int) arch.inputShape().size();
    }

    public int outputSize() {
        return (int) outSample.size();
    }

    /** Z, values per code (for a spatial code the encoder's output size). */
    public int latentDim() {
        return (int) codeSample.size();
    }

    /** One code's shape: (Z), or the encoder's output shape for a spatial code. */
    public Shape latentShape() {
        return codeSample;
    }

    public boolean isVariational() {
        return latent != null;
    }

    // ------------------------------------------------------------------ planning

    /** Makes the activation buffers fit a batch of {@code b}; allocates only when b grows. */
    public void prepare(int b) {
        if (b <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + b);
        }
        if (b == batch) {
            return;
        }
        Arena sizing = Arena.sizing();
        takeActivations(sizing, b);
        if (arena == null || !arena.fits(sizing)) {
            if (arena != null) {
                arena.close();
            }
            arena = Arena.allocate(backend, sizing, "activations[B=" + b + "]");
        }
        arena.reset();
        takeActivations(arena, b);
        backend.fill(zeroBias, 0f);
        batch = b;
    }

    private void takeActivations(Arena a, int b) {
        Shape in = arch.inputShape().batched(b), out = outSample.batched(b);
        x = a.take(in);
        target = a.take(out);
        mask = a.take(out);
        encoder.allocate(a, in, false);
        if (latent != null) {
            latent.allocate(a, Shape.of(b, 2 * latentDim()), true);
        }
        zIn = a.take(codeSample.batched(b));
        decoder.allocate(a, codeSample.batched(b), true);
        dOut = a.take(out);
        recon = a.take(b);
        penalty = a.take(b);
        zeroBias = a.take(outputSize());
        sigmoidOut = arch.output() == OutputKind.SIGMOID_MSE ? a.take(out) : null;
        images = arch.output() == OutputKind.BCE ? a.take(out) : null;
        residualOut = arch.output().residual() ? a.take(out) : null;
    }

    public int batchSize() {
        return batch;
    }

    /** The (B, in…) input buffer of the prepared batch: upload samples here. */
    public Tensor input() {
        return x;
    }

    /** A (B, out…) buffer for targets that are not the input (denoising, super-resolution). */
    public Tensor targetBuffer() {
        return target;
    }

    /** A (B, out…) buffer for a 0/1 loss mask over the target (inpainting's hole). */
    public Tensor maskBuffer() {
        return mask;
    }

    // ------------------------------------------------------------------ passes

    /**
     * Forward + loss + backward for the batch in {@link #input()} against {@code target}
     * ({@link #input()} itself for a plain autoencoder, else usually {@link #targetBuffer()}).
     * Afterwards the gradients hold d(mean loss)/dθ of this batch (previous contents are
     * overwritten) and the per-sample losses stay on the backend ({@link #readLosses}).
     *
     * @param step global step number; fixes every random draw of this step
     */
    public void trainStep(long step, Tensor target) {
        trainStep(step, target, null);
    }

    /**
     * As {@link #trainStep(long, Tensor)} with the reconstruction loss weighted by a 0/1 mask
     * over the target (B, out…), usually {@link #maskBuffer()}; null = every element counts.
     */
    public void trainStep(long step, Tensor target, Tensor lossMask) {
        forward(pass.set(true, true, step), target, lossMask, true);
        // Every parameter gets exactly one gradient contribution per step, so backward writes
        // the gradients instead of adding to a zeroed buffer (same values, one pass fewer).
        pass.overwriteGradients(true);
        if (sigmoidOut != null) {
            backend.biasActivationBackward(sigmoidOut, dOut, Activation.SIGMOID, dOut, null);
        }
        Tensor dz = decoder.backward(dOut, pass);
        if (arch.latent().l1() > 0) {
            backend.l1Penalty(code, (float) arch.latent().l1(), penalty, dz, 1f / batch);
        }
        Tensor dh = latent != null ? latent.backward(dz, pass) : dz;
        encoder.backward(dh, pass);
    }

    /**
     * Forward + loss without gradients. {@code sample}: draw z ~ q(z|x) (VAE) with the
     * randomness of {@code step}; otherwise use the mean.
     */
    public void evaluate(boolean sample, long step, Tensor target) {
        evaluate(sample, step, target, null);
    }

    /** As above with a loss mask over the target, or null. */
    public void evaluate(boolean sample, long step, Tensor target, Tensor lossMask) {
        forward(pass.set(false, sample, step), target, lossMask, false);
        if (arch.latent().l1() > 0) {
            backend.l1Penalty(code, (float) arch.latent().l1(), penalty, null, 0f);
        }
    }

    private void forward(Pass p, Tensor t, Tensor m, boolean withGrad) {
        if (t.size() != (long) batch * outputSize()) {
            throw new IllegalArgumentException("model '" + arch.name() + "': target " + t.shape() + " does not match the"
                    + " output " + outSample.batched(batch));
        }
        run(p);
        Tensor grad = withGrad ? dOut : null;
        float scale = 1f / batch;
        switch (arch.output()) {
            case BCE -> backend.bceWithLogits(y, t, m, recon, grad, scale);
            case MSE -> backend.mse(y, t, m, recon, grad, scale);
            case SIGMOID_MSE -> backend.mse(sigmoidOut, t, m, recon, grad, scale);
            case RESIDUAL_MSE, RESIDUAL_BICUBIC_MSE -> backend.mse(residualOut, t, m, recon, grad, scale); // d/d(y + up(x)) = d/dy
        }
        backend.fill(penalty, 0f);
    }

    /** encoder → head → decoder (→ sigmoid for SIGMOID_MSE) on the input. */
    private void run(Pass p) {
        h = encoder.forward(x, p);
        if (latent != null) {
            latent.setKlScale((float) (arch.latent().beta() / batch));
            code = latent.forward(h, p);
        } else {
            code = h;
        }
        y = decoder.forward(code, p);
        if (sigmoidOut != null) {
            backend.biasActivationForward(y, zeroBias, Activation.SIGMOID, sigmoidOut);
        }
        if (residualOut != null) {
            if (residualFactor == 1) { // y + x, a one-channel x added to every channel
                backend.copy(y, residualOut);
                backend.accumulate(x, residualOut);
            } else {
                if (arch.output() == OutputKind.RESIDUAL_BICUBIC_MSE) {
                    backend.upsampleBicubicForward(x, residualFactor, residualOut);
                } else {
                    backend.upsampleNearestForward(x, residualFactor, residualOut);
                }
                backend.accumulate(y, residualOut);
            }
        }
    }

    /** Encoder → code (the mean for a VAE) → decoder on {@link #input()}, no loss; read {@link #images}. */
    public void reconstruct() {
        run(pass.set(false, false, 0));
    }

    /** Decodes the codes in {@link #codeInput()} (B,Z); read them with {@link #images}. */
    public void decode() {
        y = decoder.forward(zIn, pass.set(false, false, 0));
        if (sigmoidOut != null) {
            backend.biasActivationForward(y, zeroBias, Activation.SIGMOID, sigmoidOut);
        }
        if (residualOut != null) {
            backend.copy(y, residualOut); // a code alone has no input to add
        }
    }

    /** The (B,Z) buffer {@link #decode()} reads ((B, C', H', W') for a spatial code). */
    public Tensor codeInput() {
        return zIn;
    }

    /** Encoder only: fills {@link #encoderOutput()} (mu|logvar for a VAE). */
    public void encode() {
        h = encoder.forward(x, pass.set(false, false, 0));
    }

    /** (B,Z) or (B,2Z) output of the last encoder pass. */
    public Tensor encoderOutput() {
        return h;
    }

    /** (B,Z) code of the last forward pass (z for a VAE, h for a plain code). */
    public Tensor code() {
        return code;
    }

    /** (B, out…) raw output of the last layer: logits for BCE, pre-sigmoid for SIGMOID_MSE (for checks). */
    public Tensor output() {
        return y;
    }

    /**
     * (B, out…) images of the last pass or decode: probabilities for BCE (sigmoid of the
     * logits, computed here), sigmoid outputs for SIGMOID_MSE, raw outputs for MSE.
     */
    public Tensor images() {
        return switch (arch.output()) {
            case BCE -> {
                backend.biasActivationForward(y, zeroBias, Activation.SIGMOID, images);
                yield images;
            }
            case SIGMOID_MSE -> sigmoidOut;
            case MSE -> y;
            case RESIDUAL_MSE, RESIDUAL_BICUBIC_MSE -> residualOut;
        };
    }

    /** (B) per-sample reconstruction loss of the last pass (nats for BCE). */
    public Tensor reconLoss() {
        return recon;
    }

    /** (B) per-sample KL of the last pass; null for a plain code. */
    public Tensor klLoss() {
        return latent == null ? null : latent.kl();
    }

    /** (B,Z) noise of the last VAE pass; null for a plain code. */
    public Tensor eps() {
        return latent == null ? null : latent.eps();
    }

    /** (B) per-sample L1 penalty of the last pass (zeros when l1 = 0). */
    public Tensor penaltyLoss() {
        return penalty;
    }

    /**
     * Downloads the last pass's per-sample losses of the first n samples: {@code total[i] =
     * recon + β·KL + penalty}, the objective training minimizes; {@code kl} gets zeros for a
     * plain code. Any array may be null except total.
     */
    public void readLosses(int n, double[] total, float[] reconOut, float[] klOut, float[] penaltyOut) {
        float[] r = reconOut != null ? reconOut : new float[n];
        float[] pen = penaltyOut != null ? penaltyOut : new float[n];
        float[] k = klOut != null ? klOut : latent != null ? new float[n] : null;
        download(recon, r, n);
        download(penalty, pen, n);
        if (latent != null) {
            download(latent.kl(), k, n);
        } else if (k != null) {
            java.util.Arrays.fill(k, 0, n, 0f);
        }
        double beta = latent != null ? arch.latent().beta() : 0;
        for (int i = 0; i < n; i++) {
            total[i] = r[i] + (latent != null ? beta * k[i] : 0) + pen[i];
        }
    }

    private void download(Tensor t, float[] dst, int n) {
        if (n == batch) {
            backend.download(t, dst, 0);
        } else {
            backend.download(t.view(0, Shape.of(n)), dst, 0);
        }
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
            arena = null;
        }
        params.close();
    }
}
