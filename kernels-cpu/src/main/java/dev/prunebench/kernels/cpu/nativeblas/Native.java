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
}
