package org.bottleneck.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.bottleneck.tensor.Shape;

/**
 * An image folder too large for memory: indexed once (every file's header read, so a file
 * that is not an image or has the wrong size is found before training), then each sample
 * decoded from disk when it is read. Memory holds the index only; the batch loader decodes
 * ahead of the trainer on background threads (train/Batches), so a step does not wait on
 * decoding when decoding keeps up.
 *
 * <p>Sample i is patch {@code i % P} of indexed file {@code i / P} (P = --patches, or 1), cut
 * exactly as {@link ImageFolder} cuts it in memory: the two modes give the same samples. With
 * patches, a file is decoded once per patch drawn. Channels default to 3 (RGB) here: telling
 * grey folders apart would mean decoding every image up front; pass --channels 1 for grey.
 */
public final class StreamingImageFolder implements Dataset {
    private final String name;
    private final DataSpec spec;
    private final Shape shape;
    private final Path[] files;      // indexed files (bad ones skipped)
    private final int[] fileIndex;   // each one's position in the folder listing: patch positions depend on it
    private final int[] fileLabel;
    private final int perFile;
    private final List<String> classes;

    private StreamingImageFolder(String name, DataSpec spec, Shape shape, Path[] files, int[] fileIndex, int[] fileLabel,
                                 List<String> classes) {
        this.name = name;
        this.spec = spec;
        this.shape = shape;
        this.files = files;
        this.fileIndex = fileIndex;
        this.fileLabel = fileLabel;
        this.perFile = Math.max(1, spec.patches());
        this.classes = List.copyOf(classes);
    }

    /** Reads every file's header (in parallel, with progress) and returns the streamed samples. */
    static ImageFolder.Samples index(DataSpec spec, String name, List<ImageFolder.Entry> entries, List<String> classes,
                                     LoadProgress progress, List<String> notes) {
        int n = entries.size();
        int[][] sizes = new int[n][];
        String[] errors = new String[n];
        AtomicLong done = new AtomicLong();
        progress.start("indexing images", n);
        IntStream.range(0, n).parallel().forEach(i -> {
            try {
                sizes[i] = ImageFolder.headerSize(entries.get(i).file());
            } catch (DataException e) {
                errors[i] = e.getMessage();
            }
            progress.step(done.incrementAndGet());
        });
        progress.end();
        int h = spec.height(), w = spec.width();
        int[] first = null;
        Path firstFile = null;
        for (int i = 0; i < n; i++) {
            if (errors[i] == null && spec.patches() > 0) {
                int ih = h > 0 ? h : sizes[i][0], iw = h > 0 ? w : sizes[i][1];
                if (spec.patchSize() > ih || spec.patchSize() > iw) {
                    errors[i] = entries.get(i).file() + " is " + ih + "x" + iw + ", smaller than --patch-size " + spec.patchSize();
                }
            }
        }
        int skipped = ImageFolder.skipOrFail(spec, errors, notes);
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path f = entries.get(i).file();
            if (errors[i] != null) {
                continue;
            }
            if (h == 0 && spec.patches() == 0) {
                if (first == null) {
                    first = sizes[i];
                    firstFile = f;
                } else if (sizes[i][0] != first[0] || sizes[i][1] != first[1]) {
                    throw new DataFormatException("images of mixed sizes: " + firstFile + " is " + first[0] + "x" + first[1]
                            + ", " + f + " is " + sizes[i][0] + "x" + sizes[i][1]
                            + "; pass --image-size HxW to resize them (or --patches N --patch-size P)");
                }
            }
            kept.add(i);
        }
        if (kept.isEmpty()) {
            throw new DataException("no image in " + spec.path() + " decodes (" + skipped + " skipped)");
        }
        int c = spec.channels() != 0 ? spec.channels() : 3;
        Shape shape = spec.patches() > 0 ? Shape.of(c, spec.patchSize(), spec.patchSize())
                : h > 0 ? Shape.of(c, h, w) : Shape.of(c, first[0], first[1]);
        Path[] files = new Path[kept.size()];
        int[] index = new int[kept.size()], label = new int[kept.size()];
        int per = Math.max(1, spec.patches());
        int[] sourceOf = new int[Math.multiplyExact(kept.size(), per)];
        for (int k = 0; k < files.length; k++) {
            int i = kept.get(k);
            files[k] = entries.get(i).file();
            index[k] = i;
            label[k] = entries.get(i).label();
            for (int p = 0; p < per; p++) {
                sourceOf[k * per + p] = i;
            }
        }
        notes.add("streaming " + files.length + " images from disk (decoded " + shape + " would exceed --memory-budget "
                + spec.memoryBudget() / (1 << 20) + " MiB)" + (spec.channels() == 0 ? "; channels 3 (pass --channels 1 for grey)" : ""));
        return new ImageFolder.Samples(new StreamingImageFolder(name, spec, shape, files, index, label, classes), sourceOf);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return files.length * perFile;
    }

    @Override
    public Shape sampleShape() {
        return shape;
    }

    @Override
    public boolean streamed() {
        return true;
    }

    @Override
    public List<String> classNames() {
        return classes;
    }

    /** Decodes the sample's file (and cuts its patch): thread-safe, allocates per call. */
    @Override
    public void copySample(int index, float[] dst, int offset) {
        Dataset.checkIndex(this, index);
        Dataset.checkDestination(this, dst, offset);
        int f = index / perFile, k = index % perFile;
        ImageFolder.Cut cut = ImageFolder.cut(spec, files[f], fileIndex[f]);
        int c = shape.dim(0), plane = shape.dim(1) * shape.dim(2);
        if (cut.height() != shape.dim(1) || cut.width() != shape.dim(2)) {
            throw new DataFormatException(files[f] + " decodes to " + cut.height() + "x" + cut.width()
                    + " but was indexed as " + shape.dim(1) + "x" + shape.dim(2));
        }
        byte[] px = new byte[c * plane];
        ImageFolder.toBytes(cut.rgb(), k * 3 * plane, plane, c, px, 0);
        for (int j = 0; j < px.length; j++) {
            dst[offset + j] = (px[j] & 0xFF) / 255f;
        }
    }

    @Override
    public int label(int index) {
        Dataset.checkIndex(this, index);
        return classes.isEmpty() ? -1 : fileLabel[index / perFile];
    }
}
