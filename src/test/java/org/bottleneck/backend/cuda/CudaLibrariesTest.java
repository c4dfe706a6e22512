package org.bottleneck.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Library discovery on fake library folders, one per kind of host: a CUDA 13 host like the lent
 * H200 (cuBLAS 13 and cuDNN 9 in pip wheels, no cuBLAS 12), and a CUDA 12 host (cuBLAS 12 in a
 * toolkit folder). Files are empty; only names and soname links matter, as for the loader.
 */
class CudaLibrariesTest {
    @TempDir
    Path tmp;

    /** realName plus its soname link, as a library package installs them. */
    private static void lib(Path dir, String soname, String realName) throws Exception {
        Files.createDirectories(dir);
        Files.createFile(dir.resolve(realName));
        Files.createSymbolicLink(dir.resolve(soname), Path.of(realName));
    }

    @Test
    void aCuda13HostHasNoCublasOurBindingsCanUse() throws Exception {
        Path cublas = tmp.resolve("venv/lib/python3.12/site-packages/nvidia/cu13/lib");
        Path cudnn = tmp.resolve("venv/lib/python3.12/site-packages/nvidia/cudnn/lib");
        lib(cublas, "libcublas.so.13", "libcublas.so.13.0.2.14");
        lib(cublas, "libcublasLt.so.13", "libcublasLt.so.13.0.2.14");
        lib(cudnn, "libcudnn.so.9", "libcudnn.so.9.10.2");
        Files.createFile(cudnn.resolve("libcudnn_ops.so.9")); // a sub-library: not the family's soname
        Files.createSymbolicLink(cudnn.resolve("libcudnn.so.8"), Path.of("gone.so.8.9.7")); // dangling: skipped

        List<CudaLibraries.Found> found = CudaLibraries.find(CudaLibraries.searchPath(cublas + ":" + cudnn, null));
        assertEquals(List.of("cublas 13 13.0.2.14", "cublasLt 13 13.0.2.14", "cudnn 9 9.10.2"),
                found.stream().map(f -> f.family() + " " + f.major() + " " + f.version()).toList());
        List<String> report = CudaLibraries.report(found);
        assertTrue(report.stream().anyMatch(l -> l.startsWith("cublas ") && l.contains("not usable: JCublas 12.6 needs "
                + "libcublas.so.12")), String.join("\n", report));
        String hint = CudaLibraries.cublasHint(found);
        assertTrue(hint.contains("libcublas.so.13 (13.0.2.14) at " + cublas) && hint.contains("LD_LIBRARY_PATH"), hint);
    }

    @Test
    void aCuda12HostHasOne() throws Exception {
        Path toolkit = tmp.resolve("cuda-12.6/lib64");
        lib(toolkit, "libcublas.so.12", "libcublas.so.12.6.4.1");
        List<CudaLibraries.Found> found = CudaLibraries.find(CudaLibraries.searchPath(null, toolkit.toString()));
        assertEquals(1, found.stream().filter(f -> f.family().equals("cublas")).count());
        assertEquals("12.6.4.1", found.get(0).version());
        assertTrue(CudaLibraries.report(found).stream().anyMatch(l -> l.contains("usable (JCublas 12.6)")));
        assertNull(CudaLibraries.cublasHint(found), "nothing to suggest when cuBLAS 12 is there");
    }

    @Test
    void missingFoldersAndLibrariesAreReportedNotFailed() {
        List<Path> path = CudaLibraries.searchPath(tmp.resolve("nope") + "::" + tmp, "");
        assertTrue(path.contains(tmp) && !path.contains(tmp.resolve("nope")), path.toString());
        List<String> report = CudaLibraries.report(CudaLibraries.find(List.of(tmp)));
        assertEquals(List.of("cuda      none found", "cublas    none found", "cublasLt  none found", "cudnn     none found"), report);
    }
}
