package org.bottleneck.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.bottleneck.backend.Philox;
import org.bottleneck.backend.Streams;
import org.bottleneck.tensor.Shape;

/**
 * A folder of images (PNG, JPEG, BMP, GIF), read into memory as (C, H, W) bytes.
 *
 * <p>Layout, as torchvision's {@code ImageFolder}: one subfolder per class (searched
 * recursively, classes in name order, label = index), or images directly in the folder
 * (unlabelled). When the folder holds {@code train/} and {@code test/} subfolders, each is
 * read that way and they are the splits; otherwise the test split is drawn by seed <em>by
 * source file</em> (see {@link Split}), so the patches of one photo never land on both sides.
 * Files with other extensions are ignored; hidden files and folders too.
 *
 * <p>Each image is decoded to RGB, then resized and centre-cropped to {@code --image-size}
 * when given (all images must otherwise share one size), and with {@code --patches N} cut into
 * N random {@code --patch-size} squares at positions drawn from Philox stream
 * {@code derive(derive(splitSeed, PATCHES), file)}. Channels: 1 (BT.601 luma), 3 (RGB), or
 * by default 3 when any image has colour, else 1.
 */
public final class ImageFolder {
    static final List<String> EXTENSIONS = List.of("png", "jpg", "jpeg", "bmp", "gif");

    private ImageFolder() {
    }

    /** A file of the folder and its class index (-1 when unlabelled). */
    record Entry(Path file, int label) {
    }

    /** The files of one split and the class names (empty when unlabelled). */
    record Listing(List<Entry> entries, List<String> classes) {
    }

    /** Whether {@code dir} holds images, directly, in class subfolders or in train/test. */
    public static boolean looksLike(Path dir) {
        try (Stream<Path> s = Files.walk(dir, 3)) {
            return s.anyMatch(ImageFolder::isImage);
        } catch (IOException e) {
            return false;
        }
    }

    public static Splits load(DataSpec spec) {
        return load(spec, LoadProgress.NONE);
    }

    /**
     * Reads the folder into memory, or — when its decoded pixels would exceed
     * {@link DataSpec#memoryBudget()} — indexes it for streaming ({@link StreamingImageFolder}).
     */
    public static Splits load(DataSpec spec, LoadProgress progress) {
        Path dir = spec.path();
        Path trainDir = dir.resolve("train"), testDir = dir.resolve("test");
        List<String> notes = new ArrayList<>();
        List<Entry> entries;
        List<String> classes;
        int trainFiles; // files [0, trainFiles) are the training split; -1: split by seed
        if (Files.isDirectory(trainDir) && Files.isDirectory(testDir)) {
            Listing train = list(trainDir);
            entries = concat(train.entries(), relabel(list(testDir), train, testDir));
            classes = train.classes();
            trainFiles = train.entries().size();
        } else {
            Listing listing = list(dir);
            entries = listing.entries();
            classes = listing.classes();
            trainFiles = -1;
        }
        Samples all = streams(spec, entries) ? StreamingImageFolder.index(spec, name(dir), entries, classes, progress, notes)
                : decode(spec, entries, classes, name(dir), progress, notes);
        Dataset d = all.dataset();
        boolean[] testFile;
        String how;
        if (trainFiles >= 0) {
            testFile = new boolean[entries.size()];
            for (int f = trainFiles; f < entries.size(); f++) {
                testFile[f] = true;
            }
            how = "train/ and test/ subfolders";
        } else {
            testFile = Split.testSources(entries.size(), spec.testFraction(), spec.splitSeed());
            how = "split by source file (test fraction " + spec.testFraction() + ", split seed " + spec.splitSeed() + ")";
        }
        int[] trainIdx = Split.samples(all.sourceOf(), testFile, false), testIdx = Split.samples(all.sourceOf(), testFile, true);
        return new Splits(d.subset(name(dir) + "-train", trainIdx), d.subset(name(dir) + "-test", testIdx),
                describe(dir, d, classes) + (d instanceof StreamingImageFolder ? ", streamed" : "") + ", " + how + ": "
                        + trainIdx.length + " / " + testIdx.length, null, notes);
    }

    /** The samples of a folder, in memory or streamed, and the listing index of each sample's source file. */
    record Samples(Dataset dataset, int[] sourceOf) {
    }

    /**
     * Whether the decoded folder would exceed the memory budget: samples × C × H × W bytes,
     * the size from --image-size or --patch-size, else from the first image's header (all must
     * match), C = --channels or 3.
     */
    private static boolean streams(DataSpec spec, List<Entry> entries) {
        long perSample;
        int c = spec.channels() != 0 ? spec.channels() : 3;
        if (spec.patches() > 0) {
            perSample = (long) spec.patches() * c * spec.patchSize() * spec.patchSize();
        } else if (spec.height() > 0) {
            perSample = (long) c * spec.height() * spec.width();
        } else {
            int[] hw = headerSize(entries.get(0).file());
            perSample = (long) c * hw[0] * hw[1];
        }
        long decoded = perSample * entries.size();
        if (decoded > spec.memoryBudget()) {
            return true;
        }
        // decoding holds every image as RGB bytes next to the final array: about twice the
        // decoded size at its peak. Refuse up front rather than die of an OutOfMemoryError.
        long peak = decoded * (3 + c) / c;
        if (peak > Runtime.getRuntime().maxMemory() * 0.8) {
            throw new DataException(outOfMemoryMessage(spec, entries.size()) + "; decoding needs about "
                    + peak / (1 << 20) + " MiB");
        }
        return false;
    }

    /**
     * The files that failed (errors[i] non-null): the first one stops the load, or with
     * --skip-bad-files they are counted (the first three named) in the notes. Returns how many.
     */
    static int skipOrFail(DataSpec spec, String[] errors, List<String> notes) {
        int skipped = 0;
        for (String error : errors) {
            if (error != null) {
                if (!spec.skipBadFiles()) {
                    throw new DataFormatException(error + " (pass --skip-bad-files to skip such files)");
                }
                if (skipped++ < 3) {
                    notes.add("skipped " + error);
                }
            }
        }
        if (skipped > 0) {
            notes.add("skipped " + skipped + " of " + errors.length + " files that do not decode (--skip-bad-files)");
        }
        return skipped;
    }

    private static String outOfMemoryMessage(DataSpec spec, int files) {
        return "not enough memory to decode the " + files + " images of " + spec.path() + " (max heap "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB, --memory-budget " + spec.memoryBudget() / (1 << 20)
                + " MiB): lower --memory-budget to stream them from disk, or raise -Xmx";
    }

    /** {height, width} of an image file from its header. */
    static int[] headerSize(Path file) {
        try {
            return ImageDecoder.size(file.toString(), Files.readAllBytes(file));
        } catch (IOException e) {
            throw new DataException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String name(Path dir) {
        Path n = dir.toAbsolutePath().normalize().getFileName();
        return n == null ? "images" : n.toString();
    }

    private static String describe(Path dir, Dataset d, List<String> classes) {
        return "images " + dir + ": " + d.size() + " samples of " + d.sampleShape()
                + (classes.isEmpty() ? ", unlabelled" : ", " + classes.size() + " classes");
    }

    /** Lists the images of {@code dir}: class subfolders, or images directly in it. */
    static Listing list(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new DataException("image folder not found: " + dir.toAbsolutePath().normalize());
        }
        List<Path> subdirs = new ArrayList<>(), images = new ArrayList<>();
        for (Path p : sortedChildren(dir)) {
            if (Files.isDirectory(p)) {
                subdirs.add(p);
            } else if (isImage(p)) {
                images.add(p);
            }
        }
        List<Entry> entries = new ArrayList<>();
        if (subdirs.isEmpty() || (!images.isEmpty() && subdirs.stream().noneMatch(ImageFolder::hasImages))) {
            for (Path p : images) {
                entries.add(new Entry(p, -1));
            }
            if (entries.isEmpty()) {
                throw new DataException("empty image folder: no " + String.join("/", EXTENSIONS) + " files in "
                        + dir.toAbsolutePath().normalize());
            }
            return new Listing(entries, List.of());
        }
        if (!images.isEmpty()) {
            throw new DataException("image folder " + dir + " mixes " + images.size() + " images (e.g. "
                    + images.get(0).getFileName() + ") with class subfolders (e.g. " + subdirs.get(0).getFileName()
                    + "); put every image in a class subfolder, or none");
        }
        List<String> classes = new ArrayList<>();
        for (Path sub : subdirs) {
            List<Path> files = walkImages(sub);
            if (files.isEmpty()) {
                continue; // an empty class folder carries no class
            }
            int label = classes.size();
            classes.add(sub.getFileName().toString());
            for (Path f : files) {
                entries.add(new Entry(f, label));
            }
        }
        if (classes.isEmpty()) {
            throw new DataException("empty image folder: no " + String.join("/", EXTENSIONS) + " files in "
                    + dir.toAbsolutePath().normalize() + " or its subfolders");
        }
        if (classes.size() == 1) {
            throw new DataException("image folder " + dir + " has one class subfolder ('" + classes.get(0)
                    + "'); labels need at least two classes. For unlabelled data put the images directly in " + dir);
        }
        return new Listing(entries, classes);
    }

    /** The test listing with labels renumbered to the training classes; a class training lacks is an error. */
    private static List<Entry> relabel(Listing test, Listing train, Path testDir) {
        if (test.classes().isEmpty() != train.classes().isEmpty()) {
            throw new DataException("train/ and test/ of " + testDir.getParent() + " disagree: one has class subfolders, "
                    + "the other images directly");
        }
        List<Entry> out = new ArrayList<>();
        for (Entry e : test.entries()) {
            if (e.label() < 0) {
                out.add(e);
                continue;
            }
            String cls = test.classes().get(e.label());
            int label = train.classes().indexOf(cls);
            if (label < 0) {
                throw new DataException("test class '" + cls + "' (" + testDir.resolve(cls) + ") has no training images in "
                        + testDir.resolveSibling("train") + " (classes " + train.classes() + ")");
            }
            out.add(new Entry(e.file(), label));
        }
        return out;
    }

    private static List<Entry> concat(List<Entry> a, List<Entry> b) {
        List<Entry> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** One source image after decoding, resizing and cutting: its samples as (k, 3, h, w) bytes. */
    record Cut(byte[] rgb, int count, int height, int width, boolean colour) {
    }

    private static Samples decode(DataSpec spec, List<Entry> entries, List<String> classes, String name,
                                  LoadProgress progress, List<String> notes) {
        Cut[] cuts = new Cut[entries.size()];
        String[] errors = new String[entries.size()];
        java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
        progress.start("decoding images", entries.size());
        java.util.concurrent.atomic.AtomicBoolean outOfMemory = new java.util.concurrent.atomic.AtomicBoolean();
        IntStream.range(0, entries.size()).parallel().forEach(i -> {
            if (outOfMemory.get()) {
                return;
            }
            try {
                cuts[i] = cut(spec, entries.get(i).file(), i);
            } catch (DataException e) {
                errors[i] = e.getMessage();
            } catch (OutOfMemoryError e) {
                outOfMemory.set(true);
            }
            progress.step(done.incrementAndGet());
        });
        progress.end();
        if (outOfMemory.get()) {
            java.util.Arrays.fill(cuts, null); // let the decoded images go before the message is built
            throw new DataException(outOfMemoryMessage(spec, entries.size()));
        }
        int skipped = skipOrFail(spec, errors, notes);
        Cut first = null;
        int firstFile = -1;
        long samples = 0;
        boolean colour = false;
        for (int i = 0; i < cuts.length; i++) {
            Cut c = cuts[i];
            if (c == null) {
                continue;
            }
            if (first == null) {
                first = c;
                firstFile = i;
            } else if (c.height() != first.height() || c.width() != first.width()) {
                throw new DataFormatException("images of mixed sizes: " + entries.get(firstFile).file() + " is "
                        + first.height() + "x" + first.width() + ", " + entries.get(i).file() + " is " + c.height() + "x"
                        + c.width() + "; pass --image-size HxW to resize them (or --patches N --patch-size P)");
            }
            samples += c.count();
            colour |= c.colour();
        }
        if (first == null) {
            throw new DataException("no image in " + spec.path() + " decodes (" + skipped + " skipped)");
        }
        int channels = spec.channels() != 0 ? spec.channels() : colour ? 3 : 1;
        int plane = first.height() * first.width();
        long bytes = samples * channels * plane;
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new DataException("image folder " + spec.path() + " decodes to " + bytes + " bytes (" + samples + " samples of "
                    + channels + "x" + first.height() + "x" + first.width() + "), more than one array holds; "
                    + "use a smaller --image-size or fewer --patches");
        }
        byte[] pixels;
        try {
            pixels = new byte[(int) bytes];
        } catch (OutOfMemoryError e) {
            throw new DataException(outOfMemoryMessage(spec, entries.size()));
        }
        int[] labels = new int[(int) samples], sourceOf = new int[(int) samples];
        int s = 0;
        for (int i = 0; i < cuts.length; i++) {
            Cut c = cuts[i];
            if (c == null) {
                continue;
            }
            for (int k = 0; k < c.count(); k++, s++) {
                toBytes(c.rgb(), k * 3 * plane, plane, channels, pixels, s * channels * plane);
                labels[s] = entries.get(i).label();
                sourceOf[s] = i;
            }
        }
        Shape shape = Shape.of(channels, first.height(), first.width());
        return new Samples(new UByteDataset(name, shape, pixels, classes.isEmpty() ? null : labels, classes), sourceOf);
    }

    /** Decodes one file to RGB floats, resizes it, and cuts its patches. */
    static Cut cut(DataSpec spec, Path file, int fileIndex) {
        DecodedImage img = ImageDecoder.read(file, 3);
        int h = img.height(), w = img.width();
        byte[] px = img.chw(); // (3, h, w)
        int plane = h * w;
        boolean colour = false;
        for (int p = 0; p < plane && !colour; p++) {
            colour = px[p] != px[plane + p] || px[p] != px[2 * plane + p];
        }
        if (spec.height() == 0 && spec.patches() == 0) {
            return new Cut(px, 1, h, w, colour);
        }
        float[] rgb = new float[px.length];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (px[i] & 0xFF) / 255f;
        }
        if (spec.height() > 0) {
            rgb = Resize.resizeAndCrop(rgb, 3, h, w, spec.height(), spec.width());
            h = spec.height();
            w = spec.width();
        }
        if (spec.patches() == 0) {
            return new Cut(quantize(rgb), 1, h, w, colour);
        }
        int p = spec.patchSize();
        if (p > h || p > w) {
            throw new DataFormatException(file + " is " + h + "x" + w + ", smaller than --patch-size " + p);
        }
        long stream = Philox.derive(Philox.derive(spec.splitSeed(), Streams.PATCHES), fileIndex);
        float[] out = new float[spec.patches() * 3 * p * p];
        for (int k = 0; k < spec.patches(); k++) {
            int y0 = (int) (((Philox.word(stream, 2L * k) & 0xFFFFFFFFL) * (h - p + 1)) >>> 32);
            int x0 = (int) (((Philox.word(stream, 2L * k + 1) & 0xFFFFFFFFL) * (w - p + 1)) >>> 32);
            System.arraycopy(Resize.crop(rgb, 3, h, w, y0, x0, p, p), 0, out, k * 3 * p * p, 3 * p * p);
        }
        return new Cut(quantize(out), spec.patches(), p, p, colour);
    }

    /** One (3, H, W) byte sample at rgb[from..] → (C, H, W) bytes: RGB as is, or C = 1 by BT.601 luma. */
    static void toBytes(byte[] rgb, int from, int plane, int channels, byte[] dst, int at) {
        if (channels == 3) {
            System.arraycopy(rgb, from, dst, at, 3 * plane);
            return;
        }
        for (int i = 0; i < plane; i++) {
            int r = rgb[from + i] & 0xFF, g = rgb[from + plane + i] & 0xFF, b = rgb[from + 2 * plane + i] & 0xFF;
            dst[at + i] = (byte) Math.round(0.299f * r + 0.587f * g + 0.114f * b);
        }
    }

    private static byte[] quantize(float[] v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) Math.max(0, Math.min(255, Math.round(v[i] * 255f)));
        }
        return b;
    }

    static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        return !n.startsWith(".") && dot > 0 && EXTENSIONS.contains(n.substring(dot + 1)) && Files.isRegularFile(p);
    }

    private static boolean hasImages(Path dir) {
        return !walkImages(dir).isEmpty();
    }

    private static List<Path> walkImages(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(ImageFolder::isImage).filter(p -> !hiddenBelow(dir, p)).sorted().toList();
        } catch (IOException e) {
            throw new DataException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static boolean hiddenBelow(Path root, Path p) {
        for (Path part : root.relativize(p)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static List<Path> sortedChildren(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new DataException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
