package dev.prunebench.kernels.cuda.model;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.GroupedCsr;
import dev.prunebench.kernels.cuda.model.MemoryTrace.Space;
import dev.prunebench.measure.Patterns;
import java.util.Locale;

/**
 * Prints the model's Hartenstein Fig. 3 table (modelled): for each group size and pruning rate, the global load
 * efficiency of {@code gcsr_spmm} (and {@code csr_spmm_vector} at g = 1) and the estimated speedup over
 * {@code sgemm_tiled} on a preset, each on a warm L2 ({@link WarpModel#warm}). Arguments: {@code [rows cols n preset seed]}, default 4096 4096 50 gtx950m 1.
 * The experiment {@code hartenstein-spmm-gpu} produces the same numbers through the sweep; this is the quick look.
 */
public final class ModelTable {
    private ModelTable() {}

    public static void main(String[] args) {
        int m = args.length > 0 ? Integer.parseInt(args[0]) : 4096, k = args.length > 1 ? Integer.parseInt(args[1]) : 4096,
                n = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        GpuPreset p = GpuPreset.named(args.length > 3 ? args[3] : "gtx950m");
        long seed = args.length > 4 ? Long.parseLong(args[4]) : 1;
        int[] gs = {1, 2, 4, 8, 16, 32, 64};
        double[] rates = {0.80, 0.84, 0.88, 0.90, 0.92, 0.94, 0.96, 0.98};
        Dense dw = Patterns.uniform(m, k, 0, seed);
        WarpModel.Run dense = WarpModel.warm(l2 -> WarpModel.sgemm(dw, n, l2), p.l2Bytes());
        long denseT = dense.counts(p).get("est_time_ps");
        System.out.printf(Locale.ROOT, "W %dx%d, X %dx%d, preset %s%nsgemm_tiled: gld %.1f %%, est %.3f ms (%s-bound)%n", m, k, k, n, p,
                100 * dense.trace().efficiency(), denseT / 1e9, dense.bound(p));
        System.out.println("kernel            g  rate  gld_eff  x_eff  sect/req  dram_MB  est_ms  speedup  bound");
        float[] base = Patterns.normalVector(m * k, seed);
        for (int g : gs) {
            Patterns.GroupRanking rank = new Patterns.GroupRanking(base, m, k, g);
            for (double rate : rates) {
                float[] w = rank.prune(rate);
                GroupedCsr gw = GroupedCsr.fromDense(w, m, k, g);
                row("gcsr_spmm", g, rate, WarpModel.warm(l2 -> WarpModel.gcsr(gw, n, l2), p.l2Bytes()), p, denseT);
                if (g == 1) {
                    Csr cw = Csr.fromDense(w, m, k);
                    row("csr_spmm_vector", g, rate, WarpModel.warm(l2 -> WarpModel.csrVector(cw, n, l2), p.l2Bytes()), p, denseT);
                    row("csr_spmm_scalar", g, rate, WarpModel.warm(l2 -> WarpModel.csrScalar(cw, n, l2), p.l2Bytes()), p, denseT);
                }
            }
        }
    }

    private static void row(String kernel, int g, double rate, WarpModel.Run r, GpuPreset p, long denseT) {
        long t = r.counts(p).get("est_time_ps");
        System.out.printf(Locale.ROOT, "%-16s %2d  %.2f  %6.2f  %6.2f  %7.2f  %7.1f  %6.3f  %6.2f  %s%n", kernel, g, rate, 100 * r.trace().efficiency(),
                100 * r.trace().efficiency(Space.X), r.trace().sectorsPerRequest(), r.dramBytes() / 1e6, t / 1e9, (double) denseT / t, r.bound(p));
    }
}
