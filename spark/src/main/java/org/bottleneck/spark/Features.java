package org.bottleneck.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.bottleneck.data.DecodedImage;
import org.bottleneck.data.ImageDecoder;
import org.bottleneck.tensor.Shape;

/**
 * How one input row becomes the model's sample of D floats, and the checks that can run on the
 * driver, from the schema alone, before any task:
 *
 * <ul>
 *   <li>{@link Kind#COLUMNS}: D numeric columns, in the order given (a table; the checkpoint's
 *       standardization is applied afterwards). The count is checked against D on the driver.</li>
 *   <li>{@link Kind#VECTOR}: one array column of D numbers (float or double). The schema holds
 *       no length, so the length is checked per row.</li>
 *   <li>{@link Kind#IMAGE}: one binary column of PNG/JPEG bytes (Spark's {@code binaryFile}
 *       source gives {@code content}), decoded to the model's (C, H, W) and scaled to [0, 1];
 *       the decoded size is checked per row.</li>
 * </ul>
 * A row that cannot be read (a null, a wrong length, a non-finite value, bytes that do not decode
 * or decode to another size) throws {@link BadRow} with the reason.
 */
final class Features implements Serializable {
    enum Kind { COLUMNS, VECTOR, IMAGE }

    /** A row the model cannot take; the message names the problem and the value. */
    static final class BadRow extends RuntimeException {
        BadRow(String message) {
            super(message);
        }
    }

    private final Kind kind;
    private final String[] columns;   // the input columns read, by name
    private final int[] indices;      // their positions in the input schema
    private final int[] chw;          // model input (C, H, W) for IMAGE; null otherwise
    private final int size;           // D

    private Features(Kind kind, String[] columns, int[] indices, int[] chw, int size) {
        this.kind = kind;
        this.columns = columns;
        this.indices = indices;
        this.chw = chw;
        this.size = size;
    }

    /**
     * Resolves the columns against {@code schema} for a model taking samples of {@code input}:
     * exactly one of {@code featureColumns} (non-empty), {@code vectorColumn} or
     * {@code imageColumn}. Throws {@link IllegalArgumentException} with the columns and shapes
     * when they cannot fit.
     */
    static Features resolve(StructType schema, List<String> featureColumns, String vectorColumn, String imageColumn,
                            Shape input) {
        int given = (featureColumns == null || featureColumns.isEmpty() ? 0 : 1) + (vectorColumn == null ? 0 : 1)
                + (imageColumn == null ? 0 : 1);
        if (given != 1) {
            throw new IllegalArgumentException("name the input as exactly one of: feature columns, a vector column or an "
                    + "image column (got " + given + "); the table has " + Arrays.toString(schema.fieldNames()));
        }
        int d = (int) input.size();
        if (vectorColumn != null) {
            int i = index(schema, vectorColumn);
            DataType t = schema.fields()[i].dataType();
            if (!(t instanceof ArrayType a) || !(a.elementType() instanceof NumericType)) {
                throw new IllegalArgumentException("vector column '" + vectorColumn + "' must be an array of numbers, it is "
                        + t.simpleString());
            }
            return new Features(Kind.VECTOR, new String[] {vectorColumn}, new int[] {i}, null, d);
        }
        if (imageColumn != null) {
            int i = index(schema, imageColumn);
            DataType t = schema.fields()[i].dataType();
            if (!(t instanceof BinaryType)) {
                throw new IllegalArgumentException("image column '" + imageColumn + "' must hold bytes (binary), it is "
                        + t.simpleString());
            }
            int[] chw = input.rank() == 3 ? input.dims() : null;
            if (chw == null || (chw[0] != 1 && chw[0] != 3)) {
                throw new IllegalArgumentException("an image column needs a model that takes images (C, H, W) with C = 1 or 3; "
                        + "this one takes " + input);
            }
            return new Features(Kind.IMAGE, new String[] {imageColumn}, new int[] {i}, chw, d);
        }
        if (featureColumns.size() != d) {
            throw new IllegalArgumentException("the model takes " + d + " values per sample (shape " + input + "), "
                    + featureColumns.size() + " feature columns were given: " + featureColumns);
        }
        int[] idx = new int[d];
        List<String> notNumeric = new ArrayList<>();
        for (int j = 0; j < d; j++) {
            idx[j] = index(schema, featureColumns.get(j));
            StructField f = schema.fields()[idx[j]];
            if (!(f.dataType() instanceof NumericType)) {
                notNumeric.add(f.name() + " (" + f.dataType().simpleString() + ")");
            }
        }
        if (!notNumeric.isEmpty()) {
            throw new IllegalArgumentException("feature columns must be numeric: " + notNumeric);
        }
        return new Features(Kind.COLUMNS, featureColumns.toArray(String[]::new), idx, null, d);
    }

    /** The column named exactly so, else the one column whose name matches ignoring case (Spark's default resolution). */
    static int index(StructType schema, String name) {
        int loose = -1, matches = 0;
        for (int i = 0; i < schema.fields().length; i++) {
            String f = schema.fields()[i].name();
            if (f.equals(name)) {
                return i;
            }
            if (f.equalsIgnoreCase(name)) {
                loose = i;
                matches++;
            }
        }
        if (matches == 1) {
            return loose;
        }
        if (matches > 1) {
            throw new IllegalArgumentException("column '" + name + "' matches " + matches + " columns ignoring case in "
                    + Arrays.toString(schema.fieldNames()) + "; name it exactly");
        }
        throw new IllegalArgumentException("no column '" + name + "' in the table; it has " + Arrays.toString(schema.fieldNames()));
    }

    Kind kind() {
        return kind;
    }

    /** D, floats per sample. */
    int size() {
        return size;
    }

    /** The sample of {@code row} into {@code dst[offset, offset + D)}. */
    void read(Row row, float[] dst, int offset) {
        switch (kind) {
            case COLUMNS -> {
                for (int j = 0; j < size; j++) {
                    Object v = row.get(indices[j]);
                    if (v == null) {
                        throw new BadRow("column '" + columns[j] + "' is null");
                    }
                    dst[offset + j] = finite(((Number) v).doubleValue(), columns[j]);
                }
            }
            case VECTOR -> {
                Object v = row.get(indices[0]);
                if (v == null) {
                    throw new BadRow("vector column '" + columns[0] + "' is null");
                }
                if (v instanceof scala.collection.mutable.ArraySeq<?> seq && readArray(seq.array(), dst, offset)) {
                    return; // Spark's own array behind the row: no per-element wrapper calls
                }
                List<?> list = row.getList(indices[0]);
                if (list.size() != size) {
                    throw new BadRow("vector column '" + columns[0] + "' holds " + list.size() + " values, the model takes "
                            + size);
                }
                for (int j = 0; j < size; j++) {
                    Object e = list.get(j);
                    if (e == null) {
                        throw new BadRow("vector column '" + columns[0] + "' is null at position " + j);
                    }
                    dst[offset + j] = finite(((Number) e).doubleValue(), columns[0] + "[" + j + "]");
                }
            }
            case IMAGE -> {
                byte[] bytes = (byte[]) row.get(indices[0]);
                if (bytes == null) {
                    throw new BadRow("image column '" + columns[0] + "' is null");
                }
                DecodedImage img;
                try { // at most the model's pixels: a huge image is refused before it is decoded
                    img = ImageDecoder.decode(columns[0], bytes, chw[0], (long) chw[1] * chw[2]);
                } catch (RuntimeException e) {
                    throw new BadRow("image column '" + columns[0] + "' does not decode (" + bytes.length + " bytes): "
                            + e.getMessage());
                }
                if (img.height() != chw[1] || img.width() != chw[2]) {
                    throw new BadRow("image is " + img.width() + "×" + img.height() + ", the model takes " + chw[2] + "×"
                            + chw[1]);
                }
                byte[] px = img.chw();
                for (int j = 0; j < size; j++) {
                    dst[offset + j] = (px[j] & 0xff) / 255f;
                }
            }
        }
    }

    /** Copies a JVM array of D numbers; false when it is of a kind this does not read (then the List path does). */
    private boolean readArray(Object array, float[] dst, int offset) {
        int n = java.lang.reflect.Array.getLength(array);
        if (n != size) {
            throw new BadRow("vector column '" + columns[0] + "' holds " + n + " values, the model takes " + size);
        }
        if (array instanceof Object[] boxed) {
            for (int j = 0; j < size; j++) {
                if (!(boxed[j] instanceof Number num)) {
                    throw new BadRow("vector column '" + columns[0] + "' is " + boxed[j] + " at position " + j);
                }
                dst[offset + j] = finite(num.doubleValue(), columns[0] + "[" + j + "]");
            }
            return true;
        }
        if (array instanceof float[] f) {
            for (int j = 0; j < size; j++) {
                dst[offset + j] = finite(f[j], columns[0] + "[" + j + "]");
            }
            return true;
        }
        if (array instanceof double[] dd) {
            for (int j = 0; j < size; j++) {
                dst[offset + j] = finite(dd[j], columns[0] + "[" + j + "]");
            }
            return true;
        }
        return false;
    }

    private static float finite(double v, String where) {
        if (!Double.isFinite(v) || Math.abs(v) > Float.MAX_VALUE) {
            throw new BadRow(where + " is " + v + ", not a finite float");
        }
        return (float) v;
    }
}
