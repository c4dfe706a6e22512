package org.bottleneck.model;

import java.util.ArrayList;
import java.util.List;
import org.bottleneck.backend.Activation;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Philox;
import org.bottleneck.nn.Dropout;
import org.bottleneck.nn.GaussianLatent;
import org.bottleneck.nn.Layer;
import org.bottleneck.nn.Linear;
import org.bottleneck.nn.ParamSpec;
import org.bottleneck.nn.ParameterInit;
import org.bottleneck.nn.ParameterSet;
import org.bottleneck.nn.Pass;
import org.bottleneck.nn.Sequential;
import org.bottleneck.tensor.Arena;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Tensor;

/**
 * A dense autoencoder or VAE on one backend: encoder → [GaussianLatent] → decoder → loss.
 * Covers the plain, denoising (input corruption), sparse (L1 on the code) and variational
 * (β-VAE) variants of {@link ModelConfig}.
 *
 * <p>Memory: parameters and gradients are one allocation each ({@link ParameterSet});
 * activations live in one arena sized by {@link #prepare} for the largest batch seen; smaller
 * batches reuse it. A steady-state {@link #trainStep} allocates nothing.
 *
 * <p>Tensors of a batch of B images: x (B,D) input, x̃ (B,D) corrupted input, h (B,Z) or
 * (B,2Z) encoder output, z (B,Z) code, y (B,D) decoder output (logits for BCE, sigmoid for MSE),
 * recon (B) per-sample reconstruction loss, kl (B), penalty (B) per-sample L1 term.
 */
public final class Autoencoder implements AutoCloseable {
    private static final long STREAM_CORRUPTION = 1;
    private static final long STREAM_LATENT = 2;
    private static final long STREAM_DROPOUT = 100;

    private final Backend backend;
    private final ModelConfig config;
    private final long seed;
    private final Sequential encoder;
    private final GaussianLatent latent; // null for a plain autoencoder
    private final Sequential decoder;
    private final ParameterSet params;
    private final Pass pass = new Pass();

    private Arena arena;
    private int batch = -1;
    private Tensor x, corrupted, zIn, dOut, recon, penalty;
    private Tensor y;      // last decoder output
    private Tensor code;   // last code: h (AE) or z (VAE)
    private Tensor h;      // last encoder output

    public Autoencoder(Backend backend, ModelConfig config, long seed) {
        this.backend = backend;
        this.config = config;
        this.seed = seed;
        int[] hidden = config.hidden();
        int z = config.latentDim();
        long dropSeed = Philox.derive(seed, STREAM_DROPOUT);

        List<Layer> enc = new ArrayList<>();
        int in = config.inputDim();
        for (int i = 0; i < hidden.length; i++) {
            enc.add(new Linear(backend, in, hidden[i], config.activation()));
            if (config.dropout() > 0) {
                enc.add(new Dropout(backend, (float) config.dropout(), Philox.derive(dropSeed, i)));
            }
            in = hidden[i];
        }
        if (config.variational()) {
            enc.add(new Linear(backend, in, 2 * z, Activation.IDENTITY));
            latent = new GaussianLatent(backend, z, Philox.derive(seed, STREAM_LATENT));
        } else {
            enc.add(new Linear(backend, in, z, config.codeActivation()));
            latent = null;
        }
        encoder = new Sequential("encoder", enc);

        List<Layer> dec = new ArrayList<>();
        in = z;
        for (int i = hidden.length - 1; i >= 0; i--) {
            dec.add(new Linear(backend, in, hidden[i], config.activation()));
            if (config.dropout() > 0) {
                dec.add(new Dropout(backend, (float) config.dropout(), Philox.derive(dropSeed, 100 + i)));
            }
            in = hidden[i];
        }
        Activation out = config.loss() == LossKind.MSE ? Activation.SIGMOID : Activation.IDENTITY;
        dec.add(new Linear(backend, in, config.inputDim(), out));
        decoder = new Sequential("decoder", dec);

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
    }

    public Backend backend() {
        return backend;
    }

    public ModelConfig config() {
        return config;
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

    public int inputDim() {
        return config.inputDim();
    }

    public int latentDim() {
        return config.latentDim();
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
        if (arena == null || sizing.used() > arena.capacity()) {
            if (arena != null) {
                arena.close();
            }
            arena = Arena.allocate(backend, sizing.used(), "activations[B=" + b + "]");
        }
        arena.reset();
        takeActivations(arena, b);
        batch = b;
    }

    private void takeActivations(Arena a, int b) {
        int d = config.inputDim(), z = config.latentDim();
        x = a.take(b, d);
        corrupted = config.corruption() != Corruption.NONE ? a.take(b, d) : null;
        encoder.allocate(a, Shape.of(b, d), false);
        if (latent != null) {
            latent.allocate(a, Shape.of(b, 2 * z), true);
        }
        zIn = a.take(b, z);
        decoder.allocate(a, Shape.of(b, z), true);
        dOut = a.take(b, d);
        recon = a.take(b);
        penalty = a.take(b);
    }

    public int batchSize() {
        return batch;
    }

    /** The (B,D) input buffer of the prepared batch: upload images here. */
    public Tensor input() {
        return x;
    }

    // ------------------------------------------------------------------ passes

    /**
     * Forward + loss + backward for the batch in {@link #input()}. Afterwards the gradients hold
     * d(mean loss)/dθ of this batch (previous contents are overwritten). The per-sample losses stay on the backend
     * ({@link #reconLoss()}, {@link #klLoss()}, {@link #penaltyLoss()}).
     *
     * @param step global step number; fixes every random draw of this step
     */
    public void trainStep(long step) {
        forward(pass.set(true, true, step), true);
        // Every parameter gets exactly one gradient contribution per step, so backward writes
        // the gradients instead of adding to a zeroed buffer (same values, one pass fewer).
        pass.overwriteGradients(true);
        Tensor dz = decoder.backward(dOut, pass);
        if (config.l1() > 0) {
            backend.l1Penalty(code, (float) config.l1(), penalty, dz, 1f / batch);
        }
        Tensor dh = latent != null ? latent.backward(dz, pass) : dz;
        encoder.backward(dh, pass);
    }

    /**
     * Forward + loss without gradients. {@code sample}: draw z ~ q(z|x) (VAE) with the
     * randomness of {@code step}; otherwise use the mean.
     */
    public void evaluate(boolean sample, long step) {
        forward(pass.set(false, sample, step), false);
        if (config.l1() > 0) {
            backend.l1Penalty(code, (float) config.l1(), penalty, null, 0f);
        }
    }

    private void forward(Pass p, boolean withGrad) {
        Tensor in = x;
        if (p.training() && corrupted != null) {
            long s = Philox.derive(seed, STREAM_CORRUPTION);
            if (config.corruption() == Corruption.GAUSSIAN) {
                backend.gaussianCorruption(x, (float) config.corruptionLevel(), s, p.rngOffset(), corrupted);
            } else {
                backend.maskingCorruption(x, (float) config.corruptionLevel(), s, p.rngOffset(), corrupted);
            }
            in = corrupted;
        }
        h = encoder.forward(in, p);
        if (latent != null) {
            latent.setKlScale((float) (config.beta() / batch));
            code = latent.forward(h, p);
        } else {
            code = h;
        }
        y = decoder.forward(code, p);
        Tensor grad = withGrad ? dOut : null;
        float scale = 1f / batch;
        if (config.loss() == LossKind.BCE) {
            backend.bceWithLogits(y, x, recon, grad, scale);
        } else {
            backend.mse(y, x, recon, grad, scale);
        }
        backend.fill(penalty, 0f);
    }

    /** Decodes the codes in {@link #codeInput()} (B,Z) into {@link #output()}. */
    public void decode() {
        y = decoder.forward(zIn, pass.set(false, false, 0));
    }

    /** The (B,Z) buffer {@link #decode()} reads. */
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

    /** (B,Z) code of the last forward pass (z for a VAE, h for an autoencoder). */
    public Tensor code() {
        return code;
    }

    /** (B,D) decoder output of the last pass: logits (BCE) or sigmoid outputs (MSE). */
    public Tensor output() {
        return y;
    }

    /** (B) per-sample reconstruction loss of the last pass (nats for BCE). */
    public Tensor reconLoss() {
        return recon;
    }

    /** (B) per-sample KL of the last pass; null for a plain autoencoder. */
    public Tensor klLoss() {
        return latent == null ? null : latent.kl();
    }

    /** (B,Z) noise of the last VAE pass; null for a plain autoencoder. */
    public Tensor eps() {
        return latent == null ? null : latent.eps();
    }

    /** (B) per-sample L1 penalty of the last pass (zeros when l1 = 0). */
    public Tensor penaltyLoss() {
        return penalty;
    }

    public boolean isVariational() {
        return latent != null;
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
