package org.bottleneck.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.RenderedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDecoderTest {
    @TempDir
    Path tmp;

    /** Colours with their BT.601 luma computed by hand: round(0.299 R + 0.587 G + 0.114 B). */
    private static final int[][] RGB_LUMA = {
        {255, 0, 0, 76},      // 76.245
        {0, 255, 0, 150},     // 149.685
        {0, 0, 255, 29},      // 29.07
        {10, 20, 30, 18},     // 18.15
        {100, 150, 200, 141}, // 140.75
        {0, 0, 250, 29},      // 28.5 exactly: halves round up
        {255, 255, 255, 255},
        {0, 0, 0, 0},
    };

    static byte[] encode(RenderedImage img, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            assertTrue(ImageIO.write(img, format, out), "no ImageIO writer for " + format);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The RGB_LUMA colours as a (1 × 8) TYPE_INT_RGB image. */
    static BufferedImage rgbRow(int type) {
        BufferedImage img = new BufferedImage(RGB_LUMA.length, 1, type);
        for (int x = 0; x < RGB_LUMA.length; x++) {
            img.setRGB(x, 0, RGB_LUMA[x][0] << 16 | RGB_LUMA[x][1] << 8 | RGB_LUMA[x][2]);
        }
        return img;
    }

    /** A seeded random 8-bit grey image. */
    static BufferedImage grey(int w, int h, long seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        Random r = new Random(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, r.nextInt(256));
            }
        }
        return img;
    }

    private static void assertRgbRow(DecodedImage d) {
        assertEquals(3, d.channels());
        assertEquals(1, d.height());
        assertEquals(RGB_LUMA.length, d.width());
        for (int x = 0; x < RGB_LUMA.length; x++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(RGB_LUMA[x][c], d.get(c, 0, x), "pixel " + x + " channel " + c);
            }
        }
    }

    private static void assertLumaRow(DecodedImage d) {
        assertEquals(1, d.channels());
        for (int x = 0; x < RGB_LUMA.length; x++) {
            assertEquals(RGB_LUMA[x][3], d.get(0, 0, x), "luma of " + Arrays.toString(RGB_LUMA[x]));
        }
    }

    private static void assertMessage(Exception e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "expected '" + p + "' in: " + e.getMessage());
        }
    }

    @Test
    void pngGreyDecodesExactlyAndReplicatesToThreeChannels() {
        BufferedImage img = grey(5, 3, 11);
        byte[] png = encode(img, "png");
        DecodedImage one = ImageDecoder.decode("g.png", png, 1);
        DecodedImage three = ImageDecoder.decode("g.png", png, 3);
        assertEquals(3, one.height());
        assertEquals(5, one.width());
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                int v = img.getRaster().getSample(x, y, 0);
                assertEquals(v, one.get(0, y, x));
                for (int c = 0; c < 3; c++) {
                    assertEquals(v, three.get(c, y, x));
                }
            }
        }
        assertArrayEquals(new int[] {3, 5}, ImageDecoder.size("g.png", png));
    }

    @Test
    void pngRgbDecodesExactlyAndToBt601Luma() {
        byte[] png = encode(rgbRow(BufferedImage.TYPE_INT_RGB), "png");
        assertRgbRow(ImageDecoder.decode("c.png", png, 3));
        assertLumaRow(ImageDecoder.decode("c.png", png, 1));
    }

    @Test
    void rgbaDropsAlphaKeepingTheStoredColour() {
        BufferedImage img = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(0, 0, 0x00C86432); // fully transparent (200, 100, 50)
        img.setRGB(1, 0, 0x80C86432); // half
        img.setRGB(2, 0, 0xFFC86432); // opaque
        DecodedImage d = ImageDecoder.decode("a.png", encode(img, "png"), 3);
        for (int x = 0; x < 3; x++) {
            assertEquals(200, d.get(0, 0, x));
            assertEquals(100, d.get(1, 0, x));
            assertEquals(50, d.get(2, 0, x));
        }
        ColorModel ga = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), new int[] {8, 8}, true,
                false, Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster r = ga.createCompatibleWritableRaster(2, 1);
        r.setPixel(0, 0, new int[] {77, 0});
        r.setPixel(1, 0, new int[] {200, 255});
        DecodedImage g = ImageDecoder.decode("ga.png", encode(new BufferedImage(ga, r, false, null), "png"), 1);
        assertEquals(77, g.get(0, 0, 0));
        assertEquals(200, g.get(0, 0, 1));
    }

    @Test
    void sixteenBitPngIsScaledToEightBitsRounded() {
        int[] v16 = {0, 128, 129, 257 * 100, 32767, 32896, 65534, 65535};
        int[] v8 = {0, 0, 1, 100, 127, 128, 255, 255}; // round(v * 255 / 65535)
        BufferedImage img = new BufferedImage(v16.length, 1, BufferedImage.TYPE_USHORT_GRAY);
        for (int x = 0; x < v16.length; x++) {
            img.getRaster().setSample(x, 0, 0, v16[x]);
        }
        DecodedImage d = ImageDecoder.decode("g16.png", encode(img, "png"), 1);
        for (int x = 0; x < v16.length; x++) {
            assertEquals(v8[x], d.get(0, 0, x), "16-bit " + v16[x]);
        }

        ColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), new int[] {16, 16, 16},
                false, false, Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster r = cm.createCompatibleWritableRaster(2, 1);
        r.setPixel(0, 0, new int[] {65535, 32896, 129});
        r.setPixel(1, 0, new int[] {257 * 10, 257 * 20, 257 * 30});
        byte[] png = encode(new BufferedImage(cm, r, false, null), "png");
        DecodedImage c = ImageDecoder.decode("c16.png", png, 3);
        assertArrayEquals(new byte[] {(byte) 255, 10, (byte) 128, 20, 1, 30}, c.chw());
        assertEquals(ImageDecoder.luma(10, 20, 30), ImageDecoder.decode("c16.png", png, 1).get(0, 0, 1));
    }

    @Test
    void paletteAndOneBitPngGoThroughTheirColours() {
        IndexColorModel icm = new IndexColorModel(8, 3, new byte[] {(byte) 255, 0, 10}, new byte[] {0, (byte) 255, 20},
                new byte[] {0, 0, 30});
        BufferedImage pal = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_INDEXED, icm);
        for (int x = 0; x < 3; x++) {
            pal.getRaster().setSample(x, 0, 0, x);
        }
        DecodedImage d = ImageDecoder.decode("p.png", encode(pal, "png"), 3);
        assertArrayEquals(new byte[] {(byte) 255, 0, 10, 0, (byte) 255, 20, 0, 0, 30}, d.chw());
        assertArrayEquals(new byte[] {76, (byte) 150, 18}, ImageDecoder.decode("p.png", encode(pal, "png"), 1).chw());

        BufferedImage bits = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_BINARY);
        bits.getRaster().setSample(1, 0, 0, 1);
        bits.getRaster().setSample(3, 0, 0, 1);
        assertArrayEquals(new byte[] {0, (byte) 255, 0, (byte) 255},
                ImageDecoder.decode("b.png", encode(bits, "png"), 1).chw());
    }

    @Test
    void bmpRgbAndGreyDecodeExactly() {
        byte[] bmp = encode(rgbRow(BufferedImage.TYPE_3BYTE_BGR), "bmp");
        assertRgbRow(ImageDecoder.decode("c.bmp", bmp, 3));
        assertLumaRow(ImageDecoder.decode("c.bmp", bmp, 1));
        BufferedImage g = grey(7, 4, 5); // odd width: BMP rows are padded to 4 bytes
        DecodedImage d = ImageDecoder.decode("g.bmp", encode(g, "bmp"), 1);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 7; x++) {
                assertEquals(g.getRaster().getSample(x, y, 0), d.get(0, y, x));
            }
        }
    }

    @Test
    void gifDecodesItsFirstFrame() throws IOException {
        BufferedImage first = rgbRow(BufferedImage.TYPE_INT_RGB);
        BufferedImage second = new BufferedImage(RGB_LUMA.length, 1, BufferedImage.TYPE_INT_RGB);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.prepareWriteSequence(null);
            writer.writeToSequence(new IIOImage(first, null, null), null);
            writer.writeToSequence(new IIOImage(second, null, null), null);
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
        byte[] gif = out.toByteArray();
        assertEquals(2, framesOf(gif));
        assertRgbRow(ImageDecoder.decode("two.gif", gif, 3));
        assertLumaRow(ImageDecoder.decode("two.gif", gif, 1));
    }

    private static int framesOf(byte[] gif) throws IOException {
        var reader = ImageIO.getImageReadersByFormatName("gif").next();
        try (var in = ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(gif))) {
            reader.setInput(in);
            return reader.getNumImages(true);
        } finally {
            reader.dispose();
        }
    }

    @Test
    void jpegDecodesCloseToTheOriginal() {
        // Flat 16x16 blocks (one chroma block each, 4:2:0) survive JPEG almost exactly.
        BufferedImage img = new BufferedImage(32, 16, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 32; x++) {
                img.setRGB(x, y, x < 16 ? 0x3C78B4 : 0xC85028);
            }
        }
        byte[] jpg = encode(img, "jpg");
        DecodedImage d = ImageDecoder.decode("c.jpg", jpg, 3);
        int[][] expected = {{0x3C, 0x78, 0xB4}, {0xC8, 0x50, 0x28}};
        for (int c = 0; c < 3; c++) {
            assertEquals(expected[0][c], d.get(c, 8, 8), 3, "left block channel " + c);
            assertEquals(expected[1][c], d.get(c, 8, 24), 3, "right block channel " + c);
        }
        DecodedImage luma = ImageDecoder.decode("c.jpg", jpg, 1);
        assertEquals(ImageDecoder.luma(d.get(0, 8, 8), d.get(1, 8, 8), d.get(2, 8, 8)), luma.get(0, 8, 8));
        BufferedImage g = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                g.getRaster().setSample(x, y, 0, 90);
            }
        }
        assertEquals(90, ImageDecoder.decode("g.jpg", encode(g, "jpg"), 1).get(0, 3, 3), 2);
    }

    /** A PNG whose IHDR declares {@code w}×{@code h}, CRC fixed, with the original tiny IDAT. */
    static byte[] pngDeclaring(int w, int h) {
        byte[] png = encode(grey(2, 2, 1), "png");
        ByteBuffer b = ByteBuffer.wrap(png);
        b.putInt(16, w).putInt(20, h); // IHDR data starts at 8 (signature) + 8 (length, type)
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17); // "IHDR" + 13 bytes of data
        b.putInt(29, (int) crc.getValue());
        return png;
    }

    @Test
    void refusesImagesOverThePixelLimitBeforeDecoding() {
        byte[] huge = pngDeclaring(65535, 65535);
        assertArrayEquals(new int[] {65535, 65535}, ImageDecoder.size("huge.png", huge));
        DataFormatException e = assertThrows(DataFormatException.class, () -> ImageDecoder.decode("huge.png", huge, 3));
        assertMessage(e, "image huge.png is 65535x65535 = 4294836225 pixels, over the limit of 67108864");

        byte[] wide = pngDeclaring(Integer.MAX_VALUE, 1); // 2^31 - 1 pixels: the count is a long, never overflows
        assertMessage(assertThrows(DataFormatException.class, () -> ImageDecoder.decode("wide.png", wide, 1)),
                "2147483647x1 = 2147483647 pixels, over the limit of 67108864");
        byte[] negative = pngDeclaring(Integer.MIN_VALUE, 1); // 2^31 in the header: PNG's reader refuses it
        assertMessage(assertThrows(DataFormatException.class, () -> ImageDecoder.decode("neg.png", negative, 1)),
                "not a decodable image: neg.png (");

        byte[] bmp = encode(grey(2, 2, 1), "bmp");
        ByteBuffer.wrap(bmp).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(18, 40000).putInt(22, 40000);
        assertMessage(assertThrows(DataFormatException.class, () -> ImageDecoder.decode("huge.bmp", bmp, 1)),
                "40000x40000 = 1600000000 pixels", "over the limit");

        byte[] gif = encode(rgbRow(BufferedImage.TYPE_INT_RGB), "gif");
        int descriptor = imageDescriptor(gif); // ',' x y w h (LE u16)
        ByteBuffer.wrap(gif).order(java.nio.ByteOrder.LITTLE_ENDIAN).putShort(descriptor + 5, (short) -1)
                .putShort(descriptor + 7, (short) -1);
        assertMessage(assertThrows(DataFormatException.class, () -> ImageDecoder.decode("huge.gif", gif, 3)),
                "65535x65535", "over the limit");
    }

    /** Offset of the first image descriptor (0x2C) of a GIF: after the header, screen, palette and extensions. */
    static int imageDescriptor(byte[] gif) {
        int flags = gif[10] & 0xFF;
        int p = 13 + ((flags & 0x80) != 0 ? 3 << ((flags & 7) + 1) : 0);
        while ((gif[p] & 0xFF) == 0x21) { // extension: label, then sub-blocks until a 0 length
            p += 2;
            while (gif[p] != 0) {
                p += (gif[p] & 0xFF) + 1;
            }
            p++;
        }
        assertEquals(0x2C, gif[p] & 0xFF, "image descriptor");
        return p;
    }

    @Test
    void theLimitOverloadCountsPixels() {
        byte[] png = encode(grey(10, 10, 3), "png");
        assertEquals(100, ImageDecoder.decode("p", png, 1, 100).chw().length);
        assertMessage(assertThrows(DataFormatException.class, () -> ImageDecoder.decode("p", png, 1, 99)),
                "10x10 = 100 pixels, over the limit of 99");
    }

    @Test
    void truncatedAndNonImagesAreFormatErrors() {
        byte[] png = encode(grey(40, 40, 9), "png");
        DataFormatException cut = assertThrows(DataFormatException.class,
                () -> ImageDecoder.decode("cut.png", Arrays.copyOf(png, png.length / 2), 1));
        assertMessage(cut, "not a decodable image: cut.png (");

        byte[] text = "hello, this is a text file\n".getBytes(StandardCharsets.US_ASCII);
        assertMessage(assertThrows(DataFormatException.class, () -> ImageDecoder.decode("notes.txt", text, 3)),
                "not a decodable image: notes.txt (no PNG, JPEG, BMP or GIF signature)");
        assertMessage(assertThrows(DataFormatException.class, () -> ImageDecoder.size("empty", new byte[0])),
                "not a decodable image: empty (");
        assertMessage(assertThrows(DataFormatException.class,
                () -> ImageDecoder.decode("t.tif", encode(grey(2, 2, 1), "tiff"), 1)),
                "not a decodable image: t.tif (tif is not supported; use PNG, JPEG, BMP or GIF)");
        assertMessage(assertThrows(DataFormatException.class, () -> ImageDecoder.decode("zero.png",
                pngDeclaring(0, 5), 1)), "not a decodable image: zero.png (");
    }

    @Test
    void readsFilesAndValidatesChannels() throws IOException {
        Path f = Files.write(tmp.resolve("g.png"), encode(grey(3, 2, 4), "png"));
        DecodedImage d = ImageDecoder.read(f, 3);
        assertEquals(18, d.chw().length);
        Path missing = tmp.resolve("missing.png");
        assertMessage(assertThrows(DataException.class, () -> ImageDecoder.read(missing, 1)),
                "image file not found: " + missing.toAbsolutePath());
        assertMessage(assertThrows(IllegalArgumentException.class, () -> ImageDecoder.read(f, 2)),
                "channels must be 1 or 3, got 2");
    }
}
