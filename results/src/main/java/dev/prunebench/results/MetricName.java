package dev.prunebench.results;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A metric's name as a value: a base and ordered parameters, e.g. {@code nm_sparsity[n=2,m=4]},
 * {@code speedup[kernel=gcsr-vector,over=fastest-dense,g=8,rate=0.90,n=50]} or {@code loss[net=mlp,dense]}. The one
 * place that builds, formats and parses the names experiments record, the scorecard's published rows refer to and the
 * history stores; {@link #toString()} is the stored form and must not change (baselines and history files hold it).
 *
 * <p>Grammar (no escaping: characters outside it are refused, not escaped):
 * <pre>
 * name  = base [ "[" param *( "," param ) "]" ]
 * param = key [ "=" value ]          ; a key without "=" is a flag, e.g. "dense"
 * base, key = 1*( any char except [ ] , = " CR LF )
 * value     = *( any char except [ ] , " CR LF )     ; "=" allowed: the first "=" ends the key
 * </pre>
 * A name with no parameters has no brackets ({@code total_bytes}, never {@code total_bytes[]}); keys are unique.
 * Commas make the name need quotes in CSV; {@link Csv} adds them.
 *
 * @param base   the quantity, e.g. {@code speedup}
 * @param params the parameters in order (unmodifiable)
 */
public record MetricName(String base, List<Param> params) {

    /** One parameter; {@code value} is null for a flag ({@code dense} in {@code loss[net=mlp,dense]}). */
    public record Param(String key, String value) {
        public Param {
            check("key", key, true);
            if (value != null) check("value of " + key, value, false);
        }

        public boolean isFlag() { return value == null; }

        @Override public String toString() { return value == null ? key : key + "=" + value; }
    }

    public MetricName {
        check("base", base, true);
        params = List.copyOf(params);
        Set<String> keys = new HashSet<>();
        for (Param p : params) if (!keys.add(p.key())) throw new IllegalArgumentException("metric name " + base + ": parameter '" + p.key() + "' given twice");
    }

    /** A name without parameters. */
    public static MetricName of(String base) { return new MetricName(base, List.of()); }

    /**
     * A name from its base and parameter texts, each {@code key=value}, a flag, or several of them joined by commas
     * ({@code of("bytes", "format=csr", "rows=8")}, {@code of("accuracy", "net=mlp,g=8", "dense")}).
     */
    public static MetricName of(String base, String... params) {
        List<Param> ps = new ArrayList<>();
        for (String p : params) for (String kv : p.split(",", -1)) ps.add(param(kv, base));
        return new MetricName(base, ps);
    }

    /** The stored form of {@link #of(String, String...)}: {@code format("loss", "net=" + net, "dense")} is {@code loss[net=…,dense]}. */
    public static String format(String base, String... params) { return of(base, params).toString(); }

    /** This name with {@code key=value} appended ({@code value}'s {@code toString()}). */
    public MetricName with(String key, Object value) {
        List<Param> ps = new ArrayList<>(params);
        ps.add(new Param(key, String.valueOf(value)));
        return new MetricName(base, ps);
    }

    /** This name with the flag {@code key} appended. */
    public MetricName withFlag(String key) {
        List<Param> ps = new ArrayList<>(params);
        ps.add(new Param(key, null));
        return new MetricName(base, ps);
    }

    /** Parses a name; an IllegalArgumentException says what is wrong. {@code parse(n.toString()).equals(n)}. */
    public static MetricName parse(String name) {
        if (name == null) throw new IllegalArgumentException("metric name: null");
        int open = name.indexOf('[');
        if (open < 0) return of(name);
        if (!name.endsWith("]")) throw new IllegalArgumentException("metric name '" + name + "': '[' without a closing ']' at the end");
        String inside = name.substring(open + 1, name.length() - 1);
        if (inside.isEmpty()) throw new IllegalArgumentException("metric name '" + name + "': empty brackets");
        String base = name.substring(0, open);
        List<Param> ps = new ArrayList<>();
        for (String kv : inside.split(",", -1)) ps.add(param(kv, name));
        return new MetricName(base, ps);
    }

    /** As {@link #parse}, empty for a name that does not follow the grammar (e.g. a hand-edited published row). */
    public static Optional<MetricName> tryParse(String name) {
        try {
            return Optional.of(parse(name));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The value of {@code key}; null when absent or a flag. */
    public String get(String key) {
        for (Param p : params) if (p.key().equals(key)) return p.value();
        return null;
    }

    /** True when {@code key} is a parameter or a flag. */
    public boolean has(String key) {
        for (Param p : params) if (p.key().equals(key)) return true;
        return false;
    }

    /** The {@code key=value} parameters in order, flags left out. */
    public Map<String, String> values() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Param p : params) if (!p.isFlag()) m.put(p.key(), p.value());
        return Collections.unmodifiableMap(m);
    }

    /** The stored form, {@code base[k=v,flag,…]} or {@code base}. */
    @Override public String toString() {
        if (params.isEmpty()) return base;
        StringBuilder s = new StringBuilder(base).append('[');
        for (int i = 0; i < params.size(); i++) s.append(i == 0 ? "" : ",").append(params.get(i));
        return s.append(']').toString();
    }

    private static Param param(String kv, String where) {
        int eq = kv.indexOf('=');
        try {
            return eq < 0 ? new Param(kv, null) : new Param(kv.substring(0, eq), kv.substring(eq + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("metric name '" + where + "': " + e.getMessage(), e);
        }
    }

    /** Refuses the characters the grammar has no room for. */
    private static void check(String what, String s, boolean nonEmpty) {
        if (s == null) throw new IllegalArgumentException(what + ": null");
        if (nonEmpty && s.isBlank()) throw new IllegalArgumentException(what + ": blank");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '[' || c == ']' || c == ',' || c == '"' || c == '\r' || c == '\n' || (nonEmpty && c == '='))
                throw new IllegalArgumentException(what + " '" + s + "': character '" + (c == '\n' ? "\\n" : c == '\r' ? "\\r" : String.valueOf(c))
                        + "' is not allowed (metric names have no escaping)");
        }
    }
}
