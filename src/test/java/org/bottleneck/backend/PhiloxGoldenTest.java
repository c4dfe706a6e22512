package org.bottleneck.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link Philox} against the stream values that scripts/golden/make_golden.py wrote
 * into golden.json from an independent Python implementation of the same contract, and
 * against the Random123 known-answer vectors for philox4x32_10.
 */
class PhiloxGoldenTest {

    private static JsonNode philox;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = PhiloxGoldenTest.class.getResourceAsStream("/golden/golden.json")) {
            assertNotNull(in, "golden/golden.json not on the test classpath");
            JsonNode root = new ObjectMapper().readTree(in);
            assertEquals("bottleneck-golden-1", root.path("format").asText());
            philox = root.get("philox");
            assertNotNull(philox, "no philox section in golden.json");
        }
    }

    private static int hex(JsonNode node) {
        return Integer.parseUnsignedInt(node.asText(), 16);
    }

    private static long seed() {
        long seed = philox.get("seed").asLong();
        assertEquals(Long.parseUnsignedLong(philox.get("seed_hex").asText(), 16), seed);
        return seed;
    }

    @Test
    void knownAnswerVectors() {
        // Also hard-coded, so the test does not depend on the file alone.
        int[][][] kat = {
            {{0x00000000, 0x00000000, 0x00000000, 0x00000000}, {0x00000000, 0x00000000},
             {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
            {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff},
             {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
            {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0},
             {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
        };
        JsonNode fileKat = philox.get("kat");
        assertEquals(kat.length, fileKat.size());
        for (int i = 0; i < kat.length; i++) {
            JsonNode v = fileKat.get(i);
            for (int j = 0; j < 4; j++) {
                assertEquals(kat[i][0][j], hex(v.get("counter").get(j)));
                assertEquals(kat[i][2][j], hex(v.get("expected").get(j)));
            }
            assertEquals(kat[i][1][0], hex(v.get("key").get(0)));
            assertEquals(kat[i][1][1], hex(v.get("key").get(1)));

            int[] ctr = kat[i][0].clone();
            Philox.block(ctr, kat[i][1][0], kat[i][1][1]);
            for (int j = 0; j < 4; j++) {
                assertEquals(kat[i][2][j], ctr[j],
                        String.format("KAT %d word %d: got %08x, want %08x", i, j, ctr[j], kat[i][2][j]));
            }
        }
    }

    @Test
    void wordsBitExact() {
        long seed = seed();
        JsonNode words = philox.get("words");
        assertTrue(words.size() >= 11);
        for (JsonNode w : words) {
            long n = w.get("n").asLong();
            int want = (int) w.get("word").asLong();
            assertEquals(hex(w.get("hex")), want);
            int got = Philox.word(seed, n);
            assertEquals(want, got, String.format("word n=%d: got %08x, want %08x", n, got, want));
        }
    }

    @Test
    void uniformsBitExact() {
        long seed = seed();
        JsonNode uniforms = philox.get("uniforms");
        assertTrue(uniforms.size() >= 8);
        float[] filled = new float[uniforms.size()];
        long first = uniforms.get(0).get("n").asLong();
        Philox.fillUniform(seed, first, filled, filled.length, new int[4]);
        int i = 0;
        for (JsonNode u : uniforms) {
            long n = u.get("n").asLong();
            float want = (float) u.get("value").asDouble();
            float got = Philox.uniform(seed, n);
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got),
                    "uniform n=" + n + ": got " + got + ", want " + want);
            assertEquals(first + i, n);
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(filled[i]),
                    "fillUniform n=" + n);
            i++;
        }
    }

    @Test
    void normalsWithinOneUlp() {
        long seed = seed();
        JsonNode normals = philox.get("normals");
        assertTrue(normals.size() >= 8);
        for (JsonNode v : normals) {
            long n = v.get("n").asLong();
            float want = (float) v.get("value").asDouble();
            float got = Philox.normal(seed, n);
            assertTrue(Math.abs(got - want) <= Math.ulp(want),
                    "normal n=" + n + ": got " + got + ", want " + want + " (ulp " + Math.ulp(want) + ")");
        }
    }

    @Test
    void deriveMatchesPythonPort() {
        // SplitMix64(0)'s well-known first output, independent of the file.
        assertEquals(0xE220A8397B1DCDAFL, Philox.derive(0, 0));
        JsonNode derive = philox.get("derive");
        assertNotNull(derive, "no philox.derive section in golden.json");
        assertTrue(derive.size() >= 5);
        for (JsonNode d : derive) {
            long seed = d.get("seed").asLong(), stream = d.get("stream").asLong();
            assertEquals(d.get("value").asLong(), Philox.derive(seed, stream),
                    "derive(" + seed + ", " + stream + ")");
        }
    }
}
