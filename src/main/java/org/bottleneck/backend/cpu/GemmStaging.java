package org.bottleneck.backend.cpu;

import static org.bytedeco.openblas.global.openblas.CblasColMajor;
import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasTrans;

import org.bottleneck.backend.GemmMapping;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;

/**
 * Runs cblas_sgemm on operands that live in Java arrays. JavaCPP passes a float[] to native
 * code by copying the whole array (measured: 11 ms for a 1×1×1 GEMM on a 2M-float array), so
 * the operands' used regions are copied into one off-heap buffer instead (only m·k, k·n and
 * m·n floats; C only when beta ≠ 0), and C is copied back. The buffer grows to the largest
 * GEMM seen and is then reused: the steady state allocates nothing.
 */
final class GemmStaging {
    private FloatPointer base;   // owns the memory
    private FloatPointer a, b, c; // views into base
    private long capacity;

    void gemm(GemmMapping g, float alpha, float[] aData, int aOff, int aLen,
              float[] bData, int bOff, int bLen, float beta, float[] cData, int cOff, int cLen) {
        ensure((long) aLen + bLen + cLen);
        a.position(0).put(aData, aOff, aLen);
        b.position(aLen).put(bData, bOff, bLen);
        c.position((long) aLen + bLen);
        if (beta != 0f) {
            c.put(cData, cOff, cLen);
        }
        // Column-major: the first operand is row-major B, the second row-major A (GemmMapping).
        openblas.cblas_sgemm(CblasColMajor,
                g.transFirst() ? CblasTrans : CblasNoTrans,
                g.transSecond() ? CblasTrans : CblasNoTrans,
                g.m(), g.n(), g.k(), alpha, b, g.ldFirst(), a, g.ldSecond(), beta, c, g.ldc());
        c.get(cData, cOff, cLen);
    }

    private void ensure(long floats) {
        if (floats <= capacity) {
            return;
        }
        if (base != null) {
            base.close();
        }
        capacity = Math.max(floats, capacity * 3 / 2);
        base = new FloatPointer(capacity);
        if (base.isNull()) {
            throw new OutOfMemoryError("gemm staging: " + capacity * 4 + " bytes of native memory failed");
        }
        a = new FloatPointer(base);
        b = new FloatPointer(base);
        c = new FloatPointer(base);
    }

    void close() {
        if (base != null) {
            base.close();
            base = null;
            capacity = 0;
        }
    }
}
