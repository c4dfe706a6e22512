package org.bottleneck.apps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Backends;
import org.bottleneck.data.Dataset;
import org.bottleneck.data.Mnist;
import org.bottleneck.model.Model;
import org.bottleneck.model.Presets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The embedding API: single-row and batched calls agree, shapes are what the javadoc says, and
 * wrong-length arrays fail with the expected and actual lengths in the message. Models are
 * freshly initialised (seeded): agreement between code paths does not need a trained model.
 */
class CodecTest {
    private static final int D = 784;
    /**
     * Single-row and batched calls run the same float32 layers, but BLAS picks a different kernel
     * (so a different summation order) for a 1-row GEMM than for a 37-row one, and the results
     * differ in the last bits (measured: ≤ 5e-8 on these codes, i.e. about one ulp). A reordered
     * float32 dot product of length ≤ 784 moves by ~√n·2⁻²⁴·Σ|terms| in practice, far below 1e-5
     * for these activations; an indexing mistake moves codes by O(0.01–1), so 1e-5 separates the two.
     */
    private static final float ATOL = 1e-5f, RTOL = 1e-5f;

    private static Backend backend;
    private static Dataset test;

    @BeforeAll
    static void open() {
        backend = Backends.open("cpu", 0);
        test = Mnist.load(Path.of("data/mnist"), false);
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"vae", "ae", "lecture", "convae", "convvae"})
    void singleEncodeEqualsTheRowOfABatchEncode(String preset) {
        try (Model model = new Model(backend, Presets.get(preset), 11)) {
            Codec codec = new Codec(model);
            int n = 37, z = model.latentDim();
            float[] x = Figures.images(test, 100, n);
            float[] batch = codec.encode(x, n);
            assertEquals(n * z, batch.length);
            float[] one = new float[z];
            float[] img = new float[D];
            for (int i = 0; i < n; i++) {
                System.arraycopy(x, i * D, img, 0, D);
                codec.encode(img, one);
                assertClose(Arrays.copyOfRange(batch, i * z, (i + 1) * z), one, preset + " row " + i);
            }
            // not vacuous: codes are non-zero and differ between images
            assertTrue(norm(batch) > 1e-3, "codes are all zero");
            assertTrue(!Arrays.equals(Arrays.copyOfRange(batch, 0, z), Arrays.copyOfRange(batch, z, 2 * z)),
                    "two different images got the same code");
        }
    }

    @Test
    void batchesLargerThanTheChunkSizeMatchSmallerBatches() {
        // encode/decode/reconstruct work in chunks of 1000 rows: rows past the first chunk must
        // land in the right place
        try (Model model = new Model(backend, Presets.get("ae"), 3)) {
            Codec codec = new Codec(model);
            int n = 1203, z = model.latentDim();
            float[] x = Figures.images(test, 0, n);
            float[] all = codec.encode(x, n);
            float[] tail = codec.encode(Arrays.copyOfRange(x, 1100 * D, n * D), n - 1100);
            assertClose(Arrays.copyOfRange(all, 1100 * z, n * z), tail, "encode tail");
            float[] recAll = codec.reconstruct(x, n);
            float[] recTail = codec.reconstruct(Arrays.copyOfRange(x, 1100 * D, n * D), n - 1100);
            assertClose(Arrays.copyOfRange(recAll, 1100 * D, n * D), recTail, "reconstruct tail");
            float[] decAll = codec.decode(all, n);
            float[] decTail = codec.decode(tail, n - 1100);
            assertClose(Arrays.copyOfRange(decAll, 1100 * D, n * D), decTail, "decode tail");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vae", "ae", "lecture", "convae", "convvae"})
    void reconstructIsDecodeOfEncodeWithImageShapesInTheUnitInterval(String preset) {
        try (Model model = new Model(backend, Presets.get(preset), 5)) {
            Codec codec = new Codec(model);
            int n = 9, z = model.latentDim();
            float[] x = Figures.images(test, 0, n);
            float[] codes = codec.encode(x, n);
            float[] decoded = codec.decode(codes, n);
            float[] rec = codec.reconstruct(x, n);
            assertEquals(n * D, decoded.length);
            assertEquals(n * D, rec.length);
            for (float v : rec) {
                assertTrue(v >= 0f && v <= 1f, "reconstruction pixel " + v + " outside [0,1]");
            }
            // reconstruct uses the mean code of a VAE, which is what encode returns
            assertClose(decoded, rec, preset + " reconstruct vs decode(encode)");
            assertEquals(z, codes.length / n);
        }
    }

    @Test
    void sampleCodesAreReproducibleAndFollowTheGivenGaussian() {
        try (Model model = new Model(backend, Presets.get("vae"), 5)) {
            Codec codec = new Codec(model);
            int n = 2000, z = model.latentDim();
            float[] a = codec.sampleCodes(n, 9, null, null);
            assertArrayEquals(a, codec.sampleCodes(n, 9, null, null));
            assertTrue(!Arrays.equals(a, codec.sampleCodes(n, 10, null, null)), "seed is ignored");
            double mean = 0, sq = 0;
            for (float v : a) {
                mean += v;
                sq += v * v;
            }
            mean /= a.length;
            double var = sq / a.length - mean * mean;
            // 40000 standard normals: standard error of the mean 0.005, of the variance ≈ 0.007
            assertEquals(0, mean, 0.03);
            assertEquals(1, var, 0.04);
            // mean 3 and L = 2·I shift and scale every draw of the same noise exactly
            float[] m = new float[z], l = new float[z * z];
            for (int j = 0; j < z; j++) {
                m[j] = 3;
                l[j * z + j] = 2;
            }
            float[] b = codec.sampleCodes(n, 9, m, l);
            for (int i = 0; i < a.length; i++) {
                assertEquals(3 + 2 * a[i], b[i], 1e-5f);
            }
        }
    }

    /**
     * score is the per-sample objective at the mean code, checked against independent pieces: with
     * β = 0 it is the BCE of reconstruct(x) against x (recomputed here in float64 from the
     * probabilities), and the same weights with β = 1, 2 add exactly β·KL (so s₂ − s₀ = 2·(s₁ − s₀)).
     * Freshly initialised weights keep the logits moderate, so BCE from probabilities loses
     * nothing to saturation; float32 sums over 784 pixels of ~0.7 nats carry ~1e-4 nats of rounding.
     */
    @Test
    void scoreIsReconstructionLossPlusBetaTimesKlAtTheMeanCode() {
        int n = 5;
        float[] x = Figures.images(test, 20, n);
        float[][] s = new float[3][];
        float[] rec = null;
        for (int beta = 0; beta <= 2; beta++) {
            var arch = Presets.denseRecipe("vae").withHead(new org.bottleneck.model.LatentHead(true, 20,
                    org.bottleneck.backend.Activation.IDENTITY, beta, 0)).build("vae", 0);
            try (Model model = new Model(backend, arch, 7)) {
                Codec codec = new Codec(model);
                s[beta] = codec.score(x, n);
                if (beta == 0) {
                    rec = codec.reconstruct(x, n);
                }
                float[] img = new float[D];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(x, i * D, img, 0, D);
                    float one = codec.score(img);
                    assertEquals(one, codec.score(img), "single-row score is deterministic");
                    assertEquals(s[beta][i], one, 1e-4f * Math.abs(one), "single-row vs bulk score, row " + i);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            double bce = 0;
            for (int p = 0; p < D; p++) {
                double t = x[i * D + p], q = rec[i * D + p];
                bce -= t * Math.log(q) + (1 - t) * Math.log(1 - q);
            }
            assertEquals(bce, s[0][i], 1e-3, "β=0 score vs BCE of the reconstruction, row " + i);
            double kl = s[1][i] - s[0][i];
            assertTrue(kl > 0, "KL " + kl);
            assertEquals(2 * kl, s[2][i] - s[0][i], 1e-3, "β=2 adds twice the KL, row " + i);
        }
    }

    @Test
    void singleRowScoreAndReconstructAllocateNothingInSteadyState() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        try (Model model = new Model(backend, Presets.get("vae"), 3)) {
            Codec codec = new Codec(model);
            float[] x = Figures.images(test, 0, 1), y = new float[D], code = new float[model.latentDim()];
            float sum = 0;
            for (int i = 0; i < 3; i++) { // warm-up: first-use views and the batch-1 plan
                sum += codec.score(x);
                codec.reconstruct(x, y);
                codec.encode(x, code);
            }
            long before = threads.getThreadAllocatedBytes(self);
            for (int i = 0; i < 20; i++) {
                sum += codec.score(x);
                codec.reconstruct(x, y);
                codec.encode(x, code);
            }
            long allocated = threads.getThreadAllocatedBytes(self) - before;
            assertEquals(0, allocated, "bytes allocated by 20 × (score, reconstruct, encode)");
            assertTrue(sum > 0);
            float[] bulk = codec.reconstruct(x, 1);
            assertClose(bulk, y, "single-row vs bulk reconstruct");
        }
    }

    @Test
    void scoreNeedsAModelThatReconstructsItsInput() {
        var arch = Presets.denseRecipe("ae", org.bottleneck.tensor.Shape.of(1, 14, 14),
                org.bottleneck.tensor.Shape.of(1, 28, 28), true).build("ae", 0);
        try (Model model = new Model(backend, arch, 1)) {
            Codec codec = new Codec(model);
            assertMessage(assertThrows(IllegalArgumentException.class, () -> codec.score(new float[196])),
                    "reconstructs its input", "[196]", "[784]");
        }
    }

    @Test
    void wrongLengthsFailWithBothLengths() {
        try (Model model = new Model(backend, Presets.get("vae"), 5)) {
            Codec codec = new Codec(model);
            int z = model.latentDim();
            assertMessage(assertThrows(IllegalArgumentException.class,
                    () -> codec.encode(new float[D - 1], new float[z])), "image", "784", "783");
            assertMessage(assertThrows(IllegalArgumentException.class,
                    () -> codec.encode(new float[D], new float[z + 1])), "code", "20", "21");
            assertMessage(assertThrows(IllegalArgumentException.class,
                    () -> codec.encode(new float[3 * D], 4)), "images", "3136", "2352");
            assertMessage(assertThrows(IllegalArgumentException.class,
                    () -> codec.decode(new float[2 * z + 1], 2)), "codes", "40", "41");
            assertMessage(assertThrows(IllegalArgumentException.class,
                    () -> codec.reconstruct(new float[D], 2)), "images", "1568", "784");
            assertMessage(assertThrows(IllegalArgumentException.class,
                    () -> codec.score(new float[D + 1])), "image", "784", "785");
            assertMessage(assertThrows(IllegalArgumentException.class,
                    () -> codec.score(new float[D], 2)), "images", "1568", "784");
            assertMessage(assertThrows(IllegalArgumentException.class,
                    () -> codec.reconstruct(new float[D], new float[D - 2])), "output", "784", "782");
        }
    }

    private static void assertMessage(IllegalArgumentException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' lacks '" + p + "'");
        }
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        int worst = -1;
        double worstErr = 0;
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(actual[i] - expected[i]) - (ATOL + RTOL * Math.abs(expected[i]));
            if (err > 0 && (worst < 0 || err > worstErr)) {
                worst = i;
                worstErr = err;
            }
        }
        if (worst >= 0) {
            throw new AssertionError(what + ": element " + worst + " is " + actual[worst] + ", expected "
                    + expected[worst] + " (|a−e| ≤ " + ATOL + " + " + RTOL + "·|e|)");
        }
    }

    private static double norm(float[] a) {
        double s = 0;
        for (float v : a) {
            s += v * v;
        }
        return Math.sqrt(s);
    }
}
