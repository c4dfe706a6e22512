package org.bottleneck.benchmarks;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bottleneck.apps.explore.ExploreServer;
import org.bottleneck.apps.explore.Explorer;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Backends;
import org.bottleneck.data.Mnist;
import org.bottleneck.model.Checkpoint;
import org.bottleneck.model.Model;
import org.bottleneck.model.Presets;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Hover-to-image latency of the latent explorer: one invocation = one {@code GET
 * /api/decode?p=x,y} over loopback from a {@code java.net.http} client (one per caller thread,
 * HTTP/1.1 keep-alive), answered by the explorer's server in this JVM with a PNG of the decoded
 * point, x and y drawn uniformly from [−3, 3]. The server holds {@code workers} model copies
 * (2 = this machine's cores) of the {@code model} preset with seeded random weights (seed 1; the
 * cost does not depend on their values), encoded over 1,000 MNIST test images, on CPU backends
 * with 1 OpenBLAS thread as {@code explore} opens them ({@code -Dbottleneck.threads=N} for N). SampleTime
 * reports p0.50 and p0.99; the client's own cost (the JDK HTTP client is not light) counts, as a
 * browser's would. {@code latency1} is the page (it keeps one decode in flight);
 * {@code latency8} is 8 such pages at once on 2 cores.
 */
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class ExploreLoadBench {
    @State(Scope.Benchmark)
    public static class Server {
        @Param({"vae", "convae"})
        public String model;

        @Param({"2"})
        public int workers;

        Explorer explorer;
        ExploreServer server;
        String base;
        private Path dir;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            dir = Files.createTempDirectory("explore-bench");
            Path ckpt = dir.resolve(model + ".safetensors");
            try (Backend be = backend(); Model m = new Model(be, Presets.get(model), 1)) {
                Checkpoint.save(ckpt, m, null, Map.of());
            }
            explorer = Explorer.open(ckpt, Mnist.load(BenchSupport.dataDir(), false).limit(1000), workers,
                    Server::backend, new PrintStream(OutputStream.nullOutputStream()));
            server = ExploreServer.start(explorer, "127.0.0.1", 0, 4 * workers + 4, System.err);
            base = "http://127.0.0.1:" + server.port() + "/api/decode?p=";
        }

        /** A CPU backend with 1 OpenBLAS thread unless -Dbottleneck.threads says otherwise, as `explore` runs. */
        static Backend backend() {
            return Backends.open("cpu", Integer.getInteger(BenchSupport.THREADS_PROPERTY, 1));
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            if (server != null) {
                if (server.failures() > 0) {
                    throw new IllegalStateException(server.failures() + " requests failed with 500");
                }
                server.close();
            }
            if (explorer != null) {
                explorer.close();
            }
            Files.deleteIfExists(dir.resolve(model + ".safetensors"));
            Files.deleteIfExists(dir);
        }
    }

    /** A caller thread's own client and random plane points. */
    @State(Scope.Thread)
    public static class Client {
        HttpClient http;
        SplittableRandom random;

        @Setup(Level.Trial)
        public void setUp() {
            http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            random = new SplittableRandom(Thread.currentThread().getId());
        }
    }

    private static int decode(Server s, Client c) throws Exception {
        String p = String.format(Locale.ROOT, "%.4f,%.4f", c.random.nextDouble(-3, 3), c.random.nextDouble(-3, 3));
        HttpResponse<byte[]> r = c.http.send(HttpRequest.newBuilder(URI.create(s.base + p)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("decode " + p + " answered " + r.statusCode());
        }
        return r.body().length;
    }

    /** One page hovering: ms per decode, with percentiles. */
    @Benchmark
    @Threads(1)
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int latency1(Server s, Client c) throws Exception {
        return decode(s, c);
    }

    /** 8 clients at once: ms per decode, with percentiles (a wait for a free model copy counts). */
    @Benchmark
    @Threads(8)
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int latency8(Server s, Client c) throws Exception {
        return decode(s, c);
    }
}
