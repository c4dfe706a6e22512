package org.bottleneck.train;

/**
 * Test-set metrics per image. recon: reconstruction loss (nats for BCE, summed squared error
 * for MSE); kl: KL to the prior (0 for a plain autoencoder); penalty: L1 term; loss: the training
 * objective recon + β·kl + penalty; negElbo: recon + kl; msePerPixel: mean squared error of the
 * reconstructed image in [0,1].
 */
public record EvalResult(int samples, double loss, double recon, double kl, double penalty, double negElbo,
                         double msePerPixel) {
}
