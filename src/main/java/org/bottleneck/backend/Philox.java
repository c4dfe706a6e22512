package org.bottleneck.backend;

/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11), the
 * counter-based generator shared bit for bit by the CPU backend and the CUDA kernels
 * (native/kernels/philox.cuh). A stream is {@code (seed, offset)}; element n of it is
 * independent of every other element, so any thread can compute any element.
 *
 * <p>Stream layout (the contract both sides implement):
 * <ul>
 *   <li>key = (low 32 bits of seed, high 32 bits of seed);</li>
 *   <li>word n: counter = (low32(n/4), high32(n/4), 0, 0), output word n % 4;</li>
 *   <li>uniform n: {@code (2·(word >>> 9) + 1) · 2^-24}, exact in float, strictly inside (0, 1);</li>
 *   <li>normal n: Box–Muller on uniforms {@code u1 = uniform(n & ~1)}, {@code u2 = uniform(n | 1)}:
 *       {@code r = sqrt(−2 ln u1)}, even n gives {@code r·cos(2π u2)}, odd n {@code r·sin(2π u2)},
 *       computed in double and rounded to float.</li>
 * </ul>
 * Uniform bits are identical on CPU and GPU; normals agree to within one float ulp (the double
 * log/sin/cos of the two math libraries may differ in their last bit).
 */
public final class Philox {
    private static final int M0 = 0xD2511F53;
    private static final int M1 = 0xCD9E8D57;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;
    private static final float TWO_POW_MINUS_24 = 0x1.0p-24f;

    private Philox() {
    }

    /**
     * Ten rounds of Philox4x32 on {@code ctr} with key (k0, k1); the result replaces ctr.
     * ctr: int[4].
     */
    public static void block(int[] ctr, int k0, int k1) {
        int c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
        for (int round = 0; round < 10; round++) {
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int hi0 = (int) (p0 >>> 32), lo0 = (int) p0;
            int hi1 = (int) (p1 >>> 32), lo1 = (int) p1;
            int n0 = hi1 ^ c1 ^ k0;
            int n1 = lo1;
            int n2 = hi0 ^ c3 ^ k1;
            int n3 = lo0;
            c0 = n0; c1 = n1; c2 = n2; c3 = n3;
            k0 += W0;
            k1 += W1;
        }
        ctr[0] = c0; ctr[1] = c1; ctr[2] = c2; ctr[3] = c3;
    }

    /**
     * Raw 32-bit word n of stream seed. The rounds of {@link #block} on locals rather than an
     * int[4]: the CPU backend calls this per element on the training path, and an array read at
     * the variable index {@code n & 3} is one that C2's escape analysis cannot remove (it cost
     * 64 bytes per normal draw, 1280 bytes per sample per VAE step at Z = 20).
     */
    public static int word(long seed, long n) {
        long block = n >>> 2;
        int c0 = (int) block, c1 = (int) (block >>> 32), c2 = 0, c3 = 0;
        int k0 = (int) seed, k1 = (int) (seed >>> 32);
        for (int round = 0; round < 10; round++) {
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            c1 = (int) p1;
            c3 = (int) p0;
            c0 = n0;
            c2 = n2;
            k0 += W0;
            k1 += W1;
        }
        return switch ((int) (n & 3)) {
            case 0 -> c0;
            case 1 -> c1;
            case 2 -> c2;
            default -> c3;
        };
    }

    /** Maps a 32-bit word to a float strictly inside (0, 1); exact in float arithmetic. */
    public static float toUniform(int word) {
        return (float) (2 * (word >>> 9) + 1) * TWO_POW_MINUS_24;
    }

    public static float uniform(long seed, long n) {
        return toUniform(word(seed, n));
    }

    /** Box–Muller from the pair (u1, u2); {@code odd} picks the sine branch. */
    public static float boxMuller(float u1, float u2, boolean odd) {
        double r = Math.sqrt(-2.0 * Math.log(u1));
        double theta = 2.0 * Math.PI * u2;
        return (float) (odd ? r * Math.sin(theta) : r * Math.cos(theta));
    }

    public static float normal(long seed, long n) {
        return boxMuller(uniform(seed, n & ~1L), uniform(seed, n | 1L), (n & 1) != 0);
    }

    /**
     * Fills {@code out[0..count)} with uniforms offset..offset+count of the stream, one Philox
     * block per four outputs. {@code scratch} is an int[4] so the caller can avoid allocation.
     */
    public static void fillUniform(long seed, long offset, float[] out, int count, int[] scratch) {
        int k0 = (int) seed, k1 = (int) (seed >>> 32);
        long n = offset;
        int i = 0;
        while (i < count) {
            long blk = n >>> 2;
            scratch[0] = (int) blk; scratch[1] = (int) (blk >>> 32); scratch[2] = 0; scratch[3] = 0;
            block(scratch, k0, k1);
            for (int lane = (int) (n & 3); lane < 4 && i < count; lane++, i++, n++) {
                out[i] = toUniform(scratch[lane]);
            }
        }
    }

    /**
     * Writes normals offset..offset+count of the stream to {@code out[from..from+count)}, the
     * same floats as {@link #normal} gives one by one, at a fraction of the cost: one Philox
     * block per four normals (normal(n) draws on words n&amp;~1 and n|1, which share a block)
     * and one logarithm per pair. {@code scratch} is an int[4] so the caller avoids allocation.
     */
    public static void fillNormal(long seed, long offset, float[] out, int from, int count, int[] scratch) {
        int k0 = (int) seed, k1 = (int) (seed >>> 32);
        long end = offset + count;
        for (long n = offset & ~1L; n < end; ) {
            long blk = n >>> 2;
            scratch[0] = (int) blk; scratch[1] = (int) (blk >>> 32); scratch[2] = 0; scratch[3] = 0;
            block(scratch, k0, k1);
            for (long blockEnd = Math.min((blk + 1) * 4, end); n < blockEnd; n += 2) {
                boolean low = (n & 3) == 0; // words (0, 1) or (2, 3) of the block
                float u1 = toUniform(low ? scratch[0] : scratch[2]), u2 = toUniform(low ? scratch[1] : scratch[3]);
                double r = Math.sqrt(-2.0 * Math.log(u1)); // as in boxMuller
                double theta = 2.0 * Math.PI * u2;
                if (n >= offset) {
                    out[from + (int) (n - offset)] = (float) (r * Math.cos(theta));
                }
                if (n + 1 < end) {
                    out[from + (int) (n + 1 - offset)] = (float) (r * Math.sin(theta));
                }
            }
        }
    }

    /** A well-mixed 64-bit seed for a sub-stream (layer, purpose) of a run seed (SplitMix64). */
    public static long derive(long seed, long stream) {
        long z = seed + 0x9E3779B97F4A7C15L * (stream + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
