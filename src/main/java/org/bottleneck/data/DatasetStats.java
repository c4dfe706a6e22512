package org.bottleneck.data;

/**
 * What a dataset holds: per-channel mean and standard deviation (images: over every pixel of
 * channel c; vectors: per feature) in float64, the value range, and the label histogram.
 *
 * @param samples   N
 * @param mean      (C) per channel, or (F) per feature for vector samples
 * @param std       (C) population standard deviation, likewise
 * @param min       the smallest value seen
 * @param max       the largest value seen
 * @param histogram count per label 0..L−1 (L = largest label + 1), or null when unlabelled
 */
public record DatasetStats(int samples, double[] mean, double[] std, double min, double max, long[] histogram) {

    public static DatasetStats of(Dataset d) {
        var shape = d.sampleShape();
        int channels = shape.rank() == 3 ? shape.dim(0) : d.features();
        int per = d.features() / channels;
        double[] sum = new double[channels], sq = new double[channels];
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        float[] x = new float[d.features()];
        int maxLabel = -1;
        for (int i = 0; i < d.size(); i++) {
            d.copySample(i, x, 0);
            for (int j = 0; j < x.length; j++) {
                double v = x[j];
                sum[j / per] += v;
                sq[j / per] += v * v;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            maxLabel = Math.max(maxLabel, d.label(i));
        }
        double[] mean = new double[channels], std = new double[channels];
        double count = (double) d.size() * per;
        for (int c = 0; c < channels; c++) {
            mean[c] = sum[c] / count;
            std[c] = Math.sqrt(Math.max(0, sq[c] / count - mean[c] * mean[c]));
        }
        long[] hist = null;
        if (maxLabel >= 0) {
            hist = new long[maxLabel + 1];
            for (int i = 0; i < d.size(); i++) {
                if (d.label(i) >= 0) {
                    hist[d.label(i)]++;
                }
            }
        }
        return new DatasetStats(d.size(), mean, std, min, max, hist);
    }
}
