package org.bottleneck.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir
    Path tmp;

    private List<Path> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void replacesTargetAndCreatesParents() throws IOException {
        Path target = tmp.resolve("a/b/out.bin");
        AtomicFile.write(target, ch -> ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3})));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
        AtomicFile.write(target, ch -> ch.write(ByteBuffer.wrap(new byte[] {9})));
        assertArrayEquals(new byte[] {9}, Files.readAllBytes(target));
        assertEquals(List.of(target), listing(target.getParent()));
    }

    @Test
    void failureMidwayKeepsOldContentsAndLeavesNoTemporary() throws IOException {
        Path target = Files.write(tmp.resolve("out.bin"), new byte[] {7, 7});
        IOException e = assertThrows(IOException.class, () -> AtomicFile.write(target, ch -> {
            ch.write(ByteBuffer.wrap(new byte[1000]));
            throw new IOException("disk full (simulated)");
        }));
        assertEquals("disk full (simulated)", e.getMessage());
        assertArrayEquals(new byte[] {7, 7}, Files.readAllBytes(target));
        assertEquals(List.of(target), listing(tmp));
    }

    @Test
    void failedRenameLeavesNoTemporary() throws IOException {
        Path target = Files.createDirectories(tmp.resolve("occupied"));
        Files.write(target.resolve("child"), new byte[] {1});
        assertThrows(IOException.class, () -> AtomicFile.write(target, ch -> ch.write(ByteBuffer.wrap(new byte[8]))));
        assertTrue(Files.isDirectory(target));
        assertEquals(List.of(target), listing(tmp));
    }
}
