package org.bottleneck.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NpyReaderTest {
    @TempDir
    Path tmp;

    /**
     * A .npy file as NumPy lays it out: magic, version, header length (u16 LE in 1.0, u32 LE
     * in 2.0/3.0), the dict padded with spaces and a newline to a multiple of 64 bytes, payload.
     */
    static byte[] npy(int major, String dict, byte[] payload) {
        int pre = major == 1 ? 10 : 12;
        byte[] h = dict.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        int total = (pre + h.length + 1 + 63) / 64 * 64;
        ByteBuffer b = ByteBuffer.allocate(total + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) major).put((byte) 0);
        if (major == 1) {
            b.putShort((short) (total - pre));
        } else {
            b.putInt(total - pre);
        }
        b.put(h);
        while (b.position() < total - 1) {
            b.put((byte) ' ');
        }
        return b.put((byte) '\n').put(payload).array();
    }

    static String dict(String descr, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    }

    /** {@code values} encoded as {@code dtype} (e.g. {@code <i2}, {@code >f8}). */
    static byte[] encode(String dtype, double... values) {
        int size = dtype.charAt(2) - '0';
        ByteBuffer b = ByteBuffer.allocate(size * values.length)
                .order(dtype.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            switch (dtype.substring(1)) {
                case "f4" -> b.putFloat((float) v);
                case "f8" -> b.putDouble(v);
                case "u1", "i1" -> b.put((byte) (long) v);
                case "u2", "i2" -> b.putShort((short) (long) v);
                case "u4", "i4" -> b.putInt((int) (long) v);
                case "u8", "i8" -> b.putLong((long) v);
                default -> throw new IllegalArgumentException(dtype);
            }
        }
        return b.array();
    }

    private static DataFormatException rejects(byte[] bytes) {
        return assertThrows(DataFormatException.class, () -> NpyReader.parse("x.npy", bytes));
    }

    private static void assertMessage(Exception e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "expected '" + p + "' in: " + e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"<f4", "<f8", "|u1", "|i1", "<i2", "<u2", "<i4", "<u4", "<i8", "<u8",
        ">f4", ">f8", ">i2", ">u2", ">i4", ">i8"})
    void readsEveryDtypeAsFloatsAndLabels(String dtype) {
        double[] values = {0, 1, 2, 7, 100, 127, 3, 5, 9, 4, 6, 8}; // exact in every dtype
        NpyArray a = NpyReader.parse("x.npy", npy(1, dict(dtype, "(3, 4)"), encode(dtype, values)));
        assertEquals(dtype, a.dtype());
        assertArrayEquals(new int[] {3, 4}, a.shape());
        assertEquals(12, a.size());
        float[] expected = new float[values.length];
        int[] labels = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            expected[i] = (float) values[i];
            labels[i] = (int) values[i];
        }
        assertArrayEquals(expected, a.toFloats());
        assertArrayEquals(labels, a.toLabels());
        assertEquals(-1, a.firstNonFinite());
    }

    @Test
    void readsSignedAndUnsignedExtremes() {
        assertArrayEquals(new float[] {-128, 127, -1},
                NpyReader.parse("x", npy(1, dict("|i1", "(3,)"), encode("|i1", -128, 127, -1))).toFloats());
        assertArrayEquals(new float[] {255, 0, 128},
                NpyReader.parse("x", npy(1, dict("|u1", "(3,)"), new byte[] {-1, 0, -128})).toFloats());
        assertArrayEquals(new float[] {65535, 32768},
                NpyReader.parse("x", npy(1, dict("<u2", "(2,)"), encode("<u2", 65535, 32768))).toFloats());
        assertArrayEquals(new float[] {4294967295f, 2147483648f},
                NpyReader.parse("x", npy(1, dict("<u4", "(2,)"), encode("<u4", -1, Integer.MIN_VALUE))).toFloats());
        assertArrayEquals(new float[] {-2147483648f},
                NpyReader.parse("x", npy(1, dict("<i4", "(1,)"), encode("<i4", Integer.MIN_VALUE))).toFloats());
        byte[] u8 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L).putLong(1L << 63).array();
        assertArrayEquals(new float[] {1.8446744e19f, 9.223372e18f},
                NpyReader.parse("x", npy(1, dict("<u8", "(2,)"), u8)).toFloats());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void readsEveryFormatVersion(int major) {
        NpyArray a = NpyReader.parse("x", npy(major, dict("<f4", "(2,)"), encode("<f4", 1.5, -2)));
        assertArrayEquals(new float[] {1.5f, -2f}, a.toFloats());
    }

    @Test
    void readsFilesWrittenByNumpy() throws IOException, URISyntaxException {
        NpyArray f4 = NpyReader.read(resource("numpy-f4-2x3.npy"));
        assertArrayEquals(new int[] {2, 3}, f4.shape());
        assertArrayEquals(new float[] {0.5f, -1.25f, 3f, 1e-3f, 65504f, -0f}, f4.toFloats());
        NpyArray u1 = NpyReader.read(resource("numpy-u1-2x2x2.npy"));
        assertEquals("|u1", u1.dtype());
        assertArrayEquals(new byte[] {0, 36, 72, 108, (byte) 144, (byte) 180, (byte) 216, (byte) 252}, u1.uint8());
        assertArrayEquals(new int[] {3, 1, 4, 1, 5, 9, 2, 6}, NpyReader.read(resource("numpy-i8-labels.npy")).toLabels());
        NpyArray f8 = NpyReader.read(resource("numpy-f8-v2.npy"));
        assertArrayEquals(new float[] {1.5f, -2f, Float.POSITIVE_INFINITY}, f8.toFloats());
        assertEquals(2, f8.firstNonFinite()); // 1e300 overflows float32
        assertArrayEquals(new int[] {0, 65535}, NpyReader.read(resource("numpy-u2-v3.npy")).toLabels());
        Path fortran = resource("numpy-f4-fortran.npy");
        DataFormatException e = assertThrows(DataFormatException.class, () -> NpyReader.read(fortran));
        assertMessage(e, fortran.toString(), "Fortran", "np.ascontiguousarray", "(2, 3)");
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(NpyReaderTest.class.getResource("/npy/" + name).toURI());
    }

    @Test
    void emptyArraysAndBigEndianOneByteDescrs() {
        NpyArray empty = NpyReader.parse("x", npy(1, dict("<f4", "(0, 784)"), new byte[0]));
        assertEquals(0, empty.size());
        assertArrayEquals(new int[] {0, 784}, empty.shape());
        assertEquals(0, empty.toFloats().length);
        // A zero anywhere makes the product 0, however large the other dimensions are.
        assertEquals(0, NpyReader.parse("x", npy(1, dict("<f4", "(2147483647, 2147483647, 0)"), new byte[0])).size());
        // NumPy writes one-byte types with '|'; '<u1' and '>u1' mean the same and are normalized.
        assertEquals("|u1", NpyReader.parse("x", npy(1, dict("<u1", "(1,)"), new byte[] {7})).dtype());
        assertEquals("|i1", NpyReader.parse("x", npy(1, dict(">i1", "(1,)"), new byte[] {7})).dtype());
    }

    @Test
    void payloadIsAReadOnlyViewNotACopy() {
        byte[] file = npy(1, dict("|u1", "(4,)"), new byte[] {1, 2, 3, 4});
        NpyArray a = NpyReader.parse("x", file);
        ByteBuffer p = a.payload();
        assertTrue(p.isReadOnly());
        assertEquals(4, p.remaining());
        file[file.length - 1] = 9;
        assertEquals(9, a.payload().get(3));
        assertArrayEquals(new byte[] {1, 2, 3, 9}, a.uint8());
    }

    @Test
    void rejectsFortranOrder() {
        String d = "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }";
        assertMessage(rejects(npy(1, d, new byte[24])), "x.npy", "Fortran (column-major) order",
                "np.save(path, np.ascontiguousarray(a))");
    }

    @Test
    void rejectsTruncatedAndTrailingPayloads() {
        byte[] full = npy(1, dict("<i4", "(2, 3)"), encode("<i4", 1, 2, 3, 4, 5, 6));
        assertMessage(rejects(Arrays.copyOf(full, full.length - 3)), "x.npy is truncated",
                "shape (2, 3) of <i4 needs 24 payload bytes, found 21");
        assertMessage(rejects(Arrays.copyOf(full, full.length + 5)),
                "5 trailing bytes after the 24-byte payload of shape (2, 3) <i4");
        assertMessage(rejects(Arrays.copyOf(full, 9)), "9 bytes long, too short for the 10-byte preamble");
        assertMessage(rejects(Arrays.copyOf(npy(2, dict("<i4", "(1,)"), new byte[4]), 11)),
                "too short for the 4-byte header length of version 2.0");
    }

    @Test
    void rejectsBadMagicAndVersions() {
        byte[] b = npy(1, dict("<f4", "(1,)"), new byte[4]);
        byte[] magic = b.clone();
        magic[1] = 'n';
        assertMessage(rejects(magic), "bad magic 93 6e 55 4d 50 59");
        byte[] v4 = b.clone();
        v4[6] = 4;
        assertMessage(rejects(v4), "format version 4.0; supported: 1.0, 2.0, 3.0");
        byte[] minor = b.clone();
        minor[7] = 1;
        assertMessage(rejects(minor), "format version 1.1");
        assertMessage(rejects("just some text, not an array".getBytes(StandardCharsets.US_ASCII)), "bad magic");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "{'descr': '<f4', 'shape': (1,), }|has no 'fortran_order'",
        "{'descr': '<f4', 'fortran_order': False, }|has no 'shape'",
        "{'fortran_order': False, 'shape': (1,), }|has no 'descr'",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}|unknown key 'extra'",
        "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}|key 'descr' appears twice",
        "{'descr': '<f4', 'fortran_order': False, 'shape': [1]}|expected a string, True, False or a tuple",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1)}|expected ','",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}|expected a non-negative integer",
        "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}|expected a string, True, False or a tuple",
        "{'descr': '<f4', 'fortran_order': 'False', 'shape': (1,)}|'fortran_order' must be True or False",
        "{'descr': (1,), 'fortran_order': False, 'shape': (1,)}|'descr' must be a string",
        "{'descr': '<f4', 'fortran_order': False, 'shape': 'big'}|'shape' must be a tuple of integers",
        "{'descr': '<f4, 'fortran_order': False, 'shape': (1,)}|expected '}'",
        "{'descr': '<f4', 'fortran_order': False 'shape': (1,)}|expected '}'",
        "{'descr': '<f4', 'fortran_order': Truest, 'shape': (1,)}|expected '}'",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,,)}|expected a non-negative integer",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }}|unexpected text after the closing '}'",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), ,}|expected a quoted string",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} x|unexpected text after the closing '}'",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)|expected '}'",
        "{}|has no 'descr'",
        "not a dict|expected '{'",
        "{'descr': '<f4' 'fortran_order': False, 'shape': (1,)}|expected '}'",
    })
    void rejectsBadHeaderDicts(String dict, String message) {
        DataFormatException e = rejects(npy(1, dict, new byte[4]));
        assertMessage(e, "npy file x.npy", message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"<f2", "|b1", "<c8", "=f4", "|f4", "<U5", "|O", "", "<f4 "})
    void rejectsUnsupportedDtypes(String descr) {
        assertMessage(rejects(npy(1, dict(descr, "(1,)"), new byte[8])),
                "dtype '" + descr + "', which is not supported", "<f4 <f8 |u1");
    }

    @Test
    void rejectsEscapesInStrings() {
        String d = "{'descr': '<f\\x34', 'fortran_order': False, 'shape': (1,), }";
        assertMessage(rejects(npy(1, d, new byte[4])), "escape sequences are not supported");
    }

    @Test
    void rejectsStructuredDtypes() {
        String d = "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }";
        assertMessage(rejects(npy(1, d, new byte[4])), "expected a string, True, False or a tuple");
    }

    @Test
    void rejectsScalars() {
        assertMessage(rejects(npy(1, dict("<f4", "()"), new byte[4])), "0-d scalar");
    }

    @Test
    void rejectsDimensionProductsThatOverflow() {
        // 65536 * 65536 = 2^32 elements: the header alone must not make us allocate.
        assertMessage(rejects(npy(1, dict("|u1", "(65536, 65536)"), new byte[16])),
                "shape (65536, 65536) has more than 2^31-1 elements");
        // 2^31 - 1 elements of 8 bytes fit the count but not the file: truncated, not allocated.
        assertMessage(rejects(npy(1, dict("<f8", "(2147483647,)"), new byte[16])),
                "needs 17179869176 payload bytes, found 16");
        // (2^21)^4 = 2^84 would overflow a long: the running product stops at the first excess.
        assertMessage(rejects(npy(1, dict("<f4", "(2097152, 2097152, 2097152, 2097152)"), new byte[0])),
                "has more than 2^31-1 elements");
    }

    @ParameterizedTest
    @ValueSource(longs = {2147483648L, 4294967295L, 4294967296L, 1L << 60, 999999999999999999L})
    void rejectsDimensionsOf2p31AndMore(long dim) {
        assertMessage(rejects(npy(1, dict("|u1", "(" + dim + ",)"), new byte[1])),
                "dimension 0 of shape (" + dim + ",) is " + dim + ", more than 2^31-1");
    }

    @Test
    void rejectsDimensionsTooLongToParse() {
        assertMessage(rejects(npy(1, dict("|u1", "(1152921504606846976000,)"), new byte[1])),
                "shape dimension 1152921504606846976000 is too large");
    }

    @Test
    void rejectsHeaderLengthsBeyondTheFile() {
        byte[] v2 = npy(2, dict("<f4", "(1,)"), new byte[4]);
        ByteBuffer.wrap(v2).order(ByteOrder.LITTLE_ENDIAN).putInt(8, -1); // 2^32 - 1
        assertMessage(rejects(v2), "header length 4294967295 exceeds the " + (v2.length - 12));
        byte[] v1 = npy(1, dict("<f4", "(1,)"), new byte[4]);
        ByteBuffer.wrap(v1).order(ByteOrder.LITTLE_ENDIAN).putShort(8, (short) -1);
        assertMessage(rejects(v1), "header length 65535 exceeds the " + (v1.length - 10));
        byte[] v3 = npy(3, dict("<f4", "(1,)"), new byte[4]);
        ByteBuffer.wrap(v3).order(ByteOrder.LITTLE_ENDIAN).putInt(8, Integer.MIN_VALUE); // 2^31
        assertMessage(rejects(v3), "header length 2147483648 exceeds");
    }

    @Test
    void labelsMustBeNonNegativeIntsNamingIndexAndValue() {
        DataFormatException neg = assertThrows(DataFormatException.class,
                () -> NpyReader.parse("y.npy", npy(1, dict("<i4", "(3,)"), encode("<i4", 0, 5, -2))).toLabels());
        assertMessage(neg, "y.npy", "element 2 is -2", "not a class label");
        DataFormatException big = assertThrows(DataFormatException.class,
                () -> NpyReader.parse("y.npy", npy(1, dict("<i8", "(2,)"), encode("<i8", 1, 1L << 31))).toLabels());
        assertMessage(big, "element 1 is 2147483648");
        byte[] u8 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L).array();
        DataFormatException huge = assertThrows(DataFormatException.class,
                () -> NpyReader.parse("y.npy", npy(1, dict("<u8", "(1,)"), u8)).toLabels());
        assertMessage(huge, "element 0 is 18446744073709551615");
        DataFormatException frac = assertThrows(DataFormatException.class,
                () -> NpyReader.parse("y.npy", npy(1, dict("<f4", "(2,)"), encode("<f4", 1, 1.5))).toLabels());
        assertMessage(frac, "element 1 is 1.5");
        DataFormatException nan = assertThrows(DataFormatException.class,
                () -> NpyReader.parse("y.npy", npy(1, dict("<f8", "(1,)"), encode("<f8", Double.NaN))).toLabels());
        assertMessage(nan, "element 0 is NaN");
        assertArrayEquals(new int[] {0, 3, 2147483647},
                NpyReader.parse("y", npy(1, dict("<f8", "(3,)"), encode("<f8", -0.0, 3, Integer.MAX_VALUE))).toLabels());
    }

    @Test
    void firstNonFiniteFindsNanAndInfinityAfterFloat32Conversion() {
        assertEquals(1, NpyReader.parse("x", npy(1, dict("<f4", "(3,)"), encode("<f4", 1, Float.NaN, 2)))
                .firstNonFinite());
        assertEquals(2, NpyReader.parse("x", npy(1, dict(">f8", "(3,)"), encode(">f8", 1, 3e38, -1e39)))
                .firstNonFinite());
        assertEquals(-1, NpyReader.parse("x", npy(1, dict("<i8", "(1,)"), encode("<i8", Long.MAX_VALUE)))
                .firstNonFinite());
    }

    @Test
    void uint8IsOnlyForUnsignedBytes() {
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> NpyReader.parse("x.npy", npy(1, dict("<f4", "(2, 2)"), new byte[16])).uint8());
        assertMessage(e, "x.npy holds <f4 [2, 2], expected |u1");
    }

    @Test
    void roundTripsRandomFloatsThroughAFile() throws IOException {
        Random r = new Random(20261201);
        double[] v = new double[5 * 7];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        Path f = Files.write(tmp.resolve("r.npy"), npy(1, dict("<f4", "(5, 7)"), encode("<f4", v)));
        float[] got = NpyReader.read(f).toFloats();
        for (int i = 0; i < v.length; i++) {
            assertEquals((float) v[i], got[i], 0f);
        }
        Path missing = tmp.resolve("missing.npy");
        DataException e = assertThrows(DataException.class, () -> NpyReader.read(missing));
        assertMessage(e, "npy file not found", missing.toAbsolutePath().toString());
    }
}
