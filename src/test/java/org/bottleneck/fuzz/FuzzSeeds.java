package org.bottleneck.fuzz;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;

/**
 * Valid, tiny inputs of every fuzzed format, built in code (images with ImageIO), seeded.
 * {@link #main} writes them to {@code src/test/resources/fuzz/<target>/seed-*}, the
 * committed corpus; the fuzz run also uses them as built, so a seed that stops parsing on
 * another JDK shows up in {@code ParserFuzzTest.seedsParse}.
 */
final class FuzzSeeds {
    private FuzzSeeds() {
    }

    /** Seeds of {@code target} ("idx", "safetensors", "npy", "csv", "image"), by file name. */
    static Map<String, byte[]> of(String target) {
        return switch (target) {
            case "idx" -> idx();
            case "safetensors" -> safetensors();
            case "npy" -> npy();
            case "csv" -> csv();
            case "image" -> images();
            default -> throw new IllegalArgumentException(target);
        };
    }

    private static Map<String, byte[]> idx() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("seed-3.idx", idx(new int[] {3}, bytes(3, 1)));
        m.put("seed-2x3x4.idx", idx(new int[] {2, 3, 4}, bytes(24, 2)));
        m.put("seed-1x1.idx", idx(new int[] {1, 1}, new byte[] {(byte) 0xFF}));
        m.put("seed-2x2.idx.gz", gzip(idx(new int[] {2, 2}, bytes(4, 3))));
        return m;
    }

    static byte[] idx(int[] dims, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + payload.length);
        b.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.put(payload).array();
    }

    private static Map<String, byte[]> safetensors() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("seed-two-tensors.safetensors", safetensors("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[8,12]}}", 12));
        m.put("seed-empty.safetensors", safetensors("{}", 0));
        m.put("seed-scalar-and-empty.safetensors", safetensors("{\"s\":{\"dtype\":\"F32\",\"shape\":[],"
                + "\"data_offsets\":[0,4]},\"z\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[4,4]}}", 4));
        return m;
    }

    /** u64 LE header length, the JSON padded with spaces to a multiple of 8, then {@code dataBytes} seeded bytes. */
    static byte[] safetensors(String json, int dataBytes) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + padded + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(h);
        while (b.position() < 8 + padded) {
            b.put((byte) ' ');
        }
        return b.put(bytes(dataBytes, 4)).array();
    }

    private static Map<String, byte[]> npy() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("seed-f4-2x3.npy", npy(1, "<f4", "(2, 3)", bytes(24, 5)));
        m.put("seed-u1-2x2x2.npy", npy(1, "|u1", "(2, 2, 2)", bytes(8, 6)));
        m.put("seed-i8-3-v2.npy", npy(2, "<i8", "(3,)", new byte[24]));
        m.put("seed-f8-1-v3.npy", npy(3, ">f8", "(1,)", bytes(8, 7)));
        m.put("seed-i2-0x4.npy", npy(1, "<i2", "(0, 4)", new byte[0]));
        return m;
    }

    /** A .npy file as NumPy writes it: header padded with spaces and a newline to a multiple of 64. */
    static byte[] npy(int major, String descr, String shape, byte[] payload) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int pre = major == 1 ? 10 : 12;
        byte[] h = dict.getBytes(StandardCharsets.ISO_8859_1);
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

    private static Map<String, byte[]> csv() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("seed-numeric-labels.csv", utf8("x1,x2,label\n1,2.5,0\n-3e2,.5,1\n4,5,2\n"));
        m.put("seed-text-labels.csv", utf8("\uFEFF\"w, 1\",class,h\r\n1.5,setosa,2\r\n\"3\",\"vir\nginica\",4\r\n"));
        m.put("seed-no-labels.csv", utf8("a,b,c\n0,0,0\n\n1,1,1\n"));
        return m;
    }

    private static Map<String, byte[]> images() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        BufferedImage rgb = new BufferedImage(5, 3, BufferedImage.TYPE_3BYTE_BGR);
        BufferedImage grey = new BufferedImage(5, 3, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage argb = new BufferedImage(3, 2, BufferedImage.TYPE_INT_ARGB);
        BufferedImage u16 = new BufferedImage(3, 2, BufferedImage.TYPE_USHORT_GRAY);
        Random r = new Random(8);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                rgb.setRGB(x, y, r.nextInt(1 << 24));
                grey.getRaster().setSample(x, y, 0, r.nextInt(256));
            }
        }
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                argb.setRGB(x, y, r.nextInt());
                u16.getRaster().setSample(x, y, 0, r.nextInt(65536));
            }
        }
        IndexColorModel icm = new IndexColorModel(2, 4, new byte[] {0, 80, (byte) 160, (byte) 240},
                new byte[] {10, 20, 30, 40}, new byte[] {(byte) 200, 100, 50, 0});
        BufferedImage pal = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_BINARY, icm);
        for (int x = 0; x < 4; x++) {
            pal.getRaster().setSample(x, 0, 0, x);
            pal.getRaster().setSample(x, 1, 0, 3 - x);
        }
        m.put("seed-rgb.png", encode(rgb, "png"));
        m.put("seed-grey.png", encode(grey, "png"));
        m.put("seed-rgba.png", encode(argb, "png"));
        m.put("seed-grey16.png", encode(u16, "png"));
        m.put("seed-palette.png", encode(pal, "png"));
        m.put("seed-rgb.jpg", encode(rgb, "jpg"));
        m.put("seed-grey.jpg", encode(grey, "jpg"));
        m.put("seed-rgb.bmp", encode(rgb, "bmp"));
        m.put("seed-grey.bmp", encode(grey, "bmp"));
        m.put("seed-rgb.gif", encode(rgb, "gif"));
        return m;
    }

    static byte[] encode(BufferedImage img, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Writes every target's seeds into {@code args[0]} (default {@code src/test/resources/fuzz}). */
    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : "src/test/resources/fuzz");
        for (String t : new String[] {"idx", "safetensors", "npy", "csv", "image"}) {
            Path dir = Files.createDirectories(root.resolve(t));
            for (Map.Entry<String, byte[]> e : of(t).entrySet()) {
                Files.write(dir.resolve(e.getKey()), e.getValue());
            }
        }
    }
}
