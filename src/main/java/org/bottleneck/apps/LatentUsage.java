package org.bottleneck.apps;

import java.util.ArrayList;
import java.util.List;
import org.bottleneck.backend.Backend;
import org.bottleneck.data.Dataset;
import org.bottleneck.model.Model;
import org.bottleneck.train.Batches;

/**
 * How a VAE uses its Z latent dimensions on a data set, from the encoder's mean pass alone (no
 * sampling, so the numbers are exact up to float32 and do not depend on any seed).
 *
 * <p>For each sample x the encoder gives mu(x), logvar(x), both (Z). Per dimension j:
 * <ul>
 *   <li>{@code klPerDim[j] = mean_x −½·(1 + logvar_j − mu_j² − exp(logvar_j))}, nats: the KL
 *       term of the ELBO split by dimension, so {@code Σ_j klPerDim[j]} is the mean KL;
 *   <li>{@code muVariance[j] = Var_x(mu_j(x))} (population variance, 1/n): the activity of
 *       Burda et al. 2015, a unit being active when it exceeds {@value #ACTIVE_THRESHOLD}.
 * </ul>
 * A collapsed unit has mu ≈ 0, logvar ≈ 0 for every x: its posterior is the prior, its KL is 0
 * and it carries no information about x.
 *
 * @param klPerDim   (Z) mean KL per dimension, nats
 * @param muVariance (Z) variance over the data of the posterior mean
 * @param threshold  activity threshold the counts use
 * @param samples    images the statistics are over
 */
public record LatentUsage(double[] klPerDim, double[] muVariance, double threshold, int samples) {
    /** Burda et al. 2015's activity threshold on Var_x(E[z|x]). */
    public static final double ACTIVE_THRESHOLD = 0.01;
    /** A dimension with less mean KL than this (nats) carries, for practical purposes, nothing. */
    public static final double KL_FLOOR = 0.01;

    /** Z. */
    public int dims() {
        return klPerDim.length;
    }

    /** Units with Var_x(mu_j) > threshold. */
    public int active() {
        return activeDims().size();
    }

    /** Indices of the active units, ascending. */
    public List<Integer> activeDims() {
        List<Integer> a = new ArrayList<>();
        for (int j = 0; j < muVariance.length; j++) {
            if (muVariance[j] > threshold) {
                a.add(j);
            }
        }
        return a;
    }

    /** Indices of dimensions whose mean KL is below {@value #KL_FLOOR} nats, ascending. */
    public List<Integer> silentDims() {
        List<Integer> s = new ArrayList<>();
        for (int j = 0; j < klPerDim.length; j++) {
            if (klPerDim[j] < KL_FLOOR) {
                s.add(j);
            }
        }
        return s;
    }

    /** Σ_j klPerDim[j]: the mean KL per image, nats. */
    public double totalKl() {
        double s = 0;
        for (double v : klPerDim) {
            s += v;
        }
        return s;
    }

    /**
     * The posterior-collapse warning, or null when every unit is active and every dimension
     * carries KL: e.g. {@code posterior collapse: 12 of 20 latent units active (Var_x E[z|x] > 0.01);
     * 8 dims carry < 0.01 nats of KL: 1, 4, …}.
     */
    public String collapseWarning() {
        int a = active();
        List<Integer> silent = silentDims();
        if (a == dims() && silent.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder("posterior collapse: ").append(a).append(" of ").append(dims())
                .append(" latent units active (Var_x E[z|x] > ").append(threshold).append(")");
        if (!silent.isEmpty()) {
            sb.append("; ").append(silent.size()).append(silent.size() == 1 ? " dim carries" : " dims carry")
                    .append(" < ").append(KL_FLOOR).append(" nats of KL: ").append(list(silent, 12));
        }
        return sb.toString();
    }

    private static String list(List<Integer> dims, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(max, dims.size()); i++) {
            sb.append(i > 0 ? ", " : "").append(dims.get(i));
        }
        return dims.size() > max ? sb.append(", …").toString() : sb.toString();
    }

    /**
     * Runs the encoder over {@code data} in batches of {@code batch} and accumulates the
     * statistics in float64 (Welford's update for the variance, so a large mean does not cancel).
     */
    public static LatentUsage measure(Model model, Dataset data, int batch, double threshold) {
        if (!model.isVariational()) {
            throw new IllegalArgumentException("latent usage needs a VAE, model '" + model.architecture().name()
                    + "' is a plain autoencoder");
        }
        if (batch < 1 || data.size() < 1) {
            throw new IllegalArgumentException("latent usage needs a batch ≥ 1 and samples ≥ 1, got batch " + batch
                    + " and " + data.size() + " samples");
        }
        Backend backend = model.backend();
        int z = model.latentDim();
        int b = Math.min(batch, data.size());
        float[] h = new float[b * 2 * z];
        double[] kl = new double[z], mean = new double[z], m2 = new double[z];
        long count = 0;
        try (Batches batches = new Batches(backend, data, b)) {
            for (int from = 0; from < data.size(); from += b) {
                int n = Math.min(b, data.size() - from);
                model.prepare(n);
                batches.load(from, n, model.input());
                model.encode();
                backend.download(model.encoderOutput(), h, 0);
                for (int i = 0; i < n; i++) {
                    count++;
                    for (int j = 0; j < z; j++) {
                        double mu = h[i * 2 * z + j], lv = h[i * 2 * z + z + j];
                        kl[j] += -0.5 * (1 + lv - mu * mu - Math.exp(lv));
                        double delta = mu - mean[j];
                        mean[j] += delta / count;
                        m2[j] += delta * (mu - mean[j]);
                    }
                }
            }
        }
        for (int j = 0; j < z; j++) {
            kl[j] /= count;
            m2[j] /= count;
        }
        return new LatentUsage(kl, m2, threshold, (int) count);
    }
}
