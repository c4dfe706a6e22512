package org.bottleneck.cli;

import static org.bottleneck.cli.CliEndToEndTest.assertFailure;
import static org.bottleneck.cli.CliEndToEndTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Backends;
import org.bottleneck.model.Checkpoint;
import org.bottleneck.model.Model;
import org.bottleneck.model.Presets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code explore}'s refusals, each one line and exit 1 before anything listens: bad option
 * values, a missing or corrupt checkpoint, a model that does not take the data, a port already
 * taken. (The server and page are tested in apps/explore; a run that succeeds blocks until
 * Ctrl-C, so none is started here.)
 */
class ExploreCommandTest {
    @TempDir
    static Path tmp;
    private static Path vae;

    @BeforeAll
    static void checkpoint() {
        vae = tmp.resolve("vae.safetensors");
        try (Backend b = Backends.open("cpu", 0); Model m = new Model(b, Presets.get("vae"), 3)) {
            Checkpoint.save(vae, m, null, Map.of());
        }
    }

    private static CliEndToEndTest.Result explore(String... more) {
        String[] base = {"explore", "--device", "cpu", "--test-limit", "50"};
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return assertTimeoutPreemptively(Duration.ofSeconds(60), () -> cli(args), "explore should have refused, not served");
    }

    @Test
    void helpListsEveryOptionWithItsDefault() {
        CliEndToEndTest.Result r = cli("explore", "--help");
        assertEquals(0, r.code(), r::toString);
        String help = r.out().replaceAll("\\s+", " "); // picocli wraps descriptions
        for (String o : new String[] {"--checkpoint", "--points", "--port", "--host", "--workers", "--split", "Default: 8080",
                "Default: 127.0.0.1", "Default: 5000"}) {
            assertTrue(help.contains(o), o + " missing from --help:\n" + r.out());
        }
    }

    @Test
    void badOptionValues() {
        assertFailure(explore("-c", vae.toString(), "--split", "validation"), "--split", "validation");
        assertFailure(explore("-c", vae.toString(), "--points", "-1"), "--points", "-1");
        assertFailure(explore("-c", vae.toString(), "--workers", "-2"), "--workers", "-2");
        assertFailure(explore("-c", vae.toString(), "--port", "70000"), "--port", "70000");
    }

    @Test
    void aMissingOrCorruptCheckpoint() throws Exception {
        assertFailure(explore("-c", tmp.resolve("nope.safetensors").toString()), "nope.safetensors");
        Path bad = tmp.resolve("corrupt.safetensors");
        Files.write(bad, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        assertFailure(explore("-c", bad.toString()), "corrupt.safetensors");
    }

    @Test
    void aModelThatDoesNotTakeTheData() throws Exception {
        Path csv = tmp.resolve("table.csv");
        StringBuilder sb = new StringBuilder("a,b,c\n");
        for (int i = 0; i < 40; i++) {
            sb.append(i).append(',').append(i * 2).append(',').append(i % 5).append('\n');
        }
        Files.writeString(csv, sb);
        assertFailure(explore("-c", vae.toString(), "--data", csv.toString()), "vae", "784");
    }

    @Test
    void aPortAlreadyTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertFailure(explore("-c", vae.toString(), "--port", String.valueOf(taken.getLocalPort())),
                    "cannot listen", String.valueOf(taken.getLocalPort()));
        }
    }
}
