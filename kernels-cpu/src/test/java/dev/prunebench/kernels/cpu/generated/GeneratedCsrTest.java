package dev.prunebench.kernels.cpu.generated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.cpu.CpuBackends;
import dev.prunebench.kernels.cpu.KernelFixtures;
import dev.prunebench.measure.Stats;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * generated-csr against the double-precision dense reference, with the generator's splitting, value placement and
 * fallback checked on the class files it emits. No warm-up here (interpreted runs are correct, only slow): the
 * forked-JVM test {@link GeneratedCompilationTest} checks that the code reaches C2.
 */
class GeneratedCsrTest {

    @BeforeEach
    void available() {
        assumeTrue(GeneratedKernels.availability().available(), GeneratedKernels.availability()::toString);
    }

    static MatMul kernel(SpmmGenerator.Options o) { return new GeneratedCsr(o, 0, 0); }

    static void check(MatMul k, int m, int kk, int n, double keep, int threads, long seed) {
        float[] w = KernelFixtures.matrix(FormatSpec.CSR, m, kk, keep, seed);
        float[] x = KernelFixtures.dense(kk, n, seed + 1);
        Csr csr = Csr.fromDense(w, m, kk);
        double[] want = KernelFixtures.reference(w, m, kk, x, n);
        try (MatMul.Prepared p = k.prepare(csr, x, n, threads)) {
            p.run();
            assertThat(KernelFixtures.relativeError(p.result(), want)).as("relative error").isLessThanOrEqualTo(1e-5 * Math.sqrt(kk));
            p.run(); // overwrites, does not accumulate
            assertThat(KernelFixtures.relativeError(p.result(), want)).as("relative error, second run").isLessThanOrEqualTo(1e-5 * Math.sqrt(kk));
        }
    }

    @ParameterizedTest(name = "M={0} K={1} N={2} keep={3} threads={4} blockVectors={5}")
    @CsvSource({
            "1,1,1,1.0,1,1", "13,13,1,0.3,1,1", "207,702,1,0.1,2,1", "6,1,2,0.5,1,1", "13,207,17,0.3,3,1", "207,207,50,0.1,1,1",
            "64,32,49,0.1,2,1", "13,64,64,0.5,1,4", "13,64,50,0.5,1,4", "13,64,208,0.3,2,4", "13,64,196,0.3,1,4", "13,64,100,0.3,1,2",
            "207,13,8,0.0,1,1", "30,900,3,0.9,2,1"})
    void matchesDenseReference(int m, int k, int n, double keep, int threads, int block) {
        SpmmGenerator.Options o = SpmmGenerator.Options.defaults();
        o = new SpmmGenerator.Options(o.maxMethodBytes(), o.maxVectorOps(), 64L << 20, o.maxConstantValues(), block);
        check(kernel(o), m, k, n, keep, threads, m * 31L + k * 7L + n);
    }

    @Test
    void longRowsAreSplitAcrossMethodsAndStillSumCorrectly() {
        // 900 entries in a row, methods of at most 600 bytes: every row is cut into continuation segments
        SpmmGenerator.Options o = SpmmGenerator.Options.defaults().withMaxMethodBytes(600);
        Csr csr = Csr.fromDense(KernelFixtures.matrix(FormatSpec.CSR, 5, 900, 1.0, 3), 5, 900);
        SpmmGenerator.Plan plan = SpmmGenerator.plan(csr, 20, o);
        assertThat(plan.methods().stream().flatMap(mp -> mp.segments().stream()).filter(s -> !s.first())).isNotEmpty();
        check(kernel(o), 5, 900, 20, 1.0, 2, 3);
        check(kernel(o), 5, 900, 1, 1.0, 1, 4);
    }

    @Test
    void everyGeneratedMethodIsUnderHotSpotsHugeMethodLimit() throws Exception {
        for (int n : new int[] {1, 49, 196}) {
            Csr csr = Csr.fromDense(KernelFixtures.matrix(FormatSpec.CSR, 256, 256, 0.1, n), 256, 256);
            for (SpmmGenerator.Options o : new SpmmGenerator.Options[] {SpmmGenerator.Options.defaults(),
                    new SpmmGenerator.Options(7900, 2000, 64L << 20, 8192, 4), SpmmGenerator.Options.defaults().withMaxMethodBytes(2000)}) {
                SpmmGenerator.Generated g = SpmmGenerator.generate(SpmmGenerator.plan(csr, n, o), csr);
                ClassFiles.Info info = ClassFiles.read(g.classBytes());
                assertThat(info.codeLength()).isNotEmpty();
                for (Map.Entry<String, Integer> e : info.codeLength().entrySet())
                    assertThat(e.getValue()).as("code length of %s (n=%d, maxMethodBytes=%d)", e.getKey(), n, o.maxMethodBytes())
                            .isLessThanOrEqualTo(Math.min(SpmmGenerator.HUGE_METHOD_LIMIT, o.maxMethodBytes()));
                // the sizes the generator reports are the class file's
                for (int i = 0; i < g.methodCodeBytes().length; i++)
                    assertThat(info.codeLength().get("m" + i)).isEqualTo(g.methodCodeBytes()[i]);
                // the estimate the split is made on is an upper bound
                for (int i = 0; i < g.methodCodeBytes().length; i++)
                    assertThat(g.methodCodeBytes()[i]).isLessThanOrEqualTo(g.plan().methods().get(i).estimatedBytes());
            }
        }
    }

    @Test
    void valuesTravelAsClassDataWhenTheyWouldNotFitTheConstantPool() throws Exception {
        // a 1024×1024 layer at 90 %: ~105 k non-zeros, more than a class's 65 535 constant-pool entries
        Csr csr = Csr.fromDense(KernelFixtures.matrix(FormatSpec.CSR, 1024, 1024, 0.1, 9), 1024, 1024);
        assertThat(csr.values().length).isGreaterThan(65_535);
        SpmmGenerator.Options o = SpmmGenerator.Options.defaults().withMaxCodeBytes(64L << 20);
        SpmmGenerator.Generated g = SpmmGenerator.generate(SpmmGenerator.plan(csr, 49, o), csr);
        assertThat(g.plan().values()).isEqualTo(SpmmGenerator.Values.CLASS_DATA);
        assertThat(g.classData()).isInstanceOf(float[][].class);
        int held = 0;
        for (float[] s : (float[][]) g.classData()) held += s.length;
        assertThat(held).isEqualTo(csr.values().length);
        assertThat(ClassFiles.read(g.classBytes()).constantPoolCount()).isLessThan(65_535);
        assertThat(SpmmGenerator.load(g)).isNotNull(); // the JVM accepts (verifies) it
        // few values: constants, no class data
        Csr small = Csr.fromDense(KernelFixtures.matrix(FormatSpec.CSR, 64, 64, 0.1, 9), 64, 64);
        SpmmGenerator.Generated gs = SpmmGenerator.generate(SpmmGenerator.plan(small, 49, o), small);
        assertThat(gs.plan().values()).isEqualTo(SpmmGenerator.Values.CONSTANTS);
        assertThat(gs.classData()).isNull();
        // both placements compute the same C
        check(kernel(SpmmGenerator.Options.defaults().withMaxConstantValues(0)), 64, 64, 20, 0.2, 1, 5);
        check(kernel(SpmmGenerator.Options.defaults().withMaxConstantValues(0)), 64, 64, 1, 0.2, 1, 6);
    }

    @Test
    void overTheCodeSizeThresholdItFallsBackToTheGenericKernelAndSaysWhy() {
        MatMul k = kernel(SpmmGenerator.Options.defaults().withMaxCodeBytes(1000));
        Csr csr = Csr.fromDense(KernelFixtures.matrix(FormatSpec.CSR, 64, 64, 0.3, 2), 64, 64);
        float[] x = KernelFixtures.dense(64, 20, 3);
        try (MatMul.Prepared p = k.prepare(csr, x, 20, 1)) {
            assertThat(p).isInstanceOf(GeneratedPrepared.Fallback.class);
            assertThat(p.variant()).startsWith("fallback to csr-vector: ").contains("over the threshold of");
            assertThat(((GeneratedPrepared.Fallback) p).report().refusal()).contains("over the threshold");
            p.run();
            assertThat(KernelFixtures.relativeError(p.result(), KernelFixtures.reference(csr.toDense(), 64, 64, x, 20))).isLessThan(1e-4);
        }
        // under the threshold: generated
        try (MatMul.Prepared p = kernel(SpmmGenerator.Options.defaults()).prepare(csr, x, 20, 1)) {
            assertThat(p).isInstanceOf(GeneratedPrepared.class);
            assertThat(p.variant()).startsWith("generated: ");
            var kv = GeneratedPrepared.parseVariant(p.variant());
            assertThat(kv).containsKeys("methods", "bytecode", "values", "generate_ms", "define_ms", "warmup_ms");
            assertThat(Long.parseLong(kv.get("bytecode"))).isEqualTo(((GeneratedPrepared) p).report().codeBytes());
        }
    }

    @Test
    void isOnTheRegistryAndRefusesOtherFormats() {
        var reg = CpuBackends.registry();
        assertThat(reg.kernel(GeneratedCsr.ID)).isPresent();
        MatMul k = reg.kernel(GeneratedCsr.ID).orElseThrow();
        assertThat(k.backendId()).isEqualTo(GeneratedKernels.BACKEND_ID);
        assertThat(k.refuses(FormatSpec.CSR, 50)).isNull();
        assertThat(k.refuses(FormatSpec.DENSE, 50)).contains("does not take");
        assertThatThrownBy(() -> k.prepare(FormatSpec.DENSE.encode(new float[4], 2, 2), new float[2], 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void plansAnyCoreFormatThroughItsDenseView() {
        float[] w = KernelFixtures.matrix(FormatSpec.nm(2, 4), 16, 32, 0.5, 4);
        var nm = FormatSpec.nm(2, 4).encode(w, 16, 32);
        SpmmGenerator.Plan a = SpmmGenerator.plan(nm, 20, SpmmGenerator.Options.defaults());
        SpmmGenerator.Plan b = SpmmGenerator.plan(Csr.fromDense(w, 16, 32), 20, SpmmGenerator.Options.defaults());
        assertThat(a.nnz()).isEqualTo(b.nnz());
        assertThat(a.methodCount()).isEqualTo(b.methodCount());
    }

    @Test
    void optionsAreChecked() {
        assertThatThrownBy(() -> SpmmGenerator.Options.defaults().withMaxMethodBytes(9000)).hasMessageContaining("maxMethodBytes");
        assertThatThrownBy(() -> new GeneratedCsr(SpmmGenerator.Options.defaults(), -1, 0)).hasMessageContaining("warmupRounds");
    }

    @Test
    void tieredRuleKeepsTheGeneratedCodeOnlyWhenCompiledAndWhollyFaster() {
        assertThat(GeneratedCsr.keepGenerated(true, new Stats.Interval(1.4, 1.2, 1.6, 0.95))).isTrue();
        assertThat(GeneratedCsr.keepGenerated(true, new Stats.Interval(1.4, 0.99, 1.6, 0.95))).as("interval reaches 1").isFalse();
        assertThat(GeneratedCsr.keepGenerated(true, new Stats.Interval(0.8, 0.7, 0.9, 0.95))).isFalse();
        assertThat(GeneratedCsr.keepGenerated(false, new Stats.Interval(2.0, 1.9, 2.1, 0.95))).as("not compiled").isFalse();
        assertThat(GeneratedCsr.keepGenerated(true, null)).isFalse();
        assertThatThrownBy(() -> new GeneratedCsr(SpmmGenerator.Options.defaults(), 0, 0, true)).hasMessageContaining("tiered");
    }

    @Test
    void aTieredFallbackKeepsTheGeneratedFigures() {
        String v = "tiered: csr-vector kept, generated-csr measured 0.97x [0.91, 1.03] of its speed (interleaved, 11 rounds); "
                + "generated: methods=3, bytecode=5120 B, values=constants, generate_ms=1.0, define_ms=2.0, warmup_ms=3.0, c2=all";
        assertThat(GeneratedPrepared.parseVariant(v)).containsEntry("bytecode", "5120").containsEntry("methods", "3");
        assertThat(GeneratedPrepared.ran(v)).isFalse();
        assertThat(GeneratedPrepared.ran("generated: methods=3, bytecode=5120 B")).isTrue();
        assertThat(GeneratedPrepared.parseVariant("fallback to csr-vector: generated code would be about 3.4 MiB")).isEmpty();
    }

    @Test
    void tieredKernelIsCorrectAndNamesWhatRuns() {
        GeneratedCsr k = new GeneratedCsr(SpmmGenerator.Options.defaults(), 2000, 20_000, true);
        assertThat(k.tiered()).isTrue();
        float[] w = KernelFixtures.matrix(FormatSpec.CSR, 64, 96, 0.2, 11);
        float[] x = KernelFixtures.dense(96, 8, 12);
        double[] want = KernelFixtures.reference(w, 64, 96, x, 8);
        try (MatMul.Prepared p = k.prepare(Csr.fromDense(w, 64, 96), x, 8, 1)) {
            p.run();
            assertThat(KernelFixtures.relativeError(p.result(), want)).isLessThanOrEqualTo(1e-5 * Math.sqrt(96));
            // which one runs is a measurement on this machine; what the variant says must match it
            if (p instanceof GeneratedPrepared g) assertThat(g.variant()).startsWith("generated: ").contains("tiered_over_csr_vector=");
            else {
                assertThat(p.variant()).startsWith("tiered: csr-vector kept");
                assertThat(GeneratedPrepared.ran(p.variant())).isFalse();
            }
            // either way the generated code's exact size is readable (exact metrics must not depend on the choice)
            assertThat(GeneratedPrepared.parseVariant(p.variant())).containsKey("bytecode").containsKey("methods");
        }
    }
}
