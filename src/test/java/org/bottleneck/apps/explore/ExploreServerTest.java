package org.bottleneck.apps.explore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.bottleneck.apps.Codec;
import org.bottleneck.apps.Figures;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Backends;
import org.bottleneck.data.Dataset;
import org.bottleneck.data.Mnist;
import org.bottleneck.metrics.NearestNeighbors;
import org.bottleneck.model.Checkpoint;
import org.bottleneck.model.Model;
import org.bottleneck.model.Presets;
import org.bottleneck.train.EvalResult;
import org.bottleneck.train.Evaluator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The explorer's HTTP API against a server started here on a free loopback port: every route's
 * answer checked against the model run directly (a dense {@code vae} with seeded random weights:
 * the API's correctness needs no training; its 20-value code exercises the principal plane), every
 * bad request the issue names answered 4xx with a JSON message and no stack trace, static paths
 * that try to leave the bundle answered 404, and a bounded load run (8 clients × 500 decodes)
 * whose latency percentiles are printed, not asserted (the figures are in BENCHMARKS.md).
 */
class ExploreServerTest {
    private static final int POINTS = 300, D = 784;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    private static Backend backend;
    private static Model model;
    private static Codec codec;
    private static Dataset data;
    private static Explorer explorer;
    private static ExploreServer server;
    private static HttpClient http;

    @BeforeAll
    static void start() throws IOException {
        backend = Backends.open("cpu", 0);
        model = new Model(backend, Presets.get("vae"), 5);
        codec = new Codec(model);
        Path ckpt = tmp.resolve("vae.safetensors");
        Checkpoint.save(ckpt, model, null, Map.of());
        data = Mnist.load(Path.of("data/mnist"), false).limit(POINTS);
        explorer = Explorer.open(ckpt, data, 2, () -> Backends.open("cpu", 0), new PrintStream(OutputStream.nullOutputStream()));
        server = ExploreServer.start(explorer, "127.0.0.1", 0, 12, System.err);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        server.close();
        server.close(); // idempotent
        explorer.close();
        model.close();
        backend.close();
    }

    record Answer(int status, String type, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }

        BufferedImage image() throws IOException {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(body));
            assertTrue(img != null, "not a PNG: " + text());
            return img;
        }
    }

    static Answer get(String pathAndQuery) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery)).GET());
    }

    static Answer send(HttpRequest.Builder b) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    }

    /** Grey levels (H·W) of a PNG in row-major order. */
    static int[] grey(BufferedImage img) {
        Raster r = img.getRaster();
        return r.getPixels(0, 0, img.getWidth(), img.getHeight(), (int[]) null);
    }

    /** round(255·v) clamped, as the PNG writer quantizes. */
    static int[] levels(float[] v, int from, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            float x = v[from + i];
            out[i] = !(x > 0) ? 0 : x >= 1 ? 255 : Math.round(x * 255f);
        }
        return out;
    }

    @Test
    void infoDescribesTheModelThePlaneAndTheMetrics() throws Exception {
        Answer a = get("/api/info");
        assertEquals(200, a.status(), a.text());
        assertTrue(a.type().startsWith("application/json"), a.type());
        JsonNode j = a.json();
        assertEquals("vae", j.get("name").asText());
        assertEquals(20, j.get("code_size").asInt());
        assertTrue(j.get("variational").asBoolean());
        assertEquals(POINTS, j.get("points").asInt());
        assertEquals("pca", j.get("plane").get("kind").asText());
        double ev0 = j.get("plane").get("explained").get(0).asDouble(), ev1 = j.get("plane").get("explained").get(1).asDouble();
        assertTrue(ev0 >= ev1 && ev1 > 0 && ev0 + ev1 <= 1, j.get("plane").toString());
        // The metrics are the test evaluation `train` reports (one seeded draw of z per sample), on the shown points.
        EvalResult r = Evaluator.evaluate(model, data, 256);
        JsonNode m = j.get("metrics");
        // Same weights, seed and batches on another model copy: equal up to float32 summation order.
        assertEquals(r.loss(), m.get("loss").asDouble(), 1e-5 * Math.abs(r.loss()));
        assertEquals(r.kl(), m.get("kl").asDouble(), 1e-5 * Math.abs(r.kl()));
        assertEquals(r.msePerPixel(), m.get("mse_per_value").asDouble(), 1e-5 * r.msePerPixel());
    }

    @Test
    void pointsAreThePlaneCoordinatesOfTheCodes() throws Exception {
        JsonNode j = get("/api/points").json();
        assertEquals(POINTS, j.get("x").size());
        assertEquals(POINTS, j.get("label").size());
        float[] codes = codec.encode(Figures.images(data, 0, POINTS), POINTS);
        for (int i : new int[] {0, 17, POINTS - 1}) {
            float[] p = explorer.map().planeOf(Arrays.copyOfRange(codes, i * 20, (i + 1) * 20));
            // The server encoded with batch 256 on another model copy: float32 rounding apart, 1e-4.
            assertEquals(p[0], j.get("x").get(i).asDouble(), 1e-4, "x of " + i);
            assertEquals(p[1], j.get("y").get(i).asDouble(), 1e-4, "y of " + i);
            assertEquals(data.label(i), j.get("label").get(i).asInt());
        }
        assertEquals(data.classNames().size(), j.get("classes").size());
    }

    @Test
    void decodeOfAPlanePointIsTheDecoderOnThatPlanesCode() throws Exception {
        for (double[] p : new double[][] {{0, 0}, {1.5, -0.75}, {-3, 2}}) {
            Answer a = get("/api/decode?p=" + p[0] + "," + p[1]);
            assertEquals(200, a.status(), a.text());
            assertEquals("image/png", a.type());
            BufferedImage img = a.image();
            assertEquals(28, img.getWidth());
            assertEquals(28, img.getHeight());
            float[] y = new float[D];
            codec.decode(explorer.map().codeAt(p[0], p[1]), y);
            assertLevelsClose(levels(y, 0, D), grey(img), "decode " + Arrays.toString(p));
        }
        float[] z = new float[20];
        z[3] = 1.25f;
        StringBuilder q = new StringBuilder();
        for (float v : z) {
            q.append(q.length() == 0 ? "" : ",").append(v);
        }
        float[] y = new float[D];
        codec.decode(z, y);
        assertLevelsClose(levels(y, 0, D), grey(get("/api/decode?z=" + q).image()), "decode z");
    }

    /** Same model and weights on another backend copy and batch: a pixel may round the other way. */
    static void assertLevelsClose(int[] expected, int[] got, String what) {
        assertEquals(expected.length, got.length, what);
        int off = 0;
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(expected[i] - got[i]) <= 1, what + ": pixel " + i + " is " + got[i] + ", expected "
                    + expected[i]);
            off += expected[i] != got[i] ? 1 : 0;
        }
        assertTrue(off < expected.length / 20, what + ": " + off + " pixels differ by a level");
    }

    @Test
    void imageReconstructionAndNeighboursOfAPoint() throws Exception {
        int i = 42;
        float[] x = Figures.images(data, i, 1);
        assertArrayEquals(levels(x, 0, D), grey(get("/api/image?i=" + i).image()));
        float[] y = new float[D];
        codec.reconstruct(x, y);
        assertLevelsClose(levels(y, 0, D), grey(get("/api/reconstruct?i=" + i).image()), "reconstruct");

        JsonNode j = get("/api/neighbours?i=" + i + "&k=5").json();
        assertEquals(i, j.get("i").asInt());
        assertEquals(data.label(i), j.get("label").asInt());
        float[] codes = codec.encode(Figures.images(data, 0, POINTS), POINTS);
        int[] expected = NearestNeighbors.search(codes, POINTS, Arrays.copyOfRange(codes, i * 20, (i + 1) * 20), 1, 20, 6, false);
        List<Integer> want = new ArrayList<>();
        for (int e : expected) {
            if (e != i && want.size() < 5) {
                want.add(e);
            }
        }
        List<Integer> got = new ArrayList<>();
        double last = 0;
        for (JsonNode nb : j.get("neighbours")) {
            got.add(nb.get("i").asInt());
            assertTrue(nb.get("distance").asDouble() >= last, "nearest first: " + j);
            last = nb.get("distance").asDouble();
        }
        assertEquals(want, got);
        assertEquals(8, get("/api/neighbours?i=0").json().get("neighbours").size(), "k defaults to 8");
    }

    @Test
    void gridAndInterpolationTileTheDecodes() throws Exception {
        BufferedImage grid = get("/api/grid?n=5").image();
        assertEquals(5 * 28 + 4, grid.getWidth(), "5 tiles and 4 one-pixel gaps");
        assertEquals(5 * 28 + 4, grid.getHeight());
        LatentMap.Grid g = explorer.map().gridCodes(5);
        float[] y = new float[D];
        // Tile (row 0, col 4): the top-right corner of the grid.
        codec.decode(Arrays.copyOfRange(g.codes(), 4 * 20, 5 * 20), y);
        int[] tile = grid.getRaster().getPixels(4 * 29, 0, 28, 28, (int[]) null);
        assertLevelsClose(levels(y, 0, D), tile, "grid tile (0, 4)");
        assertTrue(g.xs()[0] < g.xs()[4] && g.ys()[0] > g.ys()[4], "x grows to the right, y upwards");

        BufferedImage strip = get("/api/interpolate?a=%2310&b=%2320&steps=7").image();
        assertEquals(7 * 28 + 6, strip.getWidth());
        assertEquals(28, strip.getHeight());
        float[] r10 = new float[D];
        codec.decode(explorer.map().code(10), r10);
        assertLevelsClose(levels(r10, 0, D), strip.getRaster().getPixels(0, 0, 28, 28, (int[]) null), "strip start = point 10");
        codec.decode(explorer.map().code(20), r10);
        assertLevelsClose(levels(r10, 0, D), strip.getRaster().getPixels(6 * 29, 0, 28, 28, (int[]) null), "strip end");
        assertEquals(200, get("/api/interpolate?a=0,0&b=1,1").status(), "plane ends, default steps");
    }

    @Test
    void theBundledPageIsServed() throws Exception {
        Answer page = get("/");
        assertEquals(200, page.status());
        assertTrue(page.type().startsWith("text/html"), page.type());
        assertTrue(page.text().contains("explore.js"), "the page loads its script");
        assertEquals(200, get("/explore.js").status());
        assertEquals(200, get("/explore.css").status());
        assertFalse(get("/explore.js").text().contains("http://") || page.text().contains("https://"),
                "no asset comes from the network");
    }

    /** Each bad request: its status and a word the JSON message must contain. */
    @ParameterizedTest
    @ValueSource(strings = {
            "/api/decode?p=1|400|2 comma-separated",
            "/api/decode?p=1,2,3|400|2 comma-separated",
            "/api/decode?p=NaN,0|400|finite",
            "/api/decode?p=Infinity,0|400|finite",
            "/api/decode?p=1e39,0|400|finite",
            "/api/decode?p=abc,0|400|not a number",
            "/api/decode?z=1,2|400|20 comma-separated",
            "/api/decode|400|got neither",
            "/api/decode?p=0,0&z=1|400|not both",
            "/api/decode?p=0,0&p=1,1|400|more than once",
            "/api/decode?q=0,0|400|unknown parameter",
            "/api/decode?p=%zz|400|%-escape",
            "/api/image?i=300|400|out of range",
            "/api/image?i=-1|400|out of range",
            "/api/image?i=2147483648|400|integer",
            "/api/image|400|missing",
            "/api/reconstruct?i=x|400|integer",
            "/api/neighbours?i=0&k=0|400|1..50",
            "/api/neighbours?i=0&k=51|400|1..50",
            "/api/grid?n=33|400|1..32",
            "/api/grid?n=0|400|1..32",
            "/api/interpolate?a=0,0&b=1,1&steps=65|400|2..64",
            "/api/interpolate?a=0,0&b=1,1&steps=1|400|2..64",
            "/api/interpolate?a=%23300&b=1,1|400|out of range",
            "/api/interpolate?a=0,0|400|missing parameter 'b'",
            "/api/info?x=1|400|takes none",
            "/api/nothing|404|no API route",
            "/api/|404|no API route",
            "/nothing.html|404|no page",
    })
    void badRequestsGetA4xxWithAMessageAndNoStackTrace(String c) throws Exception {
        String[] p = c.split("\\|");
        Answer a = raw(p[0]);
        assertEquals(Integer.parseInt(p[1]), a.status(), p[0] + " → " + a.text());
        assertNoStackTrace(a);
        if (p[2].equals("%-escape")) {
            return; // the JDK server refuses a malformed URI itself (400, its own short page) before any handler runs
        }
        assertTrue(a.type().startsWith("application/json"), a.type());
        String msg = a.json().get("error").asText();
        assertTrue(msg.contains(p[2]), p[0] + ": message '" + msg + "' should mention '" + p[2] + "'");
    }

    /** No "at pkg.Class.method(" frame in a body. */
    static void assertNoStackTrace(Answer a) {
        assertFalse(java.util.regex.Pattern.compile("at [a-z]\\w*\\.[\\w.$]+\\(").matcher(a.text()).find(),
                "a stack trace leaked: " + a.text());
    }

    @Test
    void anOverLongQueryIs414() throws Exception {
        Answer a = get("/api/decode?z=" + "1,".repeat(40_000) + "1");
        assertEquals(414, a.status(), a.text());
    }

    /** GET with a raw request line (java.net.URI refuses a bad %-escape before it is sent): status, type, body. */
    static Answer raw(String pathAndQuery) throws IOException {
        return raw(pathAndQuery, "127.0.0.1");
    }

    static Answer raw(String pathAndQuery, String host) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            byte[] all = s.getInputStream().readAllBytes();
            String head = new String(all, StandardCharsets.ISO_8859_1);
            int split = head.indexOf("\r\n\r\n");
            String[] lines = head.substring(0, split).split("\r\n");
            String type = "";
            for (String line : lines) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-type:")) {
                    type = line.substring(13).trim();
                }
            }
            return new Answer(Integer.parseInt(lines[0].split(" ")[1]), type, Arrays.copyOfRange(all, split + 4, all.length));
        }
    }

    /** Raw request lines, so neither the client nor URI normalizes the path before the server sees it. */
    @ParameterizedTest
    @ValueSource(strings = {"/../pom.xml", "/%2e%2e/%2e%2e/pom.xml", "/..%2f..%2fpom.xml", "/explore.js/../../pom.xml",
            "//etc/passwd", "/%2Fetc%2Fpasswd", "/..\\..\\pom.xml", "/index.html%00.js", "/org/bottleneck/apps/explore/index.html",
            "/ExploreServer.class", "/explore.js?x=../../pom.xml/.."})
    void staticPathsCannotLeaveTheBundle(String path) throws Exception {
        Answer a = raw(path);
        if (path.startsWith("/explore.js?")) {
            // The query is not part of the path: this is explore.js itself, not a way out.
            assertEquals(200, a.status());
            assertTrue(a.text().contains("latent explorer"), "the script itself");
            return;
        }
        assertTrue(a.status() == 404 || a.status() == 400, path + " → " + a.status());
        assertFalse(a.text().contains("<artifactId>") || a.text().contains("root:"), path + " leaked a file");
    }

    /** DNS rebinding: a page whose own name resolves to 127.0.0.1 sends its name as Host. */
    @Test
    void aHostOtherThanLoopbackIsRefused() throws Exception {
        Answer evil = raw("/api/info", "attacker.example:" + server.port());
        assertEquals(403, evil.status(), evil.text());
        assertTrue(evil.json().get("error").asText().contains("attacker.example"), evil.text());
        assertEquals(403, raw("/", "attacker.example").status(), "the page too");
        for (String ok : new String[] {"localhost:" + server.port(), "127.0.0.1", "[::1]:" + server.port(), "LOCALHOST"}) {
            assertEquals(200, raw("/api/info", ok).status(), ok);
        }
    }

    @Test
    void onlyGetAndHeadAreServed() throws Exception {
        Answer post = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/info"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(405, post.status());
        Answer head = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/info"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, head.status());
        assertEquals(0, head.body().length);
    }

    @Test
    void withEveryCodecTakenRequestsAre503NotQueuedForever() throws Exception {
        int requests = 11;
        ExecutorService clients = Executors.newFixedThreadPool(requests);
        try (var held1 = explorer.pool().borrow(); var held2 = explorer.pool().borrow()) {
            List<Future<Answer>> waiting = new ArrayList<>();
            for (int c = 0; c < requests; c++) {
                waiting.add(clients.submit(() -> get("/api/decode?p=0,0")));
            }
            long t0 = System.nanoTime();
            int busy = 0;
            for (Future<Answer> f : waiting) {
                Answer a = f.get(30, TimeUnit.SECONDS);
                assertEquals(503, a.status(), a.text());
                assertTrue(a.json().get("error").asText().startsWith("busy"), a.text());
                busy++;
            }
            assertEquals(requests, busy);
            // 8 admitted at most (4 per codec): those wait Explorer.WAIT_MS, the other 3 are refused at once.
            assertTrue((System.nanoTime() - t0) / 1e9 < 20, "refused within the wait bound");
        } finally {
            clients.shutdownNow();
        }
        assertEquals(200, get("/api/decode?p=0,0").status(), "served again once the codecs are back");
        assertEquals(0, server.failures());
    }

    /** 8 clients × 500 decodes of plane points over loopback: every one answered 200, within a bounded time. */
    @Test
    void loadOf8ClientsTimes500Decodes() throws Exception {
        int clients = Integer.getInteger("explore.clients", 8), each = 500;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<long[]>> runs = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int seed = c;
            runs.add(pool.submit(() -> {
                HttpClient own = HttpClient.newHttpClient();
                long[] nanos = new long[each];
                java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
                for (int r = 0; r < each; r++) {
                    String q = String.format(java.util.Locale.ROOT, "/api/decode?p=%.4f,%.4f", rnd.nextDouble(-3, 3),
                            rnd.nextDouble(-3, 3));
                    long s = System.nanoTime();
                    HttpResponse<byte[]> resp = own.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + server.port() + q)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
                    nanos[r] = System.nanoTime() - s;
                    if (resp.statusCode() != 200) {
                        throw new AssertionError(q + " → " + resp.statusCode() + " " + new String(resp.body(), StandardCharsets.UTF_8));
                    }
                }
                return nanos;
            }));
        }
        long[] all = new long[clients * each];
        for (int c = 0; c < clients; c++) {
            System.arraycopy(runs.get(c).get(180, TimeUnit.SECONDS), 0, all, c * each, each);
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - t0) / 1e9;
        Arrays.sort(all);
        System.out.printf(java.util.Locale.ROOT, "explore load (test, not a benchmark): %d decodes in %.1f s, p50 %.2f ms, "
                + "p99 %.2f ms%n", all.length, seconds, all[all.length / 2] / 1e6, all[(int) (all.length * 0.99)] / 1e6);
        assertEquals(0, server.failures());
    }
}
