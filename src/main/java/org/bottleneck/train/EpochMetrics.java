package org.bottleneck.train;

/**
 * One row of the training history. Losses are per image (summed over pixels, averaged over
 * samples): loss = recon + β·kl + penalty is the objective; for a VAE, recon + kl is the
 * negative ELBO in nats.
 */
public record EpochMetrics(int epoch, double lr, double trainLoss, double trainRecon, double trainKl,
                           double valLoss, double valRecon, double valKl, double samplesPerSecond,
                           double seconds) {

    public static final String CSV_HEADER =
            "epoch,lr,train_loss,train_recon,train_kl,val_loss,val_recon,val_kl,samples_per_s,seconds";

    public String toCsv() {
        return epoch + "," + lr + "," + trainLoss + "," + trainRecon + "," + trainKl + "," + valLoss + ","
                + valRecon + "," + valKl + "," + samplesPerSecond + "," + seconds;
    }

    public static EpochMetrics fromCsv(String line) {
        String[] f = line.split(",");
        if (f.length != 10) {
            throw new IllegalArgumentException("metrics row needs 10 fields, got " + f.length + ": " + line);
        }
        return new EpochMetrics(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                Double.parseDouble(f[6]), Double.parseDouble(f[7]), Double.parseDouble(f[8]),
                Double.parseDouble(f[9]));
    }
}
