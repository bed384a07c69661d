package dev.prunebench.core.io;

/** Splits a line on blanks, tabs and (optionally) commas, without regular expressions (they dominate large reads). */
final class Tokens {
    private Tokens() {}

    /**
     * Fills {@code out} with the tokens of {@code line}; returns how many the line has (which may exceed
     * {@code out.length}: the extra tokens are counted, not stored).
     */
    static int split(String line, String[] out, boolean commas) {
        int n = 0, i = 0, len = line.length();
        while (i < len) {
            while (i < len && isSep(line.charAt(i), commas)) i++;
            if (i >= len) break;
            int start = i;
            while (i < len && !isSep(line.charAt(i), commas)) i++;
            if (n < out.length) out[n] = line.substring(start, i);
            n++;
        }
        return n;
    }

    private static boolean isSep(char c, boolean commas) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\f' || (commas && c == ',');
    }

    static boolean blank(String line) {
        for (int i = 0; i < line.length(); i++) if (!isSep(line.charAt(i), false)) return false;
        return true;
    }
}
