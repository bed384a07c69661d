package dev.prunebench.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.core.backend.Availability;
import dev.prunebench.core.backend.Backend;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.kernel.MatMul;
import org.junit.jupiter.api.Test;

class CudaBackendTest {
    @Test
    void probeNeverThrowsAndAlwaysGivesAReason() {
        Availability a = new CudaBackend().probe();
        assertThat(a.reason()).isNotBlank();
        if (!a.available()) assertThat(a.toString()).startsWith("unavailable because ");
        // the answer is cached: a second probe gives the same object
        CudaBackend b = new CudaBackend();
        assertThat(b.probe()).isSameAs(b.probe());
    }

    @Test
    void isAMeasuredGpuBackendWhoseKernelsCanBeListedWithoutAGpu() {
        CudaBackend b = new CudaBackend();
        assertThat(b.platform()).isEqualTo("gpu");
        assertThat(b.provenance()).isEqualTo(Backend.Provenance.MEASURED);
        assertThat(b.kernels()).extracting(MatMul::id).containsExactly("cublas-sgemm", "cusparse-csr", "cusparse-csr-alg2", "cusparse-csr-alg3",
                "cuda-sgemm-tiled", "cuda-csr-scalar", "cuda-csr-vector", "cuda-gcsr", "cuda-nm");
        for (MatMul k : b.kernels()) {
            assertThat(k.backendId()).isEqualTo("cuda");
            FormatSpec other = k.supports(FormatSpec.COO) ? FormatSpec.CSR : FormatSpec.COO;
            assertThat(k.refuses(other, 50)).isEqualTo("does not take W in format " + other);
        }
    }

    @Test
    void aFailedNativeLoadIsToldInOneLineNamingTheLibrary() {
        var e = new UnsatisfiedLinkError("Error while loading native library \"JCusparse-12.6.0-linux-x86_64\"\nStack trace ...\n"
                + "java.lang.UnsatisfiedLinkError: /tmp/libJCusparse-12.6.0-linux-x86_64.so: libcusparse.so.12: cannot open shared object file: No such file or directory\n\tat x");
        assertThat(Cuda.brief(e)).isEqualTo("libcusparse.so.12: cannot open shared object file: No such file or directory");
        assertThat(Cuda.brief(new UnsatisfiedLinkError("no luck\nmore"))).isEqualTo("UnsatisfiedLinkError: no luck");
    }

    @Test
    void withoutTheirLibraryKernelsRefuseNamingIt() {
        CudaBackend b = new CudaBackend();
        MatMul sgemm = b.kernels().get(0), csr = b.kernels().get(1), ours = b.kernels().get(7);
        String why = sgemm.refuses(FormatSpec.DENSE, 50);
        if (why != null) assertThat(why).startsWith("unavailable: ").satisfiesAnyOf(w -> assertThat(w).contains("libcublas.so.12"),
                w -> assertThat(w).contains("cublasCreate"));
        why = csr.refuses(FormatSpec.CSR, 50);
        if (why != null) assertThat(why).satisfiesAnyOf(w -> assertThat(w).contains("libcusparse.so.12"), w -> assertThat(w).contains("cusparseCreate"));
        if (why != null) assertThat(why).doesNotContain("\n");
        if (!b.probe().available()) assertThat(ours.refuses(FormatSpec.grouped(8), 50)).startsWith("unavailable: ").contains("cudaSetDevice");
    }
}
