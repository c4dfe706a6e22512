package org.bottleneck.testing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.opentest4j.AssertionFailedError;
import org.junit.jupiter.api.Test;

/** The checker itself must fail when it should, and say where. */
class ToleranceTest {

    @Test
    void passesWithinAndFailsOutsideTheBoundReportingTheWorstFive() {
        double[] e = {1, 2, 3, 4, 5, 6, 7, 8};
        float[] a = {1, 2, 3, 4, 5, 6, 7, 8};
        assertDoesNotThrow(() -> Tolerance.assertClose("same", e, a, 0, 0));
        float[] near = {1.001f, 2, 3, 4, 5, 6, 7, 8};
        assertDoesNotThrow(() -> Tolerance.assertClose("near", e, near, 0, 2e-3)); // 1e-3 ≤ 2e-3·1
        assertThrows(AssertionFailedError.class, () -> Tolerance.assertClose("near", e, near, 0, 5e-4));

        float[] bad = {1.5f, 2, 3.1f, 4.2f, 5.3f, 6.4f, 7.6f, Float.NaN};
        AssertionFailedError err = assertThrows(AssertionFailedError.class,
                () -> Tolerance.assertClose("bad", e, bad, 0.01, 0));
        String m = err.getMessage();
        assertTrue(m.contains("7 of 8"), m);
        assertTrue(m.contains("[7]") && m.contains("[6]") && m.contains("[0]"), m); // NaN first, then 0.6, 0.5
        assertTrue(!m.contains("[2]"), "only the worst five are listed: " + m);
    }

    @Test
    void nonZeroGuard() {
        assertThrows(AssertionFailedError.class, () -> Tolerance.assertNonZero("zeros", new float[3]));
        assertThrows(AssertionFailedError.class, () -> Tolerance.assertNonZero("nan", new float[] {Float.NaN}));
        assertDoesNotThrow(() -> Tolerance.assertNonZero("one", new float[] {0, 1e-30f}));
    }
}
