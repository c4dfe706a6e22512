package org.bottleneck.cli;

import java.nio.file.Path;
import org.bottleneck.backend.Backend;
import org.bottleneck.data.Dataset;
import org.bottleneck.data.Standardization;
import org.bottleneck.model.Checkpoint;
import org.bottleneck.model.Model;
import org.bottleneck.train.DataChecks;
import picocli.CommandLine.Option;

/** The trained model a command works with, and the data transform it was trained with. */
public final class CheckpointOption {
    @Option(names = {"-c", "--checkpoint"}, defaultValue = "runs/vae/best.safetensors",
            description = "Checkpoint to load. Default: ${DEFAULT-VALUE} (what `train` writes).")
    Path checkpoint;

    Model load(Backend backend) {
        return Checkpoint.load(checkpoint, backend);
    }

    /** The standardization stored with the checkpoint, or null when it was trained on unstandardized data. */
    Standardization standardization() {
        String json = Checkpoint.read(checkpoint).metadata().get(Standardization.METADATA_KEY);
        return json == null ? null : Standardization.fromJson(json, checkpoint.toString());
    }

    /** The test split of {@code data} as the checkpoint's model sees it, checked to fit the model. */
    Dataset test(Model model, DataOptions data) {
        Dataset t = data.test(standardization());
        DataChecks.fits(model, t, "test");
        return t;
    }

    /** The training split, likewise. */
    Dataset train(Model model, DataOptions data) {
        Dataset t = data.open(standardization()).train();
        DataChecks.fits(model, t, "training");
        return t;
    }
}
