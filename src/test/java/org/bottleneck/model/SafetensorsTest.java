package org.bottleneck.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.bottleneck.model.Safetensors.Contents;
import org.bottleneck.model.Safetensors.NamedTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path tmp;

    private static final String REFERENCE_HEADER = "{\"__metadata__\":{\"format\":\"pt\"},"
            + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[8,12]}}";

    /**
     * The byte layout the safetensors specification prescribes, written out by hand:
     * u64 LE header length, space-padded JSON, then f32 LE data.
     */
    private static byte[] referenceFile(String json, byte[] data) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < 8; i++) {
            out.write((int) ((long) padded >>> (8 * i)) & 0xFF);
        }
        out.writeBytes(h);
        for (int i = h.length; i < padded; i++) {
            out.write(' ');
        }
        out.writeBytes(data);
        return out.toByteArray();
    }

    /** 1.0f, -2.0f, 0.5f as little-endian IEEE 754 bytes. */
    private static final byte[] REFERENCE_DATA = {
        0x00, 0x00, (byte) 0x80, 0x3F,
        0x00, 0x00, 0x00, (byte) 0xC0,
        0x00, 0x00, 0x00, 0x3F};

    private static List<NamedTensor> referenceTensors() {
        return List.of(new NamedTensor("a", new int[] {2}, new float[] {1f, -2f}),
                new NamedTensor("b", new int[] {1, 1}, new float[] {0.5f}));
    }

    @Test
    void readsAHandWrittenFile() throws IOException {
        Path f = Files.write(tmp.resolve("ref.safetensors"), referenceFile(REFERENCE_HEADER, REFERENCE_DATA));
        Contents c = Safetensors.read(f);
        assertEquals(Map.of("format", "pt"), c.metadata());
        assertEquals(List.of("a", "b"), new ArrayList<>(c.tensors().keySet()));
        assertArrayEquals(new int[] {2}, c.tensor("a").shape());
        assertArrayEquals(new float[] {1f, -2f}, c.tensor("a").data());
        assertArrayEquals(new int[] {1, 1}, c.tensor("b").shape());
        assertArrayEquals(new float[] {0.5f}, c.tensor("b").data());
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> c.tensor("c"));
        assertTrue(e.getMessage().contains("[a, b]"), e.getMessage());
    }

    @Test
    void writesExactlyTheSpecifiedByteLayout() throws IOException {
        Path f = tmp.resolve("out.safetensors");
        Safetensors.write(f, referenceTensors(), Map.of("format", "pt"));
        byte[] bytes = Files.readAllBytes(f);
        assertArrayEquals(referenceFile(REFERENCE_HEADER, REFERENCE_DATA), bytes);
        long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + headerLen) % 8);
    }

    @Test
    void roundTripsShapesValuesAndMetadata() throws IOException {
        Random r = new Random(1234);
        List<NamedTensor> in = new ArrayList<>();
        int[][] shapes = {{}, {0, 3}, {7}, {3, 5}, {2, 3, 5, 7}, {301, 1001}}; // the last spans two write chunks
        for (int i = 0; i < shapes.length; i++) {
            int n = 1;
            for (int d : shapes[i]) {
                n *= d;
            }
            float[] data = new float[n];
            for (int j = 0; j < n; j++) {
                data[j] = (float) r.nextGaussian();
            }
            in.add(new NamedTensor("layer" + i + ".weight", shapes[i], data));
        }
        in.get(2).data()[3] = Float.NaN;
        in.get(2).data()[4] = Float.NEGATIVE_INFINITY;
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("config", "{\"latent\": 16}");
        meta.put("seed", "1234");
        meta.put("ünïcode", "βeta");
        Path f = tmp.resolve("sub/dir/model.safetensors");
        Safetensors.write(f, in, meta);
        Contents c = Safetensors.read(f);
        assertEquals(meta, c.metadata());
        assertEquals(in.size(), c.tensors().size());
        for (NamedTensor t : in) {
            NamedTensor u = c.tensor(t.name());
            assertArrayEquals(t.shape(), u.shape(), t.name());
            assertArrayEquals(t.data(), u.data(), t.name());
        }
        assertTrue(Float.isNaN(c.tensor("layer2.weight").data()[3]));
        assertTrue(Safetensors.read(writeTo("empty", List.of(), null)).tensors().isEmpty());
        assertNoTemporaries();
    }

    private Path writeTo(String name, List<NamedTensor> tensors, Map<String, String> meta) {
        Path f = tmp.resolve(name);
        Safetensors.write(f, tensors, meta);
        return f;
    }

    @Test
    void rejectsTruncatedFiles() throws IOException {
        byte[] full = referenceFile(REFERENCE_HEADER, REFERENCE_DATA);
        Path cut = Files.write(tmp.resolve("cut"), Arrays.copyOf(full, full.length - 4));
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> Safetensors.read(cut));
        assertTrue(e.getMessage().contains("tensor 'b' has data_offsets [8, 12] outside the data section of 8 bytes"),
                e.getMessage());
        assertTrue(e.getMessage().contains(cut.toString()), e.getMessage());

        Path tiny = Files.write(tmp.resolve("tiny"), new byte[5]);
        SafetensorsException t = assertThrows(SafetensorsException.class, () -> Safetensors.read(tiny));
        assertTrue(t.getMessage().contains("is 5 bytes long"), t.getMessage());
    }

    @Test
    void rejectsBadHeaderLengths() throws IOException {
        byte[] full = referenceFile(REFERENCE_HEADER, REFERENCE_DATA);
        byte[] tooLong = full.clone();
        ByteBuffer.wrap(tooLong).order(ByteOrder.LITTLE_ENDIAN).putLong(0, full.length);
        Path a = Files.write(tmp.resolve("long"), tooLong);
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> Safetensors.read(a));
        assertTrue(e.getMessage().contains("header length " + full.length + " exceeds the " + (full.length - 8)),
                e.getMessage());

        byte[] negative = full.clone();
        Arrays.fill(negative, 0, 8, (byte) 0xFF);
        Path b = Files.write(tmp.resolve("negative"), negative);
        SafetensorsException e2 = assertThrows(SafetensorsException.class, () -> Safetensors.read(b));
        assertTrue(e2.getMessage().contains("header length 18446744073709551615"), e2.getMessage());

        Path huge = tmp.resolve("huge"); // sparse: costs no disk
        try (RandomAccessFile raf = new RandomAccessFile(huge.toFile(), "rw")) {
            raf.setLength(200L << 20);
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(150L << 20).array());
        }
        SafetensorsException e3 = assertThrows(SafetensorsException.class, () -> Safetensors.read(huge));
        assertTrue(e3.getMessage().contains("exceeds the limit of 104857600"), e3.getMessage());
    }

    @Test
    void rejectsAHeaderSizeOf2p60() throws IOException {
        for (long n : new long[] {1L << 60, 1L << 31, 1L << 32, Integer.MAX_VALUE}) {
            byte[] f = referenceFile(REFERENCE_HEADER, REFERENCE_DATA);
            ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n);
            Path p = Files.write(tmp.resolve("len"), f);
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> Safetensors.read(p));
            assertTrue(e.getMessage().contains("header length " + n + " exceeds the " + (f.length - 8)
                    + " bytes after the length field"), e.getMessage());
        }
    }

    @Test
    void rejectsShapesWhoseProductOverflows() throws IOException {
        String[][] cases = {
            {"[65536,65536]", "shape [65536,65536] exceeds 2^31-1 elements"},
            {"[2147483647,2,0]", "shape [2147483647,2,0] exceeds 2^31-1 elements"},
            {"[2147483648]", "invalid dimension 2147483648"},
            {"[4294967296,1]", "invalid dimension 4294967296"},
            {"[1152921504606846976]", "invalid dimension 1152921504606846976"},
        };
        for (String[] c : cases) {
            String json = REFERENCE_HEADER.replace("\"shape\":[2]", "\"shape\":" + c[0]);
            Path f = Files.write(tmp.resolve("shape"), referenceFile(json, REFERENCE_DATA));
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> Safetensors.read(f), json);
            assertTrue(e.getMessage().contains("tensor 'a'") && e.getMessage().contains(c[1]), e.getMessage());
        }
    }

    @Test
    void rejectsDataOffsetsOf2p31AndMore() throws IOException {
        String[][] cases = {
            {"[0,2147483648]", "data_offsets [0, 2147483648] outside the data section of 12 bytes"},
            {"[0,9223372036854775807]", "data_offsets [0, 9223372036854775807] outside"},
            {"[9223372036854775807,8]", "data_offsets [9223372036854775807, 8] outside"},
            {"[0,18446744073709551616]", "invalid data_offsets [0,18446744073709551616]"},
            {"[-8,0]", "data_offsets [-8, 0] outside"},
        };
        for (String[] c : cases) {
            String json = REFERENCE_HEADER.replace("\"data_offsets\":[0,8]", "\"data_offsets\":" + c[0]);
            Path f = Files.write(tmp.resolve("offsets"), referenceFile(json, REFERENCE_DATA));
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> Safetensors.read(f), json);
            assertTrue(e.getMessage().contains("tensor 'a'") && e.getMessage().contains(c[1]), e.getMessage());
        }
    }

    @Test
    void rejectsAnEmptyTensorName() throws IOException {
        // Found by ParserFuzzTest: the name reached NamedTensor and threw IllegalArgumentException.
        String json = REFERENCE_HEADER.replace("\"a\":", "\"\":");
        Path f = Files.write(tmp.resolve("empty-name"), referenceFile(json, REFERENCE_DATA));
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> Safetensors.read(f));
        assertTrue(e.getMessage().contains(f + ": a tensor has an empty name"), e.getMessage());
    }

    @Test
    void rejectsHeadersThatAreNotUtf8() throws IOException {
        // Jackson alone would detect UTF-16 from the zero bytes and accept this header.
        byte[] utf16 = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}"
                .getBytes(StandardCharsets.UTF_16LE);
        ByteBuffer b = ByteBuffer.allocate(8 + utf16.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        Path f = Files.write(tmp.resolve("utf16"), b.putLong(utf16.length).put(utf16).array());
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> Safetensors.read(f));
        assertTrue(e.getMessage().contains("header is not valid JSON"), e.getMessage());

        String json = REFERENCE_HEADER.replace("\"pt\"", "\"p\u00fft\"");
        byte[] latin1 = referenceFile(json, REFERENCE_DATA);
        byte[] bad = new String(latin1, StandardCharsets.UTF_8).getBytes(StandardCharsets.ISO_8859_1);
        Path g = Files.write(tmp.resolve("latin1"), bad);
        SafetensorsException e2 = assertThrows(SafetensorsException.class, () -> Safetensors.read(g));
        assertTrue(e2.getMessage().contains("header is not valid UTF-8 at byte " + (8 + json.indexOf('\u00ff'))),
                e2.getMessage());
    }

    @Test
    void rejectsOtherDtypesNamingTensorAndDtype() throws IOException {
        String json = REFERENCE_HEADER.replace("\"b\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[8,12]}",
                "\"b\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[8,12]}");
        Path f = Files.write(tmp.resolve("f16"), referenceFile(json, REFERENCE_DATA));
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> Safetensors.read(f));
        assertTrue(e.getMessage().contains("tensor 'b' has dtype F16; only F32 is supported"), e.getMessage());
    }

    @Test
    void rejectsInconsistentHeaders() throws IOException {
        String[][] cases = {
            {"\"data_offsets\":[8,12]}}", "\"data_offsets\":[8,16]}}", "outside the data section"},
            {"\"shape\":[1,1]", "\"shape\":[1,2]", "needs 8 bytes of F32 but data_offsets [8, 12] span 4"},
            {"\"data_offsets\":[0,8]", "\"data_offsets\":[4,12]", "gap of 4 bytes at data offset 0"},
            {"\"shape\":[2],\"data_offsets\":[0,8]", "\"shape\":[3],\"data_offsets\":[0,12]", "overlaps tensor 'a'"},
            {"\"shape\":[2]", "\"shape\":[-2]", "invalid dimension -2"},
            {"\"format\":\"pt\"", "\"format\":3", "metadata value of 'format' is 3"},
            {"}}", "}", "not valid JSON"},
            {"\"b\":", "\"a\":", "not valid JSON"}, // duplicate key
        };
        for (String[] c : cases) {
            String json = REFERENCE_HEADER.replace(c[0], c[1]);
            assertTrue(!json.equals(REFERENCE_HEADER), "case did not apply: " + c[0]);
            Path f = Files.write(tmp.resolve("bad"), referenceFile(json, REFERENCE_DATA));
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> Safetensors.read(f), json);
            assertTrue(e.getMessage().contains(c[2]), json + " -> " + e.getMessage());
        }
    }

    @Test
    void mismatchedShapeAndDataAreRejectedAtConstruction() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NamedTensor("enc.weight", new int[] {3, 4}, new float[11]));
        assertEquals("tensor 'enc.weight': shape [3, 4] holds 12 elements but data has 11", e.getMessage());
        int[] shape = {2};
        NamedTensor t = new NamedTensor("x", shape, new float[2]);
        shape[0] = 5; // the record keeps its own copy
        assertArrayEquals(new int[] {2}, t.shape());
    }

    @Test
    void failedWritesLeaveTheOldFileIntactAndNoTemporaries() throws IOException {
        Path f = tmp.resolve("model.safetensors");
        Safetensors.write(f, referenceTensors(), Map.of("format", "pt"));
        byte[] before = Files.readAllBytes(f);

        List<NamedTensor> duplicate = new ArrayList<>(referenceTensors());
        duplicate.add(new NamedTensor("a", new int[] {1}, new float[] {9f}));
        SafetensorsException dup = assertThrows(SafetensorsException.class,
                () -> Safetensors.write(f, duplicate, Map.of()));
        assertTrue(dup.getMessage().contains("duplicate tensor name 'a'"), dup.getMessage());
        assertArrayEquals(before, Files.readAllBytes(f));

        Path notADir = Files.write(tmp.resolve("plain-file"), new byte[] {1});
        SafetensorsException parent = assertThrows(SafetensorsException.class,
                () -> Safetensors.write(notADir.resolve("model.safetensors"), referenceTensors(), null));
        assertTrue(parent.getMessage().contains(notADir.resolve("model.safetensors").toString()), parent.getMessage());

        // The rename fails only after the temporary file has been written in full.
        Path occupied = Files.createDirectories(tmp.resolve("occupied.safetensors"));
        Files.write(occupied.resolve("keep"), new byte[] {1});
        assertThrows(SafetensorsException.class, () -> Safetensors.write(occupied, referenceTensors(), null));
        assertTrue(Files.exists(occupied.resolve("keep")));

        assertArrayEquals(before, Files.readAllBytes(f));
        assertNoTemporaries();
    }

    private void assertNoTemporaries() throws IOException {
        try (Stream<Path> s = Files.walk(tmp)) {
            List<Path> leftovers = s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
            assertEquals(List.of(), leftovers);
        }
    }
}
