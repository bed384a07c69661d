package dev.prunebench.kernels.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * cuBLAS bound through the JDK's foreign-function API ({@code java.lang.foreign}), for machines where JCuda 12.6's
 * {@code libJCublas2} cannot load: it needs {@code libcublas.so.12}, and a CUDA 13 machine has {@code libcublas.so.13}
 * only. The library is opened by name ({@code libcublas.so.13}, else {@code .so.12}) from the places
 * {@link #searchDirs()} lists, else by the dynamic loader's own search; only six entry points of the stable v2 API
 * are bound: {@code cublasCreate_v2}, {@code cublasDestroy_v2}, {@code cublasSetStream_v2}, {@code cublasSetMathMode},
 * {@code cublasGetMathMode}, {@code cublasGetVersion_v2}, {@code cublasSgemm_v2}.
 *
 * <p>Device memory stays JCuda's (runtime API): device pointers and streams are passed as plain addresses. Every
 * status other than {@code CUBLAS_STATUS_SUCCESS} throws an {@link IllegalStateException} naming the call and the
 * status ({@code "cublasSgemm_v2 returned CUBLAS_STATUS_INVALID_VALUE (7)"}).
 */
public final class CublasFfm {
    /** Sonames tried, newest first. */
    public static final List<String> SONAMES = List.of("libcublas.so.13", "libcublas.so.12");

    public static final int CUBLAS_OP_N = 0, CUBLAS_OP_T = 1;
    public static final int CUBLAS_DEFAULT_MATH = 0, CUBLAS_PEDANTIC_MATH = 2;

    private final String source;
    private final MethodHandle create, destroy, setStream, setMathMode, getMathMode, getVersion, sgemm;

    private CublasFfm(String source, SymbolLookup lib) {
        this.source = source;
        Linker linker = Linker.nativeLinker();
        var A = ValueLayout.ADDRESS;
        var I = ValueLayout.JAVA_INT;
        create = bind(linker, lib, "cublasCreate_v2", FunctionDescriptor.of(I, A));
        destroy = bind(linker, lib, "cublasDestroy_v2", FunctionDescriptor.of(I, A));
        setStream = bind(linker, lib, "cublasSetStream_v2", FunctionDescriptor.of(I, A, A));
        setMathMode = bind(linker, lib, "cublasSetMathMode", FunctionDescriptor.of(I, A, I));
        getMathMode = bind(linker, lib, "cublasGetMathMode", FunctionDescriptor.of(I, A, A));
        getVersion = bind(linker, lib, "cublasGetVersion_v2", FunctionDescriptor.of(I, A, A));
        sgemm = bind(linker, lib, "cublasSgemm_v2", FunctionDescriptor.of(I, A, I, I, I, I, I, A, A, I, A, I, A, A, I));
    }

    private static MethodHandle bind(Linker linker, SymbolLookup lib, String name, FunctionDescriptor fd) {
        MemorySegment sym = lib.find(name).orElseThrow(() -> new IllegalStateException("the cuBLAS library has no symbol " + name));
        return linker.downcallHandle(sym, fd);
    }

    /** Where the library was loaded from: a path, or a soname resolved by the dynamic loader. */
    public String source() { return source; }

    /** Binds the library at {@code path} (e.g. a test's stub); throws naming the path when it cannot be opened or lacks a symbol. */
    public static CublasFfm open(Path path) {
        SymbolLookup lib;
        try {
            lib = SymbolLookup.libraryLookup(path, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("cannot open " + path + ": " + e.getMessage(), e);
        }
        return new CublasFfm(path.toString(), lib);
    }

    // ------------------------------------------------------------------ finding the library

    /**
     * The folders searched, in order: {@code prunebench.cuda.libs} (a path list, the bundle's launcher sets it),
     * {@code LD_LIBRARY_PATH}, the NVIDIA pip wheels of the Python environments ({@code site-packages/nvidia/cu13/lib},
     * {@code nvidia/cublas/lib}), and {@code /usr/local/cuda*}{@code /lib64}.
     */
    static List<Path> searchDirs() {
        Set<Path> dirs = new LinkedHashSet<>();
        for (String list : new String[] {System.getProperty("prunebench.cuda.libs", ""), System.getenv().getOrDefault("LD_LIBRARY_PATH", "")})
            for (String d : list.split(":")) if (!d.isBlank()) dirs.add(Path.of(d));
        List<Path> sitePackages = new ArrayList<>();
        List<Path> roots = new ArrayList<>();
        for (String env : new String[] {"VIRTUAL_ENV", "CONDA_PREFIX"}) {
            String v = System.getenv(env);
            if (v != null && !v.isBlank()) roots.add(Path.of(v, "lib"));
        }
        roots.add(Path.of(System.getProperty("user.home", "/root"), ".local", "lib"));
        for (String r : new String[] {"/usr/local/lib", "/usr/lib", "/opt/conda/lib", "/opt/venv/lib", "/venv/lib"}) roots.add(Path.of(r));
        for (Path root : roots) {
            try (var s = Files.newDirectoryStream(root, "python3*")) {
                for (Path py : s) {
                    sitePackages.add(py.resolve("site-packages"));
                    sitePackages.add(py.resolve("dist-packages"));
                }
            } catch (Exception ignored) {
                // not there
            }
        }
        for (Path sp : sitePackages) {
            dirs.add(sp.resolve("nvidia/cu13/lib"));
            dirs.add(sp.resolve("nvidia/cublas/lib"));
        }
        try (var s = Files.newDirectoryStream(Path.of("/usr/local"), "cuda*")) {
            List<Path> cuda = new ArrayList<>();
            for (Path p : s) cuda.add(p.resolve("lib64"));
            cuda.sort(null);
            dirs.addAll(cuda.reversed());
        } catch (Exception ignored) {
            // no toolkit folder
        }
        return new ArrayList<>(dirs);
    }

    /**
     * Finds and binds cuBLAS: the first soname of {@link #SONAMES} found in {@link #searchDirs()}, else the first the
     * dynamic loader resolves. Throws, naming every soname and folder tried, when none is found.
     */
    public static CublasFfm find() {
        List<Path> dirs = searchDirs();
        List<String> problems = new ArrayList<>();
        for (String so : SONAMES)
            for (Path d : dirs) {
                Path p = d.resolve(so);
                if (!Files.exists(p)) continue;
                try {
                    return open(p);
                } catch (RuntimeException e) {
                    problems.add(e.getMessage());
                }
            }
        for (String so : SONAMES) {
            try {
                return new CublasFfm(so + " (dynamic loader)", SymbolLookup.libraryLookup(so, Arena.global()));
            } catch (RuntimeException e) {
                problems.add(so + ": " + e.getMessage());
            }
        }
        throw new IllegalStateException("no cuBLAS library: none of " + SONAMES + " in " + dirs + " nor through the dynamic loader"
                + (problems.isEmpty() ? "" : " (" + String.join("; ", problems) + ")"));
    }

    private static volatile CublasFfm found;
    private static volatile String problem;
    private static volatile boolean probed;

    /** Null when cuBLAS was found, bound and a handle could be created; otherwise why not. Probed once. */
    static synchronized String problem() {
        if (!probed) {
            probed = true;
            try {
                CublasFfm c = find();
                try (Handle h = c.handle()) {
                    h.version();
                }
                found = c;
            } catch (RuntimeException | LinkageError e) {
                problem = "cuBLAS through java.lang.foreign: " + e.getMessage();
            }
        }
        return problem;
    }

    /** The library {@link #problem()} found; throws when there is none. */
    static CublasFfm get() {
        String why = problem();
        if (why != null) throw new IllegalArgumentException(why);
        return found;
    }

    // ------------------------------------------------------------------ status

    /** The name of a {@code cublasStatus_t}. */
    public static String statusName(int s) {
        return switch (s) {
            case 0 -> "CUBLAS_STATUS_SUCCESS";
            case 1 -> "CUBLAS_STATUS_NOT_INITIALIZED";
            case 3 -> "CUBLAS_STATUS_ALLOC_FAILED";
            case 7 -> "CUBLAS_STATUS_INVALID_VALUE";
            case 8 -> "CUBLAS_STATUS_ARCH_MISMATCH";
            case 11 -> "CUBLAS_STATUS_MAPPING_ERROR";
            case 13 -> "CUBLAS_STATUS_EXECUTION_FAILED";
            case 14 -> "CUBLAS_STATUS_INTERNAL_ERROR";
            case 15 -> "CUBLAS_STATUS_NOT_SUPPORTED";
            case 16 -> "CUBLAS_STATUS_LICENSE_ERROR";
            default -> "cublasStatus " + s;
        };
    }

    static void check(int status, String call) {
        if (status != 0) throw new IllegalStateException(call + " returned " + statusName(status) + " (" + status + ")");
    }

    private static int call(MethodHandle h, String name, Object... args) {
        try {
            return (int) h.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(name + ": " + t, t);
        }
    }

    // ------------------------------------------------------------------ a handle

    /** A new cuBLAS handle ({@code cublasCreate_v2}); destroyed on close. */
    public Handle handle() { return new Handle(); }

    /** One {@code cublasHandle_t} with its host scalars; not thread-safe. */
    public final class Handle implements AutoCloseable {
        private final Arena arena = Arena.ofShared();
        private final MemorySegment handle, alpha, beta, out;
        private boolean open;

        private Handle() {
            try {
                MemorySegment slot = arena.allocate(ValueLayout.ADDRESS);
                check(call(create, "cublasCreate_v2", slot), "cublasCreate_v2");
                handle = slot.get(ValueLayout.ADDRESS, 0);
                alpha = arena.allocate(ValueLayout.JAVA_FLOAT);
                beta = arena.allocate(ValueLayout.JAVA_FLOAT);
                out = arena.allocate(ValueLayout.JAVA_INT);
            } catch (RuntimeException e) {
                arena.close();
                throw e;
            }
            open = true;
        }

        /** {@code cublasSetStream_v2}: {@code stream} is a {@code cudaStream_t}'s address (0: the default stream). */
        public void setStream(long stream) {
            check(call(setStream, "cublasSetStream_v2", handle, MemorySegment.ofAddress(stream)), "cublasSetStream_v2");
        }

        public void setMathMode(int mode) {
            check(call(setMathMode, "cublasSetMathMode", handle, mode), "cublasSetMathMode");
        }

        public int mathMode() {
            check(call(getMathMode, "cublasGetMathMode", handle, out), "cublasGetMathMode");
            return out.get(ValueLayout.JAVA_INT, 0);
        }

        /** {@code cublasGetVersion_v2}, e.g. 130001 for cuBLAS 13.0.1. */
        public int version() {
            check(call(getVersion, "cublasGetVersion_v2", handle, out), "cublasGetVersion_v2");
            return out.get(ValueLayout.JAVA_INT, 0);
        }

        /**
         * {@code cublasSgemm_v2} in cuBLAS's column-major convention: C (m×n, ldc) = alpha·op(A)·op(B) + beta·C, with
         * A, B, C device addresses and alpha, beta on the host.
         */
        public void sgemm(int transa, int transb, int m, int n, int k, float alphaValue, long a, int lda, long b, int ldb, float betaValue,
                          long c, int ldc) {
            alpha.set(ValueLayout.JAVA_FLOAT, 0, alphaValue);
            beta.set(ValueLayout.JAVA_FLOAT, 0, betaValue);
            int s;
            try {
                s = (int) sgemm.invokeExact(handle, transa, transb, m, n, k, alpha, MemorySegment.ofAddress(a), lda, MemorySegment.ofAddress(b), ldb,
                        beta, MemorySegment.ofAddress(c), ldc);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("cublasSgemm_v2: " + t, t);
            }
            check(s, "cublasSgemm_v2");
        }

        @Override public void close() {
            if (!open) return;
            open = false;
            try {
                check(call(destroy, "cublasDestroy_v2", handle), "cublasDestroy_v2");
            } finally {
                arena.close();
            }
        }
    }

    /** "13.0.1" for 130001 (cuBLAS 12+ encodes major·10000 + minor·100 + patch). */
    public static String versionString(int v) {
        return String.format(Locale.ROOT, "%d.%d.%d", v / 10000, v / 100 % 100, v % 100);
    }
}
