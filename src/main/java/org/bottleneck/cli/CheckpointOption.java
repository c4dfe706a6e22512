package org.bottleneck.cli;

import java.nio.file.Path;
import org.bottleneck.backend.Backend;
import org.bottleneck.model.Model;
import org.bottleneck.model.Checkpoint;
import picocli.CommandLine.Option;

/** The trained model a command works with. */
public final class CheckpointOption {
    @Option(names = {"-c", "--checkpoint"}, defaultValue = "runs/vae/best.safetensors",
            description = "Checkpoint to load. Default: ${DEFAULT-VALUE} (what `train` writes).")
    Path checkpoint;

    Model load(Backend backend) {
        return Checkpoint.load(checkpoint, backend);
    }
}
