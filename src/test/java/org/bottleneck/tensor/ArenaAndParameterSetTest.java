package org.bottleneck.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bottleneck.backend.Backend;
import org.bottleneck.nn.ParamSpec;
import org.bottleneck.nn.ParameterSet;
import org.bottleneck.testing.TestBackends;
import org.bottleneck.testing.Tensors;
import org.junit.jupiter.api.Test;

/** Arena and ParameterSet layout, and their failures: exhausted, out of range, after close. */
class ArenaAndParameterSetTest {
    private final Backend be = TestBackends.cpu();

    @Test
    void arenaAlignsViewsAndFailsWhenExhausted() {
        Arena sizing = Arena.sizing();
        Tensor s1 = sizing.take(7, 13);
        sizing.take(1);
        assertEquals(128 + 64, sizing.used()); // 91 → 128, 1 → 64: 64-float boundaries
        IllegalStateException placeholder = assertThrows(IllegalStateException.class, s1::storage);
        assertTrue(placeholder.getMessage().contains("sizing placeholder"), placeholder.getMessage());

        try (Arena a = Arena.allocate(be, 150, "acts[test]")) {
            Tensor t = a.take(7, 13);
            assertEquals(0, t.offset());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> a.take(5, 5));
            assertTrue(e.getMessage().contains("acts[test]") && e.getMessage().contains("150")
                    && e.getMessage().contains("[5, 5]") && e.getMessage().contains("128"), e.getMessage());
            a.reset();
            assertEquals(0, a.take(2).offset());
            assertEquals(64, a.take(2).offset());
        }
    }

    @Test
    void viewsOutOfRangeFailWithTheirShapes() {
        try (Tensors ts = new Tensors(be)) {
            Tensor t = ts.zeros(7, 13);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.view(80, Shape.of(12)));
            assertTrue(e.getMessage().contains("[12]") && e.getMessage().contains("80") && e.getMessage().contains("[7, 13]"),
                    e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> t.view(-1, Shape.of(1)));
            assertEquals(79, t.view(79, Shape.of(12)).offset()); // the last float fits exactly
            assertThrows(IllegalArgumentException.class, () -> t.rows(3, 8));
            assertThrows(IllegalArgumentException.class, () -> t.rows(4, 3));
            assertEquals(3 * 13, t.rows(3, 7).offset());
            assertThrows(IllegalArgumentException.class, () -> t.reshape(Shape.of(13, 8)));
            IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                    () -> new Tensor(t.storage(), 50, Shape.of(7, 7)));
            assertTrue(e2.getMessage().contains("does not fit"), e2.getMessage());
        }
    }

    @Test
    void parameterSetLayoutPaddingAndClose() {
        List<ParamSpec> specs = List.of(new ParamSpec("a.weight", Shape.of(5, 7)), new ParamSpec("a.bias", Shape.of(5)),
                new ParamSpec("b.weight", Shape.of(13, 5)));
        ParameterSet ps = new ParameterSet(be, specs);
        assertEquals(35 + 5 + 65, ps.count());
        assertEquals(64 + 64 + 128, ps.values().size());
        assertEquals(ps.values().size(), ps.grads().size());
        long[] want = {0, 64, 128};
        for (int i = 0; i < specs.size(); i++) {
            assertEquals(want[i], ps.valueViews().get(i).offset(), specs.get(i).name());
            assertEquals(want[i], ps.gradViews().get(i).offset(), specs.get(i).name());
            assertEquals(specs.get(i).shape(), ps.valueViews().get(i).shape());
        }
        assertEquals(2, ps.indexOf("b.weight"));
        assertEquals(-1, ps.indexOf("b.bias"));
        // writing every view leaves the padding zero (optimizers sweep the flat buffer)
        for (Tensor v : ps.valueViews()) {
            be.fill(v, 1f);
        }
        float[] flat = Tensors.download(be, ps.values());
        double sum = 0;
        for (float f : flat) {
            sum += f;
        }
        assertEquals(ps.count(), sum);

        ps.close();
        ps.close(); // idempotent
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> be.fill(ps.valueViews().get(0), 0f));
        assertTrue(e.getMessage().contains("parameters"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> be.sumSquares(ps.grads()));
    }
}
