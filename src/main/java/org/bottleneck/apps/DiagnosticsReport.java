package org.bottleneck.apps;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bottleneck.io.AtomicFile;
import org.bottleneck.train.EvalResult;
import org.bottleneck.viz.BarChart;

/**
 * Writes a {@link VaeDiagnostics.Result} into a folder: {@value #MD} (tables for people),
 * {@value #JSON} (every number, for scripts) and {@value #PNG} (KL per latent dimension, inactive
 * units in red). Each file is written atomically.
 */
public final class DiagnosticsReport {
    public static final String MD = "diagnose.md";
    public static final String JSON = "diagnose.json";
    public static final String PNG = "kl_per_dim.png";

    private DiagnosticsReport() {
    }

    /** Writes the three files into {@code dir} (created if missing); {@code model} and {@code source} label them. */
    public static void write(Path dir, VaeDiagnostics.Result r, String model, String source) throws IOException {
        LatentUsage u = r.usage();
        List<String> dims = new ArrayList<>();
        boolean[] inactive = new boolean[u.dims()];
        for (int j = 0; j < u.dims(); j++) {
            dims.add(Integer.toString(j));
            inactive[j] = u.muVariance()[j] <= u.threshold();
        }
        BarChart.write(dir.resolve(PNG), String.format(Locale.ROOT, "KL per latent dimension (%d of %d active)",
                u.active(), u.dims()), "latent dimension", "mean KL (nats)", dims, u.klPerDim(), inactive,
                new String[] {"active", "inactive (Var_x E[z|x] ≤ " + u.threshold() + ")"});
        text(dir.resolve(MD), markdown(r, model, source));
        text(dir.resolve(JSON), json(r, model, source));
    }

    static String markdown(VaeDiagnostics.Result r, String model, String source) {
        LatentUsage u = r.usage();
        EvalResult t = r.test();
        StringBuilder sb = new StringBuilder("# VAE diagnostics\n\n");
        sb.append("Model: `").append(model).append("`  \nData: ").append(source).append(", ")
                .append(t.samples()).append(" test images\n\n");
        String warning = u.collapseWarning();
        sb.append(warning == null ? "All " + u.dims() + " latent units are active.\n\n" : "**Warning: " + warning + ".**\n\n");
        sb.append("## −ELBO = reconstruction + KL (nats/image)\n\n| term | value |\n|---|---:|\n");
        sb.append(row("reconstruction", t.recon())).append(row("KL", t.kl())).append(row("−ELBO", t.negElbo()));
        sb.append("\nReconstruction with z ~ q(z|x) (fixed evaluation draws), KL in closed form.\n\n");
        if (r.boundImages() > 0) {
            sb.append("## Importance-sampled bound on −log p(x) (Burda et al. 2015)\n\n");
            sb.append(String.format(Locale.ROOT, "On the first %d test images (their −ELBO: %.3f).%n%n",
                    r.boundImages(), r.elboOnBound()));
            sb.append("| K | −log p̂(x) (nats/image) | seconds |\n|---:|---:|---:|\n");
            for (int i = 0; i < r.ks().length; i++) {
                sb.append(String.format(Locale.ROOT, "| %d | %.3f | %.1f |%n", r.ks()[i], r.nll()[i], r.seconds()[i]));
            }
            sb.append('\n');
        }
        sb.append(String.format(Locale.ROOT, "## Latent dimensions%n%n%d of %d active (Var_x E[z|x] > %s, Burda et al. "
                + "2015); KL summed over dimensions %.3f nats.%n%n", u.active(), u.dims(), u.threshold(), u.totalKl()));
        sb.append("| dim | KL (nats) | Var_x E[z|x] | active |\n|---:|---:|---:|:---:|\n");
        for (int j = 0; j < u.dims(); j++) {
            sb.append(String.format(Locale.ROOT, "| %d | %.4f | %.4f | %s |%n", j, u.klPerDim()[j], u.muVariance()[j],
                    u.muVariance()[j] > u.threshold() ? "yes" : "no"));
        }
        sb.append("\n![KL per dimension](").append(PNG).append(")\n");
        return sb.toString();
    }

    private static String row(String name, double v) {
        return String.format(Locale.ROOT, "| %s | %.3f |%n", name, v);
    }

    static String json(VaeDiagnostics.Result r, String model, String source) throws IOException {
        LatentUsage u = r.usage();
        EvalResult t = r.test();
        ObjectMapper json = new ObjectMapper();
        ObjectNode o = json.createObjectNode();
        o.put("model", model);
        o.put("data", source);
        o.put("test_images", t.samples());
        o.put("latent_dim", u.dims());
        o.put("active_threshold", u.threshold());
        o.put("active_units", u.active());
        o.put("collapse_warning", u.collapseWarning());
        ObjectNode e = o.putObject("neg_elbo");
        e.put("recon", t.recon());
        e.put("kl", t.kl());
        e.put("total", t.negElbo());
        ArrayNode dims = o.putArray("dims");
        for (int j = 0; j < u.dims(); j++) {
            ObjectNode d = dims.addObject();
            d.put("dim", j);
            d.put("kl", u.klPerDim()[j]);
            d.put("mu_variance", u.muVariance()[j]);
            d.put("active", u.muVariance()[j] > u.threshold());
        }
        o.put("kl_sum_over_dims", u.totalKl());
        ObjectNode b = o.putObject("importance_sampled");
        b.put("images", r.boundImages());
        if (r.boundImages() > 0) {
            b.put("neg_elbo_on_these", r.elboOnBound());
        }
        ArrayNode ks = b.putArray("bounds");
        for (int i = 0; i < r.nll().length; i++) {
            ObjectNode k = ks.addObject();
            k.put("k", r.ks()[i]);
            k.put("nll", r.nll()[i]);
            k.put("seconds", r.seconds()[i]);
        }
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n";
    }

    private static void text(Path file, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(file, ch -> {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        });
    }
}
