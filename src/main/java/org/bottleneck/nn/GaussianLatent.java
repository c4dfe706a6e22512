package org.bottleneck.nn;

import org.bottleneck.backend.Backend;
import org.bottleneck.tensor.Arena;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Tensor;

/**
 * The VAE head. Input h (B,2Z) = [mu | logvar]; output z (B,Z) = mu + exp(½·logvar)·eps with
 * eps ~ N(0,1) from Philox (training or explicit sampling), z = mu otherwise. Also writes the
 * per-sample KL to N(0,I): {@code kl(B)[b] = −½·Σ_j (1 + logvar − mu² − exp(logvar))}.
 * Backward adds the β-weighted KL gradient (see {@link Backend#gaussianLatentBackward}).
 */
public final class GaussianLatent implements Layer {
    private final Backend backend;
    private final int latent;
    private final long seed;
    private float klScale;
    private Tensor h;           // (B,2Z) input of the last forward
    private Tensor eps, z;      // (B,Z)
    private Tensor kl;          // (B)
    private Tensor dh;          // (B,2Z)

    public GaussianLatent(Backend backend, int latent, long seed) {
        this.backend = backend;
        this.latent = latent;
        this.seed = seed;
    }

    @Override
    public Shape outputShape(Shape in) {
        if (in.rowSize() != 2 * latent) {
            throw new IllegalArgumentException("GaussianLatent(Z=" + latent + ") needs input (B," + 2 * latent + "), got " + in);
        }
        return Shape.of(in.rows(), latent);
    }

    @Override
    public void allocate(Arena arena, Shape in, boolean needInputGrad) {
        int batch = in.rows();
        eps = arena.take(batch, latent);
        z = arena.take(batch, latent);
        kl = arena.take(batch);
        dh = arena.take(batch, 2 * latent);
    }

    @Override
    public Tensor forward(Tensor x, Pass pass) {
        h = x;
        backend.gaussianLatentForward(x, pass.sample(), seed, pass.rngOffset(), eps, z, kl);
        return z;
    }

    /** Sets the KL weight used by backward: β / B for a batch-mean loss. */
    public void setKlScale(float klScale) {
        this.klScale = klScale;
    }

    @Override
    public Tensor backward(Tensor dz, Pass pass) {
        backend.gaussianLatentBackward(h, eps, dz, klScale, dh);
        return dh;
    }

    /** Per-sample KL (B) of the last forward. */
    public Tensor kl() {
        return kl;
    }

    /** Noise (B,Z) of the last forward. */
    public Tensor eps() {
        return eps;
    }

    public int latent() {
        return latent;
    }
}
