package org.bottleneck.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The fast paths agree with the definitions: {@link Philox#word} (rounds on locals) with
 * {@link Philox#block} (rounds on an int[4]), {@link Philox#fillNormal} with {@link Philox#normal}.
 */
class PhiloxWordTest {

    @Test
    void wordIsTheLaneOfItsBlock() {
        long[] seeds = {0L, -1L, 42L, 0x243F6A8885A308D3L, Philox.derive(7, 3)};
        long[] starts = {0L, 4L * 0xFFFFFFFFL - 8, 1L << 40, Long.MAX_VALUE - 64};
        for (long seed : seeds) {
            for (long start : starts) {
                for (long n = start; n < start + 64; n++) {
                    long blk = n >>> 2;
                    int[] c = {(int) blk, (int) (blk >>> 32), 0, 0};
                    Philox.block(c, (int) seed, (int) (seed >>> 32));
                    assertEquals(c[(int) (n & 3)], Philox.word(seed, n), "seed " + seed + ", n " + n);
                }
            }
        }
    }

    @Test
    void fillNormalIsNormalElementByElement() {
        int[] scratch = new int[4];
        long seed = Philox.derive(11, 2);
        // Starts and lengths at every phase of a pair and of a block, including one element alone.
        for (long start : new long[] {0, 1, 2, 3, 5, 1L << 33}) {
            for (int count : new int[] {1, 2, 3, 4, 5, 7, 64, 65}) {
                float[] out = new float[count + 3];
                out[2 + count] = 42f; // a sentinel after the range
                Philox.fillNormal(seed, start, out, 2, count, scratch);
                for (int i = 0; i < count; i++) {
                    assertEquals(Philox.normal(seed, start + i), out[2 + i], "start " + start + ", i " + i);
                }
                assertEquals(0f, out[1], "wrote before the range");
                assertEquals(42f, out[2 + count], "wrote after the range");
            }
        }
    }
}
