package dev.prunebench.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * The CLI's stdout and stderr in the terminal's encoding. Under a plain locale ({@code LANG=C}: US-ASCII) Java would
 * print every character it cannot encode as {@code ?} ("3.07? [2.27, 4.09]"); here the few non-ASCII symbols the CLI
 * prints become ASCII ({@code × → x}, {@code – → -}, {@code ≥ → >=}, {@code … → ...}, {@code µ → u}, …) and any other
 * character the encoding lacks becomes {@code ?}. In a UTF-8 terminal nothing changes.
 */
final class ConsoleText {
    private ConsoleText() {}

    /** ASCII for the symbols the CLI prints; anything else the charset lacks is '?'. */
    static final Map<Character, String> ASCII = Map.ofEntries(
            Map.entry('×', "x"), Map.entry('·', "."), Map.entry('…', "..."), Map.entry('−', "-"), Map.entry('—', "--"),
            Map.entry('–', "-"), Map.entry('→', "->"), Map.entry('←', "<-"), Map.entry('↔', "<->"), Map.entry('≤', "<="),
            Map.entry('≥', ">="), Map.entry('≈', "~"), Map.entry('≠', "!="), Map.entry('±', "+-"), Map.entry('µ', "u"),
            Map.entry('μ', "u"), Map.entry('²', "^2"), Map.entry('³', "^3"), Map.entry('¹', "^1"), Map.entry('½', "1/2"),
            Map.entry('√', "sqrt"), Map.entry('∞', "inf"), Map.entry('Σ', "sum"), Map.entry('Δ', "delta"), Map.entry('σ', "sigma"),
            Map.entry('α', "alpha"), Map.entry('λ', "lambda"), Map.entry('τ', "tau"), Map.entry('κ', "kappa"), Map.entry('∈', "in"),
            Map.entry('‖', "||"), Map.entry('⌈', "ceil("), Map.entry('⌉', ")"), Map.entry('◆', "*"), Map.entry('∝', "~"),
            Map.entry('‘', "'"), Map.entry('’', "'"), Map.entry('“', "\""), Map.entry('”', "\""), Map.entry('•', "*"),
            Map.entry('\u00a0', " "), Map.entry('\u202f', " "), Map.entry('\u2009', " "), Map.entry('\ufeff', ""),
            Map.entry('₀', "0"), Map.entry('₁', "1"), Map.entry('ₙ', "n"), Map.entry('ᵀ', "^T"));

    /** The charset a stream writes in: its own (Java 18+: {@code stdout.encoding}), else {@code native.encoding}. */
    static Charset charsetOf(PrintStream s) {
        try {
            return s.charset();
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }

    /** A writer on {@code s} in its charset that substitutes ASCII for what that charset cannot encode. */
    static PrintWriter writer(PrintStream s) {
        Charset cs = charsetOf(s);
        Writer w = new OutputStreamWriter(s, cs);
        return new PrintWriter(isUnicode(cs) ? w : new Substituting(w, cs.newEncoder()), true);
    }

    /**
     * Replaces {@code System.out} and {@code System.err} by streams that substitute in the same way when their charset
     * is not Unicode (what a command prints there directly: progress and "left out" lines). A Unicode terminal keeps
     * its streams.
     */
    static void installSystemStreams() {
        Charset out = charsetOf(System.out), err = charsetOf(System.err);
        if (!isUnicode(out)) System.setOut(new Substituted(new FileOutputStream(FileDescriptor.out), out));
        if (!isUnicode(err)) System.setErr(new Substituted(new FileOutputStream(FileDescriptor.err), err));
    }

    /** {@code s} with each character the encoder lacks substituted. */
    static String substituteAll(String s, CharsetEncoder enc) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String r = substitute(c, enc);
            if (b == null && (r.length() != 1 || r.charAt(0) != c)) b = new StringBuilder(s.length() + 8).append(s, 0, i);
            if (b != null) b.append(r);
        }
        return b == null ? s : b.toString();
    }

    /** A PrintStream whose text goes through {@link #substitute} (print, println, printf and format all pass print(String)). */
    static final class Substituted extends PrintStream {
        private final CharsetEncoder enc;

        Substituted(OutputStream out, Charset cs) {
            super(out, true, cs);
            this.enc = cs.newEncoder();
        }

        @Override public synchronized void print(String s) { super.print(substituteAll(String.valueOf(s), enc)); }

        @Override public void print(char c) { print(String.valueOf(c)); }

        @Override public void print(char[] s) { print(new String(s)); }

        @Override public void print(Object o) { print(String.valueOf(o)); }

        @Override public PrintStream append(CharSequence csq) { print(String.valueOf(csq)); return this; }

        @Override public PrintStream append(CharSequence csq, int start, int end) {
            print(String.valueOf(csq == null ? "null" : csq).substring(start, end));
            return this;
        }

        @Override public PrintStream append(char c) { print(c); return this; }
    }

    static boolean isUnicode(Charset cs) {
        return cs.equals(StandardCharsets.UTF_8) || cs.name().toUpperCase(Locale.ROOT).startsWith("UTF-")
                || cs.name().toUpperCase(Locale.ROOT).startsWith("GB18030");
    }

    /** {@code c} as the encoder can write it. */
    static String substitute(char c, CharsetEncoder enc) {
        if (c < 128 || enc.canEncode(c)) return String.valueOf(c);
        String a = ASCII.get(c);
        if (a != null) {
            boolean ok = true;
            for (int i = 0; i < a.length() && ok; i++) ok = a.charAt(i) < 128 || enc.canEncode(a.charAt(i));
            if (ok) return a;
        }
        return Character.isSurrogate(c) ? (Character.isHighSurrogate(c) ? "?" : "") : "?";
    }

    /** Writes through, replacing the characters the encoder cannot encode. */
    static final class Substituting extends FilterWriter {
        private final CharsetEncoder enc;

        Substituting(Writer out, CharsetEncoder enc) {
            super(out);
            this.enc = enc;
        }

        @Override public void write(int c) throws IOException {
            out.write(substitute((char) c, enc));
        }

        @Override public void write(char[] cbuf, int off, int len) throws IOException {
            StringBuilder b = new StringBuilder(len);
            for (int i = off; i < off + len; i++) b.append(substitute(cbuf[i], enc));
            out.write(b.toString());
        }

        @Override public void write(String str, int off, int len) throws IOException {
            write(str.toCharArray(), off, len);
        }
    }
}
