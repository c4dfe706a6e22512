package org.bottleneck.viz;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.bottleneck.io.AtomicFile;

/** Writes PNG bytes atomically (see {@link AtomicFile}), creating parent folders. */
final class PngFiles {
    static {
        // By default ImageIO buffers a stream through a temporary file on disk: for in-memory PNGs
        // (HTTP answers of a few KB) that file dominated the cost. Memory is the right cache here.
        ImageIO.setUseCache(false);
    }

    private PngFiles() {
    }

    static byte[] encode(BufferedImage img) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, "png", out)) {
                throw new IllegalStateException("no PNG writer available in this JVM");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a " + img.getWidth() + "×" + img.getHeight() + " PNG: " + e, e);
        }
        return out.toByteArray();
    }

    static void write(Path png, byte[] bytes) {
        try {
            AtomicFile.write(png, ch -> {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write PNG " + png.toAbsolutePath() + " (is the folder writable?): " + e, e);
        }
    }
}
