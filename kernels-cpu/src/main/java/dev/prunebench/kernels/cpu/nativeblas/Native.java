package dev.prunebench.kernels.cpu.nativeblas;

import dev.prunebench.core.format.SparseFormat;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;

/** Native-memory helpers shared by the MKL and OpenBLAS kernels: copies in and out, shape checks, ordered frees. */
final class Native {
    private Native() {}

    /** A native copy of {@code a}; never zero-length (libraries may reject a null data pointer). */
    static FloatPointer copyOf(float[] a) {
        FloatPointer p = new FloatPointer(Math.max(1, a.length));
        if (a.length > 0) p.put(a, 0, a.length);
        return p;
    }

    static IntPointer copyOf(int[] a) {
        IntPointer p = new IntPointer(Math.max(1, a.length));
        if (a.length > 0) p.put(a, 0, a.length);
        return p;
    }

    static FloatPointer zeros(long n) {
        FloatPointer p = new FloatPointer(Math.max(1, n));
        p.zero();
        return p;
    }

    static float[] read(FloatPointer p, int n) {
        float[] out = new float[n];
        p.position(0).get(out, 0, n);
        return out;
    }

    /** Frees every non-null pointer, in order; keeps going past a failing one and rethrows the first failure. */
    static void free(Pointer... ps) {
        RuntimeException first = null;
        for (Pointer p : ps) {
            if (p == null) continue;
            try {
                p.close();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }

    static void checkShapes(String kernel, SparseFormat w, float[] x, int n, int threads) {
        if (w == null) throw new IllegalArgumentException(kernel + ": W must not be null");
        if (x == null) throw new IllegalArgumentException(kernel + ": X must not be null");
        if (n < 1) throw new IllegalArgumentException(kernel + ": n must be >= 1, got " + n);
        if (threads < 1) throw new IllegalArgumentException(kernel + ": threads must be >= 1, got " + threads);
        long expect = (long) w.cols() * n;
        if (x.length != expect)
            throw new IllegalArgumentException(kernel + ": X has " + x.length + " values, expected K×N = " + w.cols() + "×" + n + " = " + expect
                    + " for W " + w.rows() + "×" + w.cols());
        if ((long) w.rows() * n > Integer.MAX_VALUE)
            throw new IllegalArgumentException(kernel + ": C would have " + (long) w.rows() * n + " values, more than a Java array holds");
    }
}
