package org.bottleneck.train;

/**
 * Learning rate per epoch (epochs count from 0): constant; step (× gamma every stepEpochs);
 * cosine (from lr at epoch 0 down to 0 after the last epoch, PyTorch's CosineAnnealingLR
 * with T_max = epochs, eta_min = 0).
 */
public record Schedule(String kind, int stepEpochs, double gamma) {

    public Schedule {
        if (!kind.equals("constant") && !kind.equals("step") && !kind.equals("cosine")) {
            throw new IllegalArgumentException("unknown schedule '" + kind + "' (expected constant, step or cosine)");
        }
        if (kind.equals("step") && (stepEpochs <= 0 || !(gamma > 0))) {
            throw new IllegalArgumentException("step schedule needs step epochs > 0 and gamma > 0, got "
                    + stepEpochs + " and " + gamma);
        }
    }

    public static Schedule constant() {
        return new Schedule("constant", 1, 1);
    }

    public double lr(double base, int epoch, int epochs) {
        return switch (kind) {
            case "step" -> base * Math.pow(gamma, epoch / stepEpochs);
            case "cosine" -> base * 0.5 * (1 + Math.cos(Math.PI * epoch / Math.max(1, epochs)));
            default -> base;
        };
    }
}
