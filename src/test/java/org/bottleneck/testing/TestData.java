package org.bottleneck.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;

/** Small generated datasets on disk, in every format a user may bring (seeded, deterministic). */
public final class TestData {
    private TestData() {
    }

    /** An IDX file: magic 00 00 08 R, R big-endian dims, the bytes. */
    public static byte[] idx(int[] dims, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + payload.length).order(ByteOrder.BIG_ENDIAN);
        b.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.put(payload).array();
    }

    public static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    /**
     * An IDX set in MNIST's naming that is not MNIST: {@code train} and {@code test} grey
     * images of h × w (gzip-compressed) with labels {@code 3 + i % classes}; pixel values
     * random but seeded. Returns the train pixels (N, h·w) for checks.
     */
    public static byte[] idxSet(Path dir, int train, int test, int h, int w, int classes, long seed) throws IOException {
        Files.createDirectories(dir);
        Random r = new Random(seed);
        byte[] trainPx = new byte[train * h * w], testPx = new byte[test * h * w];
        r.nextBytes(trainPx);
        r.nextBytes(testPx);
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(idx(new int[] {train, h, w}, trainPx)));
        Files.write(dir.resolve("t10k-images-idx3-ubyte.gz"), gzip(idx(new int[] {test, h, w}, testPx)));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), idx(new int[] {train}, labels(train, classes)));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), idx(new int[] {test}, labels(test, classes)));
        return trainPx;
    }

    private static byte[] labels(int n, int classes) {
        byte[] l = new byte[n];
        for (int i = 0; i < n; i++) {
            l[i] = (byte) (3 + i % classes);
        }
        return l;
    }

    /** A PNG of (3, h, w) or (1, h, w) bytes. */
    public static void png(Path file, int channels, int h, int w, byte[] chw) throws IOException {
        BufferedImage img = new BufferedImage(w, h, channels == 3 ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (channels == 3) {
                    int rr = chw[y * w + x] & 0xFF, gg = chw[h * w + y * w + x] & 0xFF, bb = chw[2 * h * w + y * w + x] & 0xFF;
                    img.setRGB(x, y, rr << 16 | gg << 8 | bb);
                } else {
                    img.getRaster().setSample(x, y, 0, chw[y * w + x] & 0xFF);
                }
            }
        }
        Files.createDirectories(file.getParent());
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer");
        }
    }

    /** A PNG filled with one grey level, or an RGB colour. */
    public static void solidPng(Path file, int channels, int h, int w, int... rgb) throws IOException {
        byte[] px = new byte[channels * h * w];
        for (int c = 0; c < channels; c++) {
            Arrays.fill(px, c * h * w, (c + 1) * h * w, (byte) rgb[Math.min(c, rgb.length - 1)]);
        }
        png(file, channels, h, w, px);
    }

    /** Random RGB (or grey) PNG of h × w. */
    public static void randomPng(Path file, int channels, int h, int w, long seed) throws IOException {
        byte[] px = new byte[channels * h * w];
        new Random(seed).nextBytes(px);
        png(file, channels, h, w, px);
    }

    /** A version 1.0 .npy of the given dtype ('<f4', '<f8', '|u1', '<i8') and shape, C order. */
    public static void npy(Path file, String dtype, int[] shape, ByteBuffer littleEndianPayload) throws IOException {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(i > 0 ? ", " : "").append(shape[i]);
        }
        s.append(shape.length == 1 ? ",)" : ")"); // numpy's repr of the shape tuple
        String dict = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': " + s + ", }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        byte[] payload = new byte[littleEndianPayload.remaining()];
        littleEndianPayload.get(payload);
        ByteBuffer b = ByteBuffer.allocate(10 + h.length + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) h.length).put(h).put(payload);
        Files.write(file, b.array());
    }

    public static void npyFloats(Path file, int[] shape, float[] values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        npy(file, "<f4", shape, b);
    }

    public static void npyLongs(Path file, long[] values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        npy(file, "<i8", new int[] {values.length}, b);
    }

    public static void npyBytes(Path file, int[] shape, byte[] values) throws IOException {
        npy(file, "|u1", shape, ByteBuffer.wrap(values));
    }

    /** A CSV of n rows: features f0..f(F−1) = seeded Gaussians with offset 10·j, and a string label column. */
    public static float[] csv(Path file, int rows, int features, long seed) throws IOException {
        Random r = new Random(seed);
        float[] x = new float[rows * features];
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < features; j++) {
            sb.append('f').append(j).append(',');
        }
        sb.append("label\n");
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < features; j++) {
                float v = (float) (10 * j + (j + 1) * r.nextGaussian());
                x[i * features + j] = Float.parseFloat(Float.toString(v));
                sb.append(Float.toString(v)).append(',');
            }
            sb.append(i % 3 == 0 ? "normal" : i % 3 == 1 ? "odd" : "rare").append('\n');
        }
        Files.writeString(file, sb.toString());
        return x;
    }
}
