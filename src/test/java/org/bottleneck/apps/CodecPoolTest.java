package org.bottleneck.apps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.bottleneck.backend.Backend;
import org.bottleneck.backend.Backends;
import org.bottleneck.data.Dataset;
import org.bottleneck.data.Mnist;
import org.bottleneck.model.Checkpoint;
import org.bottleneck.model.Model;
import org.bottleneck.model.Presets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The codec pool under 8 request threads: every result is bit-equal to the single-threaded
 * Codec's on the same weights (each slot runs the same ops on the same batch-1 shapes, and the
 * CPU backend's native pool gives the same bits whoever holds it), borrowing blocks while every
 * slot is out, and close is idempotent and final. The dense {@code vae} preset with seeded random
 * weights: agreement needs no training.
 */
class CodecPoolTest {
    private static final int D = 784, IMAGES = 32, THREADS = 8, CALLS_PER_THREAD = 300;
    private static Backend backend;
    private static Model model;
    private static float[] x;
    private static float[][] codes, recons;
    private static float[] scores;

    @BeforeAll
    static void reference() {
        backend = Backends.open("cpu", 0);
        Dataset test = Mnist.load(Path.of("data/mnist"), false);
        model = new Model(backend, Presets.get("vae"), 17);
        x = Figures.images(test, 0, IMAGES);
        Codec codec = new Codec(model);
        codes = new float[IMAGES][model.latentDim()];
        recons = new float[IMAGES][D];
        scores = new float[IMAGES];
        for (int i = 0; i < IMAGES; i++) {
            float[] img = image(i);
            codec.encode(img, codes[i]);
            codec.reconstruct(img, recons[i]);
            scores[i] = codec.score(img);
        }
    }

    @AfterAll
    static void close() {
        model.close();
        backend.close();
    }

    private static float[] image(int i) {
        float[] img = new float[D];
        System.arraycopy(x, i * D, img, 0, D);
        return img;
    }

    private static CodecPool pool(int size) {
        return CodecPool.copiesOf(model, size, () -> Backends.open("cpu", 0));
    }

    /** 8 threads × 300 rounds × (encode, score, reconstruct) = 7200 calls on 3 slots. */
    @Test
    void eightThreadsGetTheSingleThreadedBits() throws Exception {
        AtomicInteger mismatches = new AtomicInteger();
        List<String> first = java.util.Collections.synchronizedList(new ArrayList<>());
        try (CodecPool pool = pool(3)) {
            ExecutorService exec = Executors.newFixedThreadPool(THREADS);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(exec.submit(() -> {
                    start.await();
                    float[] code = new float[pool.latentDim()], y = new float[pool.outputSize()];
                    int calls = 0;
                    for (int c = 0; c < CALLS_PER_THREAD; c++) {
                        int i = (thread * 7 + c * 13) % IMAGES;
                        float[] img = image(i);
                        pool.encode(img, code);
                        float s = pool.score(img);
                        pool.reconstruct(img, y);
                        calls += 3;
                        if (!java.util.Arrays.equals(code, codes[i]) || Float.floatToIntBits(s) != Float.floatToIntBits(scores[i])
                                || !java.util.Arrays.equals(y, recons[i])) {
                            mismatches.incrementAndGet();
                            first.add("thread " + thread + " call " + c + " image " + i + ": score " + s + " vs " + scores[i]);
                        }
                    }
                    return calls;
                }));
            }
            start.countDown();
            int calls = 0;
            for (Future<Integer> f : done) {
                calls += f.get(60, TimeUnit.SECONDS);
            }
            exec.shutdown();
            assertEquals(THREADS * CALLS_PER_THREAD * 3, calls);
        }
        assertEquals(0, mismatches.get(), () -> "results differ from the single-threaded ones, e.g. "
                + first.subList(0, Math.min(3, first.size())));
    }

    @Test
    void aPoolLoadedFromACheckpointGivesTheSameBits(@TempDir Path tmp) {
        Path file = tmp.resolve("vae.safetensors");
        Checkpoint.save(file, model, null, null);
        try (CodecPool pool = CodecPool.load(file, 2, () -> Backends.open("cpu", 0))) {
            assertEquals(2, pool.size());
            assertEquals(D, pool.inputSize());
            float[] code = new float[pool.latentDim()];
            for (int i = 0; i < 4; i++) {
                pool.encode(image(i), code);
                assertArrayEquals(codes[i], code, "image " + i);
                assertEquals(scores[i], pool.score(image(i)));
            }
        }
    }

    @Test
    void borrowBlocksWhileEverySlotIsOutAndTimesOut() throws Exception {
        try (CodecPool pool = pool(1)) {
            CodecPool.Lease lease = pool.borrow();
            ExecutorService exec = Executors.newSingleThreadExecutor();
            Future<Float> waiting = exec.submit(() -> pool.score(image(0)));
            Thread.sleep(200);
            assertFalse(waiting.isDone(), "a second borrower got a slot of a pool of one");
            TimeoutException e = assertThrows(TimeoutException.class, () -> pool.borrow(50, TimeUnit.MILLISECONDS));
            assertTrue(e.getMessage().contains("all 1 in use"), e.getMessage());
            lease.close();
            lease.close(); // idempotent: the slot goes back once
            assertEquals(scores[0], waiting.get(10, TimeUnit.SECONDS));
            assertThrows(IllegalStateException.class, lease::codec);
            try (CodecPool.Lease a = pool.borrow(1, TimeUnit.SECONDS)) {
                assertEquals(scores[1], a.codec().score(image(1)));
            }
            exec.shutdown();
        }
    }

    @Test
    void closeIsIdempotentWakesWaitersAndFreesBorrowedSlotsOnReturn() throws Exception {
        CodecPool pool = pool(1);
        CodecPool.Lease lease = pool.borrow();
        ExecutorService exec = Executors.newSingleThreadExecutor();
        Future<Float> waiting = exec.submit(() -> pool.score(image(0)));
        Thread.sleep(100);
        pool.close();
        pool.close();
        java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> waiting.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof IllegalStateException && e.getCause().getMessage().contains("closed"),
                String.valueOf(e.getCause()));
        assertEquals(scores[2], lease.codec().score(image(2)), "a lease stays usable until returned");
        lease.close(); // frees the slot's model and backend now
        assertThrows(IllegalStateException.class, pool::borrow);
        assertThrows(IllegalStateException.class, () -> pool.encode(image(0), new float[20]));
        exec.shutdown();
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> pool(0));
        assertTrue(bad.getMessage().contains("got 0"), bad.getMessage());
    }
}
