package org.bottleneck.apps;

import java.util.Arrays;
import org.bottleneck.data.Dataset;
import org.bottleneck.model.Model;
import org.bottleneck.train.EvalResult;
import org.bottleneck.train.Evaluator;

/**
 * What a trained VAE does with its latent space, on the clean test samples:
 * <ul>
 *   <li>latent usage ({@link LatentUsage}): KL per dimension, Var_x(E[z|x]) per dimension,
 *       active units, and the posterior-collapse warning;
 *   <li>the split {@code −ELBO = recon + KL} in nats/image, as {@link Evaluator#evaluate} gives it
 *       (recon with z ~ q(z|x) on the fixed evaluation stream, KL in closed form);
 *   <li>the importance-sampled bound {@code −log (1/K)·Σ_k p(x|z_k)·p(z_k)/q(z_k|x)} (Burda et
 *       al.) for each K, on the first {@code boundImages} samples ({@link
 *       Evaluator#importanceSampledNll}). Its expectation equals −ELBO at K = 1 and does not
 *       increase with K; it approaches −log p(x) as K → ∞.
 * </ul>
 * The bound costs K forward passes per image (K = 1000 on 500 MNIST images is 500,000 passes),
 * so it is computed in chunks of at most {@value #BOUND_CHUNK} images with a progress call after each.
 */
public final class VaeDiagnostics {
    /** The K of issue #12. */
    public static final int[] DEFAULT_KS = {1, 10, 100, 1000};
    /** Images per chunk of the bound, between progress calls. */
    public static final int BOUND_CHUNK = 100;

    private VaeDiagnostics() {
    }

    /** Receives the bound's progress: {@code done} of {@code total} images at K = {@code k}. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (k, done, total) -> { };

        void bound(int k, int done, int total);
    }

    /**
     * @param usage       latent statistics over all test samples
     * @param test        the −ELBO split over all test samples
     * @param ks          (M) the K values, ascending
     * @param nll         (M) the bound at each K, nats/image, over the first {@code boundImages} samples
     * @param seconds     (M) wall time of each bound
     * @param boundImages samples the bounds are over (0: none computed)
     * @param elboOnBound −ELBO over those same samples (to compare with the bounds)
     */
    public record Result(LatentUsage usage, EvalResult test, int[] ks, double[] nll, double[] seconds, int boundImages,
                         double elboOnBound) {
    }

    /**
     * @param batch       evaluation batch; {@link org.bottleneck.train.Trainer#evalBatch} (500 at the default training batch) gives the
     *                    −ELBO of {@code train}'s metrics.json exactly (the evaluation draws depend on the batch)
     * @param ks          K values, each ≥ 1 (sorted here)
     * @param boundImages samples of {@code test} the bound uses (0 = skip the bound; more than the test set: all)
     */
    public static Result run(Model model, Dataset test, int batch, int[] ks, int boundImages, double threshold,
                             Progress progress) {
        if (!model.isVariational()) {
            throw new IllegalArgumentException("diagnose needs a VAE; model '" + model.architecture().name()
                    + "' (" + model.architecture().describe() + ") is a plain autoencoder");
        }
        check(batch, ks, boundImages, threshold);
        int[] sorted = ks.clone();
        Arrays.sort(sorted);
        LatentUsage usage = LatentUsage.measure(model, test, batch, threshold);
        EvalResult r = Evaluator.evaluate(model, test, batch);
        int m = boundImages == 0 ? 0 : Math.min(boundImages, test.size());
        double[] nll = new double[sorted.length], seconds = new double[sorted.length];
        double elboOnBound = Double.NaN;
        if (m > 0) {
            Dataset sub = test.limit(m);
            elboOnBound = Evaluator.evaluate(model, sub, batch).negElbo();
            for (int i = 0; i < sorted.length; i++) {
                long t0 = System.nanoTime();
                nll[i] = bound(model, sub, Math.min(batch, BOUND_CHUNK), sorted[i], progress);
                seconds[i] = (System.nanoTime() - t0) / 1e9;
            }
        }
        return new Result(usage, r, sorted, m > 0 ? nll : new double[0], m > 0 ? seconds : new double[0], m,
                elboOnBound);
    }

    /**
     * The bound over {@code data} in chunks of {@code batch}: each chunk is one batch of {@link
     * Evaluator#importanceSampledNll}, whose draws depend only on (K index, position in the
     * batch), so the chunked mean equals one call over all of it.
     */
    private static double bound(Model model, Dataset data, int batch, int k, Progress progress) {
        double sum = 0;
        int n = data.size();
        progress.bound(k, 0, n);
        for (int from = 0; from < n; from += batch) {
            int to = Math.min(n, from + batch);
            sum += Evaluator.importanceSampledNll(model, data.slice(from, to), batch, k) * (to - from);
            progress.bound(k, to, n);
        }
        return sum / n;
    }

    /** The options' bounds, one line naming the value. */
    public static void check(int batch, int[] ks, int boundImages, double threshold) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be ≥ 1, got " + batch);
        }
        if (ks.length == 0) {
            throw new IllegalArgumentException("need at least one K for the importance-sampled bound");
        }
        for (int k : ks) {
            if (k < 1) {
                throw new IllegalArgumentException("importance samples K must be ≥ 1, got " + k
                        + " (in " + Arrays.toString(ks) + ")");
            }
        }
        if (boundImages < 0) {
            throw new IllegalArgumentException("bound images must be ≥ 0 (0 = skip the bound), got " + boundImages);
        }
        if (!(threshold > 0) || !Double.isFinite(threshold)) {
            throw new IllegalArgumentException("active-unit threshold must be a positive number, got " + threshold);
        }
    }
}
