package dev.prunebench.kernels.cpu;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.cpu.vector.VectorKernels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.mkl.global.mkl_rt;

/**
 * Developer tool, not a test and not the project's measurement harness: a quick interleaved timing of the
 * vector kernels against MKL dense sgemm and MKL sparse CSR (called directly here) on W 4096×4096 · X 4096×N, to
 * see where a kernel change lands. Every variant is checked against the dense reference first.
 *
 * <p>HOW TO RUN (from the repository root, JDK 21+ as JAVA_HOME):
 * <pre>
 * mvn -B -q -o -pl kernels-cpu -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * $JAVA_HOME/bin/java --add-modules jdk.incubator.vector -Xmx3g \
 *      -cp kernels-cpu/target/classes:kernels-cpu/target/test-classes:$(cat /tmp/cp.txt) \
 *      [-Dn=50,1] [-Dg=8,16] [-Donly=all|main|sweep] dev.prunebench.kernels.cpu.KernelTiming [reps=15] [size=4096] [rate=0.9]
 * </pre>
 * (the class path file of the last module built, kernels-cpu, lists core/target/classes and the jars.)
 * Prints the median milliseconds per variant over interleaved repeats (one call per variant per repeat): wall
 * clock, and the CPU time of the calling thread, which on a shared, oversubscribed machine is the steadier of the
 * two for single-threaded variants (it leaves out the time the thread waited for a core). MKL runs on the calling
 * thread when pinned to one thread.
 */
public final class KernelTiming {
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    interface Timed { void run(); float[] result(); }

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
        double rate = args.length > 2 ? Double.parseDouble(args[2]) : 0.9;
        System.out.println("vector: " + VectorKernels.availability() + "; MKL: " + Blas.mklAvailability());
        mkl_rt.MKL_Set_Num_Threads(1);
        byte[] version = new byte[256];
        mkl_rt.MKL_Get_Version_String(version, version.length);
        System.out.println("MKL: " + new String(version, java.nio.charset.StandardCharsets.US_ASCII).trim().replace("\0", "")
                + ", max threads " + mkl_rt.MKL_Get_Max_Threads());
        String only = System.getProperty("only", "all");
        for (int n : java.util.Arrays.stream(System.getProperty("n", "50,1").split(",")).mapToInt(Integer::parseInt).toArray()) {
            if (only.equals("sweep")) break;
            float[] x = KernelFixtures.dense(size, n, 7);
            Map<String, Timed> v = new LinkedHashMap<>();
            Map<String, double[]> ref = new LinkedHashMap<>();
            float[] wu = KernelFixtures.matrix(FormatSpec.CSR, size, size, 1 - rate, 11);
            unemptyRows(wu, size);
            add(v, ref, "mkl-sgemm", sgemm(wu, size, x, n), wu, size, x, n);
            add(v, ref, "mkl-sparse csr", mklSparse(Csr.fromDense(wu, size, size), x, n), wu, size, x, n);
            add(v, ref, "csr-vector", kernel("csr-vector", FormatSpec.CSR, wu, size, x, n, 1), wu, size, x, n);
            if (n > 1) add(v, ref, "csr-vector 2 threads", kernel("csr-vector", FormatSpec.CSR, wu, size, x, n, 2), wu, size, x, n);
            if (n > 1) add(v, ref, "dense-vector", kernel("dense-vector", FormatSpec.DENSE, wu, size, x, n, 1), wu, size, x, n);
            for (int g : java.util.Arrays.stream(System.getProperty("g", "8,16").split(",")).mapToInt(Integer::parseInt).toArray()) {
                float[] wg = KernelFixtures.matrix(FormatSpec.grouped(g), size, size, 1 - rate, 13 + g);
                add(v, ref, "mkl-sparse csr (gcsr:" + g + " matrix)", mklSparse(Csr.fromDense(wg, size, size), x, n), wg, size, x, n);
                add(v, ref, "csr-vector (gcsr:" + g + " matrix)", kernel("csr-vector", FormatSpec.CSR, wg, size, x, n, 1), wg, size, x, n);
                add(v, ref, "gcsr-vector g=" + g, kernel("gcsr-vector", FormatSpec.grouped(g), wg, size, x, n, 1), wg, size, x, n);
            }
            if (n > 1) add(v, ref, "gcsr-vector g=16 2 threads", kernel("gcsr-vector", FormatSpec.grouped(16),
                    KernelFixtures.matrix(FormatSpec.grouped(16), size, size, 1 - rate, 13 + 16), size, x, n, 2),
                    KernelFixtures.matrix(FormatSpec.grouped(16), size, size, 1 - rate, 13 + 16), size, x, n);
            report(v, ref, reps, String.format("W %dx%d at %.0f%% (uniform / whole groups), X %dx%d, 1 thread unless said",
                    size, size, rate * 100, size, n));
        }
        if (only.equals("all") || only.equals("sweep")) {
            // break-even of the unstructured CSR kernel against MKL dense sgemm, N = 50
            int n = 50;
            float[] x = KernelFixtures.dense(size, n, 7);
            Map<String, Timed> v = new LinkedHashMap<>();
            Map<String, double[]> ref = new LinkedHashMap<>();
            float[] wd = KernelFixtures.dense(size, size, 3);
            add(v, ref, "mkl-sgemm", sgemm(wd, size, x, n), wd, size, x, n);
            for (double r : new double[] {0.5, 0.6, 0.7, 0.8}) {
                float[] wu = KernelFixtures.matrix(FormatSpec.CSR, size, size, 1 - r, 31);
                unemptyRows(wu, size);
                add(v, ref, String.format("csr-vector at %.0f%%", r * 100), kernel("csr-vector", FormatSpec.CSR, wu, size, x, n, 1), wu, size, x, n);
                add(v, ref, String.format("mkl-sparse csr at %.0f%%", r * 100), mklSparse(Csr.fromDense(wu, size, size), x, n), wu, size, x, n);
            }
            report(v, ref, reps, "break-even sweep, X " + size + "x" + n + ", 1 thread");
        }
    }

    private static void report(Map<String, Timed> v, Map<String, double[]> ref, int reps, String title) {
        {
            Map<String, List<Double>> ms = new LinkedHashMap<>(), cpu = new LinkedHashMap<>();
            for (String k : v.keySet()) { ms.put(k, new ArrayList<>()); cpu.put(k, new ArrayList<>()); }
            for (int r = -3; r < reps; r++)
                for (var e : v.entrySet()) {
                    long c0 = THREADS.getCurrentThreadCpuTime(), t0 = System.nanoTime();
                    e.getValue().run();
                    long t1 = System.nanoTime(), c1 = THREADS.getCurrentThreadCpuTime();
                    if (r >= 0) { ms.get(e.getKey()).add((t1 - t0) / 1e6); cpu.get(e.getKey()).add((c1 - c0) / 1e6); }
                }
            System.out.printf("%s; median of %d interleaved%n", title, reps);
            for (var e : ms.entrySet()) {
                double[] a = e.getValue().stream().mapToDouble(Double::doubleValue).sorted().toArray();
                double err = KernelFixtures.relativeError(v.get(e.getKey()).result(), ref.get(e.getKey()));
                long alloc = allocatedPerRun(v.get(e.getKey()));
                double[] b = cpu.get(e.getKey()).stream().mapToDouble(Double::doubleValue).sorted().toArray();
                System.out.printf("  %-40s wall %8.3f ms (min %7.3f)  calling-thread cpu %8.3f ms (min %7.3f)  rel.err %.1e  alloc/run %d B%n",
                        e.getKey(), a[a.length / 2], a[0], b[b.length / 2], b[0], err, alloc);
            }
        }
    }

    /** Bytes the calling thread allocates per warm run: 0 when C2 has intrinsified every vector operation. */
    private static long allocatedPerRun(Timed t) {
        var tb = (com.sun.management.ThreadMXBean) THREADS;
        long id = Thread.currentThread().threadId();
        long before = tb.getThreadAllocatedBytes(id);
        for (int i = 0; i < 5; i++) t.run();
        return (tb.getThreadAllocatedBytes(id) - before) / 5;
    }

    /** The fixture empties every 5th row (for the tests); for timing, give those rows one entry back so W stays close to uniform. */
    private static void unemptyRows(float[] w, int size) {
        for (int r = 3; r < size; r += 5) w[r * size + (r % size)] = 1f;
    }

    private static void add(Map<String, Timed> v, Map<String, double[]> ref, String name, Timed t, float[] w, int size, float[] x, int n) {
        t.run();
        double[] want = KernelFixtures.reference(w, size, size, x, n);
        double err = KernelFixtures.relativeError(t.result(), want);
        if (!(err <= 1e-5 * Math.sqrt(size))) throw new IllegalStateException(name + ": relative error " + err);
        v.put(name, t);
        ref.put(name, want);
    }

    private static Timed kernel(String id, FormatSpec spec, float[] w, int size, float[] x, int n, int threads) {
        MatMul k = VectorKernels.all().stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow();
        SparseFormat enc = spec.encode(w, size, size);
        MatMul.Prepared p = k.prepare(enc, x, n, threads);
        return new Timed() {
            public void run() { p.run(); }
            public float[] result() { return p.result(); }
        };
    }

    private static Timed sgemm(float[] w, int size, float[] x, int n) {
        float[] c = new float[size * n];
        return new Timed() {
            public void run() { Blas.sgemm(false, false, size, n, size, 1f, w, size, x, n, 0f, c, n); }
            public float[] result() { return c.clone(); }
        };
    }

    private static Timed mklSparse(Csr s, float[] x, int n) {
        IntPointer start = new IntPointer(Arrays.copyOf(s.rowPtr(), s.rows()));
        IntPointer end = new IntPointer(Arrays.copyOfRange(s.rowPtr(), 1, s.rows() + 1));
        IntPointer col = new IntPointer(s.colIndex());
        FloatPointer val = new FloatPointer(s.values());
        mkl_rt.sparse_matrix a = new mkl_rt.sparse_matrix();
        check("create_csr", mkl_rt.mkl_sparse_s_create_csr(a, mkl_rt.SPARSE_INDEX_BASE_ZERO, s.rows(), s.cols(), start, end, col, val));
        mkl_rt.matrix_descr d = new mkl_rt.matrix_descr();
        d.type(mkl_rt.SPARSE_MATRIX_TYPE_GENERAL);
        if (n == 1) check("set_mv_hint", mkl_rt.mkl_sparse_set_mv_hint(a, mkl_rt.SPARSE_OPERATION_NON_TRANSPOSE, d, 1000));
        else check("set_mm_hint", mkl_rt.mkl_sparse_set_mm_hint(a, mkl_rt.SPARSE_OPERATION_NON_TRANSPOSE, d, mkl_rt.SPARSE_LAYOUT_ROW_MAJOR, n, 1000));
        check("optimize", mkl_rt.mkl_sparse_optimize(a));
        FloatPointer xp = new FloatPointer(x);
        FloatPointer cp = new FloatPointer((long) s.rows() * n);
        return new Timed() {
            public void run() {
                if (n == 1) mkl_rt.mkl_sparse_s_mv(mkl_rt.SPARSE_OPERATION_NON_TRANSPOSE, 1f, a, d, xp, 0f, cp);
                else mkl_rt.mkl_sparse_s_mm(mkl_rt.SPARSE_OPERATION_NON_TRANSPOSE, 1f, a, d, mkl_rt.SPARSE_LAYOUT_ROW_MAJOR, xp, n, n, 0f, cp, n);
            }
            public float[] result() {
                float[] c = new float[s.rows() * n];
                cp.get(c);
                return c;
            }
        };
    }

    private static void check(String what, int status) {
        if (status != mkl_rt.SPARSE_STATUS_SUCCESS) throw new IllegalStateException("mkl_sparse_" + what + ": status " + status);
    }
}
