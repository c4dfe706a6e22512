package org.bottleneck.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the label column of a CSV file row by row and turns it into class indices once
 * the whole column is known: when every distinct value is an integer ({@code [+-]?[0-9]+})
 * the labels are those integers (each must be in [0, 2^31-1]); otherwise they are text,
 * numbered in sorted order of the distinct values. Memory: one int per row plus the
 * distinct values.
 */
final class CsvLabels {
    private final String file;
    private final String column;
    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> values = new ArrayList<>();
    private final List<Long> firstLines = new ArrayList<>();
    private int[] rowIds = new int[1024];
    private int rows;

    CsvLabels(String file, String column) {
        this.file = file;
        this.column = column;
    }

    /** Records the label of the next row, {@code line} 1-based; {@code value} is trimmed and non-empty. */
    void add(String value, long line) {
        Integer id = ids.get(value);
        if (id == null) {
            id = values.size();
            ids.put(value, id);
            values.add(value);
            firstLines.add(line);
        }
        if (rows == rowIds.length) {
            rowIds = CsvReader.grow(rowIds, rows + 1L, file);
        }
        rowIds[rows++] = id;
    }

    /** The class index of every row, in row order. */
    int[] labels() {
        int[] map = isIntegral() ? integerValues() : sortedRanks();
        int[] out = new int[rows];
        for (int i = 0; i < rows; i++) {
            out[i] = map[rowIds[i]];
        }
        return out;
    }

    /** Index → text for text labels, sorted; null for integer labels. */
    String[] classNames() {
        if (isIntegral()) {
            return null;
        }
        String[] sorted = values.toArray(new String[0]);
        Arrays.sort(sorted);
        return sorted;
    }

    private boolean isIntegral() {
        for (String v : values) {
            if (!isInteger(v)) {
                return false;
            }
        }
        return true;
    }

    static boolean isInteger(String s) {
        int i = s.startsWith("+") || s.startsWith("-") ? 1 : 0;
        if (i == s.length()) {
            return false;
        }
        for (; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private int[] integerValues() {
        int[] out = new int[values.size()];
        for (int id = 0; id < out.length; id++) {
            String v = values.get(id);
            String digits = v.startsWith("+") || v.startsWith("-") ? v.substring(1) : v;
            digits = digits.replaceFirst("^0+(?=.)", "");
            long n = digits.length() > 10 ? Long.MAX_VALUE : Long.parseLong(digits);
            if (v.startsWith("-") && n != 0) {
                throw new DataFormatException("CSV file " + file + " line " + firstLines.get(id) + ", column '"
                        + column + "': label " + v + " is negative; integer labels must be >= 0");
            }
            if (n > Integer.MAX_VALUE) {
                throw new DataFormatException("CSV file " + file + " line " + firstLines.get(id) + ", column '"
                        + column + "': label " + CsvReader.show(v) + " is larger than 2^31-1");
            }
            out[id] = (int) n;
        }
        return out;
    }

    private int[] sortedRanks() {
        String[] sorted = classNames();
        Map<String, Integer> rank = new HashMap<>();
        for (int i = 0; i < sorted.length; i++) {
            rank.put(sorted[i], i);
        }
        int[] out = new int[values.size()];
        for (int id = 0; id < out.length; id++) {
            out[id] = rank.get(values.get(id));
        }
        return out;
    }
}
