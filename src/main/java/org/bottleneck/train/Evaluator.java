package org.bottleneck.train;

import org.bottleneck.backend.Backend;
import org.bottleneck.data.Dataset;
import org.bottleneck.data.transform.Pipeline;
import org.bottleneck.model.Model;

/**
 * Test-set metrics. A VAE is evaluated with z drawn from q(z|x) (the PyTorch VAE example's
 * convention) using a fixed evaluation stream, so the numbers are deterministic.
 */
public final class Evaluator {
    /** Evaluation draws use negative step numbers, disjoint from training steps (≥ 0). */
    static final long EVAL_STEP = -1;

    private Evaluator() {
    }

    /** Metrics of the model reconstructing the clean samples. */
    public static EvalResult evaluate(Model model, Dataset data, int batchSize) {
        return evaluate(model, data, batchSize, Pipeline.NONE, 0);
    }

    /**
     * Metrics of the model on the pipeline's examples: degraded inputs (one fixed draw per
     * sample, {@link Pipeline#EVAL_EPOCH}) against clean targets, under the loss mask if any.
     * The squared error per value is over the whole target.
     */
    public static EvalResult evaluate(Model model, Dataset data, int batchSize, Pipeline pipeline, long seed) {
        DataChecks.fits(model, data, pipeline, "evaluation");
        Backend backend = model.backend();
        int d = model.outputSize();
        int b = Math.min(batchSize, data.size());
        try (Batches batches = new Batches(backend, data, b, pipeline, seed)) {
            return evaluate(model, data, b, batches);
        }
    }

    private static EvalResult evaluate(Model model, Dataset data, int b, Batches batches) {
        Backend backend = model.backend();
        int d = model.outputSize();
        float[] recon = new float[b], kl = new float[b], pen = new float[b];
        double[] total = new double[b];
        float[] out = new float[b * d], x = new float[b * d];
        double sRecon = 0, sKl = 0, sPen = 0, sSq = 0;
        for (int from = 0; from < data.size(); from += b) {
            int n = Math.min(b, data.size() - from);
            model.prepare(n);
            Batches.Batch batch = batches.load(from, n, model, Pipeline.EVAL_EPOCH);
            model.evaluate(model.isVariational(), EVAL_STEP, batch.target(), batch.mask());
            model.readLosses(n, total, recon, kl, pen);
            backend.download(model.images(), out, 0);
            backend.download(batch.target(), x, 0);
            for (int i = 0; i < n; i++) {
                sRecon += recon[i];
                sPen += pen[i];
                sKl += kl[i];
            }
            for (int i = 0; i < n * d; i++) {
                double e = out[i] - x[i];
                sSq += e * e;
            }
        }
        int total0 = data.size();
        double r = sRecon / total0, k = sKl / total0, p = sPen / total0;
        double beta = model.isVariational() ? model.architecture().latent().beta() : 0;
        return new EvalResult(total0, r + beta * k + p, r, k, p, r + k, sSq / ((double) total0 * d));
    }

    /**
     * Importance-sampled negative log-likelihood of a VAE in nats per image (Burda et al.):
     * {@code −log (1/K)·Σ_k p(x|z_k)·p(z_k)/q(z_k|x)}, z_k ~ q(z|x). With z = mu + σ·eps the
     * log 2π terms cancel: {@code log w_k = −recon_k − ½Σz² + ½Σeps² + ½Σ logvar}.
     */
    public static double importanceSampledNll(Model model, Dataset data, int batchSize, int k) {
        if (!model.isVariational()) {
            throw new IllegalArgumentException("importance-sampled NLL needs a VAE, model '"
                    + model.architecture().name() + "' is a plain autoencoder");
        }
        if (k < 1) {
            throw new IllegalArgumentException("importance samples K must be ≥ 1, got " + k);
        }
        DataChecks.fits(model, data, "evaluation");
        Backend backend = model.backend();
        int z = model.latentDim();
        int b = Math.min(batchSize, data.size());
        try (Batches batches = new Batches(backend, data, b)) {
            return importanceSampledNll(model, data, b, k, batches);
        }
    }

    private static double importanceSampledNll(Model model, Dataset data, int b, int k, Batches batches) {
        Backend backend = model.backend();
        int z = model.latentDim();
        float[] recon = new float[b], eps = new float[b * z], h = new float[b * 2 * z];
        double[][] logW = new double[k][b];
        double total = 0;
        for (int from = 0; from < data.size(); from += b) {
            int n = Math.min(b, data.size() - from);
            model.prepare(n);
            batches.load(from, n, model.input());
            for (int s = 0; s < k; s++) {
                model.evaluate(true, EVAL_STEP - 1 - s, model.input());
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
