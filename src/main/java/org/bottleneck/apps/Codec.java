package org.bottleneck.apps;

import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Philox;
import org.bottleneck.model.Model;
import org.bottleneck.tensor.Shape;
import org.bottleneck.tensor.Tensor;

/**
 * The embedding API over a trained model, in plain float arrays: encode, decode, reconstruct,
 * sample. Rows are samples of the model's input size D (images in [0,1], row-major C,H,W), outputs
 * of its output size, and codes of Z floats. Single-row calls on a
 * model prepared for batch 1 reuse its buffers and allocate nothing, for latency-sensitive
 * services. Not thread-safe: one Codec (and model) per thread.
 */
public final class Codec {
    private final Model model;
    private final Backend backend;
    private final int d;   // input values per sample
    private final int out; // output values per sample
    private final int z;
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
