package org.bottleneck.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bottleneck.io.AtomicFile;

/**
 * Reads and writes float32 tensors in the safetensors format (huggingface/safetensors), so a
 * PyTorch user can load our checkpoints with {@code safetensors.torch.load_file}.
 *
 * <p>Layout: an unsigned 64-bit little-endian header length N; N bytes of UTF-8 JSON, padded
 * with spaces so that 8 + N is a multiple of 8; then the data section, each tensor's
 * elements row-major little-endian. The header maps {@code "__metadata__"} to a
 * string→string object and every tensor name to
 * {@code {"dtype":"F32","shape":[d0,…],"data_offsets":[begin,end]}}, offsets in bytes
 * relative to the start of the data section, {@code end − begin = 4·d0·…·dk}.
 *
 * <p>Reading is strict: only F32 is accepted, and the tensors must tile the data section
 * exactly (no overlap, no gap, no trailing bytes), as the reference implementation requires.
 */
public final class Safetensors {
    /** Largest header accepted when reading, as in the reference implementation. */
    public static final long MAX_HEADER_BYTES = 100L << 20;
    public static final String METADATA_KEY = "__metadata__";
    private static final int CHUNK_BYTES = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Safetensors() {
    }

    /**
     * A named float32 tensor. The shape is copied; the data is not (checkpoints are large).
     *
     * @param shape dimensions, each ≥ 0; rank 0 is a scalar
     * @param data  the elements, row-major; length = product of shape
     */
    public record NamedTensor(String name, int[] shape, float[] data) {
        public NamedTensor {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("tensor name must be non-empty, got " + (name == null ? "null" : "\"\""));
            }
            if (shape == null || data == null) {
                throw new IllegalArgumentException("tensor '" + name + "': shape and data must be non-null");
            }
            shape = shape.clone();
            long n = elements(shape, name);
            if (n != data.length) {
                throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape)
                        + " holds " + n + " elements but data has " + data.length);
            }
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        private static long elements(int[] shape, String name) {
            long n = 1;
            for (int d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException("tensor '" + name + "': negative dimension in shape "
                            + Arrays.toString(shape));
                }
                n *= d;
                if (n > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape)
                            + " exceeds 2^31-1 elements");
                }
            }
            return n;
        }
    }

    /** What a file holds: its metadata and its tensors in header order. Both maps are read-only. */
    public record Contents(Map<String, String> metadata, Map<String, NamedTensor> tensors) {
        /** The tensor called {@code name}; throws naming the tensors present when it is missing. */
        public NamedTensor tensor(String name) {
            NamedTensor t = tensors.get(name);
            if (t == null) {
                throw new SafetensorsException("no tensor '" + name + "'; present: " + tensors.keySet());
            }
            return t;
        }
    }

    /**
     * Writes {@code tensors} (in list order) and {@code metadata} (may be null or empty) to
     * {@code file} atomically: a temporary file in the same folder is fsynced and renamed
     * over the target, so the target holds either its old contents or the complete new file.
     * NaN and infinities are written as they are.
     */
    public static void write(Path file, List<NamedTensor> tensors, Map<String, String> metadata) {
        byte[] header = header(file, tensors, metadata);
        try {
            AtomicFile.write(file, ch -> {
                ByteBuffer prefix = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
                prefix.putLong(header.length).put(header).flip();
                writeFully(ch, prefix);
                ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                for (NamedTensor t : tensors) {
                    float[] d = t.data();
                    for (int off = 0; off < d.length; off += CHUNK_BYTES / 4) {
                        int n = Math.min(CHUNK_BYTES / 4, d.length - off);
                        buf.clear();
                        buf.asFloatBuffer().put(d, off, n);
                        buf.limit(4 * n);
                        writeFully(ch, buf);
                    }
                }
            });
        } catch (IOException e) {
            throw new SafetensorsException("cannot write safetensors file " + file + ": " + e, e);
        }
    }

    /** The JSON header, space-padded to a multiple of 8 bytes; validates names. */
    private static byte[] header(Path file, List<NamedTensor> tensors, Map<String, String> metadata) {
        ObjectNode root = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = root.putObject(METADATA_KEY);
            metadata.forEach((k, v) -> {
                if (k == null || v == null) {
                    throw new SafetensorsException("metadata for " + file + " has a null key or value: " + k + "=" + v);
                }
                meta.put(k, v);
            });
        }
        Set<String> seen = new HashSet<>();
        long offset = 0;
        for (NamedTensor t : tensors) {
            if (t.name().equals(METADATA_KEY)) {
                throw new SafetensorsException("tensor name '" + METADATA_KEY + "' is reserved (writing " + file + ")");
            }
            if (!seen.add(t.name())) {
                throw new SafetensorsException("duplicate tensor name '" + t.name() + "' (writing " + file + ")");
            }
            ObjectNode e = root.putObject(t.name());
            e.put("dtype", "F32");
            ArrayNode shape = e.putArray("shape");
            for (int d : t.shape()) {
                shape.add(d);
            }
            long end = offset + 4L * t.data().length;
            e.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new SafetensorsException("cannot encode the header of " + file + ": " + e, e);
        }
        byte[] padded = Arrays.copyOf(json, (json.length + 7) & ~7);
        Arrays.fill(padded, json.length, padded.length, (byte) ' ');
        return padded;
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /** Reads and validates {@code file}; throws {@link SafetensorsException} naming the problem. */
    public static Contents read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(file, ch);
        } catch (NoSuchFileException e) {
            throw new SafetensorsException("safetensors file not found: " + file.toAbsolutePath(), e);
        } catch (IOException e) {
            throw new SafetensorsException("cannot read safetensors file " + file + ": " + e, e);
        }
    }

    private record Entry(String name, int[] shape, long begin, long end) {
    }

    private static Contents read(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw new SafetensorsException(file + " is " + size
                    + " bytes long; a safetensors file starts with an 8-byte header length");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, ch, lenBuf, 0);
        long n = lenBuf.flip().getLong();
        if (n < 0 || n > size - 8) {
            throw new SafetensorsException(file + ": header length " + Long.toUnsignedString(n)
                    + " exceeds the " + (size - 8) + " bytes after the length field");
        }
        if (n > MAX_HEADER_BYTES) {
            throw new SafetensorsException(file + ": header length " + n + " exceeds the limit of "
                    + MAX_HEADER_BYTES + " bytes");
        }
        ByteBuffer headerBuf = ByteBuffer.allocate((int) n);
        readFully(file, ch, headerBuf, 8);
        byte[] header = headerBuf.array();
        if (n == 0 || header[0] != '{') {
            throw new SafetensorsException(file + ": header of " + n + " bytes does not start with '{'");
        }
        JsonNode root;
        try {
            root = JSON.readTree(utf8(file, header));
        } catch (JsonProcessingException e) {
            throw new SafetensorsException(file + ": header is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new SafetensorsException(file + ": header is not a JSON object");
        }
        long dataStart = 8 + n;
        long dataLen = size - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals(METADATA_KEY)) {
                readMetadata(file, f.getValue(), metadata);
            } else {
                entries.add(entry(file, f.getKey(), f.getValue(), dataLen));
            }
        }
        checkTiling(file, entries, dataLen);
        Map<String, NamedTensor> tensors = new LinkedHashMap<>();
        ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (Entry e : entries) {
            float[] data = new float[(int) ((e.end - e.begin) / 4)];
            for (int off = 0; off < data.length; off += CHUNK_BYTES / 4) {
                int count = Math.min(CHUNK_BYTES / 4, data.length - off);
                buf.clear().limit(4 * count);
                readFully(file, ch, buf, dataStart + e.begin + 4L * off);
                buf.flip();
                buf.asFloatBuffer().get(data, off, count);
            }
            tensors.put(e.name, new NamedTensor(e.name, e.shape, data));
        }
        return new Contents(Collections.unmodifiableMap(metadata), Collections.unmodifiableMap(tensors));
    }

    /**
     * The header as text. The format prescribes UTF-8; decoding it here, strictly, keeps
     * Jackson from guessing UTF-16 or UTF-32 from zero bytes and accepting what the
     * reference implementation rejects.
     */
    private static String utf8(Path file, byte[] header) {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(header);
        CharBuffer out = CharBuffer.allocate(header.length);
        CoderResult r = dec.decode(in, out, true);
        if (r.isError()) {
            throw new SafetensorsException(file + ": header is not valid UTF-8 at byte " + (8 + in.position())
                    + " of the file");
        }
        return out.flip().toString();
    }

    private static void readMetadata(Path file, JsonNode node, Map<String, String> out) {
        if (!node.isObject()) {
            throw new SafetensorsException(file + ": " + METADATA_KEY + " is " + node.getNodeType()
                    + ", expected an object of strings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> m = it.next();
            if (!m.getValue().isTextual()) {
                throw new SafetensorsException(file + ": metadata value of '" + m.getKey() + "' is "
                        + m.getValue() + ", expected a string");
            }
            out.put(m.getKey(), m.getValue().textValue());
        }
    }

    private static Entry entry(Path file, String name, JsonNode node, long dataLen) {
        String where = file + ": tensor '" + name + "'";
        if (name.isEmpty()) {
            throw new SafetensorsException(file + ": a tensor has an empty name (\"\" in the header)");
        }
        if (!node.isObject()) {
            throw new SafetensorsException(where + " is " + node + ", expected an object");
        }
        JsonNode dtype = node.get("dtype");
        if (dtype == null || !dtype.isTextual()) {
            throw new SafetensorsException(where + " has no string dtype (got " + dtype + ")");
        }
        if (!dtype.textValue().equals("F32")) {
            throw new SafetensorsException(where + " has dtype " + dtype.textValue() + "; only F32 is supported");
        }
        JsonNode shapeNode = node.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw new SafetensorsException(where + " has no shape array (got " + shapeNode + ")");
        }
        int[] shape = new int[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.canConvertToInt() || !d.isIntegralNumber() || d.intValue() < 0) {
                throw new SafetensorsException(where + " has invalid dimension " + d + " in shape " + shapeNode);
            }
            shape[i] = d.intValue();
            elements *= shape[i];
            if (elements > Integer.MAX_VALUE) {
                throw new SafetensorsException(where + ": shape " + shapeNode + " exceeds 2^31-1 elements");
            }
        }
        JsonNode offsets = node.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2
                || !offsets.get(0).canConvertToLong() || !offsets.get(0).isIntegralNumber()
                || !offsets.get(1).canConvertToLong() || !offsets.get(1).isIntegralNumber()) {
            throw new SafetensorsException(where + " has invalid data_offsets " + offsets
                    + ", expected [begin, end]");
        }
        long begin = offsets.get(0).longValue();
        long end = offsets.get(1).longValue();
        if (begin < 0 || end < begin || end > dataLen) {
            throw new SafetensorsException(where + " has data_offsets [" + begin + ", " + end
                    + "] outside the data section of " + dataLen + " bytes");
        }
        if (end - begin != 4 * elements) {
            throw new SafetensorsException(where + ": shape " + Arrays.toString(shape) + " needs " + 4 * elements
                    + " bytes of F32 but data_offsets [" + begin + ", " + end + "] span " + (end - begin));
        }
        return new Entry(name, shape, begin, end);
    }

    /** The tensors must cover [0, dataLen) exactly once. */
    private static void checkTiling(Path file, List<Entry> entries, long dataLen) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long pos = 0;
        String prev = null;
        for (Entry e : sorted) {
            if (e.begin < pos) {
                throw new SafetensorsException(file + ": tensor '" + e.name + "' [" + e.begin + ", " + e.end
                        + ") overlaps tensor '" + prev + "' ending at " + pos);
            }
            if (e.begin > pos) {
                throw new SafetensorsException(file + ": gap of " + (e.begin - pos) + " bytes at data offset "
                        + pos + " before tensor '" + e.name + "'");
            }
            pos = e.end;
            prev = e.name;
        }
        if (pos != dataLen) {
            throw new SafetensorsException(file + ": the tensors cover " + pos + " bytes but the data section has "
                    + dataLen);
        }
    }

    private static void readFully(Path file, FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw new SafetensorsException(file + ": unexpected end of file at byte " + pos);
            }
            pos += r;
        }
    }
}
