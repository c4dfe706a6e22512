package org.bottleneck.train;

import java.io.IOException;
import org.bottleneck.backend.Backend;
import org.bottleneck.data.Dataset;
import org.bottleneck.tensor.Tensor;
import org.bottleneck.model.Model;

/**
 * The training loop: seeded shuffling, one fused optimizer pass per step, optional gradient
 * clipping, validation after every epoch, early stopping, and a hook after each epoch that
 * writes checkpoints. Deterministic: epoch e's batches and step s's noise depend only on the
 * seed, so a run resumed from its last checkpoint continues exactly as if never stopped.
 */
public final class Trainer {
    /** Called after each epoch, after validation; writes checkpoints and metrics. */
    public interface EpochHook {
        void afterEpoch(TrainState state, Optimizer optimizer, boolean improved) throws IOException;
    }

    private final Model model;
    private final TrainConfig config;
    private final Optimizer optimizer;
    private final Progress progress;
    private final EpochHook hook;
    private final int evalBatch;

    public Trainer(Model model, TrainConfig config, Optimizer optimizer, Progress progress, EpochHook hook) {
        this.model = model;
        this.config = config;
        this.optimizer = optimizer;
        this.progress = progress;
        this.hook = hook;
        this.evalBatch = evalBatch(config);
    }

    /** The optimizer a config asks for, over the model's flat parameters. */
    public static Optimizer optimizerFor(Model model, TrainConfig config) {
        Backend b = model.backend();
        return switch (config.optimizer()) {
            case "sgd" -> new Sgd(b, model.parameters(), (float) config.momentum(), (float) config.weightDecay());
            case "adam" -> new AdamW(b, model.parameters(), 0.9f, 0.999f, 1e-8f, 0f);
            default -> new AdamW(b, model.parameters(), 0.9f, 0.999f, 1e-8f, (float) config.weightDecay());
        };
    }

    /** The batch size of validation and the final test evaluation: the training batch, at least 500. */
    public static int evalBatch(TrainConfig config) {
        return Math.max(config.batchSize(), 500);
    }

    /** Trains from {@code state} (fresh or resumed) until the epochs are done or patience runs out. */
    public TrainState fit(Dataset train, Dataset validation, TrainState state) throws IOException {
        DataChecks.fits(model, train, config.pipeline(), "train");
        DataChecks.fits(model, validation, config.pipeline(), "validation");
        Backend backend = model.backend();
        int b = config.batchSize();
        try (Batches batches = new Batches(backend, train, b, config.pipeline(), config.seed())) {
            return fit(train, validation, state, batches);
        }
    }

    private TrainState fit(Dataset train, Dataset validation, TrainState state, Batches batches) throws IOException {
        Backend backend = model.backend();
        int b = config.batchSize();
        float[] recon = new float[b], kl = new float[b], penalty = new float[b];
        double[] loss = new double[b];
        int steps = (train.size() + b - 1) / b;

        for (int epoch = state.epochsDone; epoch < config.epochs(); epoch++) {
            if (config.patience() > 0 && state.epochsSinceBest >= config.patience()) {
                state.stoppedEarly = true;
                break;
            }
            float lr = (float) config.schedule().lr(config.lr(), epoch, config.epochs());
            batches.shuffle(config.seed(), epoch);
            batches.beginEpoch(epoch, b);
            progress.epochStart(epoch + 1, config.epochs(), steps);
            double sumLoss = 0, sumRecon = 0, sumKl = 0;
            long counted = 0;
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                int from = i * b, n = Math.min(b, train.size() - from);
                model.prepare(n);
                Batches.Batch batch = batches.next(model);
                model.trainStep(state.step, batch.target(), batch.mask());
                if (config.clipNorm() > 0) {
                    clip(backend);
                }
                optimizer.step(lr);
                state.step++;
                if (i % config.lossEvery() == 0 || i == steps - 1) {
                    model.readLosses(n, loss, recon, kl, penalty);
                    for (int j = 0; j < n; j++) {
                        if (!Double.isFinite(loss[j])) {
                            throw new TrainingDivergedException("loss became " + loss[j] + " at epoch " + (epoch + 1)
                                    + ", step " + state.step + " (lr " + lr + ", recon " + recon[j] + ", kl " + kl[j]
                                    + "); try a lower --lr or --clip; the last checkpoint was left untouched");
                        }
                        sumLoss += loss[j];
                        sumRecon += recon[j];
                        sumKl += kl[j];
                    }
                    counted += n;
                    double secs = (System.nanoTime() - t0) / 1e9;
                    progress.update(i + 1, sumLoss / counted, (from + n) / secs);
                }
            }
            backend.synchronize();
            double seconds = (System.nanoTime() - t0) / 1e9;
            EvalResult val = Evaluator.evaluate(model, validation, evalBatch, config.pipeline(), config.seed());
            if (!Double.isFinite(val.loss())) {
                throw new TrainingDivergedException("validation loss became " + val.loss() + " after epoch "
                        + (epoch + 1) + "; the last checkpoint was left untouched");
            }
            EpochMetrics m = new EpochMetrics(epoch + 1, lr, sumLoss / counted, sumRecon / counted,
                    sumKl / counted, val.loss(), val.recon(), val.kl(), train.size() / seconds, seconds);
            state.history.add(m);
            state.epochsDone = epoch + 1;
            boolean improved = val.loss() < state.bestValLoss;
            if (improved) {
                state.bestValLoss = val.loss();
                state.bestEpoch = epoch + 1;
                state.epochsSinceBest = 0;
            } else {
                state.epochsSinceBest++;
            }
            progress.epochEnd(m);
            hook.afterEpoch(state, optimizer, improved);
        }
        return state;
    }

    /** Scales all gradients so their global L2 norm is at most clipNorm (PyTorch clip_grad_norm_). */
    private void clip(Backend backend) {
        double norm = Math.sqrt(backend.sumSquares(model.parameters().grads()));
        if (norm > config.clipNorm()) {
            backend.scale(model.parameters().grads(), (float) (config.clipNorm() / (norm + 1e-6)));
        }
    }
}
