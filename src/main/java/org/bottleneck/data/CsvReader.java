package org.bottleneck.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a numeric table from a CSV file (RFC 4180, parsed by Apache Commons CSV): a header
 * row of unique, non-empty column names, then one row per sample, every row with as many
 * fields as the header. UTF-8, with or without a byte-order mark; LF or CRLF; fields may be
 * quoted (and then hold commas, quotes doubled, or line breaks). Blank lines are skipped.
 *
 * <p>Every feature cell must be a finite float32 written in plain decimal: optional sign,
 * digits with an optional point, optional exponent ({@code 3}, {@code -0.5}, {@code .5},
 * {@code 1e-3}, {@code +2.5E4}); surrounding spaces are ignored. Refused, with the 1-based
 * line, the column and the cell in the message: empty cells (missing data), NaN and
 * infinities, values beyond ±3.4e38, and forms Java would accept but a table should not
 * hold ({@code 1d}, {@code 0x1p3}, {@code Infinity}).
 *
 * <p>The label column ({@code labelColumn}): null for none; a column name, which must exist;
 * or {@value #AUTO}: the one column named {@code label}, {@code class}, {@code target} or
 * {@code y} (any case) when exactly one exists, else none. Labels are integers (kept as
 * written, each ≥ 0) or text (see {@link CsvLabels}).
 *
 * <p>Memory: the values are parsed streaming into a growing float array; a table over
 * 2^31-9 values, or one the heap cannot hold, is a {@link DataException} naming the file.
 */
public final class CsvReader {
    /** The {@code labelColumn} that picks a column named label, class, target or y. */
    public static final String AUTO = "auto";
    private static final List<String> AUTO_NAMES = List.of("label", "class", "target", "y");
    private static final int MAX_VALUES = Integer.MAX_VALUE - 8;
    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder()
            .setIgnoreEmptyLines(false) // skipped here, so that line numbers stay exact
            .setIgnoreSurroundingSpaces(true)
            .get();

    private CsvReader() {
    }

    /** Reads {@code file} (UTF-8); see the class comment for {@code labelColumn}. */
    public static CsvTable read(Path file, String labelColumn) {
        try {
            return readUtf8(file, labelColumn);
        } catch (DataFormatException e) {
            if (e.getCause() instanceof CharacterCodingException) {
                throw new DataFormatException("CSV file " + file + " is not valid UTF-8 at " + malformedAt(file)
                        + "; save it as UTF-8", e.getCause());
            }
            throw e;
        }
    }

    private static CsvTable readUtf8(Path file, String labelColumn) {
        try (Reader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16)) {
            return parse(file.toString(), in, labelColumn);
        } catch (NoSuchFileException e) {
            throw new DataException("CSV file not found: " + file.toAbsolutePath(), e);
        } catch (IOException e) {
            throw new DataException("cannot read CSV file " + file + ": " + e, e);
        }
    }

    private static String malformedAt(Path file) {
        try {
            return String.valueOf(Utf8Errors.locate(file));
        } catch (IOException e) {
            return "an unknown position (" + e + ")";
        }
    }

    /** Reads a table from {@code in}; {@code name} names it in errors. Does not close {@code in}. */
    public static CsvTable parse(String name, Reader in, String labelColumn) {
        return parse(name, in, labelColumn, MAX_VALUES);
    }

    /** As {@link #parse(String, Reader, String)} holding at most {@code maxValues} values (tests use a small one). */
    static CsvTable parse(String name, Reader in, String labelColumn, int maxValues) {
        BufferedReader r = in instanceof BufferedReader b ? b : new BufferedReader(in);
        try {
            skipByteOrderMark(r);
            return new Table(name, CSVParser.parse(r, FORMAT), maxValues).read(labelColumn);
        } catch (IOException e) {
            throw malformed(name, -1, e);
        }
    }

    private static void skipByteOrderMark(BufferedReader r) throws IOException {
        r.mark(1);
        if (r.read() != '\uFEFF') {
            r.reset();
        }
    }

    /** One parse: the header, then the rows into a growing value array. */
    private static final class Table {
        private final String file;
        private final CSVParser parser;
        private final Iterator<CSVRecord> records;
        private final int maxValues;
        private long line;

        Table(String file, CSVParser parser, int maxValues) {
            this.file = file;
            this.parser = parser;
            this.maxValues = maxValues;
            this.records = parser.iterator();
        }

        /** The next non-blank record, setting {@link #line} to its first line; null at the end. */
        private CSVRecord next() {
            while (true) {
                long before = parser.getCurrentLineNumber();
                boolean more;
                try {
                    more = records.hasNext();
                } catch (UncheckedIOException e) {
                    throw malformed(file, before + 1, e.getCause());
                } catch (IllegalStateException e) {
                    throw malformed(file, before + 1, e);
                }
                if (!more) {
                    return null;
                }
                CSVRecord rec = records.next();
                line = before + 1;
                if (rec.size() > 1 || !rec.get(0).isBlank()) {
                    return rec;
                }
            }
        }

        CsvTable read(String labelColumn) {
            CSVRecord header = next();
            if (header == null) {
                throw new DataFormatException("CSV file " + file + " is empty: expected a header row of column names");
            }
            String[] names = header(header);
            int label = labelIndex(names, labelColumn);
            int columns = names.length;
            int features = label < 0 ? columns : columns - 1;
            if (features == 0) {
                throw new DataFormatException("CSV file " + file + " has no feature columns: its only column '"
                        + names[0] + "' is the label");
            }
            String[] featureNames = new String[features];
            for (int c = 0, f = 0; c < columns; c++) {
                if (c != label) {
                    featureNames[f++] = names[c];
                }
            }
            CsvLabels labels = label < 0 ? null : new CsvLabels(file, names[label]);
            float[] values = new float[(int) Math.min(maxValues, Math.max(features, Math.min(features * 256L, 1 << 16)))];
            long n = 0;
            int rows = 0;
            for (CSVRecord rec = next(); rec != null; rec = next()) {
                if (rec.size() != columns) {
                    throw new DataFormatException("CSV file " + file + " line " + line + " has " + rec.size()
                            + " fields, header has " + columns);
                }
                if (n + features > values.length) {
                    values = grow(values, n + features, maxValues, file, rows, features);
                }
                for (int c = 0; c < columns; c++) {
                    String cell = rec.get(c).trim();
                    if (c == label) {
                        if (cell.isEmpty()) {
                            throw cellError(names[c], cell, "is an empty cell (missing label)");
                        }
                        labels.add(cell, line);
                    } else {
                        values[(int) n++] = number(names[c], cell);
                    }
                }
                rows++;
            }
            if (rows == 0) {
                throw new DataFormatException("CSV file " + file + " has a header (" + columns
                        + " columns) but no data rows");
            }
            if (n != values.length) {
                values = copy(values, (int) n, file);
            }
            return new CsvTable(featureNames, rows, values, labels == null ? null : labels.labels(),
                    labels == null ? null : labels.classNames());
        }

        private String[] header(CSVRecord header) {
            String[] names = new String[header.size()];
            Map<String, Integer> seen = new HashMap<>();
            for (int c = 0; c < names.length; c++) {
                names[c] = header.get(c).trim();
                if (names[c].isEmpty()) {
                    throw new DataFormatException("CSV file " + file + " line " + line + ": column " + (c + 1)
                            + " of the header has an empty name");
                }
                Integer prev = seen.put(names[c], c);
                if (prev != null) {
                    throw new DataFormatException("CSV file " + file + " line " + line + ": column name '"
                            + show(names[c]) + "' appears twice (columns " + (prev + 1) + " and " + (c + 1) + ")");
                }
            }
            return names;
        }

        private int labelIndex(String[] names, String labelColumn) {
            if (labelColumn == null) {
                return -1;
            }
            if (labelColumn.equals(AUTO)) {
                int found = -1;
                for (int c = 0; c < names.length; c++) {
                    if (AUTO_NAMES.contains(names[c].toLowerCase(Locale.ROOT))) {
                        if (found >= 0) {
                            return -1; // ambiguous: no labels
                        }
                        found = c;
                    }
                }
                return found;
            }
            int c = Arrays.asList(names).indexOf(labelColumn);
            if (c < 0) {
                throw new DataFormatException("CSV file " + file + " has no column '" + show(labelColumn)
                        + "' for the labels; its columns: " + show(String.join(", ", names)));
            }
            return c;
        }

        private float number(String column, String cell) {
            if (cell.isEmpty()) {
                throw cellError(column, cell, "is an empty cell (missing value)");
            }
            if (!isDecimal(cell)) {
                String lower = cell.toLowerCase(Locale.ROOT);
                String unsigned = lower.startsWith("+") || lower.startsWith("-") ? lower.substring(1) : lower;
                if (unsigned.equals("nan") || unsigned.equals("inf") || unsigned.equals("infinity")) {
                    throw cellError(column, cell, "is a non-finite value; features must be finite numbers");
                }
                throw cellError(column, cell, "is not a number");
            }
            float v = Float.parseFloat(cell);
            if (Float.isInfinite(v)) {
                throw cellError(column, cell, "overflows float32 (largest magnitude 3.4028235E38)");
            }
            return v;
        }

        private DataFormatException cellError(String column, String cell, String what) {
            return new DataFormatException("CSV file " + file + " line " + line + ", column '" + show(column)
                    + "': '" + show(cell) + "' " + what);
        }
    }

    /** {@code [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?}, nothing else. */
    static boolean isDecimal(String s) {
        int i = 0;
        int n = s.length();
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int digits = 0;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
            digits++;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int exp = 0;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
                exp++;
            }
            if (exp == 0) {
                return false;
            }
        }
        return i == n;
    }

    /**
     * {@code a} grown to hold at least {@code needed} values, by half again its size; a
     * {@link DataException} past 2^31-9 values or when the heap is exhausted.
     */
    private static float[] grow(float[] a, long needed, int max, String file, int rows, int features) {
        if (needed > max) {
            throw new DataException("CSV file " + file + " has more than " + max + " values (" + rows
                    + "+ rows of " + features + " features), more than one array can hold; use fewer rows or .npy");
        }
        return copy(a, (int) Math.min(max, Math.max(needed, a.length + (long) a.length / 2)), file);
    }

    private static float[] copy(float[] a, int length, String file) {
        try {
            return Arrays.copyOf(a, length);
        } catch (OutOfMemoryError e) {
            throw new DataException("not enough memory for the " + length + " values of CSV file " + file
                    + "; raise the heap limit (-Xmx)", e);
        }
    }

    /** As {@link #grow(float[], long, int, String, int, int)} for the label column. */
    static int[] grow(int[] a, long needed, String file) {
        if (needed > MAX_VALUES) {
            throw new DataException("CSV file " + file + " has more than " + MAX_VALUES + " rows");
        }
        try {
            return Arrays.copyOf(a, (int) Math.min(MAX_VALUES, Math.max(needed, a.length + (long) a.length / 2)));
        } catch (OutOfMemoryError e) {
            throw new DataException("not enough memory for the labels of CSV file " + file
                    + "; raise the heap limit (-Xmx)", e);
        }
    }

    private static DataFormatException malformed(String file, long line, Throwable cause) {
        String where = line > 0 ? " near line " + line : "";
        if (cause instanceof CharacterCodingException) {
            return new DataFormatException("CSV file " + file + " is not valid UTF-8" + where + ": " + cause, cause);
        }
        return new DataFormatException("CSV file " + file + " is malformed" + where + ": "
                + show(String.valueOf(cause.getMessage()), 200), cause);
    }

    /** {@code s} for a one-line message: line breaks and control characters escaped, cut after 80 characters. */
    static String show(String s) {
        return show(s, 80);
    }

    private static String show(String s, int max) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() <= max; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7F ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return b.length() > max ? b.substring(0, max) + "…" : b.toString();
    }
}
