package dev.prunebench.core.storage;

import java.util.Locale;

/** Value precision used for storage accounting. Kernels compute in fp32; the precision only changes the bytes counted. */
public enum Precision {
    FP32(4), FP16(2), BF16(2), INT8(1);

    private final int bytes;

    Precision(int bytes) { this.bytes = bytes; }

    /** Bytes per stored value. */
    public int bytes() { return bytes; }

    public String id() { return name().toLowerCase(Locale.ROOT); }

    public static Precision parse(String s) {
        for (Precision p : values()) if (p.id().equalsIgnoreCase(s.trim())) return p;
        throw new IllegalArgumentException("precision: unknown value '" + s + "' (expected fp32, fp16, bf16 or int8)");
    }
}
