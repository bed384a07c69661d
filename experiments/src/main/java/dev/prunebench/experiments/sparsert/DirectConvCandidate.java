package dev.prunebench.experiments.sparsert;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.kernel.MatMul;
import dev.prunebench.kernels.cpu.vector.DirectConv;
import dev.prunebench.kernels.cpu.vector.VectorKernels;

/**
 * {@link DirectConv} as a candidate in the interleaved harness of one 3×3 problem: the harness hands every kernel the
 * im2col matrix X, this one ignores it and convolves the image it was made with, so its result is checked against the
 * same reference {@code W · im2col(image)} as every SpMM and GEMM of the problem before any of its times count.
 */
final class DirectConvCandidate implements MatMul {
    private final DirectConv.Geometry geometry;
    private final float[] image;

    DirectConvCandidate(DirectConv.Geometry geometry, float[] image) {
        this.geometry = geometry;
        this.image = image;
    }

    @Override public String id() { return DirectConv.ID; }

    @Override public String backendId() { return VectorKernels.BACKEND_ID; }

    @Override public boolean supports(FormatSpec spec) { return spec != null && spec.kind() == FormatSpec.Kind.CSR; }

    @Override public Prepared prepare(SparseFormat w, float[] x, int n, int threads) {
        MatMul.checkArguments(this, w, x, n, threads);
        int pixels = geometry.outH() * geometry.outW();
        if (n != pixels) throw new IllegalArgumentException(id() + ": n = " + n + " but the conv " + geometry + " has " + pixels + " output pixels");
        return DirectConv.prepare((Csr) w, geometry, image, threads);
    }
}
