package org.bottleneck.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files, the format of the MNIST distribution, raw or gzip-compressed (recognised
 * by the magic bytes {@code 1f 8b}, not by the file name).
 *
 * <p>Layout (all integers big-endian): bytes 0–1 are zero, byte 2 the element type, byte 3
 * the number of dimensions R, then R four-byte dimension sizes, then the elements row-major.
 * Only type {@code 0x08} (unsigned byte) is supported. The payload must hold exactly
 * {@code dims[0]·…·dims[R-1]} bytes: a shorter file is truncated, a longer one has trailing
 * garbage, and both are rejected.
 */
public final class IdxReader {
    /** Largest byte array the JVM reliably allocates. */
    private static final long MAX_PAYLOAD = Integer.MAX_VALUE - 8;

    private IdxReader() {
    }

    /** A decoded IDX file: dimension sizes and the unsigned-byte elements, row-major. */
    public record Idx(int[] dims, byte[] data) {
        /** Number of elements: the product of dims. */
        public long size() {
            return data.length;
        }
    }

    /** Reads and validates {@code file}; throws {@link DataFormatException} or {@link DataException}. */
    public static Idx read(Path file) {
        return parse(file, readBytes(file));
    }

    /**
     * All bytes of {@code file}, decompressed when it starts with the gzip magic {@code 1f 8b}.
     * Neither the file nor its decompressed contents may exceed 2^31-9 bytes (one array).
     */
    public static byte[] readBytes(Path file) {
        return readBytes(file, DataFiles.MAX_BYTES);
    }

    /**
     * As {@link #readBytes(Path)} with a limit on the decompressed size, so that a small
     * gzip file inflating to gigabytes (a "gzip bomb") fails as a {@link DataFormatException}
     * after {@code maxBytes} bytes, not as an {@link OutOfMemoryError}.
     */
    static byte[] readBytes(Path file, long maxBytes) {
        return decompress(file, DataFiles.readAllBytes(file, "IDX"), maxBytes);
    }

    /**
     * {@code raw} itself (the stored bytes of {@code file}, e.g. after a SHA256SUMS check), or
     * its gzip decompression when it starts with {@code 1f 8b}, within the one-array limit.
     */
    public static byte[] decompress(Path file, byte[] raw) {
        return decompress(file, raw, DataFiles.MAX_BYTES);
    }

    private static byte[] decompress(Path file, byte[] raw, long maxBytes) {
        if (raw.length < 2 || (raw[0] & 0xFF) != 0x1F || (raw[1] & 0xFF) != 0x8B) {
            return raw;
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw), 1 << 16)) {
            byte[] out = in.readNBytes((int) Math.min(maxBytes, DataFiles.MAX_BYTES));
            if (in.read() >= 0) {
                throw new DataFormatException("gzip data in " + file + " (" + raw.length
                        + " compressed bytes) decompresses to more than " + maxBytes + " bytes");
            }
            return out;
        } catch (IOException e) {
            throw new DataFormatException("corrupt gzip data in " + file + " (" + raw.length
                    + " compressed bytes): " + (e.getMessage() != null ? e.getMessage() : e.toString()), e);
        } catch (OutOfMemoryError e) {
            throw new DataException("not enough memory to decompress IDX file " + file + " (" + raw.length
                    + " compressed bytes); raise the heap limit (-Xmx)", e);
        }
    }

    /** Validates and decodes the (already decompressed) bytes of an IDX file; {@code file} names it in errors. */
    public static Idx parse(Path file, byte[] bytes) {
        if (bytes.length < 4) {
            throw new DataFormatException("IDX file " + file + " is " + bytes.length
                    + " bytes long, too short for the 4-byte magic");
        }
        int type = bytes[2] & 0xFF;
        int rank = bytes[3] & 0xFF;
        if (bytes[0] != 0 || bytes[1] != 0) {
            throw new DataFormatException(String.format(
                    "IDX file %s has bad magic %02x %02x %02x %02x; expected 00 00 <type> <ndims>",
                    file, bytes[0], bytes[1], bytes[2], bytes[3]));
        }
        if (type != 0x08) {
            throw new DataFormatException(String.format(
                    "IDX file %s has element type 0x%02x (%s); only 0x08 (unsigned byte) is supported",
                    file, type, typeName(type)));
        }
        if (rank == 0) {
            throw new DataFormatException("IDX file " + file + " declares 0 dimensions; expected at least 1");
        }
        int header = 4 + 4 * rank;
        if (bytes.length < header) {
            throw new DataFormatException("IDX file " + file + " is truncated in its header: " + rank
                    + " dimensions need " + header + " header bytes, file has " + bytes.length);
        }
        int[] dims = new int[rank];
        long expected = 1;
        for (int i = 0; i < rank; i++) {
            int p = 4 + 4 * i;
            dims[i] = (bytes[p] & 0xFF) << 24 | (bytes[p + 1] & 0xFF) << 16 | (bytes[p + 2] & 0xFF) << 8
                    | (bytes[p + 3] & 0xFF);
            if (dims[i] <= 0) {
                throw new DataFormatException("IDX file " + file + ": dimension " + i + " is "
                        + Integer.toUnsignedString(dims[i]) + ", expected a positive size below 2^31");
            }
            expected *= dims[i];
            if (expected > MAX_PAYLOAD) {
                throw new DataFormatException("IDX file " + file + ": dimensions " + Arrays.toString(
                        Arrays.copyOf(dims, i + 1)) + "... exceed " + MAX_PAYLOAD + " elements");
            }
        }
        long actual = bytes.length - header;
        if (actual < expected) {
            throw new DataFormatException("IDX file " + file + " is truncated: dimensions "
                    + Arrays.toString(dims) + " need " + expected + " payload bytes, found " + actual);
        }
        if (actual > expected) {
            throw new DataFormatException("IDX file " + file + " has " + (actual - expected)
                    + " trailing bytes after the " + expected + "-byte payload of dimensions " + Arrays.toString(dims));
        }
        return new Idx(dims, Arrays.copyOfRange(bytes, header, bytes.length));
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0x08 -> "unsigned byte";
            case 0x09 -> "signed byte";
            case 0x0B -> "short";
            case 0x0C -> "int";
            case 0x0D -> "float";
            case 0x0E -> "double";
            default -> "not an IDX type";
        };
    }
}
