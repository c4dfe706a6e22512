/**
 * Classical baselines that the image applications (denoise, super-resolution, colorize,
 * inpaint) report next to the model, so that a learned result can be judged against what a
 * few lines of signal processing achieve. Pure functions on (C, H, W) float arrays: C
 * channels, H rows, W columns, element (c, y, x) at {@code (c·H + y)·W + x}; inputs are never
 * modified, every result is a new array.
 */
package org.bottleneck.apps.baselines;
