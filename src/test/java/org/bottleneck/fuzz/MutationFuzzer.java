package org.bottleneck.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded mutation fuzzer: input {@code i} of a run with seed {@code s} is a pure function
 * of (s, i) and the seed inputs, so any failing input can be regenerated from two numbers.
 *
 * <p>Each input is a seed with 1–4 stacked mutations: bit flips; a byte set to 0x00, 0x01,
 * 0x7F, 0x80 or 0xFF; random bytes; ranges inserted, deleted or duplicated; truncation; a
 * splice of another seed; a 4- or 8-byte integer (little- or big-endian) from
 * {@link #INTERESTING} written over the input; in text, a run of digits or letters
 * deleted or replaced by one of {@link #INTERESTING_TEXT}, or a byte replaced by a syntax
 * character. Half of the offsets
 * fall in the format's header, as {@link Format#headerEnd} locates it; {@link Format#fixup}
 * may then repair checksums so that the mutation reaches past them. A third of the inputs
 * mutate only the format's variable-length header ({@link Format#header}) and rewrite its
 * length field, which a plain byte mutation almost always breaks.
 */
final class MutationFuzzer {
    /** Integers at the edges of int, unsigned int and long arithmetic, and sizes nobody can allocate. */
    static final long[] INTERESTING = {0, 1, -1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
        Integer.MAX_VALUE, 1L << 31, 0xFFFFFFFFL, 1L << 32, Integer.MAX_VALUE - 8, 1L << 60, Long.MAX_VALUE,
        Long.MIN_VALUE, 65536L * 65536L + 1};
    /** The same edges as text, plus a few that only text can say. */
    static final String[] INTERESTING_TEXT = {"0", "1", "-1", "2147483647", "2147483648", "4294967295",
        "4294967296", "1152921504606846976", "9223372036854775807", "9223372036854775808",
        "18446744073709551616", "99999999999999999999999999", "65536, 65536", "1e309", "-0", "1.5", "NaN",
        "Infinity", "0x10", ""};
    private static final byte[] INTERESTING_BYTES = {0, 1, 0x7F, (byte) 0x80, (byte) 0xFF};
    private static final byte[] SYNTAX = "{}()[],:'\"\\ \n\r\t0-+.eE\u0000#;".getBytes(StandardCharsets.ISO_8859_1);
    private static final int MAX_LENGTH = 1 << 16;

    /** What the fuzzer knows of a format. */
    interface Format {
        /** End (exclusive) of the header of {@code input}, at most {@code input.length}. */
        int headerEnd(byte[] input);

        /** Repairs checksums after mutation, when the format has any; called for half the inputs. */
        default void fixup(byte[] input) {
        }

        /**
         * The variable-length header of {@code input} (JSON, a Python dict), or null when the
         * format has none or the input is too broken to find it.
         */
        default byte[] header(byte[] input) {
            return null;
        }

        /** {@code input} with its header replaced by {@code header} and the length field updated. */
        default byte[] withHeader(byte[] input, byte[] header) {
            throw new UnsupportedOperationException();
        }
    }

    private final List<byte[]> seeds;
    private final Format format;

    MutationFuzzer(List<byte[]> seeds, Format format) {
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("a fuzzer needs at least one seed input");
        }
        this.seeds = List.copyOf(seeds);
        this.format = format;
    }

    /** Input {@code iteration} of the run with {@code seed}. */
    byte[] input(long seed, long iteration) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + iteration);
        byte[] b = seeds.get(r.nextInt(seeds.size())).clone();
        byte[] header = r.nextInt(3) == 0 ? format.header(b) : null;
        if (header != null) {
            // Mutate the header alone and keep its length field true, so the mutation reaches the parser of the header.
            byte[] h = header;
            for (int i = 1 + r.nextInt(2); i > 0; i--) {
                h = mutateText(h, r);
            }
            b = format.withHeader(b, h);
        }
        int n = header != null ? r.nextInt(2) : 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            b = mutate(b, r);
            if (b.length > MAX_LENGTH) {
                b = Arrays.copyOf(b, MAX_LENGTH);
            }
        }
        if (r.nextBoolean()) {
            format.fixup(b);
        }
        return b;
    }

    private byte[] mutate(byte[] b, SplittableRandom r) {
        if (b.length == 0) {
            return new byte[] {INTERESTING_BYTES[r.nextInt(INTERESTING_BYTES.length)]};
        }
        int at = offset(b, r);
        switch (r.nextInt(12)) {
            case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
            case 1 -> b[at] = INTERESTING_BYTES[r.nextInt(INTERESTING_BYTES.length)];
            case 2 -> b[at] = (byte) r.nextInt(256);
            case 3 -> {
                byte[] ins = new byte[1 + r.nextInt(16)];
                r.nextBytes(ins);
                return splice(b, at, 0, ins);
            }
            case 4 -> {
                return splice(b, at, 1 + r.nextInt(Math.min(64, b.length - at)), new byte[0]);
            }
            case 5 -> {
                int len = 1 + r.nextInt(Math.min(64, b.length - at));
                return splice(b, at, 0, Arrays.copyOfRange(b, at, at + len));
            }
            case 6 -> {
                return Arrays.copyOf(b, r.nextInt(b.length));
            }
            case 7 -> {
                byte[] other = seeds.get(r.nextInt(seeds.size()));
                int from = r.nextInt(other.length + 1);
                return splice(Arrays.copyOf(b, at), at, 0, Arrays.copyOfRange(other, from, other.length));
            }
            case 8, 9 -> {
                int width = r.nextBoolean() ? 4 : 8;
                ByteBuffer v = ByteBuffer.allocate(8).order(r.nextBoolean() ? ByteOrder.LITTLE_ENDIAN
                        : ByteOrder.BIG_ENDIAN);
                long x = INTERESTING[r.nextInt(INTERESTING.length)];
                if (width == 4) {
                    v.putInt((int) x);
                } else {
                    v.putLong(x);
                }
                System.arraycopy(v.array(), 0, b, at, Math.min(width, b.length - at));
            }
            case 10 -> {
                return replaceToken(b, at, r);
            }
            default -> b[at] = SYNTAX[r.nextInt(SYNTAX.length)];
        }
        return b;
    }

    /** Token-level edits of a text header: what keeps JSON or a Python literal close to valid. */
    private static byte[] mutateText(byte[] b, SplittableRandom r) {
        if (b.length == 0) {
            return "{".getBytes(StandardCharsets.US_ASCII);
        }
        int at = r.nextInt(b.length);
        return switch (r.nextInt(6)) {
            case 0, 1, 2 -> replaceToken(b, at, r);
            case 3 -> splice(b, at, 1, new byte[] {SYNTAX[r.nextInt(SYNTAX.length)]});
            case 4 -> splice(b, at, 1 + r.nextInt(Math.min(8, b.length - at)), new byte[0]);
            default -> splice(b, at, 0, Arrays.copyOfRange(b, at, at + 1 + r.nextInt(Math.min(32, b.length - at))));
        };
    }

    /** An offset in the header half the time, anywhere otherwise. */
    private int offset(byte[] b, SplittableRandom r) {
        int header = Math.max(1, Math.min(b.length, format.headerEnd(b)));
        return r.nextBoolean() ? r.nextInt(header) : r.nextInt(b.length);
    }

    /**
     * A run of ASCII digits (or, half the time, of letters and underscores), chosen
     * uniformly among the runs of {@code b}, deleted (a quarter of the time: names and numbers
     * vanish) or replaced by one of {@link #INTERESTING_TEXT}. {@code at} breaks ties in
     * huge inputs: only the runs from there on, at most 256, are candidates.
     */
    private static byte[] replaceToken(byte[] b, int at, SplittableRandom r) {
        boolean digits = r.nextBoolean();
        List<int[]> runs = new ArrayList<>();
        int from = b.length > 4096 ? at : 0;
        for (int p = from; p < b.length && runs.size() < 256; p++) {
            if (inToken(b[p], digits) && (p == 0 || !inToken(b[p - 1], digits))) {
                int end = p;
                while (end < b.length && inToken(b[end], digits)) {
                    end++;
                }
                runs.add(new int[] {p, end});
            }
        }
        if (runs.isEmpty()) {
            return b;
        }
        int[] run = runs.get(r.nextInt(runs.size()));
        String text = r.nextInt(4) == 0 ? "" : INTERESTING_TEXT[r.nextInt(INTERESTING_TEXT.length)];
        return splice(b, run[0], run[1] - run[0], text.getBytes(StandardCharsets.US_ASCII));
    }

    private static boolean inToken(byte c, boolean digits) {
        return digits ? c >= '0' && c <= '9' : c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
    }

    /** {@code b} with {@code remove} bytes at {@code at} replaced by {@code insert}. */
    static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }
}
