package org.bottleneck.apps.explore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The explorer's JSON/PNG API, as a pure function of (route, query string) → {@link Response};
 * {@link ExploreServer} carries it over HTTP. Routes (GET), every parameter required unless a
 * default is given, unknown or repeated parameters refused:
 *
 * <pre>
 * /api/info                              model, data, plane, metrics, limits      JSON
 * /api/points                            plane x, y and label of every point       JSON
 * /api/decode?p=x,y                      decode of the plane point p              PNG
 * /api/decode?z=v1,…,vZ                  decode of a full code (Z values)         PNG
 * /api/image?i=N                         shown sample N                           PNG
 * /api/reconstruct?i=N                   its reconstruction                        PNG
 * /api/neighbours?i=N&amp;k=K (K=8)          K nearest points in code space            JSON
 * /api/grid?n=N (N=12)                   N×N decoded grid of the plane             PNG
 * /api/interpolate?a=…&amp;b=…&amp;steps=S (S=10)  decodes from a to b; a and b each a plane
 *                                        point "x,y" or a shown point "#N"         PNG
 * </pre>
 * A bad request answers 400 with {@code {"error": "..."}} naming the parameter and the value;
 * an unknown route 404; an overloaded pool 503. Numbers must be finite; indices in range;
 * N, S and K within the maxima {@code /api/info} lists (N ≤ 32, S ≤ 64, K ≤ 50, and smaller for
 * large outputs, so one request decodes at most {@link Explorer#DECODE_BUDGET} values).
 */
public final class ExploreApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Longest query string accepted (a code of 4096 values at ~16 characters each fits). */
    static final int MAX_QUERY = 1 << 16;

    private final Explorer explorer;

    public ExploreApi(Explorer explorer) {
        this.explorer = explorer;
    }

    /** An answer: status, content type, body. */
    public record Response(int status, String contentType, byte[] body) {
        static Response json(int status, JsonNode node) {
            try {
                return new Response(status, "application/json; charset=utf-8", JSON.writeValueAsBytes(node));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
            }
        }

        static Response png(byte[] bytes) {
            return new Response(200, "image/png", bytes);
        }

        /** {"error": message} with the status. */
        public static Response error(int status, String message) {
            return json(status, JSON.createObjectNode().put("error", message));
        }
    }

    /** A request the caller got wrong: 400 (or the given 4xx) with the message. */
    static final class BadRequest extends RuntimeException {
        final int status;

        BadRequest(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /** Answers GET {@code route} (the path after /api/) given the raw (still %-encoded) query string, or null for none. */
    public Response handle(String route, String rawQuery) {
        try {
            Map<String, String> q = parse(rawQuery);
            return switch (route) {
                case "info" -> {
                    allow(q);
                    yield Response.json(200, explorer.info());
                }
                case "points" -> {
                    allow(q);
                    yield Response.json(200, explorer.points());
                }
                case "decode" -> {
                    allow(q, "p", "z");
                    yield Response.png(explorer.decode(decodeTarget(q)));
                }
                case "image" -> {
                    allow(q, "i");
                    yield Response.png(explorer.image(index(q, "i")));
                }
                case "reconstruct" -> {
                    allow(q, "i");
                    yield Response.png(explorer.reconstruction(index(q, "i")));
                }
                case "neighbours" -> {
                    allow(q, "i", "k");
                    int k = integer(q, "k", 8, 1, Math.min(LatentMap.MAX_NEIGHBOURS, explorer.map().size() - 1));
                    yield Response.json(200, explorer.neighbours(index(q, "i"), k));
                }
                case "grid" -> {
                    allow(q, "n");
                    yield Response.png(explorer.grid(integer(q, "n", 12, 1, explorer.maxGridSide())));
                }
                case "interpolate" -> {
                    allow(q, "a", "b", "steps");
                    int steps = integer(q, "steps", 10, 2, explorer.maxSteps());
                    yield Response.png(explorer.interpolate(end(q, "a"), end(q, "b"), steps));
                }
                default -> Response.error(404, "no API route '/api/" + route + "'; routes: info, points, decode, image, "
                        + "reconstruct, neighbours, grid, interpolate");
            };
        } catch (BadRequest e) {
            return Response.error(e.status, e.getMessage());
        } catch (Explorer.Overloaded e) {
            return Response.error(503, e.getMessage());
        }
    }

    /** Decoded query parameters; a repeated name, a bad %-escape or an over-long query is a 400. */
    static Map<String, String> parse(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        if (raw.length() > MAX_QUERY) {
            throw new BadRequest(414, "query string of " + raw.length() + " characters, more than " + MAX_QUERY);
        }
        for (String part : raw.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String name = decode(eq < 0 ? part : part.substring(0, eq));
            String value = eq < 0 ? "" : decode(part.substring(eq + 1));
            if (q.put(name, value) != null) {
                throw new BadRequest(400, "parameter '" + name + "' given more than once");
            }
        }
        return q;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(400, "bad %-escape in the query near '" + shorten(s) + "'");
        }
    }

    private static void allow(Map<String, String> q, String... names) {
        Set<String> ok = Set.of(names);
        for (String name : q.keySet()) {
            if (!ok.contains(name)) {
                throw new BadRequest(400, "unknown parameter '" + shorten(name) + "'"
                        + (names.length == 0 ? "; this route takes none" : "; this route takes " + String.join(", ", names)));
            }
        }
    }

    private float[] decodeTarget(Map<String, String> q) {
        boolean p = q.containsKey("p"), z = q.containsKey("z");
        if (p == z) {
            throw new BadRequest(400, "decode takes either p=x,y (a plane point) or z=v1,…,v" + explorer.map().codeSize()
                    + " (a code), " + (p ? "not both" : "got neither"));
        }
        if (p) {
            float[] xy = numbers(q, "p", 2);
            return explorer.map().codeAt(xy[0], xy[1]);
        }
        return numbers(q, "z", explorer.map().codeSize());
    }

    /** An interpolation end: "#N" a shown point's code, "x,y" the code at a plane point. */
    private float[] end(Map<String, String> q, String name) {
        String v = required(q, name);
        if (v.startsWith("#")) {
            return explorer.map().code(indexValue(name, v.substring(1)));
        }
        float[] xy = numbers(q, name, 2);
        return explorer.map().codeAt(xy[0], xy[1]);
    }

    private static String required(Map<String, String> q, String name) {
        String v = q.get(name);
        if (v == null) {
            throw new BadRequest(400, "missing parameter '" + name + "'");
        }
        return v;
    }

    /** Exactly {@code count} finite comma-separated numbers. */
    private static float[] numbers(Map<String, String> q, String name, int count) {
        String v = required(q, name);
        String[] parts = v.split(",", -1);
        if (parts.length != count) {
            throw new BadRequest(400, "'" + name + "' must hold " + count + " comma-separated numbers, got "
                    + parts.length + " ('" + shorten(v) + "')");
        }
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            double x;
            try {
                x = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new BadRequest(400, "'" + name + "' value " + (i + 1) + " is not a number: '" + shorten(parts[i]) + "'");
            }
            if (!Double.isFinite(x) || Math.abs(x) > Float.MAX_VALUE) {
                throw new BadRequest(400, "'" + name + "' value " + (i + 1) + " must be a finite number, got '"
                        + shorten(parts[i]) + "'");
            }
            out[i] = (float) x;
        }
        return out;
    }

    private int index(Map<String, String> q, String name) {
        return indexValue(name, required(q, name));
    }

    private int indexValue(String name, String v) {
        int n = explorer.map().size();
        int i = parseInt(name, v);
        if (i < 0 || i >= n) {
            throw new BadRequest(400, "'" + name + "' = " + i + " is out of range: points are 0.." + (n - 1));
        }
        return i;
    }

    private static int integer(Map<String, String> q, String name, int fallback, int min, int max) {
        String v = q.get(name);
        if (v == null) {
            return Math.min(fallback, max);
        }
        int x = parseInt(name, v);
        if (x < min || x > max) {
            throw new BadRequest(400, "'" + name + "' must be in " + min + ".." + max + ", got " + x);
        }
        return x;
    }

    private static int parseInt(String name, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new BadRequest(400, "'" + name + "' must be an integer, got '" + shorten(v) + "'");
        }
    }

    /** A user-supplied string cut to 40 characters for a message. */
    private static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
