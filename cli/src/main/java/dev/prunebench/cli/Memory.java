package dev.prunebench.cli;

/** Refuses up front what will not fit: the bytes needed against the heap ({@link Runtime#maxMemory()}). */
final class Memory {
    private Memory() {}

    /** The most elements one Java array can have (a little under 2^31 − 1 on HotSpot). */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    /**
     * Throws an IllegalArgumentException naming {@code what}, the bytes it needs and the heap when {@code bytes} exceed
     * the heap the JVM may grow to, or {@code largestArray} exceeds what one Java array can hold.
     */
    static void check(String what, long bytes, long largestArray) {
        long heap = Runtime.getRuntime().maxMemory();
        if (largestArray > MAX_ARRAY)
            throw new IllegalArgumentException(what + " needs an array of " + largestArray + " elements, more than a Java array holds ("
                    + MAX_ARRAY + ")");
        if (bytes < 0 || bytes > heap)
            throw new IllegalArgumentException(what + " needs " + (bytes < 0 ? "more than 2^63 - 1" : String.valueOf(bytes))
                    + " bytes; the heap has " + heap + " bytes (raise it with -Xmx, e.g. PRUNEBENCH_JAVA_OPTS=-Xmx32g)");
    }
}
