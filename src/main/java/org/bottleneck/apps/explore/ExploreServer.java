package org.bottleneck.apps.explore;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The explorer over HTTP (the JDK's {@code HttpServer}): {@code /api/…} goes to
 * {@link ExploreApi}, and a fixed set of page assets, bundled in the jar, is served by exact name
 * — no request path is ever resolved against a folder, so nothing outside the bundle can be
 * reached however the path is spelled ({@code ..}, %-escapes, backslashes all answer 404). Only
 * GET (and HEAD) are served, for a Host header naming loopback or the --host given (403 otherwise:
 * see {@link #acceptedHosts}); errors are JSON {@code {"error": …}} and never carry a stack trace
 * (an unexpected failure is logged here and answered 500). Requests run on a fixed pool of
 * handler threads; the codec work inside is bounded by {@link Explorer}. {@link #close()} stops
 * accepting, lets running exchanges finish for up to a second, and frees the pool.
 */
public final class ExploreServer implements AutoCloseable {
    /** Request path → bundled resource (next to this class) and content type. */
    private static final Map<String, String[]> ASSETS = Map.of(
            "/", new String[] {"index.html", "text/html; charset=utf-8"},
            "/index.html", new String[] {"index.html", "text/html; charset=utf-8"},
            "/explore.js", new String[] {"explore.js", "text/javascript; charset=utf-8"},
            "/explore.css", new String[] {"explore.css", "text/css; charset=utf-8"});

    static {
        // The JDK server writes headers and body in separate segments: with Nagle's algorithm on,
        // each answer then waits for the client's delayed ACK (~40 ms; measured p50 44 ms per
        // decode on loopback). Read once, when the JDK's server config class loads: set it first.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer http;
    private final Set<String> hosts; // Host header names accepted; null = any (bound to all interfaces)
    private final ExecutorService handlers;
    private final ExploreApi api;
    private final Map<String, byte[]> assets;
    private final PrintStream log;
    private final AtomicInteger failures = new AtomicInteger();
    private boolean closed;

    private ExploreServer(HttpServer http, Set<String> hosts, ExecutorService handlers, ExploreApi api,
                          Map<String, byte[]> assets, PrintStream log) {
        this.http = http;
        this.hosts = hosts;
        this.handlers = handlers;
        this.api = api;
        this.assets = assets;
        this.log = log;
    }

    /**
     * Serves {@code explorer} on host:port (port 0: a free port) with {@code threads} handler
     * threads; returns once it accepts connections.
     */
    public static ExploreServer start(Explorer explorer, String host, int port, int threads, PrintStream log)
            throws IOException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be in 0..65535, got " + port);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("handler threads must be ≥ 1, got " + threads);
        }
        Map<String, byte[]> assets = new HashMap<>();
        for (Map.Entry<String, String[]> e : ASSETS.entrySet()) {
            assets.put(e.getKey(), resource(e.getValue()[0]));
        }
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(host, port), 128);
        } catch (BindException e) {
            throw new IOException("cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "): is another server using the port? Try --port 0 for a free one", e);
        }
        AtomicInteger id = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "explore-http-" + id.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ExploreServer s = new ExploreServer(http, acceptedHosts(host), pool, new ExploreApi(explorer), Map.copyOf(assets), log);
        http.createContext("/", s::exchange);
        http.setExecutor(pool);
        http.start();
        return s;
    }

    /**
     * The names a browser may use in the Host header. Loopback always; the --host given too.
     * Anything else is refused (403): a page on another site that rebinds its own name to
     * 127.0.0.1 (DNS rebinding) would otherwise read the explorer as its own origin. Bound to
     * all interfaces (0.0.0.0, ::), the machine's names are unknown and any Host is accepted.
     */
    static Set<String> acceptedHosts(String host) {
        try {
            if (InetAddress.getByName(host).isAnyLocalAddress()) {
                return null;
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--host '" + host + "' does not resolve: " + e.getMessage());
        }
        String h = host.toLowerCase(Locale.ROOT);
        Set<String> names = new HashSet<>(List.of("localhost", "127.0.0.1", "[::1]"));
        names.add(h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h); // an IPv6 literal comes bracketed in Host
        return Set.copyOf(names);
    }

    /** Whether a Host header ("name" or "name:port") names this server. */
    private boolean hostAccepted(String header) {
        if (hosts == null) {
            return true;
        }
        if (header == null) {
            return false;
        }
        String h = header.trim().toLowerCase(Locale.ROOT);
        int colon = h.startsWith("[") ? h.indexOf("]:") + 1 : h.lastIndexOf(':');
        String name = colon > 0 ? h.substring(0, colon) : h;
        return hosts.contains(name);
    }

    private static byte[] resource(String name) {
        try (InputStream in = ExploreServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("page asset '" + name + "' is missing from the jar (org/bottleneck/apps/explore/)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read page asset '" + name + "': " + e.getMessage(), e);
        }
    }

    /** The port it listens on. */
    public int port() {
        return http.getAddress().getPort();
    }

    /** Unexpected failures answered 500 so far (a test asserts there were none). */
    public int failures() {
        return failures.get();
    }

    private void exchange(HttpExchange ex) throws IOException {
        try (ex) {
            ExploreApi.Response r;
            try {
                r = answer(ex);
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                log.println("explore: internal error on " + ex.getRequestMethod() + " " + ex.getRequestURI() + ": " + e);
                r = ExploreApi.Response.error(500, "internal error; the server log has the details");
            }
            send(ex, r);
        } catch (IOException e) {
            // the client went away mid-answer: nothing to tell it
        }
    }

    private ExploreApi.Response answer(HttpExchange ex) {
        String method = ex.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            ex.getResponseHeaders().set("Allow", "GET, HEAD");
            return ExploreApi.Response.error(405, "method " + method + " is not allowed; the explorer serves GET");
        }
        if (!hostAccepted(ex.getRequestHeaders().getFirst("Host"))) {
            return ExploreApi.Response.error(403, "this explorer answers requests for localhost or the --host it was given, "
                    + "not for Host '" + String.valueOf(ex.getRequestHeaders().getFirst("Host")) + "'");
        }
        String path = ex.getRequestURI().getRawPath();
        if (path.startsWith("/api/")) {
            return api.handle(path.substring("/api/".length()), ex.getRequestURI().getRawQuery());
        }
        String[] asset = ASSETS.get(path);
        if (asset == null) {
            return ExploreApi.Response.error(404, "no page '" + (path.length() > 60 ? path.substring(0, 60) + "…" : path)
                    + "'; the explorer is at /");
        }
        return new ExploreApi.Response(200, asset[1], assets.get(path));
    }

    private static void send(HttpExchange ex, ExploreApi.Response r) throws IOException {
        ex.getResponseHeaders().set("Content-Type", r.contentType());
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(r.status(), head ? -1 : r.body().length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(r.body());
            }
        }
    }

    /** Stops the server (idempotent). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        http.stop(1);
        handlers.shutdown();
        try {
            if (!handlers.awaitTermination(2, TimeUnit.SECONDS)) {
                handlers.shutdownNow();
            }
        } catch (InterruptedException e) {
            handlers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
