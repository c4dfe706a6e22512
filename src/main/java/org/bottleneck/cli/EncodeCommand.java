package org.bottleneck.cli;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.bottleneck.apps.Codec;
import org.bottleneck.apps.Figures;
import org.bottleneck.backend.Backend;
import org.bottleneck.data.Dataset;
import org.bottleneck.io.AtomicFile;
import org.bottleneck.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "encode", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write the latent codes of a data split as CSV: index,label,z0,…,z(Z−1) (the mean for a VAE).")
public final class EncodeCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    CheckpointOption ckpt;

    @Option(names = "--split", defaultValue = "test", description = "test or train. Default: ${DEFAULT-VALUE}.")
    String split;

    @Option(names = "--limit", defaultValue = "0", description = "Only the first N images (0 = all). Default: ${DEFAULT-VALUE}.")
    int limit;

    @Option(names = {"-o", "--out"}, defaultValue = "codes.csv", description = "CSV to write. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (!split.equals("test") && !split.equals("train")) {
            throw new IllegalArgumentException("--split must be test or train, got '" + split + "'");
        }
        try (Backend backend = common.backend(); Model model = ckpt.load(backend)) {
            Dataset data = (split.equals("train") ? ckpt.train(model, common.data) : ckpt.test(model, common.data)).limit(limit);
            int n = data.size(), z = model.latentDim();
            float[] codes = new Codec(model).encode(Figures.images(data, 0, n), n);
            StringBuilder sb = new StringBuilder("index,label");
            for (int j = 0; j < z; j++) {
                sb.append(",z").append(j);
            }
            sb.append('\n');
            for (int i = 0; i < n; i++) {
                sb.append(i).append(',').append(data.label(i));
                for (int j = 0; j < z; j++) {
                    sb.append(',').append(codes[i * z + j]);
                }
                sb.append('\n');
            }
            byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
            AtomicFile.write(out, ch -> ch.write(java.nio.ByteBuffer.wrap(bytes)));
            System.out.println("wrote " + n + " codes of dimension " + z + " to " + out);
        }
        return 0;
    }
}
