package org.bottleneck.data;

import java.util.List;

/**
 * A source opened for training and evaluation.
 *
 * @param train           the training split
 * @param test            the test split (the source's own, or held out by seed)
 * @param description     one line: what was read and how it was split
 * @param standardization the per-feature transform applied to both splits, or null
 * @param notes           things the user should know (files skipped, …), one line each
 */
public record Splits(Dataset train, Dataset test, String description, Standardization standardization,
                     List<String> notes) {
    public Splits {
        notes = List.copyOf(notes);
    }
}
