package org.bottleneck.backend.cuda;

import org.bottleneck.backend.cuda.KernelSignatures.Param;
import org.bottleneck.backend.cuda.KernelSignatures.Signature;

/**
 * The argument block of one kernel, shaped by its {@link Signature}: one holder array per
 * parameter (long[1] for pointers and u64, int[1], float[1]) that a launcher fills in order and
 * a {@link Device} passes to the launch. The holders are made once, so a launch allocates
 * nothing; a device may cache its own launch handle in {@link #deviceHandle}.
 *
 * <p>Usage: {@code k.begin().ptr(x).i32(n).f32(alpha).launch(device, grid, 1, block, 1)}.
 * A wrong kind or count throws before anything reaches the device. Not thread-safe (one
 * backend, one stream, one thread).
 */
final class Kernel {
    final Signature signature;
    final Object[] holders;
    Object deviceHandle;
    private int next;

    Kernel(Signature signature) {
        this.signature = signature;
        this.holders = new Object[signature.params().size()];
        for (int i = 0; i < holders.length; i++) {
            holders[i] = switch (signature.params().get(i)) {
                case PTR, U64 -> new long[1];
                case I32 -> new int[1];
                case F32 -> new float[1];
            };
        }
    }

    Kernel begin() {
        next = 0;
        return this;
    }

    /** A device address; 0 for a null pointer. */
    Kernel ptr(long address) {
        ((long[]) slot(Param.PTR))[0] = address;
        return this;
    }

    Kernel u64(long value) {
        ((long[]) slot(Param.U64))[0] = value;
        return this;
    }

    Kernel i32(int value) {
        ((int[]) slot(Param.I32))[0] = value;
        return this;
    }

    Kernel f32(float value) {
        ((float[]) slot(Param.F32))[0] = value;
        return this;
    }

    private Object slot(Param kind) {
        if (next >= holders.length || signature.params().get(next) != kind) {
            throw new IllegalStateException("kernel " + signature.name() + ": argument " + next + " passed as "
                    + kind + " but the signature is " + signature.params());
        }
        return holders[next++];
    }

    /** Launches on the device's stream once every argument is set. */
    void launch(Device device, int gridX, int gridY, int blockX, int blockY) {
        if (next != holders.length) {
            throw new IllegalStateException("kernel " + signature.name() + ": " + next + " of "
                    + holders.length + " arguments set " + signature.params());
        }
        if (gridX < 1 || gridY < 1 || blockX < 1 || blockY < 1 || blockX * blockY > 1024) {
            throw new IllegalArgumentException("kernel " + signature.name() + ": invalid launch grid ("
                    + gridX + "," + gridY + ") block (" + blockX + "," + blockY + ")");
        }
        device.launch(this, gridX, gridY, blockX, blockY);
    }

    /** Kind of parameter i. */
    Param kind(int i) {
        return signature.params().get(i);
    }
}
