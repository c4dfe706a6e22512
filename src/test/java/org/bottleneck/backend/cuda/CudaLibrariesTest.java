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
 * Library discovery and the choice of cuBLAS on fake library folders, one per kind of host: a
 * CUDA 13 host like the lent H200 (cuBLAS 13 and cuDNN 9 in pip wheels, no cuBLAS 12), a CUDA 12
 * host (cuBLAS 12 in a toolkit folder), and one with both. Files are empty; only names and soname
 * links matter, as for the loader (CublasBindingTest loads real ones).
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
    void aCuda13HostGetsTheWheelsCublas13AndACuda12DriverIsToldWhyNot() throws Exception {
        Path cublas = tmp.resolve("venv/lib/python3.12/site-packages/nvidia/cu13/lib");
        Path cudnn = tmp.resolve("venv/lib/python3.12/site-packages/nvidia/cudnn/lib");
        lib(cublas, "libcublas.so.13", "libcublas.so.13.0.2.14");
        lib(cublas, "libcublasLt.so.13", "libcublasLt.so.13.0.2.14");
        lib(cudnn, "libcudnn.so.9", "libcudnn.so.9.10.2");
        Files.createFile(cudnn.resolve("libcudnn_ops.so.9")); // a sub-library: not the family's soname
        Files.createSymbolicLink(cudnn.resolve("libcudnn.so.8"), Path.of("gone.so.8.9.7")); // dangling: skipped

        List<CudaLibraries.Found> found = CudaLibraries.find(CudaLibraries.searchPath(cublas + ":" + cudnn, null, false));
        assertEquals(List.of("cublas 13 13.0.2.14", "cublasLt 13 13.0.2.14", "cudnn 9 9.10.2"),
                found.stream().map(f -> f.family() + " " + f.major() + " " + f.version()).toList());
        List<String> report = CudaLibraries.report(found);
        assertTrue(report.stream().anyMatch(l -> l.startsWith("cublas ") && l.contains("usable by our binding on a CUDA 13.0+ "
                + "driver")), String.join("\n", report));

        CudaLibraries.CublasChoice on13 = CudaLibraries.chooseCublas(found, 13000);
        assertEquals(cublas.resolve("libcublas.so.13"), on13.cublas().path());
        assertEquals(cublas.resolve("libcublasLt.so.13"), on13.lt().path(), "its cublasLt, from the same folder");
        CudaLibraries.CublasChoice on12 = CudaLibraries.chooseCublas(found, 12040);
        assertNull(on12.cublas());
        assertEquals("libcublas.so.13 (13.0.2.14) at " + cublas.resolve("libcublas.so.13")
                + ": needs a CUDA 13.0 driver, this one is 12.4", on12.reason());
    }

    @Test
    void aCuda12HostGetsCublas12AndAnUnsupportedMajorIsNamed() throws Exception {
        Path toolkit = tmp.resolve("cuda-12.6/lib64");
        lib(toolkit, "libcublas.so.12", "libcublas.so.12.6.4.1");
        List<CudaLibraries.Found> found = CudaLibraries.find(CudaLibraries.searchPath(null, toolkit.toString(), false));
        assertEquals(1, found.stream().filter(f -> f.family().equals("cublas")).count());
        assertEquals("12.6.4.1", found.get(0).version());
        assertTrue(CudaLibraries.report(found).stream().anyMatch(l -> l.contains("usable by our binding on a CUDA 12.0+")));
        CudaLibraries.CublasChoice choice = CudaLibraries.chooseCublas(found, 12020);
        assertEquals(toolkit.resolve("libcublas.so.12"), choice.cublas().path());
        assertNull(choice.lt(), "none found: the loader must find it (a toolkit's lib64 is on its path)");
        Path elsewhere = tmp.resolve("other/lib");
        lib(elsewhere, "libcublasLt.so.12", "libcublasLt.so.12.1.3.1");
        assertNull(CudaLibraries.chooseCublas(CudaLibraries.find(List.of(toolkit, elsewhere)), 12020).lt(),
                "a cublasLt from another folder may be another version: never preloaded");

        Path old = tmp.resolve("cuda-11.8/lib64");
        lib(old, "libcublas.so.11", "libcublas.so.11.11.3.6");
        CudaLibraries.CublasChoice only11 = CudaLibraries.chooseCublas(CudaLibraries.find(List.of(old)), 12020);
        assertTrue(only11.reason().endsWith(": not a major our binding takes ([12, 13])"), only11.reason());
    }

    @Test
    void withBothMajorsTheDriverDecides() throws Exception {
        Path twelve = tmp.resolve("cuda-12.6/lib64");
        Path thirteen = tmp.resolve("venv/lib/python3.12/site-packages/nvidia/cu13/lib");
        lib(twelve, "libcublas.so.12", "libcublas.so.12.6.4.1");
        lib(twelve, "libcublasLt.so.12", "libcublasLt.so.12.6.4.1");
        lib(thirteen, "libcublas.so.13", "libcublas.so.13.0.2.14");
        lib(thirteen, "libcublasLt.so.13", "libcublasLt.so.13.0.2.14");
        List<CudaLibraries.Found> found = CudaLibraries.find(List.of(twelve, thirteen));
        assertEquals(13, CudaLibraries.chooseCublas(found, 13010).cublas().major(), "the newest the driver runs");
        CudaLibraries.CublasChoice on12 = CudaLibraries.chooseCublas(found, 12080);
        assertEquals(12, on12.cublas().major());
        assertEquals(twelve.resolve("libcublasLt.so.12"), on12.lt().path(), "never a cublasLt of the other major");
        assertTrue(CudaLibraries.chooseCublas(List.of(), 13000).reason().startsWith("no libcublas.so.12 or .13 found"));
    }

    @Test
    void missingFoldersAndLibrariesAreReportedNotFailed() {
        List<Path> path = CudaLibraries.searchPath(tmp.resolve("nope") + "::" + tmp, "");
        assertTrue(path.contains(tmp) && !path.contains(tmp.resolve("nope")), path.toString());
        List<String> report = CudaLibraries.report(CudaLibraries.find(List.of(tmp)));
        assertEquals(List.of("cuda      none found", "cublas    none found", "cublasLt  none found", "cudnn     none found"), report);
    }
}
