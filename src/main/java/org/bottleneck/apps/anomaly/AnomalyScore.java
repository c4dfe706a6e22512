package org.bottleneck.apps.anomaly;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.bottleneck.model.Architecture;
import org.bottleneck.model.Model;

/** What makes a sample anomalous, per sample and higher = more anomalous. */
public enum AnomalyScore {
    /** The model's per-sample reconstruction loss at the mean code (BCE in nats, or squared error). */
    RECON("recon", false),
    /** A VAE's −ELBO at the mean code: reconstruction + KL(q(z|x) ‖ N(0, I)), with β = 1 whatever the training β. */
    ELBO("elbo", true),
    /**
     * A VAE's reconstruction probability (An &amp; Cho 2015) as a negative log: {@code −(1/L)·Σ_l
     * log p(x|z_l)}, z_l ~ q(z|x), i.e. the reconstruction loss averaged over L draws.
     */
    RECON_PROB("recon-prob", true),
    /** Squared Mahalanobis distance of the code (the mean for a VAE) under a Gaussian fitted to normal training codes. */
    MAHALANOBIS("mahalanobis", false);

    /** Codes above this size get no Mahalanobis score: fitting Z×Z needs far more samples than Z, and O(Z²) per sample. */
    public static final int MAX_MAHALANOBIS_DIM = 512;

    private final String id;
    private final boolean variationalOnly;

    AnomalyScore(String id, boolean variationalOnly) {
        this.id = id;
        this.variationalOnly = variationalOnly;
    }

    public String id() {
        return id;
    }

    /** The scores a model can give: every one for a VAE; recon and Mahalanobis (small codes) for an autoencoder. */
    public static List<AnomalyScore> available(Model model) {
        List<AnomalyScore> all = new ArrayList<>();
        for (AnomalyScore s : values()) {
            if (s.supports(model)) {
                all.add(s);
            }
        }
        return all;
    }

    /** Whether this score applies to {@code model}. */
    public boolean supports(Model model) {
        return supports(model.architecture());
    }

    /** Whether this score applies to models of architecture {@code a}. */
    public boolean supports(Architecture a) {
        if (variationalOnly && !a.latent().gaussian()) {
            return false;
        }
        return this != MAHALANOBIS || a.latentDim() <= MAX_MAHALANOBIS_DIM;
    }

    public static AnomalyScore parse(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        for (AnomalyScore a : values()) {
            if (a.id.equals(t)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown anomaly score '" + s + "' (expected one of "
                + String.join(", ", Arrays.stream(values()).map(AnomalyScore::id).toList()) + ")");
    }
}
