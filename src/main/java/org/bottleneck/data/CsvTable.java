package org.bottleneck.data;

/**
 * A numeric table read by {@link CsvReader}: F feature columns of float32 and optional class
 * labels. The arrays are the reader's own (not copied: they can be large).
 *
 * @param featureNames the F feature column names, in file order (the label column removed)
 * @param rows         N, the number of data rows (≥ 1)
 * @param values       (N, F) row-major: {@code values[r·F + f]}, every value finite
 * @param labels       (N) class indices ≥ 0, or null when the table has no label column
 * @param classNames   for text labels, index → the original text, sorted; null for integer
 *                     labels (kept as written) and for no labels
 */
public record CsvTable(String[] featureNames, int rows, float[] values, int[] labels, String[] classNames) {
    public CsvTable {
        if ((long) rows * featureNames.length != values.length) {
            throw new IllegalArgumentException(rows + " rows of " + featureNames.length + " features need "
                    + (long) rows * featureNames.length + " values, got " + values.length);
        }
        if (labels != null && labels.length != rows) {
            throw new IllegalArgumentException(rows + " rows but " + labels.length + " labels");
        }
        if (classNames != null && labels == null) {
            throw new IllegalArgumentException("class names without labels");
        }
    }

    /** F, the number of feature columns. */
    public int features() {
        return featureNames.length;
    }
}
