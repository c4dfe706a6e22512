package org.bottleneck.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Mean ± standard error against values worked out by hand. */
class MeanStdTest {
    @Test
    void sampleDeviationUsesNMinusOneAndStderrDividesByRootN() {
        // 1, 2, 3, 4: mean 2.5, Σ(v − mean)² = 2.25 + 0.25 + 0.25 + 2.25 = 5, sd = √(5/3), stderr = sd/2
        MeanStd s = MeanStd.of(1, 2, 3, 4);
        assertEquals(4, s.n());
        assertEquals(2.5, s.mean(), 0);
        // tolerances: a few ulps of sqrt and one division
        assertEquals(Math.sqrt(5.0 / 3), s.sd(), 1e-15);
        assertEquals(Math.sqrt(5.0 / 3) / 2, s.stderr(), 1e-15);
        assertEquals("2.50 ± 0.65", s.format());
        assertEquals("2.5000 ± 0.6455", s.format(4));
        assertEquals(s, MeanStd.of(List.of(4.0, 3.0, 2.0, 1.0)), "order does not matter");
    }

    @Test
    void formatReadsLikeAResultTable() {
        // three PSNRs 0.3 dB apart: mean 24.31, sd 0.3, stderr 0.3/√3 = 0.1732
        MeanStd s = MeanStd.of(24.01, 24.31, 24.61);
        assertEquals(24.31, s.mean(), 1e-12);
        assertEquals(0.3, s.sd(), 1e-12); // the inputs carry ~1e-15 decimal rounding
        assertEquals("24.31 ± 0.17", s.format());
    }

    @Test
    void oneValueHasNoDeviationAndInfinityIsKept() {
        MeanStd one = MeanStd.of(5);
        assertEquals(5, one.mean(), 0);
        assertTrue(Double.isNaN(one.sd()) && Double.isNaN(one.stderr()), one.toString());
        assertEquals("5.00", one.format());
        // an exactly reconstructed image (PSNR +∞) makes the mean +∞: reported, not hidden
        MeanStd exact = MeanStd.of(20, Double.POSITIVE_INFINITY);
        assertEquals(Double.POSITIVE_INFINITY, exact.mean());
        assertEquals("∞", exact.format());
        assertEquals("−∞", MeanStd.of(Double.NEGATIVE_INFINITY, 3).format());
        String m = assertThrows(IllegalArgumentException.class, MeanStd::of).getMessage();
        assertTrue(m.contains("no values"), m);
    }
}
