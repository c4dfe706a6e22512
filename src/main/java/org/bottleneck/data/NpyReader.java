package org.bottleneck.data;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Reads NumPy .npy files, format versions 1.0, 2.0 and 3.0 (numpy/lib/format.py).
 *
 * <p>Layout: the magic {@code \x93NUMPY}, major and minor version bytes, the header length
 * H (unsigned little-endian: 2 bytes in version 1, 4 bytes in versions 2 and 3), H bytes of
 * header (Latin-1; UTF-8 in version 3) holding a Python dict literal padded with spaces
 * and a newline, then the elements, row-major. The dict, parsed by {@link NpyHeader}, has
 * exactly the keys {@code descr}, {@code fortran_order} and {@code shape}.
 *
 * <p>Accepted: the dtypes of {@link NpyArray} (little- and big-endian), C order, rank ≥ 1,
 * at most 2^31-1 elements, and a payload of exactly {@code size·itemsize} bytes. Everything
 * else is a {@link DataFormatException} naming the file and the offending value. Sizes are
 * checked against the actual byte count before anything is allocated.
 */
public final class NpyReader {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final String SUPPORTED = "<f4 <f8 |u1 |i1 <i2 <u2 <i4 <u4 <i8 <u8 (or big-endian >f4 …)";

    private NpyReader() {
    }

    /** Reads and validates {@code file}; throws {@link DataFormatException} or {@link DataException}. */
    public static NpyArray read(Path file) {
        return parse(file.toString(), DataFiles.readAllBytes(file, "npy"));
    }

    /**
     * Validates and decodes the bytes of a .npy file; {@code name} names it in errors. The
     * array's payload is a view of {@code bytes}, not a copy.
     */
    public static NpyArray parse(String name, byte[] bytes) {
        if (bytes.length < 10) {
            throw new DataFormatException("npy file " + name + " is " + bytes.length
                    + " bytes long, too short for the 10-byte preamble of a .npy file");
        }
        if (!Arrays.equals(bytes, 0, 6, MAGIC, 0, 6)) {
            throw new DataFormatException("npy file " + name + " has bad magic " + hex(bytes, 6)
                    + "; expected 93 4e 55 4d 50 59 (\\x93NUMPY)");
        }
        int major = bytes[6] & 0xFF;
        int minor = bytes[7] & 0xFF;
        if (minor != 0 || major < 1 || major > 3) {
            throw new DataFormatException("npy file " + name + " has format version " + major + "." + minor
                    + "; supported: 1.0, 2.0, 3.0");
        }
        int lengthBytes = major == 1 ? 2 : 4;
        if (bytes.length < 8 + lengthBytes) {
            throw new DataFormatException("npy file " + name + " is " + bytes.length + " bytes long, too short for"
                    + " the " + lengthBytes + "-byte header length of version " + major + ".0");
        }
        ByteBuffer le = ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long headerLen = major == 1 ? le.getShort(8) & 0xFFFFL : le.getInt(8) & 0xFFFFFFFFL;
        int headerStart = 8 + lengthBytes;
        if (headerLen > bytes.length - headerStart) {
            throw new DataFormatException("npy file " + name + ": header length " + headerLen + " exceeds the "
                    + (bytes.length - headerStart) + " bytes after the preamble");
        }
        int dataStart = headerStart + (int) headerLen;
        String text = new String(bytes, headerStart, (int) headerLen,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        NpyHeader h = NpyHeader.parse(name, text);

        String dtype = normalize(name, h.descr());
        if (h.fortranOrder()) {
            throw new DataFormatException("npy file " + name + " (" + dtype + " " + tuple(h.shape())
                    + ") is stored in Fortran (column-major) order, which is not supported; save it in C order:"
                    + " np.save(path, np.ascontiguousarray(a))");
        }
        int[] shape = shape(name, h.shape());
        long n = NpyArray.elements(shape);
        if (n < 0) {
            throw new DataFormatException("npy file " + name + ": shape " + tuple(h.shape())
                    + " has more than 2^31-1 elements");
        }
        long itemSize = NpyArray.Kind.of(dtype).bytes;
        long expected = n * itemSize;
        long actual = bytes.length - dataStart;
        if (actual < expected) {
            throw new DataFormatException("npy file " + name + " is truncated: shape " + tuple(h.shape()) + " of "
                    + dtype + " needs " + expected + " payload bytes, found " + actual);
        }
        if (actual > expected) {
            throw new DataFormatException("npy file " + name + " has " + (actual - expected)
                    + " trailing bytes after the " + expected + "-byte payload of shape " + tuple(h.shape())
                    + " " + dtype);
        }
        return new NpyArray(dtype, shape, ByteBuffer.wrap(bytes, dataStart, (int) expected), name);
    }

    /** {@code descr} with one-byte types written {@code |u1}; throws when unsupported. */
    private static String normalize(String name, String descr) {
        String d = descr;
        if (d.length() == 3 && (d.charAt(0) == '<' || d.charAt(0) == '>') && d.endsWith("1")) {
            d = "|" + d.substring(1);
        }
        if (NpyArray.Kind.of(d) == null) {
            throw new DataFormatException("npy file " + name + " has dtype '" + descr + "', which is not supported;"
                    + " supported: " + SUPPORTED);
        }
        return d;
    }

    private static int[] shape(String name, long[] dims) {
        if (dims.length == 0) {
            throw new DataFormatException("npy file " + name + " holds a 0-d scalar (shape ()); expected rank >= 1");
        }
        int[] shape = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] > Integer.MAX_VALUE) {
                throw new DataFormatException("npy file " + name + ": dimension " + i + " of shape " + tuple(dims)
                        + " is " + dims[i] + ", more than 2^31-1");
            }
            shape[i] = (int) dims[i];
        }
        return shape;
    }

    /** A shape as Python writes it: {@code (3,)}, {@code (2, 3)}. */
    static String tuple(long[] dims) {
        String inner = Arrays.stream(dims).mapToObj(Long::toString).collect(Collectors.joining(", "));
        return "(" + inner + (dims.length == 1 ? ",)" : ")");
    }

    private static String hex(byte[] b, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(i == 0 ? "" : " ").append(String.format("%02x", b[i] & 0xFF));
        }
        return s.toString();
    }
}
