package org.bottleneck.apps.anomaly;

import java.util.Locale;

/**
 * Which samples are normal when class c is the experiment's subject. {@link #ONE_CLASS} (Ruff et
 * al. 2018, Deep SVDD): train on class c alone, every other class is an anomaly.
 * {@link #LEAVE_OUT} (An &amp; Cho 2015): train on all classes but c, which is the anomaly.
 */
public enum Protocol {
    ONE_CLASS("one-class"), LEAVE_OUT("leave-out");

    private final String id;

    Protocol(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** Whether a sample of label {@code label} is normal when {@code subject} is the class in question. */
    public boolean normal(int label, int subject) {
        return this == ONE_CLASS ? label == subject : label != subject;
    }

    public static Protocol parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "one-class" -> ONE_CLASS;
            case "leave-out", "leave-one-out", "leave-one-class-out" -> LEAVE_OUT;
            default -> throw new IllegalArgumentException("unknown --protocol '" + s + "' (expected one-class or leave-out)");
        };
    }
}
