package org.bottleneck.apps.anomaly;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.bottleneck.apps.LatentGaussian;
import org.bottleneck.backend.Backend;
import org.bottleneck.data.Dataset;
import org.bottleneck.model.Model;
import org.bottleneck.train.Batches;
import org.bottleneck.train.DataChecks;

/**
 * Per-sample anomaly scores of a dataset under a trained model, in one pass over the data:
 * one deterministic forward at the mean code (recon, −ELBO, the code for Mahalanobis) and, for
 * the reconstruction probability, L more forwards with z ~ q(z|x) on fixed evaluation streams,
 * so the scores are reproducible and equal on every backend up to float rounding.
 */
public final class ModelScores {
    /** Evaluation streams of the reconstruction-probability draws: steps −1000, −1001, … (training uses steps ≥ 0). */
    static final long FIRST_DRAW_STEP = -1000;

    private ModelScores() {
    }

    /** Codes (n, Z) of {@code data}: the mean for a VAE. */
    public static float[] codes(Model model, Dataset data, int batch) {
        return run(model, data, List.of(AnomalyScore.MAHALANOBIS), null, 0, batch, true).codes;
    }

    /**
     * Scores (n) for each of {@code which} (each must be supported by the model).
     *
     * @param gaussian the normal codes' Gaussian, needed for {@link AnomalyScore#MAHALANOBIS}
     * @param draws    L, the draws of {@link AnomalyScore#RECON_PROB}
     */
    public static Map<AnomalyScore, double[]> of(Model model, Dataset data, List<AnomalyScore> which, LatentGaussian gaussian,
                                                 int draws, int batch) {
        for (AnomalyScore s : which) {
            if (!s.supports(model)) {
                throw new IllegalArgumentException("score '" + s.id() + "' does not apply to model '" + model.architecture().name()
                        + "' (" + (model.isVariational() ? "code of " + model.latentDim() + " > "
                        + AnomalyScore.MAX_MAHALANOBIS_DIM : "not a VAE") + ")");
            }
        }
        if (which.contains(AnomalyScore.MAHALANOBIS) && gaussian == null) {
            throw new IllegalArgumentException("the Mahalanobis score needs the Gaussian of the normal training codes");
        }
        if (which.contains(AnomalyScore.RECON_PROB) && draws < 1) {
            throw new IllegalArgumentException("the reconstruction probability needs L ≥ 1 draws, got " + draws);
        }
        Result r = run(model, data, which, gaussian, draws, batch, false);
        return r.scores;
    }

    private record Result(Map<AnomalyScore, double[]> scores, float[] codes) {
    }

    private static Result run(Model model, Dataset data, List<AnomalyScore> which, LatentGaussian gaussian, int draws,
                              int batch, boolean keepCodes) {
        DataChecks.fits(model, data, "scored");
        Backend backend = model.backend();
        int n = data.size(), z = model.latentDim();
        int b = Math.min(batch, Math.max(n, 1));
        Map<AnomalyScore, double[]> out = new EnumMap<>(AnomalyScore.class);
        for (AnomalyScore s : which) {
            out.put(s, new double[n]);
        }
        float[] codes = keepCodes ? new float[n * z] : null;
        boolean needCodes = keepCodes || which.contains(AnomalyScore.MAHALANOBIS);
        float[] recon = new float[b], kl = new float[b], h = new float[0], code = new float[b * z];
        try (Batches batches = new Batches(backend, data, b)) {
            for (int from = 0; from < n; from += b) {
                int m = Math.min(b, n - from);
                model.prepare(m);
                batches.load(from, m, model.input());
                model.evaluate(false, 0, model.input()); // sample = false: the mean code, no draw
                backend.download(model.reconLoss(), recon, 0);
                if (model.isVariational()) {
                    backend.download(model.klLoss(), kl, 0);
                }
                if (needCodes) {
                    int width = model.encoderOutput().rowSize(); // Z, or 2Z = [mu | logvar]
                    if (h.length < m * width) {
                        h = new float[m * width];
                    }
                    backend.download(model.encoderOutput(), h, 0);
                    for (int i = 0; i < m; i++) {
                        System.arraycopy(h, i * width, code, i * z, z);
                    }
                    if (codes != null) {
                        System.arraycopy(code, 0, codes, from * z, m * z);
                    }
                }
                for (int i = 0; i < m; i++) {
                    put(out, AnomalyScore.RECON, from + i, recon[i]);
                    put(out, AnomalyScore.ELBO, from + i, (double) recon[i] + kl[i]);
                    if (gaussian != null && out.containsKey(AnomalyScore.MAHALANOBIS)) {
                        out.get(AnomalyScore.MAHALANOBIS)[from + i] = gaussian.mahalanobis2(code, i);
                    }
                }
                double[] prob = out.get(AnomalyScore.RECON_PROB);
                for (int l = 0; prob != null && l < draws; l++) {
                    model.evaluate(true, FIRST_DRAW_STEP - l, model.input());
                    backend.download(model.reconLoss(), recon, 0);
                    for (int i = 0; i < m; i++) {
                        prob[from + i] += recon[i] / (double) draws;
                    }
                }
            }
        }
        return new Result(out, codes);
    }

    private static void put(Map<AnomalyScore, double[]> out, AnomalyScore s, int i, double v) {
        double[] a = out.get(s);
        if (a != null) {
            a[i] = v;
        }
    }
}
