package dev.prunebench.history;

import java.util.List;

/**
 * The differences between the two stores a history lives in, and nothing else: the schema's column types, how the
 * tables are listed, how a column's stored type is read back, and how concurrent schema creation is serialised. Every
 * query and every insert is the same text on both (both speak {@code INSERT … ON CONFLICT DO NOTHING}).
 */
enum Dialect {
    /** One SQLite file: typeless columns (the reader checks what an edit put there), a writer's transaction is IMMEDIATE. */
    SQLITE("INTEGER PRIMARY KEY", "REAL", "INTEGER",
            "SELECT name FROM sqlite_master WHERE type = 'table'", null),
    /** A PostgreSQL database (tables in the connection's current schema); typed columns, transactional DDL. */
    POSTGRESQL("BIGSERIAL PRIMARY KEY", "DOUBLE PRECISION", "BIGINT",
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()",
            // two writers creating the schema of an empty database at once: the second waits, then finds the tables
            "SELECT pg_advisory_xact_lock(7213300001)");

    final String idColumn, realColumn, bigintColumn, listTables, schemaLock;

    Dialect(String idColumn, String realColumn, String bigintColumn, String listTables, String schemaLock) {
        this.idColumn = idColumn;
        this.realColumn = realColumn;
        this.bigintColumn = bigintColumn;
        this.listTables = listTables;
        this.schemaLock = schemaLock;
    }

    /** Schema version 1, in this store's types. */
    List<String> create() {
        return List.of(
                "CREATE TABLE schema_version (version INTEGER NOT NULL)",
                "CREATE TABLE runs (id " + idColumn + ", run_id TEXT NOT NULL, git_commit TEXT NOT NULL, git_dirty TEXT NOT NULL,"
                        + " scale TEXT NOT NULL, fingerprint TEXT NOT NULL, started TEXT NOT NULL, finished TEXT, seed " + bigintColumn + ","
                        + " added TEXT NOT NULL, source TEXT, UNIQUE (run_id, git_commit, scale, fingerprint))",
                "CREATE TABLE metrics (run " + bigintColumn + " NOT NULL REFERENCES runs(id) ON DELETE CASCADE, experiment TEXT NOT NULL,"
                        + " name TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('exact', 'timing', 'info')), value " + realColumn + ","
                        + " unit TEXT NOT NULL, modelled INTEGER NOT NULL CHECK (modelled IN (0, 1)), samples TEXT NOT NULL,"
                        + " n_samples INTEGER NOT NULL, PRIMARY KEY (run, experiment, name))",
                "CREATE INDEX metrics_by_name ON metrics (experiment, name)");
    }

    /**
     * An expression naming the stored type of {@code column} as SQLite's {@code typeof} does ({@code 'integer'},
     * {@code 'real'}, {@code 'text'}, {@code 'null'}). PostgreSQL's columns hold only their declared type, so there it
     * is that type, or {@code 'null'}.
     */
    String typeOf(String column, String declared) {
        return this == SQLITE ? "typeof(" + column + ")" : "CASE WHEN " + column + " IS NULL THEN 'null' ELSE '" + declared + "' END";
    }

    /** The store a {@code --history} value names: a {@code jdbc:postgresql:} URL, or else an SQLite file. */
    static Dialect of(String location) {
        return location.startsWith("jdbc:postgresql:") ? POSTGRESQL : SQLITE;
    }

    /** A JDBC URL as it may be shown: a password given in it (a {@code password=} property) replaced by ***. */
    static String mask(String s) {
        return s == null ? null : s.replaceAll("(?i)(password=)[^&;\\s]*", "$1***");
    }
}
