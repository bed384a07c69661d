package dev.prunebench.core.format;

import java.util.Locale;

/**
 * A format and its parameters, parsed from and printed as the names used everywhere:
 * {@code dense}, {@code coo}, {@code csr}, {@code gcsr:G}, {@code nm:N:M}.
 */
public record FormatSpec(Kind kind, int g, int n, int m) {

    public enum Kind { DENSE, COO, CSR, GCSR, NM }

    public FormatSpec {
        if (kind == null) throw new IllegalArgumentException("format: kind must not be null");
        if (kind == Kind.GCSR && g < 1) throw new IllegalArgumentException("format gcsr: g must be >= 1, got " + g);
        if (kind == Kind.NM) NmSparse.checkNM(n, m);
    }

    public static final FormatSpec DENSE = new FormatSpec(Kind.DENSE, 0, 0, 0);
    public static final FormatSpec COO = new FormatSpec(Kind.COO, 0, 0, 0);
    public static final FormatSpec CSR = new FormatSpec(Kind.CSR, 0, 0, 0);

    public static FormatSpec grouped(int g) { return new FormatSpec(Kind.GCSR, g, 0, 0); }

    public static FormatSpec nm(int n, int m) { return new FormatSpec(Kind.NM, 0, n, m); }

    /** Parses {@code dense | coo | csr | gcsr:G | nm:N:M} (also {@code N:M} alone). */
    public static FormatSpec parse(String text) {
        if (text == null) throw new IllegalArgumentException("format: must not be null");
        String s = text.trim().toLowerCase(Locale.ROOT);
        String[] p = s.split(":");
        try {
            switch (p[0]) {
                case "dense": if (p.length == 1) return DENSE; break;
                case "coo": if (p.length == 1) return COO; break;
                case "csr": if (p.length == 1) return CSR; break;
                case "gcsr": case "grouped": case "groupedcsr":
                    if (p.length == 2) return grouped(Integer.parseInt(p[1])); break;
                case "nm":
                    if (p.length == 3) return nm(Integer.parseInt(p[1]), Integer.parseInt(p[2])); break;
                default:
                    if (p.length == 2 && p[0].chars().allMatch(Character::isDigit))
                        return nm(Integer.parseInt(p[0]), Integer.parseInt(p[1]));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("format: '" + text + "' has a non-integer parameter");
        }
        throw new IllegalArgumentException("format: unknown '" + text + "' (expected dense, coo, csr, gcsr:G or nm:N:M)");
    }

    /** Encodes a dense row-major matrix in this format. */
    public SparseFormat encode(float[] dense, int rows, int cols) {
        return switch (kind) {
            case DENSE -> new Dense(rows, cols, dense.clone());
            case COO -> Coo.fromDense(dense, rows, cols);
            case CSR -> Csr.fromDense(dense, rows, cols);
            case GCSR -> GroupedCsr.fromDense(dense, rows, cols, g);
            case NM -> NmSparse.fromDense(dense, rows, cols, n, m);
        };
    }

    /** Converts any format into this one (through dense). */
    public SparseFormat encode(SparseFormat f) {
        return encode(f.toDense(), f.rows(), f.cols());
    }

    @Override
    public String toString() {
        return switch (kind) {
            case DENSE -> "dense";
            case COO -> "coo";
            case CSR -> "csr";
            case GCSR -> "gcsr:" + g;
            case NM -> "nm:" + n + ":" + m;
        };
    }
}
