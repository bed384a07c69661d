package dev.prunebench.kernels.cpu.generated;

import static org.objectweb.asm.Opcodes.*;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.SparseFormat;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Generates JVM bytecode for {@code C = W · X} specialised to one W (SparseRT's idea on the JVM): for every row of W
 * a straight line of fused multiply-adds over the rows of X it needs, column offsets as constants (no index loads),
 * vectorised over N with the Vector API, loaded as a hidden class.
 *
 * <p><b>Shape of the code.</b> For N ≥ 2, C has stride {@code ld} = N rounded up to whole vectors (V vectors of L
 * lanes) and X keeps stride N with {@code ld − N} zeros after its last row (lanes past N read the next row of X and
 * land in C's padding columns). A block is B = min(4, V) vectors of one C row; every generated method holds a loop
 * over column blocks {@code j} and, inside it, a list of row segments: for each stored (k, v) of the segment, v is
 * broadcast once and FMA'd into B accumulators against {@code X[k·N + j + b·L]} (the offset {@code k·N + b·L} is a
 * constant); two accumulator sets alternate over the entries so that 2·B FMA chains are in flight. When V is not a
 * multiple of B the last block starts at {@code (V − B)·L}, overlapping the previous one: it recomputes the same
 * values, which is harmless because C is overwritten. For N = 1 (SpMV) the same layout is scalar: {@code Math.fma}
 * chains over {@code x[k]}, four accumulators.
 *
 * <p><b>Splitting.</b> HotSpot never compiles a method of more than 8 000 bytecode bytes (HugeMethodLimit, fixed in
 * product builds) and C2 gives up on a method whose graph exceeds its node budget: segments are packed into methods
 * under {@link Options#maxMethodBytes} (an upper estimate of every instruction's size; the real size is read back and
 * checked) and {@link Options#maxVectorOps} (a bound on vector operations, which is what C2's graph grows with). A row
 * too long for one method is cut into segments; the later segments add to C instead of storing. Methods are grouped
 * into parts (static methods calling up to 900 of them), and {@link GeneratedCode#run} dispatches a part with a
 * {@code tableswitch}, so no method is large.
 *
 * <p><b>Values.</b> Up to {@link Options#maxConstantValues} stored values travel as {@code ldc} float constants in
 * the constant pool; beyond that (a class has at most 65 535 pool entries, a 1024×1024 layer at 90 % holds ~105 k
 * non-zeros) they travel as class data ({@code Lookup.defineHiddenClassWithClassData}), one {@code float[]} slice per
 * method, read with constant indices through a dynamic constant ({@code MethodHandles.classData}).
 *
 * <p><b>Threshold.</b> {@link #plan} refuses (with the reason) a matrix whose estimated bytecode exceeds
 * {@link Options#maxCodeBytes}; the kernel then runs the generic CSR kernel and says why.
 */
public final class SpmmGenerator {
    private SpmmGenerator() {}

    /** HotSpot's HugeMethodLimit: methods above it are never compiled (with the default -XX:+DontCompileHugeMethods). */
    public static final int HUGE_METHOD_LIMIT = 8000;

    /** Methods per part (each call in a part is 7 bytes). */
    static final int PART_METHODS = 900;

    /** Parts a class may have (each case of the tableswitch of {@code run} is about 14 bytes). */
    static final int MAX_PARTS = 500;

    /**
     * Generator settings.
     *
     * @param maxMethodBytes    estimated bytecode bytes per generated method, at most {@link #HUGE_METHOD_LIMIT}
     * @param maxVectorOps      vector operations (loads, broadcasts, FMAs, stores) per method: C2's node budget
     * @param maxCodeBytes      the code-size threshold: above it, no code is generated (fall back to the generic kernel)
     * @param maxConstantValues up to this many stored values, values are pool constants; above, class data
     * @param blockVectors      vectors per block of a C row (B ≤ this), 1 … 8
     */
    public record Options(int maxMethodBytes, int maxVectorOps, long maxCodeBytes, int maxConstantValues, int blockVectors) {
        public Options {
            if (maxMethodBytes < 512 || maxMethodBytes > HUGE_METHOD_LIMIT)
                throw new IllegalArgumentException("maxMethodBytes: must be in [512, " + HUGE_METHOD_LIMIT + "], got " + maxMethodBytes);
            if (maxVectorOps < 16) throw new IllegalArgumentException("maxVectorOps: must be >= 16, got " + maxVectorOps);
            if (maxCodeBytes < 1) throw new IllegalArgumentException("maxCodeBytes: must be >= 1, got " + maxCodeBytes);
            if (maxConstantValues < 0 || maxConstantValues > 30_000)
                throw new IllegalArgumentException("maxConstantValues: must be in [0, 30000], got " + maxConstantValues);
            if (blockVectors < 1 || blockVectors > 8) throw new IllegalArgumentException("blockVectors: must be in [1, 8], got " + blockVectors);
        }

        /**
         * 7 600 bytes and 128 vector operations per method, a 256 KiB code threshold (about 7 500 non-zeros), values as constants up to 8 192 of
         * them, blocks of one vector. Measured on this project's machines: C2 compiles this Vector API code at only
         * some 25–100 KB of bytecode a second (incremental inlining of every vector operation dominates), so the
         * threshold bounds the wait for compiled speed; C1's profiled tier fails on methods of a few hundred vector
         * operations ("out of virtual registers"), which sends them through the slower tier-2 path, hence 128; one
         * vector per block (the column loop runs over all of a row's vectors) costs a broadcast per FMA but a
         * quarter of the code of four, and compile time is what limits generated code on the JVM.
         */
        public static Options defaults() { return new Options(7600, 128, 256L << 10, 8192, 1); }

        public Options withMaxCodeBytes(long bytes) { return new Options(maxMethodBytes, maxVectorOps, bytes, maxConstantValues, blockVectors); }

        public Options withMaxMethodBytes(int bytes) { return new Options(bytes, maxVectorOps, maxCodeBytes, maxConstantValues, blockVectors); }

        public Options withMaxConstantValues(int v) { return new Options(maxMethodBytes, maxVectorOps, maxCodeBytes, v, blockVectors); }

        public Options withMaxVectorOps(int v) { return new Options(maxMethodBytes, v, maxCodeBytes, maxConstantValues, blockVectors); }
    }

    /** Where the stored values live in the generated class. */
    public enum Values { CONSTANTS, CLASS_DATA }

    /** A run of entries [p0, p1) of one row; {@code first} stores into C, a continuation adds to it. */
    record Segment(int row, int p0, int p1, boolean first) {}

    /** The segments of one generated method and its estimated size. */
    record MethodPlan(List<Segment> segments, int entries, int estimatedBytes, int vectorOps) {}

    /**
     * What will be generated for one W and N, or why nothing will.
     *
     * @param ld       stride of C (N rounded up to whole vectors; 1 for N = 1)
     * @param block    vectors per block B (0: scalar, N = 1)
     * @param step     columns per block (B·L; 1 for N = 1)
     * @param fullEnd  the full blocks cover j ∈ [0, fullEnd)
     * @param tailJ    start of the overlapping last block, or −1 when the full blocks cover ld
     * @param refusal  why no code is generated (over the threshold), or null
     */
    public record Plan(int rows, int cols, int n, int ld, int block, int step, int fullEnd, int tailJ, List<MethodPlan> methods,
                       int[] partStart, long estimatedBytes, Values values, long nnz, String refusal) {
        public boolean refused() { return refusal != null; }

        /** Parts: part q runs methods [partStart[q], partStart[q+1]). */
        public int parts() { return partStart.length - 1; }

        public int methodCount() { return methods.size(); }
    }

    /** The class file of one W, with what it is made of. */
    public record Generated(Plan plan, byte[] classBytes, int[] methodCodeBytes, long codeBytes, Object classData, double generateMs) {
        public int largestMethod() {
            int m = 0;
            for (int b : methodCodeBytes) m = Math.max(m, b);
            return m;
        }
    }

    /** Plans the code for W (any format: non-CSR formats are read through their dense view) and N. */
    public static Plan plan(SparseFormat w, int n, Options o) {
        Csr csr = w instanceof Csr c ? c : Csr.fromDense(w.toDense(), w.rows(), w.cols());
        if (n < 1) throw new IllegalArgumentException("n: must be >= 1, got " + n);
        boolean scalar = n == 1;
        int lanes = GenLanes.L;
        int ld = scalar ? 1 : GenLanes.padded(n);
        int v = ld / lanes;
        int b = scalar ? 0 : Math.min(o.blockVectors(), v);
        int step = scalar ? 1 : b * lanes;
        int fullEnd = scalar ? 1 : (v / b) * step;
        int tailJ = scalar || v % b == 0 ? -1 : (v - b) * lanes;
        long nnz = csr.values().length;
        Values values = nnz <= o.maxConstantValues() ? Values.CONSTANTS : Values.CLASS_DATA;
        Cost cost = new Cost(b, values);
        // cheap estimate first: refuse before building segment lists for a huge matrix
        long estimate = 64L * Math.max(1, csr.rows() / 8) + nnz * cost.entry() + (long) csr.rows() * cost.rowEnd(true);
        if (estimate > o.maxCodeBytes())
            return new Plan(csr.rows(), csr.cols(), n, ld, b, step, fullEnd, tailJ, List.of(), new int[] {0}, estimate, values, nnz,
                    String.format(java.util.Locale.ROOT, "generated code would be about %.1f MiB of bytecode (%d non-zeros × %d bytes), over the threshold of %.1f MiB",
                            estimate / 1048576.0, nnz, cost.entry(), o.maxCodeBytes() / 1048576.0));
        List<MethodPlan> methods = new ArrayList<>();
        List<Segment> cur = new ArrayList<>();
        int curBytes = Cost.METHOD, curOps = 0, curEntries = 0;
        int budget = o.maxMethodBytes(), opBudget = o.maxVectorOps();
        int opsEntry = scalar ? 1 : 2 * b + 1, opsEnd = scalar ? 1 : 3 * b;
        int[] ptr = csr.rowPtr();
        for (int r = 0; r < csr.rows(); r++) {
            int p = ptr[r], end = ptr[r + 1];
            boolean first = true;
            while (true) {
                int roomBytes = (budget - curBytes - cost.rowEnd(!first)) / cost.entry();
                int roomOps = (opBudget - curOps - opsEnd) / opsEntry;
                int room = Math.min(roomBytes, roomOps);
                int take = Math.min(end - p, Math.max(0, room));
                boolean fitsEmpty = (long) (end - p) * cost.entry() + cost.rowEnd(!first) + Cost.METHOD <= budget
                        && (long) (end - p) * opsEntry + opsEnd <= opBudget;
                // a row that fits a method is never cut; a longer one fills methods from the start of one
                if (budget - curBytes - cost.rowEnd(!first) < 0 || opBudget - curOps - opsEnd < 0 || (take < end - p && (fitsEmpty || take < 8))) {
                    // not even the row's end (or a useful piece of it) fits: close this method
                    if (cur.isEmpty()) throw new IllegalStateException("generator: a method cannot hold a single entry (maxMethodBytes " + budget + ")");
                    methods.add(new MethodPlan(List.copyOf(cur), curEntries, curBytes, curOps));
                    cur.clear();
                    curBytes = Cost.METHOD; curOps = 0; curEntries = 0;
                    continue;
                }
                cur.add(new Segment(r, p, p + take, first));
                curBytes += take * cost.entry() + cost.rowEnd(!first);
                curOps += take * opsEntry + opsEnd;
                curEntries += take;
                p += take;
                first = false;
                if (p >= end) break;
            }
        }
        if (!cur.isEmpty()) methods.add(new MethodPlan(List.copyOf(cur), curEntries, curBytes, curOps));
        long total = 0;
        for (MethodPlan m : methods) total += m.estimatedBytes();
        int[] partStart = parts(methods);
        int parts = partStart.length - 1;
        String refusal = null;
        if (total > o.maxCodeBytes())
            refusal = String.format(java.util.Locale.ROOT, "generated code would be %.1f MiB of bytecode in %d methods, over the threshold of %.1f MiB",
                    total / 1048576.0, methods.size(), o.maxCodeBytes() / 1048576.0);
        else if (parts > MAX_PARTS)
            refusal = methods.size() + " methods: more than " + MAX_PARTS + " parts of at most " + PART_METHODS + " methods";
        return new Plan(csr.rows(), csr.cols(), n, ld, b, step, fullEnd, tailJ, List.copyOf(methods), partStart, total, values, nnz, refusal);
    }

    /**
     * Part boundaries over the methods: about 64 parts (so threads can share them out), at most
     * {@link #PART_METHODS} methods each, and a part never starts inside a row (a method whose first segment is a
     * continuation): the segments of one row must run in order, on one thread, and the overlapping last column block
     * must not add a continuation twice.
     */
    static int[] parts(List<MethodPlan> methods) {
        int nm = methods.size();
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        if (nm == 0) return new int[] {0, 0};
        int per = Math.max(1, Math.min(PART_METHODS, (nm + 63) / 64));
        int last = 0;
        for (int i = 1; i < nm; i++) {
            boolean clean = methods.get(i).segments().get(0).first();
            if (clean && i - last >= per) {
                starts.add(i);
                last = i;
            } else if (!clean && i - last >= PART_METHODS)
                throw new IllegalStateException("generator: one row spans more than " + PART_METHODS + " methods");
        }
        starts.add(nm);
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Upper bounds on the bytecode bytes each construct is emitted in. */
    private record Cost(int b, Values values) {
        static final int METHOD = 48;

        int value() { return values == Values.CONSTANTS ? 3 : 6; }

        /** One stored entry. */
        int entry() {
            if (b == 0) return 1 + 3 + 1 + value() + 2 + 3 + 2 + 2;
            return 2 + value() + 3 + 2 + b * (12 + 7 + 2);
        }

        /** Combining the accumulators of a segment and storing (or adding) them; an empty row stores zeros. */
        int rowEnd(boolean continuation) {
            if (b == 0) return 7 + 2 + 3 * 3 + (continuation ? 9 : 0) + 1;
            return b * (2 + 5 + (continuation ? 15 : 0) + 10);
        }
    }

    private static final String VEC = "jdk/incubator/vector/FloatVector";
    private static final String VEC_D = "L" + VEC + ";";
    private static final String SPECIES_D = "Ljdk/incubator/vector/VectorSpecies;";
    private static final String IFACE = Type("GeneratedCode");
    private static final String LANES = Type("GenLanes");
    private static final String NAME = Type("GenCode");
    private static final String PART_D = "([F[FII)V";

    private static String Type(String simple) { return "dev/prunebench/kernels/cpu/generated/" + simple; }

    // locals of a generated method
    private static final int X = 0, C = 1, J0 = 2, J1 = 3, SP = 4, WV = 5, J = 6, BC = 7, ACC = 8;

    /** Emits the class for a plan that was not refused. */
    public static Generated generate(Plan plan, SparseFormat w) {
        if (plan.refused()) throw new IllegalStateException("generate: the plan was refused: " + plan.refusal());
        long t0 = System.nanoTime();
        Csr csr = w instanceof Csr c ? c : Csr.fromDense(w.toDense(), w.rows(), w.cols());
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS) {
            @Override protected String getCommonSuperClass(String a, String b) { return "java/lang/Object"; }
        };
        cw.visit(V21, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, NAME, null, "java/lang/Object", new String[] {IFACE});
        MethodVisitor init = cw.visitMethod(ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(ALOAD, 0);
        init.visitMethodInsn(INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        int nm = plan.methods().size();
        int[] sizes = new int[nm];
        float[][] slices = plan.values() == Values.CLASS_DATA ? new float[nm][] : null;
        for (int i = 0; i < nm; i++) sizes[i] = method(cw, plan, csr, i, slices);
        int parts = plan.parts();
        for (int q = 0; q < parts; q++) {
            MethodVisitor mv = cw.visitMethod(ACC_STATIC | ACC_PRIVATE, "p" + q, PART_D, null, null);
            mv.visitCode();
            for (int i = plan.partStart()[q]; i < plan.partStart()[q + 1]; i++) {
                mv.visitVarInsn(ALOAD, 0);
                mv.visitVarInsn(ALOAD, 1);
                mv.visitVarInsn(ILOAD, 2);
                mv.visitVarInsn(ILOAD, 3);
                mv.visitMethodInsn(INVOKESTATIC, NAME, "m" + i, PART_D, false);
            }
            mv.visitInsn(RETURN);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        }
        MethodVisitor run = cw.visitMethod(ACC_PUBLIC, "run", "(I[F[FII)V", null, null);
        run.visitCode();
        Label dflt = new Label();
        Label[] cases = new Label[parts];
        for (int q = 0; q < parts; q++) cases[q] = new Label();
        run.visitVarInsn(ILOAD, 1);
        run.visitTableSwitchInsn(0, parts - 1, dflt, cases);
        for (int q = 0; q < parts; q++) {
            run.visitLabel(cases[q]);
            run.visitVarInsn(ALOAD, 2);
            run.visitVarInsn(ALOAD, 3);
            run.visitVarInsn(ILOAD, 4);
            run.visitVarInsn(ILOAD, 5);
            run.visitMethodInsn(INVOKESTATIC, NAME, "p" + q, PART_D, false);
            run.visitInsn(RETURN);
        }
        run.visitLabel(dflt);
        run.visitTypeInsn(NEW, "java/lang/IndexOutOfBoundsException");
        run.visitInsn(DUP);
        run.visitVarInsn(ILOAD, 1);
        run.visitMethodInsn(INVOKESPECIAL, "java/lang/IndexOutOfBoundsException", "<init>", "(I)V", false);
        run.visitInsn(ATHROW);
        run.visitMaxs(0, 0);
        run.visitEnd();
        cw.visitEnd();
        byte[] bytes = cw.toByteArray();
        long total = 0;
        for (int s : sizes) {
            if (s > HUGE_METHOD_LIMIT) throw new IllegalStateException("generator: a method of " + s + " bytecode bytes (limit " + HUGE_METHOD_LIMIT + ")");
            total += s;
        }
        return new Generated(plan, bytes, sizes, total, slices, (System.nanoTime() - t0) / 1e6);
    }

    /** Emits method m{i}; returns its code length in bytes. */
    private static int method(ClassWriter cw, Plan plan, Csr w, int i, float[][] slices) {
        MethodPlan mp = plan.methods().get(i);
        boolean scalar = plan.block() == 0;
        int b = plan.block(), lanes = GenLanes.L, n = plan.n(), ld = plan.ld();
        int sets = scalar ? 4 : 2;
        MethodVisitor mv = cw.visitMethod(ACC_STATIC | ACC_PRIVATE, "m" + i, PART_D, null, null);
        mv.visitCode();
        Label start = new Label();
        mv.visitLabel(start);
        float[] slice = null;
        int base = 0;
        if (slices != null) {
            slice = new float[mp.entries()];
            slices[i] = slice;
            mv.visitLdcInsn(new ConstantDynamic("_", "[[F", new Handle(H_INVOKESTATIC, "java/lang/invoke/MethodHandles", "classData",
                    "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;)Ljava/lang/Object;", false)));
            push(mv, i);
            mv.visitInsn(AALOAD);
            mv.visitVarInsn(ASTORE, WV);
        }
        if (!scalar) {
            mv.visitFieldInsn(GETSTATIC, LANES, "S", SPECIES_D);
            mv.visitVarInsn(ASTORE, SP);
        }
        mv.visitVarInsn(ILOAD, J0);
        mv.visitVarInsn(ISTORE, J);
        Label head = new Label(), done = new Label();
        mv.visitLabel(head);
        mv.visitVarInsn(ILOAD, J);
        mv.visitVarInsn(ILOAD, J1);
        mv.visitJumpInsn(IF_ICMPGE, done);
        int[] col = w.colIndex();
        float[] val = w.values();
        for (Segment s : mp.segments()) {
            int len = s.p1() - s.p0();
            int used = Math.min(sets, len);
            for (int t = 0; t < len; t++) {
                int p = s.p0() + t, set = t % sets;
                boolean init = t < sets;
                if (slice != null) slice[base + t] = val[p];
                if (scalar) {
                    mv.visitVarInsn(ALOAD, X);
                    push(mv, col[p]);
                    mv.visitInsn(FALOAD);
                    value(mv, slice != null, base + t, val[p]);
                    if (init) mv.visitInsn(FMUL);
                    else {
                        mv.visitVarInsn(FLOAD, ACC + set);
                        mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "fma", "(FFF)F", false);
                    }
                    mv.visitVarInsn(FSTORE, ACC + set);
                } else {
                    mv.visitVarInsn(ALOAD, SP);
                    value(mv, slice != null, base + t, val[p]);
                    mv.visitMethodInsn(INVOKESTATIC, VEC, "broadcast", "(" + SPECIES_D + "F)" + VEC_D, false);
                    mv.visitVarInsn(ASTORE, BC);
                    for (int v = 0; v < b; v++) {
                        loadX(mv, col[p] * n + v * lanes);
                        mv.visitVarInsn(ALOAD, BC);
                        if (init) mv.visitMethodInsn(INVOKEVIRTUAL, VEC, "mul", "(Ljdk/incubator/vector/Vector;)" + VEC_D, false);
                        else {
                            mv.visitVarInsn(ALOAD, ACC + set * b + v);
                            mv.visitMethodInsn(INVOKEVIRTUAL, VEC, "fma", "(Ljdk/incubator/vector/Vector;Ljdk/incubator/vector/Vector;)" + VEC_D, false);
                        }
                        mv.visitVarInsn(ASTORE, ACC + set * b + v);
                    }
                }
            }
            base += len;
            int row = s.row();
            if (scalar) {
                mv.visitVarInsn(ALOAD, C);
                push(mv, row);
                if (used == 0) mv.visitInsn(FCONST_0);
                else {
                    mv.visitVarInsn(FLOAD, ACC);
                    for (int a = 1; a < used; a++) {
                        mv.visitVarInsn(FLOAD, ACC + a);
                        mv.visitInsn(FADD);
                    }
                }
                if (!s.first()) {
                    mv.visitVarInsn(ALOAD, C);
                    push(mv, row);
                    mv.visitInsn(FALOAD);
                    mv.visitInsn(FADD);
                }
                mv.visitInsn(FASTORE);
            } else {
                for (int v = 0; v < b; v++) {
                    if (used == 0) {
                        mv.visitVarInsn(ALOAD, SP);
                        mv.visitMethodInsn(INVOKESTATIC, VEC, "zero", "(" + SPECIES_D + ")" + VEC_D, false);
                    } else {
                        mv.visitVarInsn(ALOAD, ACC + v);
                        for (int a = 1; a < used; a++) {
                            mv.visitVarInsn(ALOAD, ACC + a * b + v);
                            mv.visitMethodInsn(INVOKEVIRTUAL, VEC, "add", "(Ljdk/incubator/vector/Vector;)" + VEC_D, false);
                        }
                    }
                    int off = row * ld + v * lanes;
                    if (!s.first()) {
                        mv.visitVarInsn(ALOAD, SP);
                        mv.visitVarInsn(ALOAD, C);
                        offset(mv, off);
                        mv.visitMethodInsn(INVOKESTATIC, VEC, "fromArray", "(" + SPECIES_D + "[FI)" + VEC_D, false);
                        mv.visitMethodInsn(INVOKEVIRTUAL, VEC, "add", "(Ljdk/incubator/vector/Vector;)" + VEC_D, false);
                    }
                    mv.visitVarInsn(ALOAD, C);
                    offset(mv, off);
                    mv.visitMethodInsn(INVOKEVIRTUAL, VEC, "intoArray", "([FI)V", false);
                }
            }
        }
        mv.visitIincInsn(J, plan.step());
        mv.visitJumpInsn(GOTO, head);
        mv.visitLabel(done);
        mv.visitInsn(RETURN);
        Label end = new Label();
        mv.visitLabel(end);
        int size = end.getOffset() - start.getOffset();
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        return size;
    }

    /** {@code FloatVector.fromArray(S, x, off + j)} on the stack. */
    private static void loadX(MethodVisitor mv, int off) {
        mv.visitVarInsn(ALOAD, SP);
        mv.visitVarInsn(ALOAD, X);
        offset(mv, off);
        mv.visitMethodInsn(INVOKESTATIC, VEC, "fromArray", "(" + SPECIES_D + "[FI)" + VEC_D, false);
    }

    /** {@code off + j} on the stack. */
    private static void offset(MethodVisitor mv, int off) {
        if (off == 0) mv.visitVarInsn(ILOAD, J);
        else {
            push(mv, off);
            mv.visitVarInsn(ILOAD, J);
            mv.visitInsn(IADD);
        }
    }

    private static void value(MethodVisitor mv, boolean classData, int index, float v) {
        if (classData) {
            mv.visitVarInsn(ALOAD, WV);
            push(mv, index);
            mv.visitInsn(FALOAD);
        } else if (Float.floatToRawIntBits(v) == 0) mv.visitInsn(FCONST_0);
        else if (v == 1f) mv.visitInsn(FCONST_1);
        else if (v == 2f) mv.visitInsn(FCONST_2);
        else mv.visitLdcInsn(v);
    }

    private static void push(MethodVisitor mv, int v) {
        if (v >= -1 && v <= 5) mv.visitInsn(ICONST_0 + v);
        else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) mv.visitIntInsn(BIPUSH, v);
        else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) mv.visitIntInsn(SIPUSH, v);
        else mv.visitLdcInsn(v);
    }

    /**
     * Defines the generated class as a hidden class in this package (with its values as class data when they are not
     * constants) and returns an instance.
     */
    public static GeneratedCode load(Generated g) {
        try {
            MethodHandles.Lookup here = MethodHandles.lookup();
            MethodHandles.Lookup hidden = g.classData() != null
                    ? here.defineHiddenClassWithClassData(g.classBytes(), g.classData(), true)
                    : here.defineHiddenClass(g.classBytes(), true);
            return (GeneratedCode) hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class)).invoke();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("generated class failed to load: " + t, t);
        }
    }
}
