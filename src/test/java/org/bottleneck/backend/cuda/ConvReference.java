package org.bottleneck.backend.cuda;

import org.bottleneck.backend.ConvGeometry;

/**
 * Direct float64 formulas of the convolution-family ops (Backend's javadoc, loop for loop), the
 * reference the CUDA kernels were first validated against. Legend: x (B,Cin,H,W), w
 * (Cout,Cin,k,k), y (B,Cout,Ho,Wo), NCHW row-major.
 */
final class ConvReference {
    private ConvReference() {
    }

    static float[] round(double[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return out;
    }

    /** x index, or −1 in the padding. */
    private static int at(ConvGeometry g, int n, int ci, int ih, int iw) {
        if (ih < 0 || ih >= g.inH() || iw < 0 || iw >= g.inW()) {
            return -1;
        }
        return ((n * g.inC() + ci) * g.inH() + ih) * g.inW() + iw;
    }

    /**
     * Calls {@code tap(xIndex, wIndex, yIndex)} for every multiply-add of the convolution:
     * y[n,co,oh,ow] += w[co,ci,kh,kw]·x[n,ci,oh·s−p+kh,ow·s−p+kw].
     */
    private static void taps(ConvGeometry g, Tap tap) {
        int k = g.kernel(), s = g.stride(), p = g.padding();
        for (int n = 0; n < g.batch(); n++) {
            for (int co = 0; co < g.outC(); co++) {
                for (int oh = 0; oh < g.outH(); oh++) {
                    for (int ow = 0; ow < g.outW(); ow++) {
                        int yi = ((n * g.outC() + co) * g.outH() + oh) * g.outW() + ow;
                        for (int ci = 0; ci < g.inC(); ci++) {
                            for (int kh = 0; kh < k; kh++) {
                                for (int kw = 0; kw < k; kw++) {
                                    int xi = at(g, n, ci, oh * s - p + kh, ow * s - p + kw);
                                    if (xi >= 0) {
                                        tap.add(xi, ((co * g.inC() + ci) * k + kh) * k + kw, yi);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private interface Tap {
        void add(int xi, int wi, int yi);
    }

    static double[] forward(ConvGeometry g, float[] x, float[] w) {
        double[] y = new double[Math.toIntExact(g.outputShape().size())];
        taps(g, (xi, wi, yi) -> y[yi] += (double) w[wi] * x[xi]);
        return y;
    }

    static double[] backwardData(ConvGeometry g, float[] dy, float[] w) {
        double[] dx = new double[Math.toIntExact(g.inputShape().size())];
        taps(g, (xi, wi, yi) -> dx[xi] += (double) dy[yi] * w[wi]);
        return dx;
    }

    /** beta·dw + Σ dy·x. */
    static double[] backwardFilter(ConvGeometry g, float[] x, float[] dy, float beta, float[] dw) {
        double[] out = new double[dw.length];
        for (int i = 0; i < dw.length; i++) {
            out[i] = beta == 0f ? 0 : (double) beta * dw[i];
        }
        taps(g, (xi, wi, yi) -> out[wi] += (double) dy[yi] * x[xi]);
        return out;
    }

    /** planes = B·C. */
    static float[] upsample(float[] x, int planes, int h, int w, int f) {
        float[] y = new float[planes * h * f * w * f];
        for (int pl = 0; pl < planes; pl++) {
            for (int i = 0; i < h * f; i++) {
                for (int j = 0; j < w * f; j++) {
                    y[(pl * h * f + i) * w * f + j] = x[(pl * h + i / f) * w + j / f];
                }
            }
        }
        return y;
    }

    static double[] upsampleBackward(float[] dy, int planes, int h, int w, int f) {
        double[] dx = new double[planes * h * w];
        for (int pl = 0; pl < planes; pl++) {
            for (int i = 0; i < h * f; i++) {
                for (int j = 0; j < w * f; j++) {
                    dx[(pl * h + i / f) * w + j / f] += dy[(pl * h * f + i) * w * f + j];
                }
            }
        }
        return dx;
    }

    /** Returns {y, argmax}: first maximum in row-major window order, a NaN wins (the first one). */
    static float[][] maxPool(float[] x, int planes, int h, int w, int k, int s) {
        int ho = (h - k) / s + 1, wo = (w - k) / s + 1;
        float[] y = new float[planes * ho * wo], arg = new float[y.length];
        for (int pl = 0; pl < planes; pl++) {
            for (int oh = 0; oh < ho; oh++) {
                for (int ow = 0; ow < wo; ow++) {
                    int best = -1;
                    for (int kh = 0; kh < k && (best < 0 || !Float.isNaN(x[pl * h * w + best])); kh++) {
                        for (int kw = 0; kw < k; kw++) {
                            int at = (oh * s + kh) * w + ow * s + kw;
                            float v = x[pl * h * w + at];
                            if (Float.isNaN(v)) {
                                best = at;
                                break;
                            }
                            if (best < 0 || v > x[pl * h * w + best]) {
                                best = at;
                            }
                        }
                    }
                    int o = (pl * ho + oh) * wo + ow;
                    y[o] = x[pl * h * w + best];
                    arg[o] = best;
                }
            }
        }
        return new float[][] {y, arg};
    }

    static double[] maxPoolBackward(float[] dy, float[] argmax, int planes, int h, int w, int k, int s) {
        int ho = (h - k) / s + 1, wo = (w - k) / s + 1;
        double[] dx = new double[planes * h * w];
        for (int pl = 0; pl < planes; pl++) {
            for (int o = 0; o < ho * wo; o++) {
                dx[pl * h * w + (int) argmax[pl * ho * wo + o]] += dy[pl * ho * wo + o];
            }
        }
        return dx;
    }
}
