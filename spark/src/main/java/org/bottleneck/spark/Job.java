package org.bottleneck.spark;

import java.io.Serializable;

/**
 * Everything an executor needs to run one encode or score over its partitions, shipped with the
 * task closure (the weights travel separately, once, as a Spark file).
 *
 * @param encode      true: codes out; false: anomaly scores out
 * @param fileName    the checkpoint's name among the job's Spark files ({@code <sha256>.safetensors})
 * @param sha256      its SHA-256, checked on the executor before loading
 * @param features    how rows become samples
 * @param standardize whether to apply the checkpoint's standardization (tables: columns or vectors)
 * @param batch       rows per model call; a task holds at most this many rows
 * @param device      backend of the executors' model copies: cpu, cuda or auto
 * @param codeSize    Z, values per code
 * @param codeColumns codes as columns z0…z(Z−1) rather than one array column
 * @param score       the anomaly score's id (score mode)
 * @param threshold   flag rows whose score exceeds this; null: no flag (score mode)
 * @param draws       L of the reconstruction probability
 * @param errorColumn a bad row gets its reason in an {@code error} column (else it fails the job)
 * @param key         the column that names a row in messages, or null (then partition and position)
 */
record Job(boolean encode, String fileName, String sha256, Features features, boolean standardize, int batch,
           String device, int codeSize, boolean codeColumns, String score, Double threshold, int draws,
           boolean errorColumn, String key) implements Serializable {
}
