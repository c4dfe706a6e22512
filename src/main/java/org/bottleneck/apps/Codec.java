package org.bottleneck.apps;

import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Philox;
import org.bottleneck.model.Model;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Tensor;

/**
 * The embedding API over a trained model, in plain float arrays: encode, decode, reconstruct,
 * score, sample. Rows are samples of the model's input size D as the model sees them (images in
 * [0,1], row-major C,H,W; a table already standardized), outputs of its output size, and codes of
 * Z floats. The single-row calls ({@link #encode(float[], float[])}, {@link #decode(float[], float[])},
 * {@link #reconstruct(float[], float[])}, {@link #score(float[])}) reuse the model's batch-1 buffers and allocate nothing in
 * steady state, for latency-sensitive services; a bulk call in between re-plans the model once.
 * Single-row and bulk results agree to float32 rounding, not bit for bit (BLAS picks other
 * kernels for one row). Not thread-safe: one Codec (and model, and CPU backend) per thread, or
 * share a {@link CodecPool}.
 */
public final class Codec {
    private final Model model;
    private final Backend backend;
    private final int d;   // input values per sample
    private final int out; // output values per sample
    private final int z;
    private final double[] total1 = new double[1];
    private final float[] recon1 = new float[1], kl1 = new float[1], pen1 = new float[1];
    private double[] totals = new double[0];
    private float[] recons = new float[0], kls = new float[0], pens = new float[0];
    private float[] hostIn = new float[0];
    private float[] hostOut = new float[0];
    private Tensor muSource, mu; // mu = first Z floats of muSource, cached per plan

    /** Samples per pass of the bulk calls: large enough for the GEMMs, small enough for a conv model's activations. */
    static final int BULK = 256;

    public Codec(Model model) {
        this.model = model;
        this.backend = model.backend();
        this.d = model.inputSize();
        this.out = model.outputSize();
        this.z = model.latentDim();
    }

    public Model model() {
        return model;
    }

    /** Code of one image x (D) into code (Z): mu for a VAE, the bottleneck for an autoencoder. */
    public void encode(float[] x, float[] code) {
        check("image", x.length, d);
        check("code", code.length, z);
        model.prepare(1);
        backend.upload(x, 0, model.input());
        model.encode();
        if (muSource != model.encoderOutput()) { // the plan changed: rebuild the cached view once
            muSource = model.encoderOutput();
            mu = muSource.view(0, Shape.of(z));
        }
        backend.download(mu, code, 0);
    }

    /** Codes (n, Z) of images (n, D), row-major. */
    public float[] encode(float[] images, int n) {
        check("images", images.length, (long) n * d);
        float[] codes = new float[n * z];
        int b = Math.min(n, BULK);
        for (int from = 0; from < n; from += b) {
            int m = Math.min(b, n - from);
            model.prepare(m);
            backend.upload(slice(images, from * d, m * d), 0, model.input());
            model.encode();
            int width = model.encoderOutput().rowSize();
            if (hostOut.length < m * width) {
                hostOut = new float[m * width];
            }
            float[] h = hostOut;
            backend.download(model.encoderOutput(), h, 0);
            for (int i = 0; i < m; i++) {
                System.arraycopy(h, i * width, codes, (from + i) * z, z); // mu is the first Z of (mu|logvar)
            }
        }
        return codes;
    }

    /** Images (n, out) decoded from codes (n, Z): in [0,1] unless the model's output is a raw MSE one. */
    public float[] decode(float[] codes, int n) {
        check("codes", codes.length, (long) n * z);
        float[] images = new float[n * out];
        int b = Math.min(n, BULK);
        for (int from = 0; from < n; from += b) {
            int m = Math.min(b, n - from);
            model.prepare(m);
            backend.upload(slice(codes, from * z, m * z), 0, model.codeInput());
            model.decode();
            downloadImages(m, images, from * out);
        }
        return images;
    }

    /** Output y (out) decoded from one code (Z): allocation-free, for a service decoding points one by one. */
    public void decode(float[] code, float[] y) {
        check("code", code.length, z);
        check("output", y.length, out);
        model.prepare(1);
        backend.upload(code, 0, model.codeInput());
        model.decode();
        backend.download(model.images(), y, 0);
    }

    /** Outputs (n, out) for images (n, D): decode(encode(x)), the mean code for a VAE. */
    public float[] reconstruct(float[] images, int n) {
        check("images", images.length, (long) n * d);
        float[] result = new float[n * out];
        int b = Math.min(n, BULK);
        for (int from = 0; from < n; from += b) {
            int m = Math.min(b, n - from);
            model.prepare(m);
            backend.upload(slice(images, from * d, m * d), 0, model.input());
            model.reconstruct();
            downloadImages(m, result, from * out);
        }
        return result;
    }

    /** Output y (out) of one image x (D): decode(encode(x)), the mean code for a VAE. */
    public void reconstruct(float[] x, float[] y) {
        check("image", x.length, d);
        check("output", y.length, out);
        model.prepare(1);
        backend.upload(x, 0, model.input());
        model.reconstruct();
        backend.download(model.images(), y, 0);
    }

    /**
     * The model's per-sample objective for one image x (D) reconstructing itself: the
     * reconstruction loss (nats for BCE, summed squared error for MSE), for a VAE {@code recon +
     * β·KL} with z = mu (no sampling: deterministic), plus the L1 penalty of a sparse code. Lower
     * is more typical of the training data (an anomaly score). Needs a model whose output has
     * the input's size.
     */
    public float score(float[] x) {
        check("image", x.length, d);
        checkSelfTarget();
        model.prepare(1);
        backend.upload(x, 0, model.input());
        model.evaluate(false, 0, model.input());
        model.readLosses(1, total1, recon1, kl1, pen1);
        return (float) total1[0];
    }

    /** {@link #score(float[])} of each of n images (n, D): (n) scores. */
    public float[] score(float[] images, int n) {
        check("images", images.length, (long) n * d);
        checkSelfTarget();
        float[] scores = new float[n];
        int b = Math.min(n, BULK);
        if (totals.length < b) {
            totals = new double[b];
            recons = new float[b];
            kls = new float[b];
            pens = new float[b];
        }
        for (int from = 0; from < n; from += b) {
            int m = Math.min(b, n - from);
            model.prepare(m);
            backend.upload(slice(images, from * d, m * d), 0, model.input());
            model.evaluate(false, 0, model.input());
            model.readLosses(m, totals, recons, kls, pens);
            for (int i = 0; i < m; i++) {
                scores[from + i] = (float) totals[i];
            }
        }
        return scores;
    }

    private void checkSelfTarget() {
        if (out != d) {
            throw new IllegalArgumentException("score needs a model that reconstructs its input; model '"
                    + model.architecture().name() + "' maps " + model.inputShape() + " to " + model.outputShape());
        }
    }

    /** n codes from N(mean, L·Lᵀ) (L lower-triangular Z×Z, row-major), or N(0, I) when both are null. */
    public float[] sampleCodes(int n, long seed, float[] mean, float[] cholesky) {
        float[] codes = new float[n * z];
        float[] e = new float[z];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < z; j++) {
                e[j] = Philox.normal(seed, (long) i * z + j);
            }
            for (int r = 0; r < z; r++) {
                double v = mean == null ? 0 : mean[r];
                if (cholesky == null) {
                    v += e[r];
                } else {
                    for (int c = 0; c <= r; c++) {
                        v += cholesky[r * z + c] * e[c];
                    }
                }
                codes[i * z + r] = (float) v;
            }
        }
        return codes;
    }

    private void downloadImages(int m, float[] dst, int offset) {
        if (hostOut.length < m * out) {
            hostOut = new float[m * out];
        }
        backend.download(model.images(), hostOut, 0);
        System.arraycopy(hostOut, 0, dst, offset, m * out);
    }

    private float[] slice(float[] a, int from, int len) {
        if (from == 0 && len == a.length) {
            return a;
        }
        if (hostIn.length < len) {
            hostIn = new float[len];
        }
        System.arraycopy(a, from, hostIn, 0, len);
        return hostIn;
    }

    private static void check(String what, long got, long expected) {
        if (got != expected) {
            throw new IllegalArgumentException(what + ": expected " + expected + " floats, got " + got);
        }
    }
}
