package org.bottleneck.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.bottleneck.backend.cuda.KernelSignatures.Param;
import org.bottleneck.backend.cuda.KernelSignatures.Signature;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The launch contract: every signature in {@link KernelSignatures} (which every launcher in
 * CudaBackend must follow, see {@link Kernel}) against the {@code .entry} parameter lists nvcc
 * wrote into the PTX packed in the jar, and no kernel left without a launcher.
 */
class KernelSignaturePtxTest {
    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)");
    private static final Pattern PARAM_TYPE = Pattern.compile("\\.param\\s+(?:\\.align\\s+\\d+\\s+)?(\\.[usfb]\\d+)");

    static Map<String, List<String>> entries(String ptx) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) {
            List<String> types = new ArrayList<>();
            String params = m.group(2).trim();
            if (!params.isEmpty()) {
                for (String p : params.split(",")) {
                    Matcher t = PARAM_TYPE.matcher(p.trim());
                    assertTrue(t.find(), "unparsed PTX parameter '" + p.trim() + "' of " + m.group(1));
                    types.add(t.group(1));
                }
            }
            out.put(m.group(1), types);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {KernelImages.PTX_80, KernelImages.PTX_90})
    void launcherSignaturesMatchPtxEntries(String resource) {
        byte[] bytes = KernelImages.read(resource);
        Assumptions.assumeTrue(bytes != null, "skipped: " + resource + " not built (no nvcc at build time)");
        Map<String, List<String>> ptx = entries(new String(bytes, StandardCharsets.US_ASCII));
        assertTrue(ptx.size() >= KernelSignatures.ALL.size(), "too few .entry points in " + resource + ": " + ptx.keySet());
        for (Signature s : KernelSignatures.ALL) {
            List<String> expected = s.params().stream().map(Param::ptxType).collect(Collectors.toList());
            assertTrue(ptx.containsKey(s.name()), "kernel " + s.name() + " missing from " + resource + " " + ptx.keySet());
            assertEquals(expected, ptx.get(s.name()), "parameters of " + s.name() + " in " + resource);
        }
        List<String> unlaunched = new ArrayList<>(ptx.keySet());
        unlaunched.removeAll(KernelSignatures.ALL.stream().map(Signature::name).toList());
        assertTrue(unlaunched.isEmpty(), "kernels without a launcher signature: " + unlaunched);
    }

    @Test
    void fatbinIsPackedWhenPtxIs() {
        Assumptions.assumeTrue(KernelImages.read(KernelImages.PTX_80) != null, "skipped: kernels not built (no nvcc)");
        byte[] fatbin = KernelImages.read(KernelImages.FATBIN);
        assertTrue(fatbin != null && fatbin.length > 1000, "fatbin missing or tiny");
        assertTrue(KernelImages.present());
    }

    @Test
    void parserReadsEveryParameterKind() {
        String ptx = ".visible .entry k(\n\t.param .u64 .ptr .align 1 k_param_0,\n\t.param .u32 k_param_1,\n"
                + "\t.param .f32 k_param_2,\n\t.param .u64 k_param_3\n)\n{\n}\n.visible .entry empty()\n{\n}";
        Map<String, List<String>> e = entries(ptx);
        assertEquals(List.of(".u64", ".u32", ".f32", ".u64"), e.get("k"));
        assertEquals(List.of(), e.get("empty"));
    }

    @Test
    void launcherRefusesArgumentsThatBreakItsSignature() {
        Kernel k = new Kernel(KernelSignatures.SCALE);
        assertThrows(IllegalStateException.class, () -> k.begin().ptr(1).f32(2f));
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> k.begin().ptr(1).i32(3).launch(null, 1, 1, 256, 1));
        assertTrue(missing.getMessage().contains("2 of 3"), missing.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> k.begin().ptr(1).i32(3).f32(1f).launch(null, 1, 1, 2048, 1));
    }
}
