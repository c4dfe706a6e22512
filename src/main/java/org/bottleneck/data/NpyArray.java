package org.bottleneck.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A numeric array read from a .npy file: its dtype, its shape and its elements as the raw
 * bytes of the file, row-major (C order). Nothing is converted until asked, so a 1 GB uint8
 * image array stays 1 GB.
 *
 * <p>Dtypes (NumPy's descr): {@code <f4 <f8 |u1 |i1 <i2 <u2 <i4 <u4 <i8 <u8}, and the
 * big-endian forms {@code >f4 …} of the multi-byte ones.
 *
 * @param dtype   the normalized descr: {@code |} for one-byte types, else {@code <} or {@code >}
 * @param shape   dimensions (rank ≥ 1, each ≥ 0); product ≤ 2^31-1
 * @param payload the elements, {@code size()·itemSize()} bytes, in the dtype's byte order
 * @param source  the file name, for messages
 */
public record NpyArray(String dtype, int[] shape, ByteBuffer payload, String source) {
    /** Element types, with their size in bytes. */
    enum Kind {
        F4(4, true), F8(8, true), U1(1, false), I1(1, false), I2(2, false), U2(2, false), I4(4, false),
        U4(4, false), I8(8, false), U8(8, false);

        final int bytes;
        final boolean floating;

        Kind(int bytes, boolean floating) {
            this.bytes = bytes;
            this.floating = floating;
        }

        /** The kind of a normalized descr such as {@code <f4}, or null when unsupported. */
        static Kind of(String dtype) {
            if (dtype.length() < 3) {
                return null;
            }
            Kind k;
            try {
                k = valueOf(dtype.substring(1).toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return null;
            }
            char order = dtype.charAt(0);
            boolean ok = k.bytes == 1 ? order == '|' : order == '<' || order == '>';
            return ok ? k : null;
        }
    }

    public NpyArray {
        Kind kind = Kind.of(dtype);
        if (kind == null) {
            throw new IllegalArgumentException(source + ": unsupported dtype '" + dtype + "'");
        }
        shape = shape.clone();
        long n = elements(shape);
        if (n < 0 || (long) payload.remaining() != n * kind.bytes) {
            throw new IllegalArgumentException(source + ": shape " + Arrays.toString(shape) + " of " + dtype
                    + " needs " + (n < 0 ? "too many" : n * kind.bytes) + " bytes, payload has " + payload.remaining());
        }
        payload = payload.slice().asReadOnlyBuffer().order(order(dtype));
    }

    /**
     * Product of {@code shape}, or -1 when a dimension is negative or the product exceeds
     * 2^31-1 (a shape with a 0 holds 0 elements, however large the others).
     */
    static long elements(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                return -1;
            }
            n = d == 0 ? 0 : n;
        }
        for (int i = 0; i < shape.length && n > 0; i++) {
            n *= shape[i];
            if (n > Integer.MAX_VALUE) {
                return -1;
            }
        }
        return n;
    }

    private static ByteOrder order(String dtype) {
        return dtype.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** A read-only view of the elements' bytes, positioned at the first, in the dtype's byte order. */
    @Override
    public ByteBuffer payload() {
        return payload.duplicate().order(payload.order());
    }

    /** Number of elements: the product of the shape. */
    public long size() {
        return elements(shape);
    }

    /** Bytes per element. */
    public int itemSize() {
        return Kind.of(dtype).bytes;
    }

    /** True for {@code f4} and {@code f8}. */
    public boolean isFloating() {
        return Kind.of(dtype).floating;
    }

    /**
     * All elements as float32, row-major. Integers above 2^24 and float64 values round to
     * the nearest float; float64 beyond ±3.4e38 becomes ±Inf and NaN stays NaN: check
     * {@link #firstNonFinite()} when that matters.
     */
    public float[] toFloats() {
        int n = (int) size();
        float[] out = new float[n];
        ByteBuffer b = payload();
        switch (Kind.of(dtype)) {
            case F4 -> b.asFloatBuffer().get(out);
            case F8 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) b.getDouble(8 * i);
                }
            }
            case U1 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.get(i) & 0xFF;
                }
            }
            case I1 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.get(i);
                }
            }
            case I2 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getShort(2 * i);
                }
            }
            case U2 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getShort(2 * i) & 0xFFFF;
                }
            }
            case I4 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getInt(4 * i);
                }
            }
            case U4 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getInt(4 * i) & 0xFFFFFFFFL;
                }
            }
            case I8 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getLong(8 * i);
                }
            }
            case U8 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = unsignedToFloat(b.getLong(8 * i));
                }
            }
        }
        return out;
    }

    private static float unsignedToFloat(long v) {
        return v >= 0 ? v : (float) (v >>> 1 | (v & 1)) * 2f; // the low bit kept as a sticky bit: rounds once
    }

    /**
     * Index (row-major) of the first element that is NaN or infinite once converted to
     * float32 as {@link #toFloats()} does, or -1 when all are finite (always -1 for integers).
     */
    public int firstNonFinite() {
        ByteBuffer b = payload();
        int n = (int) size();
        Kind k = Kind.of(dtype);
        for (int i = 0; k.floating && i < n; i++) {
            float v = k == Kind.F4 ? b.getFloat(4 * i) : (float) b.getDouble(8 * i);
            if (!Float.isFinite(v)) {
                return i;
            }
        }
        return -1;
    }

    /** A copy of the raw bytes, row-major; only for {@code |u1}, as images are stored. */
    public byte[] uint8() {
        if (!dtype.equals("|u1")) {
            throw new DataFormatException("npy file " + source + " holds " + dtype + " " + Arrays.toString(shape)
                    + ", expected |u1 (uint8)");
        }
        byte[] out = new byte[(int) size()];
        payload().get(out);
        return out;
    }

    /**
     * The elements as class labels: integers in [0, 2^31-1]. Integer dtypes are taken as they
     * are; float dtypes only when every value is such an integer exactly (1.0, not 1.5).
     * Throws {@link DataFormatException} naming the first offending index and value.
     */
    public int[] toLabels() {
        int n = (int) size();
        int[] out = new int[n];
        ByteBuffer b = payload();
        Kind k = Kind.of(dtype);
        for (int i = 0; i < n; i++) {
            if (k.floating) {
                double v = k == Kind.F4 ? b.getFloat(4 * i) : b.getDouble(8 * i);
                if (!(v >= 0 && v <= Integer.MAX_VALUE && v == Math.rint(v))) {
                    throw badLabel(i, Double.toString(v));
                }
                out[i] = (int) v;
            } else {
                long v = integer(b, k, i);
                if (v < 0 || v > Integer.MAX_VALUE) {
                    throw badLabel(i, k == Kind.U8 ? Long.toUnsignedString(v) : Long.toString(v));
                }
                out[i] = (int) v;
            }
        }
        return out;
    }

    private static long integer(ByteBuffer b, Kind k, int i) {
        return switch (k) {
            case U1 -> b.get(i) & 0xFF;
            case I1 -> b.get(i);
            case I2 -> b.getShort(2 * i);
            case U2 -> b.getShort(2 * i) & 0xFFFF;
            case I4 -> b.getInt(4 * i);
            case U4 -> b.getInt(4 * i) & 0xFFFFFFFFL;
            case I8, U8 -> b.getLong(8 * i); // a U8 above 2^63-1 reads negative: rejected as a label
            default -> throw new IllegalStateException(k.toString());
        };
    }

    private DataFormatException badLabel(int index, String value) {
        return new DataFormatException("npy file " + source + " (" + dtype + " " + Arrays.toString(shape)
                + "): element " + index + " is " + value + ", not a class label (an integer in [0, 2^31-1])");
    }

    @Override
    public String toString() {
        return "NpyArray[" + source + ", " + dtype + " " + Arrays.toString(shape) + "]";
    }
}
