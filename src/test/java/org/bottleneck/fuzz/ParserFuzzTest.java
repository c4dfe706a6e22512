package org.bottleneck.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.bottleneck.data.CsvReader;
import org.bottleneck.data.DataException;
import org.bottleneck.data.IdxReader;
import org.bottleneck.data.ImageDecoder;
import org.bottleneck.data.NpyReader;
import org.bottleneck.model.Safetensors;
import org.bottleneck.model.SafetensorsException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The parsers under hostile input. Property: every input either parses or throws the
 * parser's own format exception ({@link DataException}, {@link SafetensorsException} for
 * safetensors), within {@value #SLOW_MS} ms. Anything else (NullPointerException,
 * IndexOutOfBounds, OutOfMemoryError, a hang) fails the test, prints the seed, iteration and
 * a hex dump, and writes the input to {@code target/fuzz-failures/}.
 *
 * <p>Two modes. Regression: every file of {@code src/test/resources/fuzz/<target>/} runs
 * every time; files named {@code seed-*} must parse, all others (crashers, named for what
 * they trigger) must be rejected cleanly. Time-bounded: {@link MutationFuzzer} mutates the
 * seeds for {@code -Dfuzz.seconds} per target (pom.xml sets 20 for `mvn test`; 3 without it), with seed
 * {@code -Dfuzz.seed} (default 20261201); to replay a failure, rerun with the printed seed,
 * or copy the written input into the corpus.
 *
 * <p>Images are fuzzed under a pixel limit of 2^20, so that a mutated header naming a large
 * but legal size costs milliseconds; the default limit is tested in ImageDecoderTest.
 */
class ParserFuzzTest {
    static final long SLOW_MS = 2000;
    private static final long HANG_S = 20;
    private static final long DEFAULT_SEED = 20261201L;
    private static ExecutorService worker;

    @TempDir
    static Path scratch;

    /** Parses one input; may write it to a scratch file first. */
    interface Parser {
        void parse(byte[] input, Path scratchFile) throws Exception;
    }

    /** A fuzzed parser: its name (also the corpus folder), what it knows of the format, the exception it may throw. */
    record Target(String name, MutationFuzzer.Format format, Parser parser, Class<? extends Throwable> rejects) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Target> targets() {
        return List.of(
                new Target("idx", ParserFuzzTest::idxHeader, (b, f) -> IdxReader.read(Files.write(f, b)),
                        DataException.class),
                new Target("safetensors", new SafetensorsFormat(),
                        (b, f) -> Safetensors.read(Files.write(f, b)), SafetensorsException.class),
                new Target("npy", new NpyFormat(), ParserFuzzTest::parseNpy, DataException.class),
                new Target("csv", new CsvFormat(), ParserFuzzTest::parseCsv, DataException.class),
                new Target("image", new ImageFormat(),
                        (b, f) -> ImageDecoder.decode("fuzz-image", b, b.length % 2 == 0 ? 3 : 1, 1 << 20),
                        DataException.class));
    }

    private static void parseNpy(byte[] b, Path f) {
        var a = NpyReader.parse("fuzz.npy", b);
        a.toFloats();
        a.firstNonFinite();
    }

    private static void parseCsv(byte[] b, Path f) {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CsvReader.parse("fuzz.csv", new InputStreamReader(new ByteArrayInputStream(b), decoder), CsvReader.AUTO);
    }

    @BeforeAll
    static void startWorker() {
        worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-worker");
            t.setDaemon(true); // a hung parser must not keep the JVM alive
            return t;
        });
    }

    @AfterAll
    static void stopWorker() {
        worker.shutdownNow();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void seedsParse(Target t) throws Exception {
        Map<String, byte[]> seeds = FuzzSeeds.of(t.name());
        assertFalse(seeds.isEmpty());
        for (Map.Entry<String, byte[]> e : seeds.entrySet()) {
            assertTrue(run(t, e.getValue(), e.getKey()), "seed " + e.getKey() + " must parse");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void regressionCorpus(Target t) throws Exception {
        Map<String, byte[]> corpus = corpus(t.name());
        assertFalse(corpus.isEmpty(), "no corpus under src/test/resources/fuzz/" + t.name());
        for (Map.Entry<String, byte[]> e : corpus.entrySet()) {
            boolean parsed = run(t, e.getValue(), e.getKey());
            boolean seed = e.getKey().startsWith("seed-");
            assertEquals(seed, parsed, e.getKey() + (seed ? " must parse" : " must be rejected with "
                    + t.rejects().getSimpleName()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void timeBoundedFuzz(Target t) throws Exception {
        double seconds = Double.parseDouble(System.getProperty("fuzz.seconds", "3"));
        long seed = Long.getLong("fuzz.seed", DEFAULT_SEED);
        List<byte[]> seeds = new ArrayList<>(FuzzSeeds.of(t.name()).values());
        seeds.addAll(corpus(t.name()).values());
        MutationFuzzer fuzzer = new MutationFuzzer(seeds, t.format());
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        long inputs = 0;
        long parsed = 0;
        for (long i = 0; i == 0 || System.nanoTime() < deadline; i++) {
            byte[] input = fuzzer.input(seed, i);
            if (run(t, input, "seed " + seed + " iteration " + i)) {
                parsed++;
            }
            inputs++;
        }
        System.out.printf("fuzz %-11s seed %d: %d inputs in %.1f s, %d parsed, %d rejected%n", t.name(), seed, inputs,
                (System.nanoTime() - start) / 1e9, parsed, inputs - parsed);
        assertTrue(inputs - parsed > 0, "the mutations never produced an invalid input");
    }

    /**
     * Runs {@code t} on {@code input}: true if it parsed, false if it threw the accepted
     * exception; fails (saving the input) on anything else or when slow.
     */
    private static boolean run(Target t, byte[] input, String what) throws Exception {
        Path file = scratch.resolve(t.name() + ".in");
        long start = System.nanoTime();
        Future<?> f = worker.submit(() -> {
            t.parser().parse(input, file);
            return null;
        });
        try {
            f.get(HANG_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (!t.rejects().isInstance(cause)) {
                throw failure(t, input, what, "threw " + cause, cause);
            }
            checkTime(t, input, what, start);
            return false;
        } catch (TimeoutException e) {
            f.cancel(true);
            startWorker(); // the old worker may never come back
            throw failure(t, input, what, "did not finish in " + HANG_S + " s", null);
        }
        checkTime(t, input, what, start);
        return true;
    }

    private static void checkTime(Target t, byte[] input, String what, long start) throws IOException {
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (ms > SLOW_MS) {
            throw failure(t, input, what, "took " + ms + " ms (limit " + SLOW_MS + ")", null);
        }
    }

    private static AssertionError failure(Target t, byte[] input, String what, String problem, Throwable cause)
            throws IOException {
        Path dir = Files.createDirectories(Path.of("target", "fuzz-failures"));
        Path saved = dir.resolve(t.name() + "-" + what.replaceAll("[^A-Za-z0-9.-]+", "_") + ".bin");
        Files.write(saved, input);
        String head = HexFormat.ofDelimiter(" ").formatHex(input, 0, Math.min(input.length, 256));
        String message = t.name() + " parser, " + what + ": " + problem + "\n  input (" + input.length
                + " bytes) saved to " + saved.toAbsolutePath() + "\n  first bytes: " + head;
        System.err.println(message);
        return new AssertionError(message, cause);
    }

    /** The committed corpus of {@code target}, by file name, sorted. */
    static Map<String, byte[]> corpus(String target) throws IOException, URISyntaxException {
        URL url = ParserFuzzTest.class.getResource("/fuzz/" + target);
        Map<String, byte[]> out = new LinkedHashMap<>();
        if (url == null) {
            return out;
        }
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                if (!p.getFileName().toString().endsWith(".md")) {
                    out.put(p.getFileName().toString(), Files.readAllBytes(p));
                }
            }
        }
        return out;
    }

    // What the fuzzer knows of each format: where its header ends.

    private static int idxHeader(byte[] b) {
        return b.length < 4 ? b.length : Math.min(b.length, 4 + 4 * (b[3] & 0xFF));
    }

    /** u64 LE length N, N bytes of JSON, data. */
    static final class SafetensorsFormat implements MutationFuzzer.Format {
        @Override
        public int headerEnd(byte[] b) {
            byte[] h = header(b);
            return h == null ? Math.min(b.length, 256) : 8 + h.length;
        }

        @Override
        public byte[] header(byte[] b) {
            if (b.length < 8) {
                return null;
            }
            long n = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            return n >= 0 && n <= b.length - 8 ? Arrays.copyOfRange(b, 8, 8 + (int) n) : null;
        }

        @Override
        public byte[] withHeader(byte[] b, byte[] header) {
            int old = header(b).length;
            ByteBuffer out = ByteBuffer.allocate(8 + header.length + b.length - 8 - old).order(ByteOrder.LITTLE_ENDIAN);
            return out.putLong(header.length).put(header).put(b, 8 + old, b.length - 8 - old).array();
        }
    }

    /** Magic, version, u16 (v1) or u32 (v2, v3) LE length N, N bytes of dict, payload. */
    static final class NpyFormat implements MutationFuzzer.Format {
        @Override
        public int headerEnd(byte[] b) {
            byte[] h = header(b);
            return h == null ? Math.min(b.length, 128) : prefix(b) + h.length;
        }

        private static int prefix(byte[] b) {
            return b[6] == 1 ? 10 : 12;
        }

        @Override
        public byte[] header(byte[] b) {
            if (b.length < 12) {
                return null;
            }
            ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            long n = b[6] == 1 ? le.getShort(8) & 0xFFFF : le.getInt(8) & 0xFFFFFFFFL;
            return n <= b.length - prefix(b) ? Arrays.copyOfRange(b, prefix(b), prefix(b) + (int) n) : null;
        }

        @Override
        public byte[] withHeader(byte[] b, byte[] header) {
            int pre = prefix(b);
            int old = header(b).length;
            if (pre == 10 && header.length > 0xFFFF) {
                return b;
            }
            ByteBuffer out = ByteBuffer.allocate(pre + header.length + b.length - pre - old)
                    .order(ByteOrder.LITTLE_ENDIAN);
            out.put(b, 0, 8);
            if (pre == 10) {
                out.putShort((short) header.length);
            } else {
                out.putInt(header.length);
            }
            return out.put(header).put(b, pre + old, b.length - pre - old).array();
        }
    }

    /** The header row is the header; the whole file is text, mutated token-wise a third of the time. */
    static final class CsvFormat implements MutationFuzzer.Format {
        @Override
        public int headerEnd(byte[] b) {
            for (int i = 0; i < b.length; i++) {
                if (b[i] == '\n') {
                    return i + 1;
                }
            }
            return b.length;
        }

        @Override
        public byte[] header(byte[] b) {
            return b;
        }

        @Override
        public byte[] withHeader(byte[] b, byte[] header) {
            return header;
        }
    }

    /** Image headers: PNG up to the first IDAT, JPEG up to start-of-scan, BMP up to the pixels, GIF's first 32 bytes. */
    static final class ImageFormat implements MutationFuzzer.Format {
        @Override
        public int headerEnd(byte[] b) {
            if (b.length > 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P') {
                return Math.min(b.length, find(b, new byte[] {'I', 'D', 'A', 'T'}) + 4);
            }
            if (b.length > 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8) {
                return Math.min(b.length, find(b, new byte[] {(byte) 0xFF, (byte) 0xDA}) + 2);
            }
            if (b.length > 14 && b[0] == 'B' && b[1] == 'M') {
                long off = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(10) & 0xFFFFFFFFL;
                return (int) Math.min(b.length, Math.max(54, off));
            }
            return Math.min(b.length, 32);
        }

        private static int find(byte[] b, byte[] what) {
            outer:
            for (int i = 0; i + what.length <= b.length; i++) {
                for (int j = 0; j < what.length; j++) {
                    if (b[i + j] != what[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return b.length;
        }

        /** Recomputes the CRC of every PNG chunk, so mutations get past the checksum. */
        @Override
        public void fixup(byte[] b) {
            if (b.length < 8 || (b[0] & 0xFF) != 0x89 || b[1] != 'P') {
                return;
            }
            ByteBuffer be = ByteBuffer.wrap(b);
            int p = 8;
            while (p + 12 <= b.length) {
                long len = be.getInt(p) & 0xFFFFFFFFL;
                if (p + 12 + len > b.length) {
                    return;
                }
                CRC32 crc = new CRC32();
                crc.update(b, p + 4, 4 + (int) len);
                be.putInt(p + 8 + (int) len, (int) crc.getValue());
                p += 12 + (int) len;
            }
        }
    }
}
