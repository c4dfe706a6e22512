package org.bottleneck.cli;

import java.net.InetAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.bottleneck.apps.explore.ExploreServer;
import org.bottleneck.apps.explore.Explorer;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Backends;
import org.bottleneck.data.Dataset;
import org.bottleneck.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "explore", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The latent space of a trained model in your browser: a scatter of the encoded samples coloured by "
                + "label; hover anywhere to see what the decoder makes of that point; hover a sample for its image, "
                + "reconstruction and nearest neighbours; pin two points for the interpolation between them; a decoded "
                + "grid of the plane.",
                "A code of more than 2 values is shown on the plane of its first two principal components. Served by the "
                        + "JVM with every asset in the jar (works offline); Ctrl-C stops it.",
                "On the CPU, OpenBLAS runs 1 thread unless --threads says otherwise: each worker decodes one point at a "
                        + "time, and OpenBLAS's idle threads spin, starving the server's threads (a conv model's p99 under "
                        + "8 clients: 73 ms with 2 threads, 19 ms with 1; BENCHMARKS.md)."})
public final class ExploreCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    CheckpointOption ckpt;

    @Option(names = "--split", defaultValue = "test", description = "Samples to show: test or train. Default: ${DEFAULT-VALUE}.")
    String split;

    @Option(names = "--points", defaultValue = "5000",
            description = "Show the first N samples of the split (0 = all). Default: ${DEFAULT-VALUE}.")
    int points;

    @Option(names = "--port", defaultValue = "8080", description = "Port to listen on (0 = any free port). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to listen on. Anything but loopback exposes the model to the network. Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--workers", defaultValue = "0",
            description = "Model copies decoding in parallel (0 = one per core). Default: ${DEFAULT-VALUE}.")
    int workers;

    /** A backend for one worker: --threads 0 means 1 here (see the description). */
    private Backend backend() {
        return Backends.open(common.device, common.threads > 0 ? common.threads : 1);
    }

    @Override
    public Integer call() throws Exception {
        if (!split.equals("test") && !split.equals("train")) {
            throw new IllegalArgumentException("--split must be test or train, got '" + split + "'");
        }
        if (points < 0) {
            throw new IllegalArgumentException("--points must be ≥ 0, got " + points);
        }
        if (workers < 0) {
            throw new IllegalArgumentException("--workers must be ≥ 0, got " + workers);
        }
        InetAddress address = InetAddress.getByName(host);
        if (!address.isLoopbackAddress()) {
            System.err.println("warning: --host " + host + " is not loopback: anyone who can reach this machine can query "
                    + "the model. Use the default 127.0.0.1 unless you mean it.");
        }
        Dataset data;
        try (var probe = backend(); Model model = ckpt.load(probe)) {
            Dataset all = split.equals("train") ? ckpt.train(model, common.data) : ckpt.test(model, common.data);
            data = all.limit(points);
        }
        int n = workers > 0 ? workers : Math.max(1, Runtime.getRuntime().availableProcessors());
        Explorer explorer = Explorer.open(ckpt.checkpoint, data, n, this::backend, System.out);
        ExploreServer server;
        try {
            server = ExploreServer.start(explorer, host, port, 4 * n + 4, System.err);
        } catch (RuntimeException | java.io.IOException e) {
            explorer.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            server.close();
            explorer.close();
            System.out.println("explore  stopped");
            stopped.countDown();
        }, "explore-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        String shown = address.isAnyLocalAddress() ? "127.0.0.1" : host.contains(":") ? "[" + host + "]" : host;
        System.out.println("explore  " + data.size() + " points of " + data.name() + ", " + n + " decoding worker"
                + (n == 1 ? "" : "s"));
        System.out.println("explore  open http://" + shown + ":" + server.port() + "/   (Ctrl-C to stop)");
        System.out.flush();
        stopped.await();
        return 0;
    }
}
