package org.bottleneck.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a file stops being valid UTF-8. Only called once decoding has failed: a decoding
 * reader reports the error but not its position, which the user needs to fix the file.
 */
final class Utf8Errors {
    private Utf8Errors() {
    }

    /**
     * "line L (byte offset B): bytes xx yy" for the first malformed sequence of {@code file},
     * streaming it in 64 KiB chunks; null when the whole file decodes.
     */
    static String locate(Path file) throws IOException {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.allocate(1 << 16);
        CharBuffer out = CharBuffer.allocate(1 << 16);
        long consumed = 0;
        long line = 1;
        try (InputStream s = Files.newInputStream(file)) {
            boolean eof = false;
            while (true) {
                int r = in.hasRemaining() && !eof ? s.read(in.array(), in.position(), in.remaining()) : 0;
                if (r < 0) {
                    eof = true;
                } else {
                    in.position(in.position() + r);
                }
                in.flip();
                CoderResult cr = dec.decode(in, out, eof);
                out.flip();
                for (int i = 0; i < out.limit(); i++) {
                    line += out.get(i) == '\n' ? 1 : 0;
                }
                out.clear();
                if (cr.isError()) {
                    StringBuilder bytes = new StringBuilder();
                    for (int i = 0; i < cr.length(); i++) {
                        bytes.append(String.format(" %02x", in.get(in.position() + i) & 0xFF));
                    }
                    return "line " + line + " (byte offset " + (consumed + in.position()) + "):" + bytes;
                }
                consumed += in.position();
                in.compact();
                if (eof && cr.isUnderflow()) {
                    return null;
                }
            }
        }
    }
}
