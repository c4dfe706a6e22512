package org.bottleneck.train;

import org.bottleneck.backend.Backend;
import org.bottleneck.data.Dataset;
import org.bottleneck.model.Autoencoder;
import org.bottleneck.model.LossKind;

/**
 * Test-set metrics. A VAE is evaluated with z drawn from q(z|x) (the PyTorch VAE example's
 * convention) using a fixed evaluation stream, so the numbers are deterministic.
 */
public final class Evaluator {
    /** Evaluation draws use negative step numbers, disjoint from training steps (≥ 0). */
    static final long EVAL_STEP = -1;

    private Evaluator() {
    }

    public static EvalResult evaluate(Autoencoder model, Dataset data, int batchSize) {
        Backend backend = model.backend();
        int d = model.inputDim();
        int b = Math.min(batchSize, data.size());
        Batches batches = new Batches(data, b);
        float[] recon = new float[b], kl = new float[b], pen = new float[b];
        float[] out = new float[b * d], x = new float[b * d];
        double sRecon = 0, sKl = 0, sPen = 0, sSq = 0;
        for (int from = 0; from < data.size(); from += b) {
            int n = Math.min(b, data.size() - from);
            model.prepare(n);
            batches.load(from, n, model.input());
            model.evaluate(model.isVariational(), EVAL_STEP);
            backend.download(model.reconLoss(), recon, 0);
            backend.download(model.penaltyLoss(), pen, 0);
            if (model.isVariational()) {
                backend.download(model.klLoss(), kl, 0);
            }
            backend.download(model.output(), out, 0);
            backend.download(model.input(), x, 0);
            boolean logits = model.config().loss() == LossKind.BCE;
            for (int i = 0; i < n; i++) {
                sRecon += recon[i];
                sPen += pen[i];
                sKl += model.isVariational() ? kl[i] : 0;
            }
            for (int i = 0; i < n * d; i++) {
                double p = logits ? 1.0 / (1.0 + Math.exp(-out[i])) : out[i];
                double e = p - x[i];
                sSq += e * e;
            }
        }
        int total = data.size();
        double r = sRecon / total, k = sKl / total, p = sPen / total;
        double beta = model.isVariational() ? model.config().beta() : 0;
        return new EvalResult(total, r + beta * k + p, r, k, p, r + k, sSq / ((double) total * d));
    }

    /**
     * Importance-sampled negative log-likelihood of a VAE in nats per image (Burda et al.):
     * {@code −log (1/K)·Σ_k p(x|z_k)·p(z_k)/q(z_k|x)}, z_k ~ q(z|x). With z = mu + σ·eps the
     * log 2π terms cancel: {@code log w_k = −recon_k − ½Σz² + ½Σeps² + ½Σ logvar}.
     */
    public static double importanceSampledNll(Autoencoder model, Dataset data, int batchSize, int k) {
        if (!model.isVariational()) {
            throw new IllegalArgumentException("importance-sampled NLL needs a VAE, model '"
                    + model.config().name() + "' is a plain autoencoder");
        }
        if (k < 1) {
            throw new IllegalArgumentException("importance samples K must be ≥ 1, got " + k);
        }
        Backend backend = model.backend();
        int z = model.latentDim();
        int b = Math.min(batchSize, data.size());
        Batches batches = new Batches(data, b);
        float[] recon = new float[b], eps = new float[b * z], h = new float[b * 2 * z];
        double[][] logW = new double[k][b];
        double total = 0;
        for (int from = 0; from < data.size(); from += b) {
            int n = Math.min(b, data.size() - from);
            model.prepare(n);
            batches.load(from, n, model.input());
            for (int s = 0; s < k; s++) {
                model.evaluate(true, EVAL_STEP - 1 - s);
                backend.download(model.reconLoss(), recon, 0);
                backend.download(model.eps(), eps, 0);
                backend.download(model.encoderOutput(), h, 0);
                for (int i = 0; i < n; i++) {
                    double lw = -recon[i];
                    for (int j = 0; j < z; j++) {
                        double mu = h[i * 2 * z + j], lv = h[i * 2 * z + z + j], e = eps[i * z + j];
                        double zz = mu + Math.exp(0.5 * lv) * e;
                        lw += -0.5 * zz * zz + 0.5 * e * e + 0.5 * lv;
                    }
                    logW[s][i] = lw;
                }
            }
            for (int i = 0; i < n; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int s = 0; s < k; s++) {
                    max = Math.max(max, logW[s][i]);
                }
                double sum = 0;
                for (int s = 0; s < k; s++) {
                    sum += Math.exp(logW[s][i] - max);
                }
                total += -(max + Math.log(sum / k));
            }
        }
        return total / data.size();
    }
}
