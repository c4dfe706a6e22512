package org.bottleneck.spark;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.bottleneck.apps.CodecPool;
import org.bottleneck.apps.anomaly.AnomalyScore;
import org.bottleneck.apps.anomaly.ModelScores;
import org.bottleneck.data.ArrayDataset;
import org.bottleneck.model.Model;

/**
 * One task's work: the rows of its partition streamed through the executor's model in batches
 * of {@link Job#batch()} — never the whole partition in memory — each output row the input row
 * plus the code (or the score and flag), and an {@code error} column when asked. Rows keep their
 * order. Codes are {@code Codec.encode} of each batch and scores {@code ModelScores.of} of each
 * batch: exactly what a single JVM computes on the same batches (float results depend on a row's
 * position within a GEMM's batch by a rounding, ≤ 1e-7 relative). The one random score,
 * {@code recon-prob}, draws its noise by position in the batch too, so it changes with the batching
 * (partitions, {@code batch}, rows left out as bad) by its Monte Carlo error, not just a rounding.
 */
final class PartitionScorer implements MapPartitionsFunction<Row, Row> {
    private final Job job;

    PartitionScorer(Job job) {
        this.job = job;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        TaskContext task = TaskContext.get();
        int cpus = task == null ? 1 : Math.max(1, task.cpus());
        int cores = SparkEnv.get() == null ? Runtime.getRuntime().availableProcessors()
                : SparkEnv.get().conf().getInt("spark.executor.cores", Runtime.getRuntime().availableProcessors());
        int slots = Math.max(1, cores / cpus);
        ExecutorModels.Loaded loaded = ExecutorModels.get(job.sha256(), Path.of(SparkFiles.get(job.fileName())), slots,
                job.device(), cpus);
        return new Batches(rows, loaded, task == null ? -1 : task.partitionId());
    }

    /** Pulls one batch at a time from the input and hands out its output rows. */
    private final class Batches implements Iterator<Row> {
        private final Iterator<Row> in;
        private final ExecutorModels.Loaded model;
        private final int partition;
        private final ArrayDeque<Row> ready = new ArrayDeque<>();
        private final float[] x;
        private long position; // rows of this partition read so far

        Batches(Iterator<Row> in, ExecutorModels.Loaded model, int partition) {
            this.in = in;
            this.model = model;
            this.partition = partition;
            this.x = new float[job.batch() * job.features().size()];
        }

        @Override
        public boolean hasNext() {
            while (ready.isEmpty() && in.hasNext()) {
                next(job.batch());
            }
            return !ready.isEmpty();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.poll();
        }

        /** Reads up to {@code b} rows, runs the model on the good ones, queues every output row. */
        private void next(int b) {
            int d = job.features().size();
            List<Row> batch = new ArrayList<>(b);
            String[] errors = new String[b];
            int[] slot = new int[b]; // row r → its place among the good rows, or -1
            int good = 0;
            while (batch.size() < b && in.hasNext()) {
                Row row = in.next();
                int r = batch.size();
                batch.add(row);
                try {
                    job.features().read(row, x, good * d);
                    slot[r] = good++;
                } catch (Features.BadRow e) {
                    String where = job.key() != null ? job.key() + " = " + row.getAs(job.key())
                            : "row " + (position + r) + " of partition " + partition;
                    if (!job.errorColumn()) {
                        throw new IllegalArgumentException("bad input row (" + where + "): " + e.getMessage()
                                + " (pass the error-column option to keep going and mark such rows)");
                    }
                    errors[r] = e.getMessage();
                    slot[r] = -1;
                }
            }
            position += batch.size();
            float[] samples = Arrays.copyOf(x, good * d);
            if (job.standardize() && model.standardization() != null && good > 0) {
                model.standardization().applyInPlace(samples, d, "input rows");
            }
            float[] codes = null;
            double[] scores = null;
            if (good > 0) {
                try (CodecPool.Lease lease = model.pool().borrow()) {
                    if (job.encode()) {
                        codes = lease.codec().encode(samples, good);
                    } else {
                        Model m = lease.codec().model();
                        AnomalyScore s = AnomalyScore.parse(job.score());
                        ArrayDataset ds = ArrayDataset.of("partition " + partition, m.inputShape(), samples, null,
                                List.of(), false);
                        Map<AnomalyScore, double[]> out = ModelScores.of(m, ds, List.of(s),
                                model.detector() == null ? null : model.detector().gaussian(), job.draws(), job.batch());
                        scores = out.get(s);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted waiting for a model copy", e);
                }
            }
            for (int r = 0; r < batch.size(); r++) {
                ready.add(output(batch.get(r), slot[r], codes, scores, errors[r]));
            }
        }

        private Row output(Row in, int slot, float[] codes, double[] scores, String error) {
            int z = job.codeSize();
            int extra = job.encode() ? (job.codeColumns() ? z : 1) : 2;
            Object[] v = new Object[in.length() + extra + (job.errorColumn() ? 1 : 0)];
            for (int i = 0; i < in.length(); i++) {
                v[i] = in.get(i);
            }
            int o = in.length();
            if (job.encode()) {
                if (job.codeColumns()) {
                    for (int c = 0; c < z; c++) {
                        v[o++] = slot < 0 ? null : codes[slot * z + c];
                    }
                } else {
                    v[o++] = slot < 0 ? null : Arrays.copyOfRange(codes, slot * z, (slot + 1) * z);
                }
            } else {
                double s = slot < 0 ? Double.NaN : scores[slot];
                v[o++] = slot < 0 ? null : s;
                v[o++] = slot < 0 || job.threshold() == null ? null : s > job.threshold();
            }
            if (job.errorColumn()) {
                v[o] = error;
            }
            return RowFactory.create(v);
        }
    }
}
