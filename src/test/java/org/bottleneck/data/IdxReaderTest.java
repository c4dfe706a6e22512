package org.bottleneck.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxReaderTest {
    @TempDir
    Path tmp;

    /** An IDX file of unsigned bytes with the given dims and payload. */
    static byte[] idx(int type, int[] dims, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + payload.length);
        b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.put(payload).array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(tmp.resolve(name), bytes);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void readsRawAndGzipIdentically(boolean compressed) throws IOException {
        byte[] payload = randomBytes(3 * 5 * 7, 42);
        byte[] raw = idx(0x08, new int[] {3, 5, 7}, payload);
        // The name deliberately lies about compression: detection is by magic bytes.
        Path f = write(compressed ? "plain.idx" : "looks-compressed.gz", compressed ? gzip(raw) : raw);
        IdxReader.Idx idx = IdxReader.read(f);
        assertArrayEquals(new int[] {3, 5, 7}, idx.dims());
        assertArrayEquals(payload, idx.data());
        assertEquals(105, idx.size());
    }

    @Test
    void rejectsBadMagic() throws IOException {
        byte[] raw = idx(0x08, new int[] {2}, new byte[] {1, 2});
        raw[1] = 0x01;
        Path f = write("bad-magic", raw);
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.read(f));
        assertTrue(e.getMessage().contains("bad magic 00 01 08 01"), e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {0x09, 0x0B, 0x0C, 0x0D, 0x0E, 0x42})
    void rejectsEveryTypeButUnsignedByte(int type) throws IOException {
        Path f = write("typed", idx(type, new int[] {1}, new byte[] {0}));
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.read(f));
        assertTrue(e.getMessage().contains(String.format("type 0x%02x", type)), e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void rejectsTruncatedPayloadWithExpectedAndActualBytes() throws IOException {
        byte[] full = idx(0x08, new int[] {4, 6}, randomBytes(24, 7));
        Path f = write("truncated.gz", gzip(Arrays.copyOf(full, full.length - 5)));
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.read(f));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().contains("need 24 payload bytes, found 19"), e.getMessage());
    }

    @Test
    void rejectsTrailingBytes() throws IOException {
        byte[] full = idx(0x08, new int[] {4, 6}, randomBytes(27, 9));
        rewriteDims(full, 4, 6);
        Path f = write("trailing", full);
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.read(f));
        assertTrue(e.getMessage().contains("3 trailing bytes after the 24-byte payload"), e.getMessage());
    }

    @Test
    void rejectsTruncatedHeaderAndNonPositiveDims() throws IOException {
        Path shortHeader = write("short-header", new byte[] {0, 0, 8, 3, 0, 0, 0, 1});
        DataFormatException e1 = assertThrows(DataFormatException.class, () -> IdxReader.read(shortHeader));
        assertTrue(e1.getMessage().contains("need 16 header bytes, file has 8"), e1.getMessage());

        Path zeroDim = write("zero-dim", idx(0x08, new int[] {5, 0}, new byte[0]));
        DataFormatException e2 = assertThrows(DataFormatException.class, () -> IdxReader.read(zeroDim));
        assertTrue(e2.getMessage().contains("dimension 1 is 0"), e2.getMessage());

        Path hugeDim = write("huge-dim", idx(0x08, new int[] {0x80000000}, new byte[0]));
        DataFormatException e3 = assertThrows(DataFormatException.class, () -> IdxReader.read(hugeDim));
        assertTrue(e3.getMessage().contains("dimension 0 is 2147483648"), e3.getMessage());
    }

    @Test
    void rejectsCorruptGzipAndMissingFile() throws IOException {
        byte[] gz = gzip(idx(0x08, new int[] {100}, randomBytes(100, 3)));
        Path f = write("cut.gz", Arrays.copyOf(gz, gz.length / 2));
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.read(f));
        assertTrue(e.getMessage().contains("corrupt gzip data in " + f), e.getMessage());

        Path missing = tmp.resolve("nope");
        DataException e2 = assertThrows(DataException.class, () -> IdxReader.read(missing));
        assertTrue(e2.getMessage().contains(missing.toAbsolutePath().toString()), e2.getMessage());
    }

    @Test
    void rejectsDimensionProductsThatOverflow() throws IOException {
        // 65536 * 65536 = 2^32 elements: refused from the header, before anything is allocated.
        Path f = write("overflow", idx(0x08, new int[] {65536, 65536}, new byte[16]));
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.read(f));
        assertTrue(e.getMessage().contains("dimensions [65536, 65536]... exceed 2147483639 elements"), e.getMessage());
        // Within the limit but far beyond the file: truncated, with both numbers.
        Path g = write("big", idx(0x08, new int[] {46340, 46340}, new byte[16]));
        DataFormatException e2 = assertThrows(DataFormatException.class, () -> IdxReader.read(g));
        assertTrue(e2.getMessage().contains("need 2147395600 payload bytes, found 16"), e2.getMessage());
    }

    @ParameterizedTest
    @ValueSource(longs = {1L << 31, (1L << 32) - 1})
    void rejectsDimensionsOf2p31AndMore(long dim) throws IOException {
        Path f = write("dim", idx(0x08, new int[] {1, (int) dim}, new byte[16]));
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.read(f));
        assertTrue(e.getMessage().contains("dimension 1 is " + dim + ", expected a positive size below 2^31"),
                e.getMessage());
    }

    @Test
    void gzipBombsFailAtTheLimitNotWithOutOfMemory() throws IOException {
        byte[] bomb = gzip(new byte[1 << 20]); // 1 MiB of zeros in about 1 KiB
        Path f = write("bomb.gz", bomb);
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.readBytes(f, 1 << 16));
        assertTrue(e.getMessage().contains("gzip data in " + f + " (" + bomb.length
                + " compressed bytes) decompresses to more than 65536 bytes"), e.getMessage());
        assertEquals(1 << 20, IdxReader.readBytes(f, 1 << 20).length); // exactly the limit is fine
    }

    private static void rewriteDims(byte[] file, int... dims) {
        ByteBuffer b = ByteBuffer.wrap(file);
        for (int i = 0; i < dims.length; i++) {
            b.putInt(4 + 4 * i, dims[i]);
        }
    }
}
