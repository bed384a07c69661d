package dev.prunebench.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cuBLAS binding through {@code java.lang.foreign} ({@link CublasFfm}), checked without a GPU: a stub shared
 * object with cuBLAS's entry points (built here with gcc from {@code cublas-stub.c}) records every call's arguments and
 * returns the status it is told to. Loaded by explicit path through the same binding code the CUDA backend uses.
 */
class CublasFfmStubTest {
    @TempDir static Path dir;
    static Path stub;
    static MethodHandle log, reset, fail;
    static CublasFfm cublas;

    @BeforeAll static void build() throws Exception {
        assumeTrue(onPath("gcc"), "gcc is not on PATH: the cuBLAS stub library cannot be built (apt-get install gcc)");
        Path src = dir.resolve("cublas-stub.c");
        try (InputStream in = CublasFfmStubTest.class.getResourceAsStream("cublas-stub.c")) {
            Files.copy(in, src);
        }
        stub = dir.resolve("libcublas.so.13");
        Process p = new ProcessBuilder("gcc", "-shared", "-fPIC", "-O1", "-o", stub.toString(), src.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("gcc: %s", out).isZero();
        SymbolLookup lib = SymbolLookup.libraryLookup(stub, Arena.global());
        Linker l = Linker.nativeLinker();
        log = l.downcallHandle(lib.find("stub_log").orElseThrow(), FunctionDescriptor.of(ValueLayout.ADDRESS));
        reset = l.downcallHandle(lib.find("stub_reset").orElseThrow(), FunctionDescriptor.ofVoid());
        fail = l.downcallHandle(lib.find("stub_fail").orElseThrow(), FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        cublas = CublasFfm.open(stub);
    }

    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":"))
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) return true;
        return false;
    }

    @BeforeEach void clear() throws Throwable { reset.invokeExact(); }

    static List<String> calls() throws Throwable {
        MemorySegment s = (MemorySegment) log.invokeExact();
        return s.reinterpret(1 << 14).getString(0).lines().toList();
    }

    static void failNext(String fn, int status) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            fail.invokeExact(a.allocateFrom(fn), status);
        }
    }

    @Test void createConfigureDestroyInOrder() throws Throwable {
        try (CublasFfm.Handle h = cublas.handle()) {
            DeviceKernels.CublasSgemm.configure(h, 0x7000L);
            assertThat(h.version()).isEqualTo(130001);
        }
        assertThat(calls()).containsExactly(
                "cublasCreate_v2",
                "cublasSetMathMode handle_ok=1 mode=0",
                "cublasGetMathMode handle_ok=1",
                "cublasSetStream_v2 handle_ok=1 stream=0x7000",
                "cublasGetVersion_v2 handle_ok=1",
                "cublasDestroy_v2 handle_ok=1");
        assertThat(CublasFfm.versionString(130001)).isEqualTo("13.0.1");
    }

    @Test void rowMajorProductIsTheColumnMajorTransposedProduct() throws Throwable {
        // C (M×N) = W (M×K) · X (K×N), row-major: cuBLAS computes Cᵀ = Xᵀ·Wᵀ with m = N, n = M, k = K, A = X (ld N), B = W (ld K)
        int m = 4096, k = 1024, n = 50;
        long w = 0x10000L, x = 0x20000L, c = 0x30000L;
        try (CublasFfm.Handle h = cublas.handle()) {
            DeviceKernels.CublasSgemm.rowMajor(h, m, k, n, w, x, c);
        }
        assertThat(calls()).contains("cublasSgemm_v2 handle_ok=1 transa=0 transb=0 m=50 n=4096 k=1024 alpha=1 A=0x20000 lda=50 B=0x10000 ldb=1024"
                + " beta=0 C=0x30000 ldc=50");
    }

    @Test void aStatusOtherThanSuccessNamesTheCallAndTheStatus() throws Throwable {
        failNext("cublasSgemm_v2", 7);
        try (CublasFfm.Handle h = cublas.handle()) {
            assertThatThrownBy(() -> DeviceKernels.CublasSgemm.rowMajor(h, 8, 8, 8, 1, 2, 3))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("cublasSgemm_v2 returned CUBLAS_STATUS_INVALID_VALUE (7)");
        }
        failNext("cublasCreate_v2", 1);
        assertThatThrownBy(cublas::handle).hasMessage("cublasCreate_v2 returned CUBLAS_STATUS_NOT_INITIALIZED (1)");
        failNext("cublasSetStream_v2", 14);
        try (CublasFfm.Handle h = cublas.handle()) {
            assertThatThrownBy(() -> h.setStream(5)).hasMessage("cublasSetStream_v2 returned CUBLAS_STATUS_INTERNAL_ERROR (14)");
        }
        assertThat(CublasFfm.statusName(15)).isEqualTo("CUBLAS_STATUS_NOT_SUPPORTED");
        assertThat(CublasFfm.statusName(99)).isEqualTo("cublasStatus 99");
    }

    @Test void aMathModeThatDoesNotStickIsRefused() throws Throwable {
        try (CublasFfm.Handle h = cublas.handle()) {
            h.setMathMode(3);  // CUBLAS_TF32_TENSOR_OP_MATH
            assertThat(h.mathMode()).isEqualTo(3);
            assertThatThrownBy(() -> DeviceKernels.CublasSgemm.requireDefaultMath(h.mathMode()))
                    .hasMessageContaining("TF32");
        }
    }

    @Test void theSearchFindsTheLibraryByNameInAConfiguredFolder() throws IOException {
        String before = System.getProperty("prunebench.cuda.libs");
        System.setProperty("prunebench.cuda.libs", dir.toString());
        try {
            assertThat(CublasFfm.searchDirs().get(0)).isEqualTo(dir);
            CublasFfm found = CublasFfm.find();
            assertThat(found.source()).isEqualTo(stub.toString());
        } finally {
            if (before == null) System.clearProperty("prunebench.cuda.libs");
            else System.setProperty("prunebench.cuda.libs", before);
        }
    }

    @Test void aLibraryThatCannotBeOpenedIsNamed() {
        assertThatThrownBy(() -> CublasFfm.open(dir.resolve("libnothing.so.13"))).hasMessageContaining("libnothing.so.13");
    }

    @Test void jcudaPointersAndStreamsArePassedAsTheirAddresses() {
        assertThat(Cuda.address(new jcuda.driver.CUdeviceptr())).isZero();
        assertThat(Cuda.address(new jcuda.driver.CUdeviceptr().withByteOffset(256))).isEqualTo(256);
        assertThat(Cuda.address(new jcuda.runtime.cudaStream_t())).isZero();
        assertThat(Cuda.address(null)).isZero();
    }
}
