package dev.prunebench.results;

import java.util.Locale;

/** How much of a paper's budget an experiment spends. */
public enum Scale {
    /** CI: minutes for all experiments together; a subset of the sweep, small data. */
    QUICK,
    /** Default of {@code -Pexperiments}: reproduces the table, under about 30 minutes on 2 cores. */
    STANDARD,
    /** The paper's budgets. */
    FULL;

    public String id() { return name().toLowerCase(Locale.ROOT); }

    public static Scale parse(String s) {
        for (Scale x : values()) if (x.id().equalsIgnoreCase(s.trim())) return x;
        throw new IllegalArgumentException("scale: unknown value '" + s + "' (expected quick, standard or full)");
    }
}
