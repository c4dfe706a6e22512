package org.bottleneck.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes PNG, JPEG, BMP and GIF images (the JDK's ImageIO plugins) into 8-bit
 * channel-first pixels, {@link DecodedImage} (C, H, W) with C = 1 or 3.
 *
 * <p>Conversions: grey to 3 channels replicates the grey value; RGB to 1 channel is ITU-R
 * BT.601 luma {@code round(0.299 R + 0.587 G + 0.114 B)} (computed exactly in integers,
 * halves rounded up); alpha is dropped (colours are taken as stored, not composited over a
 * background); 16-bit (and 1-, 2-, 4-bit) samples are scaled to 8 bits,
 * {@code round(v·255 / (2^bits − 1))}; palette images and GIF go through their palette.
 * Grey and sRGB samples are read as stored, without colour management (as NumPy/PIL see
 * them); other colour spaces are converted to sRGB by Java2D. Of a GIF, the first frame.
 *
 * <p>Hostile input: the dimensions are read from the header and checked against a pixel
 * limit before any pixel is decoded, so a 65535×65535 header allocates nothing; anything
 * else that is not a decodable image (no known signature, a plugin's IOException,
 * RuntimeException or OutOfMemoryError) is a {@link DataFormatException}
 * "not a decodable image: name (reason)". No temporary files: the bytes are read through an
 * in-memory stream, whatever {@link ImageIO#setUseCache} says.
 */
public final class ImageDecoder {
    /** Default pixel limit (W·H), 2^26: e.g. 8192×8192. */
    public static final long MAX_PIXELS = 1L << 26;
    private static final Set<String> FORMATS = Set.of("png", "jpeg", "bmp", "gif");

    private ImageDecoder() {
    }

    /** Reads and decodes {@code file} into {@code channels} (1 or 3) channels. */
    public static DecodedImage read(Path file, int channels) {
        return decode(file.toString(), DataFiles.readAllBytes(file, "image"), channels);
    }

    /** Decodes {@code bytes} into {@code channels} (1 or 3); {@code name} names the image in errors. */
    public static DecodedImage decode(String name, byte[] bytes, int channels) {
        return decode(name, bytes, channels, MAX_PIXELS);
    }

    /** As {@link #decode(String, byte[], int)}, refusing images of more than {@code maxPixels} pixels. */
    public static DecodedImage decode(String name, byte[] bytes, int channels, long maxPixels) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels + " (decoding " + name + ")");
        }
        BufferedImage img = withReader(name, bytes, reader -> {
            int w = reader.getWidth(0);
            int h = reader.getHeight(0);
            if (w <= 0 || h <= 0) {
                throw new DataFormatException("not a decodable image: " + name + " (size " + w + "x" + h + ")");
            }
            long limit = Math.min(maxPixels, DataFiles.MAX_BYTES / channels); // the (C, H, W) array must fit
            if ((long) w * h > limit) {
                throw new DataFormatException("image " + name + " is " + w + "x" + h + " = " + (long) w * h
                        + " pixels, over the limit of " + limit);
            }
            BufferedImage decoded = reader.read(0, reader.getDefaultReadParam());
            if (decoded == null) {
                throw new IOException("the reader returned no image");
            }
            return decoded;
        });
        return convert(img, channels); // outside the plugin's try: a bug here is ours, not the file's
    }

    /** {height, width} from the header, without decoding the pixels. */
    public static int[] size(String name, byte[] bytes) {
        return withReader(name, bytes, reader -> {
            int w = reader.getWidth(0);
            int h = reader.getHeight(0);
            if (w <= 0 || h <= 0) {
                throw new DataFormatException("not a decodable image: " + name + " (size " + w + "x" + h + ")");
            }
            return new int[] {h, w};
        });
    }

    private interface ReaderJob<T> {
        T run(ImageReader reader) throws IOException;
    }

    /** Runs {@code job} on a reader of our formats set to {@code bytes}; maps every failure to a format error. */
    private static <T> T withReader(String name, byte[] bytes, ReaderJob<T> job) {
        ImageReader reader = null;
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            String other = null;
            for (Iterator<ImageReader> it = ImageIO.getImageReaders(in); it.hasNext() && reader == null;) {
                ImageReader r = it.next();
                String format = r.getFormatName().toLowerCase(Locale.ROOT);
                if (FORMATS.contains(format)) {
                    reader = r;
                } else if (other == null) {
                    other = format;
                }
            }
            if (reader == null) {
                throw new DataFormatException("not a decodable image: " + name + " ("
                        + (other == null ? "no PNG, JPEG, BMP or GIF signature" : other
                                + " is not supported; use PNG, JPEG, BMP or GIF") + ")");
            }
            if (reader.getFormatName().equalsIgnoreCase("bmp")) {
                refuseEmbeddedStreams(name, bytes);
            }
            reader.setInput(in, true, true);
            return job.run(reader);
        } catch (DataException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new DataFormatException("not a decodable image: " + name + " (" + reason(e) + ")", e);
        } catch (OutOfMemoryError e) {
            throw new DataFormatException("not a decodable image: " + name + " (out of memory while decoding: "
                    + e.getMessage() + ")", e);
        } finally {
            if (reader != null) {
                reader.dispose();
            }
        }
    }

    /**
     * A BMP may wrap a JPEG or PNG stream (compression 4 or 5 in its info header, bytes 30–33).
     * The JDK hands that stream to a second reader whose sizes are not the BMP header's: a
     * 435-byte file found by the fuzzer made it allocate 870 MB. Such files are refused.
     */
    private static void refuseEmbeddedStreams(String name, byte[] bytes) {
        if (bytes.length >= 34 && (bytes[14] & 0xFF) >= 40) { // BITMAPINFOHEADER or later
            int compression = (bytes[30] & 0xFF) | (bytes[31] & 0xFF) << 8 | (bytes[32] & 0xFF) << 16 | (bytes[33] & 0xFF) << 24;
            if (compression == 4 || compression == 5) {
                throw new DataFormatException("not a decodable image: " + name + " (a BMP wrapping a "
                        + (compression == 4 ? "JPEG" : "PNG") + " stream is not supported; save it as plain BMP, PNG or JPEG)");
            }
        }
    }

    private static String reason(Throwable e) {
        String m = e.getMessage();
        String r = e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
        r = r.replaceAll("[\\p{Cntrl}]", " ");
        return r.length() > 200 ? r.substring(0, 200) + "…" : r;
    }

    /** (C, H, W) bytes of {@code img}. */
    static DecodedImage convert(BufferedImage img, int channels) {
        int w = img.getWidth();
        int h = img.getHeight();
        int plane = w * h;
        byte[] chw = new byte[channels * plane];
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        int[] row = new int[w];
        if (isStoredGrey(cm, raster)) {
            int bits = cm.getComponentSize(0);
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    byte v = (byte) to8(row[x], bits);
                    for (int c = 0; c < channels; c++) {
                        chw[c * plane + y * w + x] = v;
                    }
                }
            }
        } else if (isStoredRgb(cm, raster)) {
            int[][] rgb = new int[3][w];
            for (int y = 0; y < h; y++) {
                for (int b = 0; b < 3; b++) {
                    raster.getSamples(0, y, w, 1, b, rgb[b]);
                    int bits = cm.getComponentSize(b);
                    for (int x = 0; x < w; x++) {
                        rgb[b][x] = to8(rgb[b][x], bits);
                    }
                }
                put(chw, channels, plane, y * w, rgb[0], rgb[1], rgb[2], w);
            }
        } else if (cm instanceof IndexColorModel icm && raster.getNumBands() == 1) {
            int[][] rgb = new int[3][w];
            int size = icm.getMapSize();
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int i = row[x];
                    int argb = i >= 0 && i < size ? icm.getRGB(i) : 0; // an index past the palette is black
                    rgb[0][x] = argb >> 16 & 0xFF;
                    rgb[1][x] = argb >> 8 & 0xFF;
                    rgb[2][x] = argb & 0xFF;
                }
                put(chw, channels, plane, y * w, rgb[0], rgb[1], rgb[2], w);
            }
        } else {
            int[][] rgb = new int[3][w];
            for (int y = 0; y < h; y++) {
                img.getRGB(0, y, w, 1, row, 0, w); // colour-managed conversion to sRGB
                for (int x = 0; x < w; x++) {
                    rgb[0][x] = row[x] >> 16 & 0xFF;
                    rgb[1][x] = row[x] >> 8 & 0xFF;
                    rgb[2][x] = row[x] & 0xFF;
                }
                put(chw, channels, plane, y * w, rgb[0], rgb[1], rgb[2], w);
            }
        }
        return new DecodedImage(channels, h, w, chw);
    }

    /** One grey component of at most 16 bits, read from band 0 (a second band is alpha). */
    private static boolean isStoredGrey(ColorModel cm, Raster r) {
        return !(cm instanceof IndexColorModel) && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && cm.getNumColorComponents() == 1 && integerSamples(cm, r) && !cm.isAlphaPremultiplied();
    }

    /** sRGB in bands 0, 1, 2 of at most 16 bits each (band 3, if any, is alpha). */
    private static boolean isStoredRgb(ColorModel cm, Raster r) {
        return !(cm instanceof IndexColorModel) && cm.getColorSpace().isCS_sRGB() && cm.getNumColorComponents() == 3
                && r.getNumBands() >= 3 && integerSamples(cm, r) && !cm.isAlphaPremultiplied();
    }

    private static boolean integerSamples(ColorModel cm, Raster r) {
        int type = r.getDataBuffer().getDataType();
        if (type != DataBuffer.TYPE_BYTE && type != DataBuffer.TYPE_USHORT && type != DataBuffer.TYPE_INT) {
            return false;
        }
        for (int b = 0; b < cm.getNumColorComponents(); b++) {
            if (cm.getComponentSize(b) < 1 || cm.getComponentSize(b) > 16) {
                return false;
            }
        }
        return true;
    }

    /** A {@code bits}-bit sample scaled to [0, 255], rounded to nearest (no ties occur). */
    static int to8(int v, int bits) {
        if (bits == 8) {
            return v & 0xFF;
        }
        int max = (1 << bits) - 1;
        return (int) (((long) (v & max) * 255 + max / 2) / max);
    }

    /** Writes one row of 8-bit R, G, B as 3 planes, or as BT.601 luma into 1. */
    private static void put(byte[] chw, int channels, int plane, int at, int[] r, int[] g, int[] b, int w) {
        for (int x = 0; x < w; x++) {
            if (channels == 3) {
                chw[at + x] = (byte) r[x];
                chw[plane + at + x] = (byte) g[x];
                chw[2 * plane + at + x] = (byte) b[x];
            } else {
                chw[at + x] = (byte) luma(r[x], g[x], b[x]);
            }
        }
    }

    /** ITU-R BT.601 luma {@code round(0.299 R + 0.587 G + 0.114 B)}, exact: halves round up. */
    static int luma(int r, int g, int b) {
        return (299 * r + 587 * g + 114 * b + 500) / 1000;
    }
}
