package org.bottleneck.data;

/** Progress of a long load (indexing or decoding an image folder), for a progress bar. */
public interface LoadProgress {
    LoadProgress NONE = new LoadProgress() {
        @Override
        public void start(String phase, long total) {
        }

        @Override
        public void step(long done) {
        }

        @Override
        public void end() {
        }
    };

    /** A phase of {@code total} units begins, e.g. ("decoding images", 60000). */
    void start(String phase, long total);

    /** {@code done} units of the phase are finished (called from any thread, done increasing). */
    void step(long done);

    void end();
}
