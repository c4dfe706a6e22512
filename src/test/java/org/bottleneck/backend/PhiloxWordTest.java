package org.bottleneck.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@link Philox#word} (rounds on locals) agrees with {@link Philox#block} (rounds on an int[4]). */
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
}
