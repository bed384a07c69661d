package dev.prunebench.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prunebench.core.backend.Backend;
import dev.prunebench.core.backend.KernelRegistry;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.cuda.model.GpuPreset;
import dev.prunebench.measure.Patterns;
import dev.prunebench.measure.Verification;
import java.util.List;
import org.junit.jupiter.api.Test;

class CudaModelBackendTest {
    private final CudaModelBackend b = new CudaModelBackend(GpuPreset.GTX_950M);

    @Test
    void isAnAlwaysAvailableModelledGpuBackend() {
        assertThat(b.id()).isEqualTo("cuda-model");
        assertThat(b.platform()).isEqualTo("gpu");
        assertThat(b.provenance()).isEqualTo(Backend.Provenance.MODELLED);
        assertThat(b.probe().available()).isTrue();
        assertThat(b.kernels()).extracting(MatMul::id).containsExactly("model-sgemm", "model-csr-scalar", "model-csr-vector", "model-gcsr", "model-nm");
        assertThat(new CudaModelBackend().probe().available()).isTrue();
    }

    @Test
    void everyKernelIsCorrectAndCountedWithTheEstimateAsItsCost() {
        int m = 96, k = 80, n = 50;
        float[] dense = dev.prunebench.kernels.cuda.model.WarpModelTest.nmPattern(m, k, 1, 4, 11);
        float[] x = Patterns.normalVector(k * n, 12);
        float[] ref = new float[m * n];
        for (int r = 0; r < m; r++)
            for (int j = 0; j < k; j++)
                for (int c = 0; c < n; c++) ref[r * n + c] += dense[r * k + j] * x[j * n + c];
        for (MatMul kern : b.kernels()) {
            FormatSpec spec = switch (kern.id()) {
                case "model-sgemm" -> FormatSpec.DENSE;
                case "model-gcsr" -> FormatSpec.grouped(4);
                case "model-nm" -> FormatSpec.nm(1, 4);
                default -> FormatSpec.CSR;
            };
            SparseFormat w = spec.encode(dense, m, k);
            assertThat(kern.refuses(spec.kind() == FormatSpec.Kind.NM ? FormatSpec.COO : FormatSpec.nm(2, 4), n)).isNotNull();
            try (MatMul.Prepared p = kern.prepare(w, x, n, 1)) {
                assertThat(Verification.verify(p, ref, k).passed()).as(kern.id()).isTrue();
                MatMul.Counts c = ((MatMul.Counted) p).counts();
                assertThat(c.cost()).isEqualTo("est_time_ps");
                assertThat(c.values()).containsKeys("gld_efficiency_bp", "load_sectors", "requested_bytes", "dram_bytes", "x_gld_efficiency_bp");
                assertThat(c.costValue()).isGreaterThan(GpuPreset.GTX_950M.launchPs());
                assertThat(p.variant()).isEqualTo("gtx950m");
                assertThat(((MatMul.Counted) p).counts()).isSameAs(c);
            }
        }
    }

    @Test
    void theRegistryFindsItsKernelsAndABadPresetPropertyMakesItUnavailable() {
        KernelRegistry reg = KernelRegistry.probe(List.of(b));
        assertThat(reg.kernel("model-gcsr")).isPresent();
        assertThat(reg.denseBaselines("gpu", 50)).extracting(MatMul::id).containsExactly("model-sgemm");
        String old = System.getProperty(CudaModelBackend.PRESET_PROPERTY);
        System.setProperty(CudaModelBackend.PRESET_PROPERTY, "nope");
        try {
            assertThat(new CudaModelBackend().probe().reason()).contains("unknown 'nope'");
        } finally {
            if (old == null) System.clearProperty(CudaModelBackend.PRESET_PROPERTY);
            else System.setProperty(CudaModelBackend.PRESET_PROPERTY, old);
        }
        assertThatThrownBy(() -> new CudaModelBackend(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSharedBenchCountsItsKernelsAndGivesModelledSpeedupsOverModelSgemm() {
        int m = 256, k = 256, n = 50;
        float[] dense = Patterns.groupRms(m, k, 8, 0.95, 3).data(), x = Patterns.normalVector(k * n, 4);
        var reg = KernelRegistry.probe(List.of(b));
        float[] ref = Verification.reference(FormatSpec.CSR.encode(dense, m, k), x, n);
        List<dev.prunebench.measure.Bench.Entry> cands = List.of(
                new dev.prunebench.measure.Bench.Entry(reg.require("model-gcsr"), b, FormatSpec.grouped(8).encode(dense, m, k)),
                new dev.prunebench.measure.Bench.Entry(reg.require("model-csr-vector"), b, FormatSpec.CSR.encode(dense, m, k)));
        List<dev.prunebench.measure.Bench.Entry> base = List.of(
                new dev.prunebench.measure.Bench.Entry(reg.require("model-sgemm"), b, FormatSpec.DENSE.encode(dense, m, k)));
        var out = dev.prunebench.measure.Bench.run(cands, base, x, n, 1, dev.prunebench.measure.Budget.quick(), ref, k, null);
        assertThat(out).allSatisfy(o -> {
            assertThat(o.status()).isEqualTo("ok");
            assertThat(o.clock()).isEqualTo("counted");
            assertThat(o.provenance()).isEqualTo("modelled");
            assertThat(o.fastestDense()).isEqualTo("model-sgemm");
        });
        var gcsr = out.stream().filter(o -> o.kernelId().equals("model-gcsr")).findFirst().orElseThrow();
        var csr = out.stream().filter(o -> o.kernelId().equals("model-csr-vector")).findFirst().orElseThrow();
        // at 95 % with groups of 8 the grouped kernel moves fewer bytes than CSR at the same non-zeros
        assertThat(gcsr.counts().values().get("load_sectors")).isLessThan(csr.counts().values().get("load_sectors"));
        assertThat(gcsr.speedup().median()).isGreaterThan(csr.speedup().median());
    }
}
