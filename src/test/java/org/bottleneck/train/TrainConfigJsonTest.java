package org.bottleneck.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bottleneck.data.transform.Pipeline;
import org.junit.jupiter.api.Test;

/** A stored training configuration reads back as it was written, and --epochs alone may change. */
class TrainConfigJsonTest {
    @Test
    void roundTrip() {
        TrainConfig c = new TrainConfig(7, 64, 3e-4, "adamw", 0.01, 0.8, new Schedule("step", 3, 0.7), 1.5, 2, 99, 5,
                Pipeline.parse("crop=24,flip", "box=4-8:marked", true));
        String json = TrainConfigJson.write(c);
        assertEquals(c.toString(), TrainConfigJson.read(json, null, null, 5, true, "x").toString());
        TrainConfig more = TrainConfigJson.read(json, null, 12, 1, true, "x");
        assertEquals(12, more.epochs());
        assertEquals(1, more.lossEvery());
        assertEquals("box=4-8:marked", TrainConfigJson.degradeSpec(json));
    }

    @Test
    void olderFormsAndMissingOnes() {
        String v2 = "{\"epochs\":1,\"batch_size\":8,\"lr\":0.001,\"optimizer\":\"adam\",\"weight_decay\":0,\"momentum\":0.9,"
                + "\"schedule\":\"constant\",\"step_epochs\":5,\"gamma\":0.5,\"clip_norm\":0,\"patience\":0,\"seed\":1,"
                + "\"corruption\":\"gaussian\",\"corruption_level\":0.3}";
        assertEquals("gaussian=0.3:unclipped", TrainConfigJson.read(v2, null, null, 1, true, "x").pipeline().degradeSpec());
        assertEquals("masking=0.2", TrainConfigJson.read(v2, "masking=0.2", null, 1, true, "x").pipeline().degradeSpec());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainConfigJson.read(null, null, null, 1, true, "best.safetensors"));
        assertTrue(e.getMessage().contains("best.safetensors holds no training configuration"), e.getMessage());
    }
}
