package org.bottleneck.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Holds the layering of src/main (DESIGN.md §1): data flows one way, cli → apps → train →
 * model → nn → backend → tensor (data, io, viz and metrics are leaves beside them), and
 * nothing imports upward. Read from the import lines of every source file, so a cycle cannot creep back in
 * unnoticed. Also: only backend/cuda touches JCuda, only backend/cpu touches JavaCPP.
 */
class LayeringTest {
    private static final Path MAIN = Path.of("src/main/java/org/bottleneck");
    /** Top-level package → the packages of ours it may import. */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("tensor", Set.of()),
            Map.entry("backend", Set.of("tensor")),
            Map.entry("nn", Set.of("backend", "tensor")),
            Map.entry("data", Set.of("backend", "tensor")),
            Map.entry("io", Set.of()),
            Map.entry("viz", Set.of("io")),
            Map.entry("metrics", Set.of()),
            Map.entry("model", Set.of("nn", "backend", "tensor", "data", "io")),
            Map.entry("train", Set.of("model", "nn", "backend", "tensor", "data", "io")),
            Map.entry("apps", Set.of("train", "model", "nn", "backend", "tensor", "data", "io", "viz", "metrics")),
            Map.entry("cli", Set.of("apps", "train", "model", "nn", "backend", "tensor", "data", "io", "viz", "metrics")));
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+)", Pattern.MULTILINE);

    @Test
    void nothingImportsUpward() throws IOException {
        List<String> violations = new ArrayList<>();
        int files = 0;
        try (Stream<Path> s = Files.walk(MAIN)) {
            for (Path f : (Iterable<Path>) s.filter(p -> p.toString().endsWith(".java"))::iterator) {
                files++;
                String pkg = MAIN.relativize(f).getName(0).toString();
                Set<String> allowed = ALLOWED.get(pkg);
                assertTrue(allowed != null, "package '" + pkg + "' (" + f + ") has no place in the layering table");
                String relative = MAIN.relativize(f).toString();
                Matcher m = IMPORT.matcher(Files.readString(f));
                while (m.find()) {
                    String imp = m.group(1);
                    if (imp.startsWith("org.bottleneck.")) {
                        String target = imp.substring("org.bottleneck.".length()).split("\\.")[0];
                        if (!target.equals(pkg) && !allowed.contains(target)) {
                            violations.add(relative + " imports " + imp + " (" + pkg + " may use only " + allowed + ")");
                        }
                    }
                    if (imp.startsWith("jcuda.") && !relative.startsWith("backend/cuda/")) {
                        violations.add(relative + " imports " + imp + " (only backend/cuda may use JCuda)");
                    }
                    if (imp.startsWith("org.bytedeco.") && !relative.startsWith("backend/cpu/")) {
                        violations.add(relative + " imports " + imp + " (only backend/cpu may use JavaCPP)");
                    }
                }
            }
        }
        assertTrue(files > 50, "read only " + files + " files: is the path right?");
        assertEquals(List.of(), violations);
    }
}
