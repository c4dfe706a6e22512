package org.bottleneck.data.transform;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bottleneck.backend.Philox;
import org.bottleneck.backend.Streams;
import org.bottleneck.data.Dataset;
import org.bottleneck.data.Resize;
import org.bottleneck.tensor.Shape;

/**
 * The (input, target, mask) pipeline: a sample is read, augmented (crop, flip: the target
 * follows), taken as the target, then degraded into the input (noise, holes, downsampling,
 * luma), each transform drawing from its own Philox stream keyed by (seed, slot, epoch, sample
 * index) — see {@link Draws}. Evaluation uses epoch {@link #EVAL_EPOCH}: one fixed draw per
 * test sample. Runs on the host for every backend, so CPU and GPU train on the same bits.
 *
 * <p>Specs, as {@code --augment} and {@code --degrade} take them (comma-separated, in order):
 * {@code crop=H[xW]}, {@code flip}; {@code gaussian=σ[:unclipped]}, {@code salt-pepper=p}, {@code masking=p},
 * {@code box=MIN[-MAX][:whole][:marked]}, {@code down=F[:box|bilinear|bicubic][:up]}, {@code luma}.
 */
public final class Pipeline {
    /** The epoch key of evaluation draws (training epochs are ≥ 0). */
    public static final int EVAL_EPOCH = -1;
    public static final Pipeline NONE = new Pipeline(List.of(), List.of());

    private final List<Transform> augment;
    private final List<Transform> degrade;

    public Pipeline(List<Transform> augment, List<Transform> degrade) {
        for (Transform t : augment) {
            if (!t.augmentation()) {
                throw new IllegalArgumentException(t.describe() + " degrades the input; give it to --degrade, not --augment");
            }
        }
        for (Transform t : degrade) {
            if (t.augmentation()) {
                throw new IllegalArgumentException(t.describe() + " is an augmentation; give it to --augment, not --degrade");
            }
        }
        this.augment = List.copyOf(augment);
        this.degrade = List.copyOf(degrade);
    }

    /** Parses the two specs ("" or null = none); {@code unitInterval}: the data lies in [0, 1] (noise is clipped to it). */
    public static Pipeline parse(String augmentSpec, String degradeSpec, boolean unitInterval) {
        return new Pipeline(list(augmentSpec, unitInterval), list(degradeSpec, unitInterval));
    }

    private static List<Transform> list(String spec, boolean unit) {
        List<Transform> out = new ArrayList<>();
        if (spec == null || spec.isBlank() || spec.equals("none")) {
            return out;
        }
        for (String item : spec.split(",")) {
            out.add(one(item.trim(), unit));
        }
        return out;
    }

    private static Transform one(String item, boolean unit) {
        int eq = item.indexOf('=');
        String name = (eq < 0 ? item : item.substring(0, eq)).toLowerCase(Locale.ROOT);
        String[] args = eq < 0 ? new String[0] : item.substring(eq + 1).split(":");
        try {
            return switch (name) {
                case "gaussian" -> {
                    boolean unclipped = args.length > 1 && args[1].equals("unclipped");
                    if (args.length > 2 || (args.length == 2 && !unclipped)) {
                        throw new IllegalArgumentException("expected gaussian=σ[:unclipped]");
                    }
                    yield new GaussianNoise(number(args, 0, item), unit && !unclipped);
                }
                case "salt-pepper", "sp" -> {
                    if (!unit) {
                        throw new IllegalArgumentException("salt-pepper sets values to 0 and 1, which needs data in [0, 1]");
                    }
                    yield new SaltPepper(number(args, 0, item));
                }
                case "masking", "mask" -> new MaskingNoise(number(args, 0, item));
                case "box" -> {
                    String[] r = text(args, 0, item).split("-");
                    int lo = Integer.parseInt(r[0]), hi = r.length > 1 ? Integer.parseInt(r[1]) : lo;
                    List<String> flags = List.of(args).subList(1, args.length);
                    if (!List.of("whole", "marked").containsAll(flags) || flags.size() != new java.util.HashSet<>(flags).size()) {
                        throw new IllegalArgumentException("expected box=MIN[-MAX][:whole][:marked]");
                    }
                    yield new BoxMask(lo, hi, !flags.contains("whole"), flags.contains("marked"));
                }
                case "down" -> {
                    int f = Integer.parseInt(text(args, 0, item));
                    Resize.Filter filter = args.length > 1 && !args[1].equals("up") ? Resize.Filter.parse(args[1]) : Resize.Filter.BOX;
                    boolean up = args[args.length - 1].equals("up") && args.length > 1;
                    yield new Downsample(f, filter, up);
                }
                case "luma" -> new Luma();
                case "crop" -> {
                    String[] hw = text(args, 0, item).toLowerCase(Locale.ROOT).split("x");
                    int h = Integer.parseInt(hw[0]);
                    yield new RandomCrop(h, hw.length > 1 ? Integer.parseInt(hw[1]) : h);
                }
                case "flip" -> new HorizontalFlip();
                default -> throw new IllegalArgumentException("unknown transform (expected crop, flip, gaussian, salt-pepper, "
                        + "masking, box, down or luma)");
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("transform '" + item + "': not a number: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("transform '" + item + "': " + e.getMessage());
        }
    }

    private static String text(String[] args, int i, String item) {
        if (i >= args.length || args[i].isEmpty()) {
            throw new IllegalArgumentException("missing a value (e.g. gaussian=0.5, box=8-12, down=2:bicubic, crop=24)");
        }
        return args[i];
    }

    private static double number(String[] args, int i, String item) {
        return Double.parseDouble(text(args, i, item));
    }

    public boolean isEmpty() {
        return augment.isEmpty() && degrade.isEmpty();
    }

    /** Whether the input differs from the target (any degradation). */
    public boolean degrades() {
        return !degrade.isEmpty();
    }

    /** Shape of the target for samples of shape {@code sample}: after the augmentations. */
    public Shape targetShape(Shape sample) {
        Shape s = sample;
        for (Transform t : augment) {
            s = t.outputShape(s);
        }
        return s;
    }

    /** Shape of the model input: after augmentations and degradations; throws naming a transform that does not fit. */
    public Shape inputShape(Shape sample) {
        Shape s = targetShape(sample), target = s;
        for (Transform t : degrade) {
            if ((t instanceof BoxMask || t instanceof FixedMask) && !s.equals(target)) {
                throw new IllegalArgumentException(t.describe() + " must come before transforms that change the shape");
            }
            s = t.outputShape(s);
        }
        return s;
    }

    /** A reusable example buffer for samples of shape {@code sample}. */
    public Example newExample(Shape sample) {
        long most = sample.size();
        Shape s = sample;
        for (Transform t : augment) {
            s = t.outputShape(s);
            most = Math.max(most, s.size());
        }
        Shape target = s;
        for (Transform t : degrade) {
            s = t.outputShape(s);
            most = Math.max(most, s.size());
        }
        return new Example(Math.toIntExact(most), Math.toIntExact(target.size()));
    }

    /** Builds example {@code index} of {@code data} for {@code epoch} (or {@link #EVAL_EPOCH}) into {@code e}. */
    public void make(Dataset data, int index, int epoch, long seed, Example e, Draws d) {
        data.copySample(index, e.input, 0);
        e.inputShape = data.sampleShape();
        e.masked = false;
        e.holed = false;
        int slot = 0;
        for (Transform t : augment) {
            d.reset(key(seed, slot++, epoch, index));
            t.apply(e, d);
        }
        e.targetShape = e.inputShape;
        System.arraycopy(e.input, 0, e.target, 0, e.inputSize());
        for (Transform t : degrade) {
            d.reset(key(seed, slot++, epoch, index));
            t.apply(e, d);
        }
    }

    /** Examples 0..n−1 of {@code data} (n capped at its size) for {@code epoch}. */
    public Examples examples(Dataset data, int n, int epoch, long seed) {
        int count = Math.min(n, data.size());
        Shape in = inputShape(data.sampleShape()), out = targetShape(data.sampleShape());
        int ni = Math.toIntExact(in.size()), no = Math.toIntExact(out.size());
        int plane = out.rank() == 3 ? out.dim(1) * out.dim(2) : 0;
        float[] x = new float[count * ni], t = new float[count * no], m = new float[count * no], holes = new float[count * plane];
        Example e = newExample(data.sampleShape());
        Draws d = new Draws();
        for (int i = 0; i < count; i++) {
            make(data, i, epoch, seed, e, d);
            System.arraycopy(e.input, 0, x, i * ni, ni);
            System.arraycopy(e.target, 0, t, i * no, no);
            if (e.masked) {
                System.arraycopy(e.mask, 0, m, i * no, no);
            } else {
                java.util.Arrays.fill(m, i * no, (i + 1) * no, 1f);
            }
            if (e.holed) {
                System.arraycopy(e.hole, 0, holes, i * plane, plane);
            }
        }
        return new Examples(count, in, out, x, t, m, holes);
    }

    static long key(long seed, int slot, int epoch, int index) {
        return Philox.derive(Philox.derive(Streams.of(seed, Streams.TRANSFORM, slot), epoch), index);
    }

    /** The specs back, e.g. "augment crop=24x24,flip; degrade gaussian=0.5", or "none". */
    public String describe() {
        if (isEmpty()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        if (!augment.isEmpty()) {
            parts.add("augment " + spec(augment));
        }
        if (!degrade.isEmpty()) {
            parts.add("degrade " + spec(degrade));
        }
        return String.join("; ", parts);
    }

    @Override
    public String toString() {
        return describe();
    }

    /** The degradations, in order. */
    public List<Transform> degradations() {
        return degrade;
    }

    public String augmentSpec() {
        return spec(augment);
    }

    public String degradeSpec() {
        return spec(degrade);
    }

    private static String spec(List<Transform> ts) {
        List<String> s = new ArrayList<>();
        for (Transform t : ts) {
            s.add(t.describe());
        }
        return String.join(",", s);
    }
}
