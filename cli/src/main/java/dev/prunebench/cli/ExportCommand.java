package dev.prunebench.cli;

import dev.prunebench.core.env.BuildInfo;
import dev.prunebench.core.export.Encoding;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.FormatSpec;
import dev.prunebench.core.format.SparseFormat;
import dev.prunebench.core.io.LoadedMatrix;
import dev.prunebench.core.io.MatrixFiles;
import dev.prunebench.core.io.Npz;
import dev.prunebench.core.storage.IndexPolicy;
import dev.prunebench.core.storage.Precision;
import dev.prunebench.core.storage.StorageCost;
import dev.prunebench.kernels.mcu.McuExport;
import dev.prunebench.measure.Patterns;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "export", description = {
        "Write a matrix in a format as the arrays the kernels consume, with a manifest.json (shape, format, widths, byte counts "
                + "equal to info/storage's, SHA-256 of every file, prunebench version and commit).",
        "--target npz: weights.npz (a zip of .npy; numpy.load reads it); header: weights.h (C arrays); c: the generated "
                + "Cortex-M4 layer (layer.c, byte-identical to what the emulated measurement runs), layer.h, and the "
                + "measuring harness (main.c, startup.c, link.ld) that arm-none-eabi-gcc builds alone.",
        "Written into a temporary folder beside DIR and moved into place when complete; DIR must not exist or be empty."})
final class ExportCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = ".npy, .mtx or .smtx") Path file;
    @Option(names = "--format", required = true, description = "dense, coo, csr, gcsr:G, nm:N:M, node (node-pruned dense: kept rows and columns)") String format;
    @Option(names = "--precision", defaultValue = "fp32", description = "fp32, fp16, bf16, int8; q15, q7 (Cortex-M4 fixed point) (default: ${DEFAULT-VALUE})") String precision;
    @Option(names = "--policy", defaultValue = "minimal", description = "index widths: minimal, fixed32 (default: ${DEFAULT-VALUE}; q15/q7: the generator's, minimal)") String policy;
    @Option(names = "--target", defaultValue = "npz", description = "npz, header, c (default: ${DEFAULT-VALUE})") String target;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder to create") Path out;
    @Option(names = "--n", defaultValue = "1", description = "--target c: columns of the example X (default: ${DEFAULT-VALUE})") int n;
    @Option(names = "--seed", defaultValue = "20260101", description = "seed of the example X (N(0,1), as spmm and recommend) and of pattern-only inputs (default: ${DEFAULT-VALUE})") long seed;

    /** Fixed-point precisions of the Cortex-M4 kernels, or null for a storage precision. */
    static dev.prunebench.kernels.mcu.quant.Precision mcuPrecision(String p) {
        return switch (p.trim().toLowerCase(Locale.ROOT)) {
            case "q15" -> dev.prunebench.kernels.mcu.quant.Precision.Q15;
            case "q7" -> dev.prunebench.kernels.mcu.quant.Precision.Q7;
            default -> null;
        };
    }

    @Override public Integer call() throws Exception {
        String t = target.trim().toLowerCase(Locale.ROOT);
        if (!List.of("npz", "header", "c").contains(t)) throw new IllegalArgumentException("--target: unknown '" + target + "' (expected npz, header or c)");
        var mcu = mcuPrecision(precision);
        Precision p = mcu == null ? parse("--precision", () -> Precision.parse(precision)) : mcu == dev.prunebench.kernels.mcu.quant.Precision.Q15 ? Precision.FP16 : Precision.INT8;
        IndexPolicy pol = parse("--policy", () -> IndexPolicy.parse(policy));
        if (mcu != null && pol != IndexPolicy.MINIMAL) throw new IllegalArgumentException("--policy: q15/q7 layers use the generator's minimal widths, not " + policy);
        if (t.equals("c") && mcu == null) throw new IllegalArgumentException("--target c: needs --precision q15 or q7 (the Cortex-M4 kernels' fixed point), got " + precision);
        boolean node = format.trim().equalsIgnoreCase(Encoding.NODE);
        FormatSpec f = node ? null : FormatSpec.parse(format);
        if (n < 1 || n > 4096) throw new IllegalArgumentException("--n: must be in [1, 4096], got " + n);
        Outputs.checkFolder("--out", out);
        if (Files.isDirectory(out)) try (var s = Files.list(out)) {
            if (s.findAny().isPresent()) throw new IllegalArgumentException("--out " + out + ": folder exists and is not empty; give a new folder");
        }
        LoadedMatrix lm = MatrixFiles.read(file, seed);
        SparseFormat x = lm.matrix();
        NonZeros nz = NonZeros.of(x);
        if (f != null && f.kind() == FormatSpec.Kind.NM) {
            String v = nz.nmViolation(f);
            if (v != null) throw new IllegalArgumentException(file + " does not fit " + f + ": " + v);
        }
        if (f != null && f.kind() == FormatSpec.Kind.GCSR && f.g() > x.cols())
            throw new IllegalArgumentException("--format " + f + ": group size " + f.g() + " is larger than the " + x.cols() + " columns of " + file);
        if (!(x instanceof Dense)) NonZeros.checkDenseFits(file.toString(), x.rows(), x.cols());
        SparseFormat w = node ? x : f.kind() == FormatSpec.Kind.CSR ? nz.csr()
                : f.encode(x instanceof Dense d ? d.data() : x.toDense(), x.rows(), x.cols());

        Map<String, byte[]> files = new LinkedHashMap<>();
        Manifest m = new Manifest();
        BuildInfo bi = BuildInfo.current();
        m.obj("prunebench").put("version", bi.version()).put("commit", bi.commit()).put("dirty", bi.dirty()).put("commit_from", bi.source());
        m.put("input", file.toString()).put("input_sha256", sha256(Files.readAllBytes(file)));
        m.raw("shape", "[" + x.rows() + ", " + x.cols() + "]").raw("nnz", Long.toString(nz.nnz()));
        m.put("format", node ? Encoding.NODE : f.toString()).put("precision", precision.trim().toLowerCase(Locale.ROOT))
                .put("index_policy", pol.id()).put("target", t);
        StorageCost cost;
        Map<String, Npz.Array> arrays;
        Map<String, String> roles;
        if (mcu == null) {
            Encoding e = Encoding.of(w, node ? Encoding.NODE : f.toString(), p, pol);
            cost = e.cost();
            arrays = e.arrays();
            roles = e.roles();
            m.put("decode", decodeNote(p, node ? Encoding.NODE : f.toString()));
        } else {
            if (node || !List.of(FormatSpec.Kind.DENSE, FormatSpec.Kind.CSR, FormatSpec.Kind.GCSR).contains(f.kind())
                    || f.kind() == FormatSpec.Kind.GCSR && f.g() != 2 && f.g() != 4)
                throw new IllegalArgumentException("--format " + format + ": the Cortex-M4 kernels (q15, q7) take dense, csr, gcsr:2 and gcsr:4");
            float[] xs = Patterns.normalVector(Math.multiplyExact(x.cols(), n), seed);
            McuExport me = McuExport.of(mcu, w, xs, n);
            arrays = new LinkedHashMap<>();
            roles = new LinkedHashMap<>();
            arrays.put("values", new Npz.Array(mcu == dev.prunebench.kernels.mcu.quant.Precision.Q7 ? Npz.Dtype.I1 : Npz.Dtype.I2, me.valueBytes()));
            roles.put("values", "values");
            if (me.indices() != null) {
                arrays.put(f.kind() == FormatSpec.Kind.CSR ? "col_index" : "group_index", Npz.Array.ofInts(Npz.Dtype.unsigned(me.indexWidth()), me.indices()));
                roles.put(f.kind() == FormatSpec.Kind.CSR ? "col_index" : "group_index", "indices");
                arrays.put("row_ptr", Npz.Array.ofInts(Npz.Dtype.unsigned(me.pointerWidth()), me.pointers()));
                roles.put("row_ptr", "pointers");
            }
            arrays.put("exp_w", Npz.Array.ofInts(Npz.Dtype.I4, new int[] {me.layer().expW()}));
            roles.put("exp_w", "scale (not counted)");
            cost = nz.storage(f, p, pol);
            m.put("kernel", me.kernelId()).raw("exp_w", Integer.toString(me.layer().expW())).raw("exp_x", Integer.toString(me.layer().expX()))
                    .raw("shift", Integer.toString(me.layer().shift()));
            m.put("decode", "w = values * 2^-exp_w; values in the order the kernel loads them"
                    + (mcu == dev.prunebench.kernels.mcu.quant.Precision.Q7 ? " (q7: dense and gcsr:4 quads as (w0, w2, w1, w3), gcsr:2 a row's groups in pairs (a0, b0, a1, b1))" : "")
                    + (f.kind() == FormatSpec.Kind.DENSE ? "; dense rows padded to " + (mcu == dev.prunebench.kernels.mcu.quant.Precision.Q7 ? "a multiple of 4" : "even length") : ""));
            if (t.equals("c")) {
                files.put("layer.c", me.layerSource().getBytes(StandardCharsets.UTF_8));
                files.put("layer.h", me.header().getBytes(StandardCharsets.UTF_8));
                files.putAll(McuExport.harness());
                m.put("build", "arm-none-eabi-gcc " + String.join(" ", McuExport.CFLAGS) + " startup.c main.c layer.c -o firmware.elf");
                m.put("run", "qemu-system-arm -M mps2-an386 -nographic -monitor none -semihosting-config enable=on,target=native -icount shift=0 -kernel firmware.elf");
                m.raw("n", Integer.toString(n)).raw("x_seed", Long.toString(seed));
                m.put("note", "layer.c is byte for byte the source " + me.kernelId() + " compiles and counts under QEMU for this W and X (N(0,1), seed "
                        + seed + "): its instruction count is this code's; main.c prints Y and the SysTick counts");
            }
        }
        StringBuilder arr = new StringBuilder("[");
        for (var e : arrays.entrySet()) {
            Npz.Array a = e.getValue();
            if (arr.length() > 1) arr.append(", ");
            arr.append("{\"name\": ").append(Manifest.str(e.getKey())).append(", \"dtype\": ").append(Manifest.str(a.dtype().descr))
                    .append(", \"width\": ").append(a.dtype().bytes).append(", \"length\": ").append(a.length())
                    .append(", \"bytes\": ").append(a.data().length).append(", \"role\": ").append(Manifest.str(roles.get(e.getKey()))).append('}');
        }
        m.raw("arrays", arr.append(']').toString());
        long denseBytes = (long) x.rows() * x.cols() * p.bytes();
        m.obj("bytes").raw("values", Long.toString(cost.values())).raw("indices", Long.toString(cost.indices()))
                .raw("pointers", Long.toString(cost.pointers())).raw("metadata", Long.toString(cost.metadata()))
                .raw("total", Long.toString(cost.total())).raw("dense", Long.toString(denseBytes))
                .put("counted_as", node ? "info/storage --format node: kept rows x kept columns of values, plus both index maps"
                        : "info/storage: " + f + " " + p.id() + " " + pol.id() + (mcu == null ? "" : " (" + precision + " has " + p.bytes() + "-byte values)"));
        if (t.equals("npz")) files.put("weights.npz", Npz.bytes(arrays));
        else if (t.equals("header")) files.put("weights.h", header(arrays, m).getBytes(StandardCharsets.UTF_8));
        StringBuilder fl = new StringBuilder("[");
        for (var e : files.entrySet()) {
            if (fl.length() > 1) fl.append(", ");
            fl.append("{\"name\": ").append(Manifest.str(e.getKey())).append(", \"bytes\": ").append(e.getValue().length)
                    .append(", \"sha256\": ").append(Manifest.str(sha256(e.getValue()))).append('}');
        }
        m.raw("files", fl.append(']').toString());
        files.put("manifest.json", m.toJson().getBytes(StandardCharsets.UTF_8));
        writeFolder(out, files);

        PrintWriter o = spec.commandLine().getOut();
        if (lm.note() != null) o.println("note: " + lm.note());
        o.printf(Locale.ROOT, "%s (%dx%d, %d non-zeros) as %s %s (%s indices): %d bytes (values %d, indices %d, pointers %d, metadata %d; dense %d)%n",
                file, x.rows(), x.cols(), nz.nnz(), node ? Encoding.NODE : f, precision, pol.id(), cost.total(), cost.values(), cost.indices(),
                cost.pointers(), cost.metadata(), denseBytes);
        for (var e : files.entrySet()) o.printf(Locale.ROOT, "  %s/%s  %d bytes%n", out, e.getKey(), e.getValue().length);
        o.println("commit " + bi.describe());
        return 0;
    }

    interface Parse<T> { T get(); }

    static <T> T parse(String option, Parse<T> p) {
        try {
            return p.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }

    private static String decodeNote(Precision p, String format) {
        String v = switch (p) {
            case FP32 -> "values are float32";
            case FP16 -> "values are IEEE float16";
            case BF16 -> "values are bfloat16 bits: float32 = uint32(values) << 16";
            case INT8 -> "w = values * scale (symmetric int8, scale = max|w| / 127)";
        };
        String layout = switch (format.startsWith("gcsr") ? "gcsr" : format.startsWith("nm") ? "nm" : format) {
            case "csr" -> "row r holds values[row_ptr[r]:row_ptr[r+1]] at columns col_index[same]";
            case "coo" -> "values[i] at (row_index[i], col_index[i])";
            case "gcsr" -> "row r holds groups row_ptr[r]..row_ptr[r+1]-1; group k covers columns group_index[k]*G .. +G-1 with values[k*G .. k*G+G-1] (a short last group zero-padded)";
            case "nm" -> "slot i of window w of row r is values[(r*windows+w)*N+i] at column w*M + its position, ceil(log2 M) bits of meta at bit (slot*bits), LSB first";
            case "node" -> "values is kept_rows x kept_cols, row-major; entry (i, j) is W[kept_rows[i], kept_cols[j]]; every other entry is 0";
            default -> "values is the matrix, row-major";
        };
        return v + "; " + layout;
    }

    /** C arrays of every exported array, with the manifest's facts in a comment. */
    private static String header(Map<String, Npz.Array> arrays, Manifest m) {
        StringBuilder s = new StringBuilder("/* prunebench export (generated; do not edit). See manifest.json. */\n");
        s.append("#ifndef PRUNEBENCH_WEIGHTS_H\n#define PRUNEBENCH_WEIGHTS_H\n#include <stdint.h>\n\n");
        for (var e : arrays.entrySet()) {
            Npz.Array a = e.getValue();
            String type = switch (a.dtype()) {
                case U1 -> "uint8_t"; case I1 -> "int8_t"; case U2, F2 -> "uint16_t"; case I2 -> "int16_t"; case U4 -> "uint32_t"; case I4 -> "int32_t"; case F4 -> "float";
            };
            s.append("#define W_").append(e.getKey().toUpperCase(Locale.ROOT)).append("_LEN ").append(a.length()).append("u\n");
            s.append("static const ").append(type).append(" w_").append(e.getKey()).append('[').append(Math.max(1, a.length())).append("] = {");
            for (int i = 0; i < a.length(); i++) {
                if (i % 16 == 0) s.append("\n    ");
                long v = a.get(i);
                if (a.dtype() == Npz.Dtype.F4) {
                    float fv = Float.intBitsToFloat((int) v);
                    s.append(Float.toHexString(fv)).append('f');
                } else if (a.dtype() == Npz.Dtype.U4) s.append(v).append('u');
                else s.append(v);
                if (i + 1 < a.length()) s.append(',');
            }
            if (a.length() == 0) s.append('0');
            s.append("\n};\n");
        }
        return s.append("\n#endif\n").toString();
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes every file into a new folder beside {@code dir}, then moves it into place: never half a folder. */
    static void writeFolder(Path dir, Map<String, byte[]> files) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        Files.createDirectories(abs.getParent());
        Path tmp = Files.createTempDirectory(abs.getParent(), "." + abs.getFileName() + ".tmp-");
        try {
            for (var e : files.entrySet()) Files.write(tmp.resolve(e.getKey()), e.getValue());
            try {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (UnsupportedOperationException ignored) {
                // not POSIX
            }
            if (Files.isDirectory(abs)) Files.delete(abs); // checked empty before any work
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs);
            }
        } finally {
            if (Files.exists(tmp)) try (var s = Files.list(tmp)) {
                for (Path p : s.toList()) Files.deleteIfExists(p);
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** A small ordered JSON object writer (the manifest). */
    static final class Manifest {
        private final Map<String, String> fields = new LinkedHashMap<>();
        private final Map<String, Manifest> objects = new LinkedHashMap<>();

        Manifest put(String k, String v) { fields.put(k, str(v)); return this; }

        Manifest raw(String k, String json) { fields.put(k, json); return this; }

        Manifest obj(String k) {
            Manifest o = new Manifest();
            objects.put(k, o);
            fields.put(k, null);
            return o;
        }

        String toJson() { return json("") + "\n"; }

        private String json(String indent) {
            StringBuilder s = new StringBuilder("{");
            String in = indent + "  ";
            boolean first = true;
            for (var e : fields.entrySet()) {
                s.append(first ? "\n" : ",\n").append(in).append(str(e.getKey())).append(": ");
                s.append(e.getValue() == null ? objects.get(e.getKey()).json(in) : e.getValue());
                first = false;
            }
            return s.append('\n').append(indent).append('}').toString();
        }

        static String str(String v) {
            if (v == null) return "null";
            StringBuilder s = new StringBuilder("\"");
            for (char c : v.toCharArray()) {
                switch (c) {
                    case '"' -> s.append("\\\"");
                    case '\\' -> s.append("\\\\");
                    case '\n' -> s.append("\\n");
                    default -> { if (c < 0x20) s.append(String.format("\\u%04x", (int) c)); else s.append(c); }
                }
            }
            return s.append('"').toString();
        }
    }
}
