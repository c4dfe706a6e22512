package org.bottleneck.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CsvReaderTest {
    @TempDir
    Path tmp;

    private static CsvTable parse(String text, String label) {
        return CsvReader.parse("t.csv", new StringReader(text), label);
    }

    private static DataFormatException rejects(String text, String label) {
        return assertThrows(DataFormatException.class, () -> parse(text, label));
    }

    private static void assertMessage(Exception e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "expected '" + p + "' in: " + e.getMessage());
        }
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void readsFeaturesAndIntegerLabelsKeptAsWritten() {
        CsvTable t = parse("x1,label,x2\n1,0,2\n3.5,7,-4e2\n0,3,.5\n", "label");
        assertArrayEquals(new String[] {"x1", "x2"}, t.featureNames());
        assertEquals(3, t.rows());
        assertEquals(2, t.features());
        assertArrayEquals(new float[] {1, 2, 3.5f, -400, 0, 0.5f}, t.values());
        assertArrayEquals(new int[] {0, 7, 3}, t.labels());
        assertNull(t.classNames());
    }

    @Test
    void textLabelsAreNumberedInSortedOrder() {
        CsvTable t = parse("w,species\n1,setosa\n2,virginica\n3,setosa\n4,versicolor\n", "species");
        assertArrayEquals(new String[] {"setosa", "versicolor", "virginica"}, t.classNames());
        assertArrayEquals(new int[] {0, 2, 0, 1}, t.labels());
        assertArrayEquals(new float[] {1, 2, 3, 4}, t.values());
        // One non-integer makes the whole column text: "10" sorts before "9".
        CsvTable mixed = parse("a,y\n1,9\n2,10\n3,cat\n", "y");
        assertArrayEquals(new String[] {"10", "9", "cat"}, mixed.classNames());
        assertArrayEquals(new int[] {1, 0, 2}, mixed.labels());
    }

    @ParameterizedTest
    @ValueSource(strings = {"label", "Class", "TARGET", "y"})
    void autoFindsTheOneLabelLikeColumn(String name) {
        CsvTable t = parse("a," + name + ",b\n1,2,3\n4,5,6\n", CsvReader.AUTO);
        assertArrayEquals(new String[] {"a", "b"}, t.featureNames());
        assertArrayEquals(new int[] {2, 5}, t.labels());
        assertArrayEquals(new float[] {1, 3, 4, 6}, t.values());
    }

    @Test
    void autoWithNoneOrSeveralCandidatesMeansNoLabels() {
        CsvTable none = parse("a,b\n1,2\n", CsvReader.AUTO);
        assertNull(none.labels());
        assertArrayEquals(new String[] {"a", "b"}, none.featureNames());
        CsvTable two = parse("label,y\n1,2\n", CsvReader.AUTO);
        assertNull(two.labels());
        assertArrayEquals(new float[] {1, 2}, two.values());
        CsvTable nul = parse("a,label\n1,2\n", null);
        assertNull(nul.labels());
        assertArrayEquals(new String[] {"a", "label"}, nul.featureNames());
    }

    @Test
    void rejectsAMissingLabelColumnListingTheColumns() {
        assertMessage(rejects("a,b,Label\n1,2,3\n", "label"), "t.csv has no column 'label' for the labels",
                "its columns: a, b, Label");
    }

    @Test
    void handlesByteOrderMarkCrlfQuotesAndBlankLines() {
        String text = "\uFEFF\"a\", \"b, c\" ,lab\r\n\"1\",2,\"x \"\"y\"\"\"\r\n\r\n 3 ,\" 4 \",\"line\nbreak\"\r\n";
        CsvTable t = parse(text, "lab");
        assertArrayEquals(new String[] {"a", "b, c"}, t.featureNames());
        assertArrayEquals(new float[] {1, 2, 3, 4}, t.values());
        assertArrayEquals(new String[] {"line\nbreak", "x \"y\""}, t.classNames());
        assertArrayEquals(new int[] {1, 0}, t.labels());
    }

    @Test
    void lineNumbersCountBlankLinesAndQuotedLineBreaks() {
        // lines: 1 header, 2 row, 3 blank, 4 multi-line row (4-5), 6 bad row
        String text = "a,b\n1,2\n\n3,\"x\ny\"\n5,oops\n";
        assertMessage(rejects(text, null), "t.csv line 4, column 'b': 'x\\x0ay' is not a number");
        assertMessage(rejects("a,b\n1,2\n\n3,4\n5,oops\n", null), "t.csv line 5, column 'b': 'oops' is not a number");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "3|3", "-0.5|-0.5", ".5|0.5", "5.|5", "1e-3|0.001", "+2.5E4|25000", "` 7 `|7", "0001.25|1.25",
        "3.4028235E38|3.4028235E38", "1e-50|0"})
    void acceptsPlainDecimalForms(String cell, float expected) {
        assertArrayEquals(new float[] {expected}, parse("v\n" + cell + "\n", null).values());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "1d|is not a number", "1f|is not a number", "0x1p3|is not a number", "1e|is not a number",
        "e5|is not a number", ".|is not a number", "+|is not a number", "1.2.3|is not a number",
        "1,5|is not a number", "\u0663|is not a number", "--1|is not a number", "1 2|is not a number",
        "Infinity|is a non-finite value", "-inf|is a non-finite value", "NaN|is a non-finite value",
        "+Inf|is a non-finite value", "1e39|overflows float32", "-3.5e38|overflows float32"})
    void rejectsNonDecimalAndNonFiniteCellsNamingLineColumnAndValue(String cell, String why) {
        String quoted = cell.contains(",") ? "\"" + cell + "\"" : cell;
        DataFormatException e = rejects("a,b\n1,2\n3," + quoted + "\n", null);
        assertMessage(e, "CSV file t.csv line 3, column 'b': '" + cell + "' " + why);
    }

    @Test
    void rejectsEmptyCells() {
        assertMessage(rejects("a,b\n1,\n", null), "line 2, column 'b': '' is an empty cell (missing value)");
        assertMessage(rejects("a,b\n1,\"  \"\n", null), "line 2, column 'b'", "missing value");
        assertMessage(rejects("a,y\n1,\n", "y"), "line 2, column 'y': '' is an empty cell (missing label)");
    }

    @Test
    void rejectsRaggedRows() {
        String text = "a,b,c,d,e\n1,2,3,4,5\n1,2,3,4,5\n1,2,3,4,5\n1,2,3,4,5\n1,2,3,4,5\n1,2,3,4\n";
        assertMessage(rejects(text, null), "CSV file t.csv line 7 has 4 fields, header has 5");
        assertMessage(rejects("a,b\n1,2,\n", null), "line 2 has 3 fields, header has 2");
    }

    @Test
    void rejectsEmptyFilesAndHeadersWithoutRows() {
        assertMessage(rejects("", null), "CSV file t.csv is empty");
        assertMessage(rejects("\n\n  \n", null), "CSV file t.csv is empty");
        assertMessage(rejects("\uFEFF", null), "is empty");
        assertMessage(rejects("a,b,c\n", null), "CSV file t.csv has a header (3 columns) but no data rows");
        assertMessage(rejects("a,b,c\r\n\r\n", null), "but no data rows");
    }

    @Test
    void rejectsBadHeaders() {
        assertMessage(rejects("a,b,a\n1,2,3\n", null), "line 1: column name 'a' appears twice (columns 1 and 3)");
        assertMessage(rejects("a,,c\n1,2,3\n", null), "line 1: column 2 of the header has an empty name");
        assertMessage(rejects("a, \n1,2\n", null), "column 2 of the header has an empty name");
        assertMessage(rejects("\n\na,a\n1,2\n", null), "line 3: column name 'a' appears twice");
        assertMessage(rejects("label\n1\n", "label"), "has no feature columns: its only column 'label' is the label");
    }

    @Test
    void rejectsBadLabels() {
        assertMessage(rejects("a,y\n1,2\n2,-1\n", "y"),
                "CSV file t.csv line 3, column 'y': label -1 is negative; integer labels must be >= 0");
        assertMessage(rejects("a,y\n1,2147483648\n", "y"), "line 2, column 'y': label 2147483648 is larger than 2^31-1");
        assertMessage(rejects("a,y\n1,99999999999999999999999\n", "y"), "is larger than 2^31-1");
        CsvTable ok = parse("a,y\n1,+2147483647\n2,007\n3,-0\n", "y");
        assertArrayEquals(new int[] {Integer.MAX_VALUE, 7, 0}, ok.labels());
    }

    @Test
    void rejectsMalformedQuotingWithTheLine() {
        assertMessage(rejects("a,b\n1,2\n3,\"4\n", null), "t.csv is malformed near line 3", "EOF");
        assertMessage(rejects("a,b\n1,\"2\"x\n", null), "t.csv is malformed near line 2");
    }

    @Test
    void readsFilesAndRejectsInvalidUtf8() throws IOException {
        Path f = Files.writeString(tmp.resolve("ok.csv"), "a,label\n1.5,cat\n");
        CsvTable t = CsvReader.read(f, CsvReader.AUTO);
        assertArrayEquals(new float[] {1.5f}, t.values());
        assertArrayEquals(new String[] {"cat"}, t.classNames());

        byte[] bad = "a,label\n1,cat\n2,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1); // a lone 0xE9
        Path latin1 = Files.write(tmp.resolve("latin1.csv"), bad);
        DataFormatException e = assertThrows(DataFormatException.class, () -> CsvReader.read(latin1, "label"));
        assertMessage(e, "CSV file " + latin1, "is not valid UTF-8 at line 3 (byte offset 19): e9");

        // Past the first 64 KiB chunk, and a truncated multi-byte sequence at the very end.
        StringBuilder big = new StringBuilder("a,label\n");
        for (int i = 0; i < 20000; i++) {
            big.append(i).append(",x\n");
        }
        byte[] head = big.toString().getBytes(StandardCharsets.UTF_8);
        byte[] tail = java.util.Arrays.copyOf(head, head.length + 3);
        tail[head.length] = '1';
        tail[head.length + 1] = ',';
        tail[head.length + 2] = (byte) 0xC3;
        Path cut = Files.write(tmp.resolve("cut.csv"), tail);
        DataFormatException c = assertThrows(DataFormatException.class, () -> CsvReader.read(cut, "label"));
        assertMessage(c, "is not valid UTF-8 at line 20002 (byte offset " + (head.length + 2) + "): c3");

        Path missing = tmp.resolve("missing.csv");
        DataException m = assertThrows(DataException.class, () -> CsvReader.read(missing, null));
        assertMessage(m, "CSV file not found: " + missing.toAbsolutePath());
    }

    @Test
    void roundTripsSeededRandomValuesAcrossBufferGrowth() {
        Random r = new Random(77);
        int rows = 3000;
        int features = 5; // 15000 values: the buffer grows several times
        StringBuilder b = new StringBuilder("f0,f1,f2,f3,f4,target\r\n");
        float[] expected = new float[rows * features];
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < features; j++) {
                float v = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(21) - 10));
                expected[i * features + j] = v;
                b.append(Float.toString(v)).append(',');
            }
            labels[i] = r.nextInt(10);
            b.append(labels[i]).append("\r\n");
        }
        CsvTable t = parse(b.toString(), CsvReader.AUTO);
        assertEquals(rows, t.rows());
        assertArrayEquals(expected, t.values());
        assertArrayEquals(labels, t.labels());
    }

    @Test
    void tablesBeyondTheValueLimitFailCleanlyNamingTheFile() {
        StringBuilder b = new StringBuilder("a,b,c\n");
        for (int i = 0; i < 100; i++) {
            b.append("1,2,3\n");
        }
        DataException e = assertThrows(DataException.class,
                () -> CsvReader.parse("big.csv", new StringReader(b.toString()), null, 200));
        assertMessage(e, "CSV file big.csv has more than 200 values", "66+ rows of 3 features");
        assertEquals(300, CsvReader.parse("big.csv", new StringReader(b.toString()), null, 300).values().length);
    }
}
