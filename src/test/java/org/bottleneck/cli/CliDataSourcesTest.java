package org.bottleneck.cli;

import static org.bottleneck.cli.CliEndToEndTest.assertFailure;
import static org.bottleneck.cli.CliEndToEndTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.bottleneck.data.Standardization;
import org.bottleneck.model.Checkpoint;
import org.bottleneck.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train → eval → encode on every kind of data a user may bring, generated small. */
class CliDataSourcesTest {
    @TempDir
    Path tmp;

    /** A small dense autoencoder, one epoch on the CPU: the point is the data path, not the model. */
    private static final String[] SMALL = {"--device", "cpu", "--model", "ae", "--hidden", "16", "--latent", "4",
            "--epochs", "1", "--batch", "8", "--no-progress"};

    private static CliEndToEndTest.Result train(Path out, String... data) {
        List<String> args = new ArrayList<>(List.of("train"));
        args.addAll(List.of(SMALL));
        args.addAll(List.of("--out", out.toString()));
        args.addAll(List.of(data));
        return cli(args.toArray(String[]::new));
    }

    private static CliEndToEndTest.Result ok(CliEndToEndTest.Result r) {
        assertEquals(0, r.code(), r::toString);
        return r;
    }

    private static List<String> encode(Path ckpt, Path csv, String... data) throws IOException {
        List<String> args = new ArrayList<>(List.of("encode", "--device", "cpu", "-c", ckpt.toString(), "-o", csv.toString()));
        args.addAll(List.of(data));
        ok(cli(args.toArray(String[]::new)));
        return Files.readAllLines(csv);
    }

    private static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no match for /" + regex + "/ in:\n" + text);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void anIdxSetOfAnotherSize() throws IOException {
        Path data = tmp.resolve("idx");
        TestData.idxSet(data, 40, 12, 12, 10, 5, 1);
        Path out = tmp.resolve("run");
        String r = ok(train(out, "--data", data.toString())).out();
        assertTrue(r.contains("40 train / 12 test samples of [1, 12, 10]"), r);
        assertTrue(Files.exists(out.resolve("reconstructions.png")));
        String eval = ok(cli("eval", "--device", "cpu", "-c", out.resolve("best.safetensors").toString(), "--data", data.toString())).out();
        assertTrue(eval.contains("test images           12"), eval);
        List<String> codes = encode(out.resolve("best.safetensors"), tmp.resolve("codes.csv"), "--data", data.toString());
        assertEquals(13, codes.size());
        assertEquals("index,label,z0,z1,z2,z3", codes.get(0));
        assertTrue(codes.get(5).startsWith("4,7,"), codes.get(5)); // labels 3 + i % 5
    }

    @Test
    void aLabelledRgbFolderTrainsTheConvPresetInColour() throws IOException {
        Path data = tmp.resolve("pets");
        for (String split : List.of("train", "test")) {
            for (String cls : List.of("cat", "dog")) {
                for (int i = 0; i < (split.equals("train") ? 6 : 2); i++) {
                    TestData.randomPng(data.resolve(split).resolve(cls).resolve(i + ".png"), 3, 8, 8, 100 * i + cls.length());
                }
            }
        }
        Path out = tmp.resolve("conv");
        String r = ok(cli("train", "--device", "cpu", "--model", "convae", "--epochs", "1", "--batch", "4", "--no-progress",
                "--out", out.toString(), "--data", data.toString())).out();
        assertTrue(r.contains("convae [3, 8, 8]"), r);
        BufferedImage png = ImageIO.read(out.resolve("reconstructions.png").toFile());
        assertNotNull(png);
        boolean colour = false;
        for (int x = 0; x < png.getWidth() && !colour; x++) {
            int p = png.getRGB(x, 4);
            colour = ((p >> 16) & 0xFF) != (p & 0xFF);
        }
        assertTrue(colour, "RGB inputs are drawn in colour");
        List<String> codes = encode(out.resolve("best.safetensors"), tmp.resolve("c.csv"), "--data", data.toString());
        assertEquals(5, codes.size());
        String ckpt = out.resolve("best.safetensors").toString();
        String eval = ok(cli("eval", "--device", "cpu", "-c", ckpt, "--data", data.toString())).out();
        assertTrue(eval.contains("test images           4"), eval);
        for (String command : List.of("reconstruct", "sample", "interpolate", "bench")) {
            Path picture = tmp.resolve(command + ".png");
            List<String> args = new ArrayList<>(List.of(command, "--device", "cpu", "--data", data.toString()));
            if (command.equals("bench")) {
                args.addAll(List.of("--models", "convae", "--batches", "4", "--steps", "2", "--warmup", "1"));
            } else {
                args.addAll(List.of("-c", ckpt, "-o", picture.toString()));
                if (command.equals("interpolate")) {
                    args.addAll(List.of("--from", "0", "--to", "1"));
                }
            }
            CliEndToEndTest.Result r2 = ok(cli(args.toArray(String[]::new)));
            if (!command.equals("bench")) {
                assertNotNull(ImageIO.read(picture.toFile()), command + " wrote a PNG: " + r2);
            }
        }
        assertTrue(codes.get(4).startsWith("3,1,"), "test/dog/1.png has label 1: " + codes.get(4));

        String described = ok(cli("data", "--data", data.toString(), "--degrade", "gaussian=0.2",
                "-o", tmp.resolve("data.png").toString())).out();
        assertTrue(described.contains("cat=6 dog=6"), described);
        assertTrue(described.contains("c2 "), "three channel statistics: " + described);
        BufferedImage picture = ImageIO.read(tmp.resolve("data.png").toFile());
        assertTrue(picture.getHeight() > 2 * 16, "a row of samples and a row of their corrupted inputs");
    }

    /** Streamed from disk and decoded ahead on background threads, or held in memory: the same run, bit for bit. */
    @Test
    void aFolderStreamedFromDiskTrainsExactlyAsInMemory() throws IOException {
        Path data = tmp.resolve("many");
        for (int i = 0; i < 40; i++) {
            TestData.randomPng(data.resolve(i + ".png"), 3, 8, 8, i);
        }
        String[] common = {"--data", data.toString(), "--degrade", "gaussian=0.2", "--augment", "flip"};
        List<String> a = new ArrayList<>(List.of(common)), b = new ArrayList<>(List.of(common));
        b.addAll(List.of("--memory-budget", "0"));
        Path memory = tmp.resolve("memory"), streamed = tmp.resolve("streamed");
        ok(train(memory, a.toArray(String[]::new)));
        String r = ok(train(streamed, b.toArray(String[]::new))).err();
        assertTrue(r.contains("streaming 40 images"), r);
        List<String> m = Files.readAllLines(memory.resolve("metrics.csv")), s = Files.readAllLines(streamed.resolve("metrics.csv"));
        for (int e = 1; e <= 1; e++) { // all but the timing columns
            assertEquals(String.join(",", java.util.Arrays.copyOf(m.get(e).split(","), 8)),
                    String.join(",", java.util.Arrays.copyOf(s.get(e).split(","), 8)), "epoch " + e);
        }
    }

    /** Each degradation kind leaves a restoration report against its classical baselines. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = ';', value = {
            "gaussian=0.5; 1; input|median 3x3|gaussian blur|ours",
            "down=2:bicubic; 1; nearest|bicubic|ours",
            "box=4-6; 1; mean fill|harmonic fill|ours",
            "luma; 3; grey|mean chroma|ours"})
    void degradingRunsAreJudgedAgainstClassicalBaselines(String degrade, int channels, String methods) throws IOException {
        Path data = tmp.resolve("imgs");
        for (int i = 0; i < 24; i++) {
            TestData.randomPng(data.resolve(i + ".png"), channels, 12, 12, i);
        }
        Path out = tmp.resolve("run");
        String r = ok(train(out, "--data", data.toString(), "--degrade", degrade, "--test-fraction", "0.25")).out();
        assertTrue(r.contains("restoration.md, restoration.json, restoration_images.csv, restoration.png"), r);
        assertTrue(Files.exists(out.resolve("restoration_images.csv")), "the per-image PSNRs");
        String md = Files.readString(out.resolve("restoration.md"));
        for (String m : methods.split("\\|")) {
            assertTrue(md.contains("| " + m), "method '" + m + "' in\n" + md);
        }
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(out.resolve("restoration.json").toFile());
        assertEquals(6, json.get("test_images").asInt());
        for (com.fasterxml.jackson.databind.JsonNode m : json.get("methods")) {
            double psnr = m.get("psnr").get("mean").asDouble();
            assertTrue(psnr > 3 && psnr < 60, m.toString()); // random images: far from perfect, far from zero
            assertTrue(m.get("ssim").get("mean").asDouble() <= 1, m.toString());
            assertEquals(degrade.startsWith("box"), m.has("psnr_hole"), m.toString());
        }
        assertNotNull(ImageIO.read(out.resolve("restoration.png").toFile()));
    }

    @Test
    void anUnlabelledFolderOfMixedSizesWithImageSize() throws IOException {
        Path data = tmp.resolve("photos");
        for (int i = 0; i < 12; i++) {
            TestData.randomPng(data.resolve("p" + i + ".jpg".replace("jpg", "png")), 1, 10 + i, 14, i);
        }
        Path out = tmp.resolve("run");
        String r = ok(train(out, "--data", data.toString(), "--image-size", "8x6", "--test-fraction", "0.25")).out();
        assertTrue(r.contains("split by source file"), r);
        List<String> codes = encode(out.resolve("best.safetensors"), tmp.resolve("c.csv"), "--data", data.toString(),
                "--image-size", "8x6", "--test-fraction", "0.25");
        assertEquals(4, codes.size());
        assertTrue(codes.get(1).startsWith("0,-1,"), "unlabelled: " + codes.get(1));
        assertFailure(cli("eval", "--device", "cpu", "-c", out.resolve("best.safetensors").toString(), "--data",
                data.toString(), "--image-size", "8x8"), "[1, 8, 8]", "[48]");
    }

    @Test
    void aCsvTableIsStandardizedAndTheCheckpointCarriesIt() throws IOException {
        Path csv = tmp.resolve("sensors.csv");
        TestData.csv(csv, 60, 5, 3);
        Path out = tmp.resolve("run");
        String r = ok(train(out, "--data", csv.toString())).out();
        assertTrue(r.contains("standardized on the training rows"), r);
        assertTrue(r.contains("→ mse"), "a standardized table gets an MSE output: " + r);
        assertFalse(Files.exists(out.resolve("reconstructions.png")), "a table has no pictures");
        String json = Checkpoint.read(out.resolve("best.safetensors")).metadata().get(Standardization.METADATA_KEY);
        Standardization st = Standardization.fromJson(json, "best");
        assertEquals(5, st.features());
        assertEquals(40, st.mean()[4], 3, "feature 4 has offset 40"); // 54 rows of N(40, 25): mean within ±3 of 40
        double trained = number(r, "recon ([0-9.]+)");
        String eval = ok(cli("eval", "--device", "cpu", "-c", out.resolve("best.safetensors").toString(),
                "--data", csv.toString(), "--standardize", "no")).out();
        // the stored standardization is applied whatever --standardize says: the same test loss
        assertEquals(trained, number(eval, "reconstruction loss +([0-9.]+)"), 1e-3, eval);
        List<String> codes = encode(out.resolve("best.safetensors"), tmp.resolve("c.csv"), "--data", csv.toString());
        assertEquals(7, codes.size());
    }

    @Test
    void anNpyTableWithLabels() throws IOException {
        Path x = tmp.resolve("x.npy"), y = tmp.resolve("y.npy");
        float[] v = new float[50 * 6];
        java.util.Random rnd = new java.util.Random(5);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian() * 3 + 1;
        }
        TestData.npyFloats(x, new int[] {50, 6}, v);
        long[] labels = new long[50];
        for (int i = 0; i < 50; i++) {
            labels[i] = i % 2;
        }
        TestData.npyLongs(y, labels);
        Path out = tmp.resolve("run");
        ok(train(out, "--data", x.toString(), "--labels", y.toString()));
        List<String> codes = encode(out.resolve("best.safetensors"), tmp.resolve("c.csv"), "--data", x.toString(),
                "--labels", y.toString(), "--split", "train");
        assertEquals(46, codes.size());
        String eval = ok(cli("eval", "--device", "cpu", "-c", out.resolve("best.safetensors").toString(), "--data", x.toString(),
                "--labels", y.toString())).out();
        assertTrue(eval.contains("test images           5"), eval);
        String described = ok(cli("data", "--data", x.toString(), "--labels", y.toString())).out();
        assertTrue(described.contains("not images"), described);
        assertTrue(described.contains("0=") && described.contains("1="), described);
    }

    /** A bad table: its content, and what the one-line error must name. */
    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> badCsv() {
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("a,b,label\n1,2,x\n3,4\n", new String[] {"line 3", "2 fields", "3"}),
                org.junit.jupiter.params.provider.Arguments.of("a,b\n1,2\n3,abc\n", new String[] {"line 3", "'b'", "abc"}),
                org.junit.jupiter.params.provider.Arguments.of("a,b\n1,NaN\n", new String[] {"line 2", "'b'", "NaN"}),
                org.junit.jupiter.params.provider.Arguments.of("a,b\n1,2\n-Infinity,2\n", new String[] {"line 3", "'a'", "Infinity"}),
                org.junit.jupiter.params.provider.Arguments.of("a,b\n1,\n", new String[] {"line 2", "'b'"}),
                org.junit.jupiter.params.provider.Arguments.of("a,b\n", new String[] {"no data rows"}));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("badCsv")
    void aBadCsvFailsNamingLineColumnAndValue(String content, String[] named) throws IOException {
        Path csv = Files.writeString(tmp.resolve("bad.csv"), content);
        String[] parts = java.util.Arrays.copyOf(named, named.length + 1);
        parts[named.length] = "bad.csv";
        assertFailure(train(tmp.resolve("out"), "--data", csv.toString()), parts);
        assertFalse(Files.exists(tmp.resolve("out")), "nothing written");
    }

    @Test
    void badNpyFilesFailNamingTheProblem() throws IOException {
        Path x = tmp.resolve("x.npy");
        java.nio.ByteBuffer payload = java.nio.ByteBuffer.allocate(8 * 6);
        TestData.npy(x, "<c8", new int[] {3, 2}, payload); // complex64
        assertFailure(train(tmp.resolve("o1"), "--data", x.toString()), "x.npy", "<c8");
        // a Fortran-ordered array: the header says so
        byte[] bytes = Files.readAllBytes(x);
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1)
                .replace("'<c8', 'fortran_order': False", "'<f8', 'fortran_order': True ");
        Files.write(x, text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertFailure(train(tmp.resolve("o2"), "--data", x.toString()), "x.npy", "Fortran");
        float[] v = new float[12];
        TestData.npyFloats(x, new int[] {6, 2}, v);
        Path y = tmp.resolve("y.npy");
        TestData.npyLongs(y, new long[] {0, 1, 0});
        assertFailure(train(tmp.resolve("o3"), "--data", x.toString(), "--labels", y.toString()), "y.npy", "3 values", "6 samples");
        Path one = tmp.resolve("one");
        TestData.randomPng(one.resolve("cats").resolve("a.png"), 3, 4, 4, 1);
        assertFailure(train(tmp.resolve("o4"), "--data", one.toString()), "one class subfolder ('cats')");
        Path broken = tmp.resolve("broken");
        TestData.randomPng(broken.resolve("a.png"), 3, 4, 4, 1);
        Files.writeString(broken.resolve("b.png"), "no PNG here");
        assertFailure(train(tmp.resolve("o5"), "--data", broken.toString()), "b.png", "--skip-bad-files");
    }

    /** Bad values of the data and pipeline options, on `data` and `train`: one line naming the value, exit 1. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = ';', value = {
            "data; --count; 0; --count",
            "data; --degrade; blur=2; 'blur=2'",
            "data; --degrade; down=3; factor 3",
            "data; --degrade; luma; RGB",
            "data; --augment; gaussian=0.1; --degrade",
            "data; --memory-budget; lots; 'lots'",
            "data; --image-size; 3x; '3x'",
            "data; --test-fraction; 1.5; 1.5",
            "data; --data-format; tiff; 'tiff'",
            "train; --corruption; blur; 'blur'",
            "train; --degrade; gaussian=-1; -1",
            "train; --standardize; maybe; 'maybe'"})
    void badOptionValuesFailWithOneLine(String command, String option, String value, String named) {
        List<String> args = new ArrayList<>(List.of(command, "--device", "cpu", option, value));
        if (command.equals("train")) {
            args.addAll(List.of("--no-progress", "--epochs", "1", "--train-limit", "200", "--test-limit", "50",
                    "--out", tmp.resolve("out").toString()));
        } else {
            args.addAll(List.of("-o", tmp.resolve("d.png").toString()));
        }
        assertFailure(cli(args.toArray(String[]::new)), named);
        assertFalse(Files.exists(tmp.resolve("out")) || Files.exists(tmp.resolve("d.png")), "nothing written");
    }

    @Test
    void badDataFailsWithOneLineNamingIt() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertFailure(train(tmp.resolve("o1"), "--data", empty.toString()), "no data found", "empty");
        Path odd = Files.writeString(tmp.resolve("table.txt"), "a,b\n1,2\n");
        assertFailure(train(tmp.resolve("o2"), "--data", odd.toString()), "table.txt", "--data-format");
        Path imgs = tmp.resolve("imgs");
        TestData.randomPng(imgs.resolve("a.png"), 3, 6, 6, 1);
        TestData.randomPng(imgs.resolve("b.png"), 3, 7, 6, 2);
        assertFailure(train(tmp.resolve("o3"), "--data", imgs.toString()), "a.png is 6x6", "b.png is 7x6");
        assertFailure(train(tmp.resolve("o4"), "--data", imgs.toString(), "--image-size", "0x4"), "--image-size");
        assertFailure(cli("train", "--device", "cpu", "--model", "convae", "--no-progress", "--out", tmp.resolve("o5").toString(),
                "--data", imgs.toString(), "--image-size", "6"), "multiples of 4", "[3, 6, 6]");
        assertFalse(Files.exists(tmp.resolve("o1")) || Files.exists(tmp.resolve("o3")), "nothing written before the data loads");
    }
}
