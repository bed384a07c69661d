package dev.prunebench.history;

import dev.prunebench.results.Metric;
import dev.prunebench.results.RunData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.sqlite.SQLiteConfig;

/**
 * The run history: one SQLite file (through the {@code org.xerial:sqlite-jdbc} driver) holding every run added to it,
 * keyed by run id, git commit, scale and hardware fingerprint, with every metric of every experiment (kind, unit,
 * headline value, repeats, modelled flag). Any SQLite client reads it:
 *
 * <pre>
 *   schema_version(version)                                         one row; {@link #SCHEMA_VERSION}
 *   runs(id, run_id, git_commit, git_dirty, scale, fingerprint, started, finished, seed, added, source)
 *        UNIQUE (run_id, git_commit, scale, fingerprint)
 *   metrics(run → runs.id, experiment, name, kind, value, unit, modelled, samples, n_samples)
 *        PRIMARY KEY (run, experiment, name); samples: the repeats, space-separated, as in metrics.csv
 * </pre>
 *
 * <p>Adding is one transaction: a run is there with all its metrics or not at all (a crash or an error while adding
 * leaves the file as it was: SQLite's rollback journal). Adding a run that is already there (same key) changes
 * nothing. A file written by another schema version is refused with a message naming both versions, or migrated by
 * {@link #MIGRATIONS} when a step from its version is known; a file that is not a prunebench history is refused.
 */
public final class History implements AutoCloseable {

    /** The schema this code writes and reads. */
    public static final int SCHEMA_VERSION = 1;

    /**
     * Migration steps: {@code MIGRATIONS.get(v)} turns schema {@code v} into {@code v + 1}. Schema 1 is the first
     * prunebench wrote, so there is none yet; an older or unknown version is refused, never guessed at.
     */
    static final Map<Integer, List<String>> MIGRATIONS = Map.of();


    /** One run as the history knows it. {@code id} is the row id (the order runs were added in). */
    public record Run(long id, String runId, String commit, String dirty, String scale, String fingerprint, String started,
                      String finished, long seed, String added, String source, int metrics) {
        public String shortCommit() { return commit.length() > 7 && commit.matches("[0-9a-f]+") ? commit.substring(0, 7) : commit; }
    }

    /** One stored metric of one run. */
    public record Value(Run run, String experiment, Metric metric) {}

    /** What {@link #add} did: the run's row and whether it was new (false: it was there already, nothing changed). */
    public record Added(Run run, boolean added) {}

    private final Path file;
    /** How messages name the store: the SQLite file, or the JDBC URL with any password masked. */
    private final String name;
    private final Dialect dialect;
    private final Connection db;
    private final boolean readOnly;

    private History(Path file, String name, Dialect dialect, Connection db, boolean readOnly) {
        this.file = file;
        this.name = name;
        this.dialect = dialect;
        this.db = db;
        this.readOnly = readOnly;
    }

    /** True when {@code location} names a PostgreSQL database ({@code jdbc:postgresql://host[:port]/db[?…]}), not a file. */
    public static boolean isUrl(String location) {
        return Dialect.of(location) == Dialect.POSTGRESQL;
    }

    /** {@code location} as it may be printed: a password in a JDBC URL masked. */
    public static String display(String location) {
        return Dialect.mask(location);
    }

    /**
     * Opens the history a {@code --history} value names: a {@code jdbc:postgresql:} URL (a shared database; the
     * schema is created in it when {@code create} and it holds no tables) or an SQLite file ({@link #open(Path, boolean)}).
     */
    public static History open(String location, boolean create) throws IOException {
        return isUrl(location) ? openUrl(location, create, false) : open(Path.of(location), create);
    }

    /** Opens an existing history read-only, from a {@code jdbc:postgresql:} URL or an SQLite file ({@link #read(Path)}). */
    public static History read(String location) throws IOException {
        return isUrl(location) ? openUrl(location, false, true) : read(Path.of(location));
    }

    /**
     * PostgreSQL: credentials come from where the driver finds them (the URL's {@code user}/{@code password}
     * properties, {@code ~/.pgpass} or {@code PGPASSFILE}); {@code PGUSER} and {@code PGPASSWORD} are passed on when the
     * URL names none. The URL is never printed with its password.
     */
    private static History openUrl(String url, boolean create, boolean readOnly) throws IOException {
        String name = Dialect.mask(url);
        Properties props = new Properties();
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.contains("user=") && System.getenv("PGUSER") != null) props.setProperty("user", System.getenv("PGUSER"));
        if (!lower.contains("password=") && System.getenv("PGPASSWORD") != null) props.setProperty("password", System.getenv("PGPASSWORD"));
        if (!props.containsKey("user") && !lower.contains("user=")) props.setProperty("user", System.getProperty("user.name"));
        props.setProperty("ApplicationName", "prunebench");
        Connection c;
        try {
            c = DriverManager.getConnection(url, props);
            if (readOnly) c.setReadOnly(true);
        } catch (SQLException e) {
            throw new IOException(name + ": cannot connect to PostgreSQL: " + Dialect.mask(e.getMessage()), e);
        }
        try {
            History h = new History(null, name, Dialect.POSTGRESQL, c, readOnly);
            h.prepareSchema(true);
            return h;
        } catch (SQLException | IOException | RuntimeException e) {
            try { c.close(); } catch (SQLException ignored) { /* already failing */ }
            if (e instanceof IOException io) throw io;
            throw new IOException(name + ": " + Dialect.mask(e.getMessage()), e);
        }
    }

    /**
     * Opens a history, creating it when {@code create} and the file does not exist. Refuses (IOException naming the
     * file) a missing file without {@code create}, a file that is not SQLite, an SQLite file that is not a prunebench
     * history, and a schema version this code neither reads nor can migrate.
     */
    public static History open(Path file, boolean create) throws IOException {
        return open(file, create, false);
    }

    /**
     * Opens an existing history read-only (what {@code list}, {@code show}, {@code check}, {@code trends} and
     * {@code evaluate} need): nothing is ever written, not even the schema into an empty file, which is refused.
     */
    public static History read(Path file) throws IOException {
        return open(file, false, true);
    }

    private static History open(Path file, boolean create, boolean readOnly) throws IOException {
        boolean exists = Files.exists(file);
        if (!exists && !create) throw new IOException(file + ": no such history file (prunebench history add creates one)");
        if (exists && !Files.isRegularFile(file)) throw new IOException(file + ": not a regular file");
        boolean empty = exists && Files.size(file) == 0;
        if (empty && readOnly) // a reader never writes: an empty file stays empty
            throw new IOException(file + ": an empty file, not a prunebench history (prunebench history add creates one)");
        if (exists && !empty && !isSqlite(file))
            throw new IOException(file + ": not an SQLite database (a prunebench history is one SQLite file)");
        if (!exists && file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
        Connection c;
        try {
            SQLiteConfig config = new SQLiteConfig();
            config.setBusyTimeout(10_000);
            config.enforceForeignKeys(true);
            if (readOnly) config.setReadOnly(true); // list, show, check, trends, evaluate: never a write, not even a schema
            else config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE); // racing adds queue, never deadlock
            c = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
        } catch (SQLException e) {
            throw new IOException(file + ": cannot open as SQLite: " + e.getMessage(), e);
        }
        try {
            History h = new History(file, file.toString(), Dialect.SQLITE, c, readOnly);
            h.prepareSchema(exists && !empty);
            return h;
        } catch (SQLException | IOException | RuntimeException e) {
            try { c.close(); } catch (SQLException ignored) { /* already failing */ }
            if (e instanceof IOException io) throw io;
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static boolean isSqlite(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(16);
            return new String(head, StandardCharsets.ISO_8859_1).equals("SQLite format 3\0");
        }
    }

    private List<String> tables() throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(dialect.listTables)) {
            while (rs.next()) tables.add(rs.getString(1));
        }
        return tables;
    }

    private String kindOfStore() { return dialect == Dialect.SQLITE ? "an SQLite database" : "a PostgreSQL database"; }

    private void prepareSchema(boolean existing) throws SQLException, IOException {
        List<String> tables = tables();
        if (tables.isEmpty()) {
            if (readOnly) throw new IOException(name + ": " + kindOfStore() + " without tables, not a prunebench history (prunebench history add creates one)");
            db.setAutoCommit(false);
            boolean created = false;
            try (Statement s = db.createStatement()) {
                if (dialect.schemaLock != null) s.execute(dialect.schemaLock);
                if (tables().isEmpty()) { // another writer may have created it while we waited for the lock
                    for (String sql : dialect.create()) s.execute(sql);
                    s.execute("INSERT INTO schema_version (version) VALUES (" + SCHEMA_VERSION + ")");
                    created = true;
                }
                db.commit();
            } catch (SQLException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
            if (created) return;
            tables = tables();
        }
        if (!tables.contains("schema_version"))
            throw new IOException(name + ": " + kindOfStore() + " but not a prunebench history (no schema_version table; tables: "
                    + String.join(", ", tables) + ")");
        int version = version();
        if (version == SCHEMA_VERSION) return;
        if (version > SCHEMA_VERSION)
            throw new IOException(name + ": history schema version " + version + " was written by a newer prunebench; this one reads version "
                    + SCHEMA_VERSION + " (upgrade prunebench, or start a new history file)");
        for (int v = version; v < SCHEMA_VERSION; v++)
            if (!MIGRATIONS.containsKey(v))
                throw new IOException(name + ": history schema version " + version + " is older than this prunebench's (" + SCHEMA_VERSION
                        + ") and no migration from version " + v + " is known; it is not read (start a new history file)");
        if (readOnly)
            throw new IOException(name + ": history schema version " + version + " is older than this prunebench's (" + SCHEMA_VERSION
                    + "); prunebench history add migrates it (a read-only command does not write)");
        db.setAutoCommit(false);
        try (Statement s = db.createStatement()) {
            for (int v = version; v < SCHEMA_VERSION; v++) for (String sql : MIGRATIONS.get(v)) s.execute(sql);
            s.execute("UPDATE schema_version SET version = " + SCHEMA_VERSION);
            db.commit();
        } catch (SQLException e) {
            db.rollback();
            throw new IOException(name + ": migrating history schema " + version + " → " + SCHEMA_VERSION + " failed: " + e.getMessage(), e);
        } finally {
            db.setAutoCommit(true);
        }
    }

    private int version() throws SQLException, IOException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT version FROM schema_version")) {
            if (!rs.next()) throw new IOException(name + ": table schema_version is empty (expected one row with the schema version)");
            int v = rs.getInt(1);
            if (rs.next()) throw new IOException(name + ": table schema_version has more than one row");
            return v;
        }
    }

    /** The SQLite file, or null for a PostgreSQL history. */
    public Path file() { return file; }

    /** The history as messages name it: the SQLite file, or the JDBC URL with any password masked. */
    public String name() { return name; }

    /** True for a PostgreSQL history. */
    public boolean shared() { return dialect == Dialect.POSTGRESQL; }

    /** The schema version of the open file (always {@link #SCHEMA_VERSION} once open). */
    public int schemaVersion() throws IOException {
        try {
            return version();
        } catch (SQLException e) {
            throw new IOException(name + ": " + Dialect.mask(e.getMessage()), e);
        }
    }

    /** Adds a run folder with all its experiments' metrics, in one transaction; a run already there is a no-op. */
    public Added add(RunData run) throws IOException {
        return add(run, null);
    }

    /** Test hook: {@code afterMetric} is called after each metric row is written (inside the transaction). */
    Added add(RunData run, Runnable afterMetric) throws IOException {
        Map<String, Object> env = run.environment().asMap();
        String commit = str(env.get("git_commit"), "unknown");
        String dirty = str(env.get("git_dirty"), "unknown");
        String scale = str(run.manifest().get("scale"), "unknown");
        String fingerprint = run.environment().fingerprint();
        String started = str(run.manifest().get("started"), "");
        if (started.isEmpty()) started = str(run.manifest().get("finished"), "unknown");
        Object seedObj = run.manifest().get("seed");
        long seed = seedObj instanceof Number n ? n.longValue() : 0;
        try {
            Run existing = find(run.runId(), commit, scale, fingerprint);
            if (existing != null) return new Added(existing, false);
            db.setAutoCommit(false); // BEGIN IMMEDIATE: a second adder waits here until the first commits
            try {
                existing = find(run.runId(), commit, scale, fingerprint); // added by another process meanwhile
                if (existing != null) {
                    db.rollback();
                    return new Added(existing, false);
                }
                long id;
                try (PreparedStatement p = db.prepareStatement("INSERT INTO runs (run_id, git_commit, git_dirty, scale, fingerprint, started,"
                        + " finished, seed, added, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                        // the same run added by another writer since our look: no row, no error (it waits for theirs to commit)
                        + " ON CONFLICT (run_id, git_commit, scale, fingerprint) DO NOTHING", Statement.RETURN_GENERATED_KEYS)) {
                    p.setString(1, run.runId());
                    p.setString(2, commit);
                    p.setString(3, dirty);
                    p.setString(4, scale);
                    p.setString(5, fingerprint);
                    p.setString(6, started);
                    p.setString(7, str(run.manifest().get("finished"), null));
                    p.setLong(8, seed);
                    p.setString(9, Instant.now().toString());
                    p.setString(10, run.dir().toString());
                    if (p.executeUpdate() == 0) {
                        db.rollback();
                        Run other = find(run.runId(), commit, scale, fingerprint);
                        if (other == null) throw new SQLException("the run's key is taken but its row is not visible", "23505");
                        return new Added(other, false);
                    }
                    try (ResultSet k = p.getGeneratedKeys()) {
                        k.next();
                        id = k.getLong(1);
                    }
                }
                try (PreparedStatement p = db.prepareStatement("INSERT INTO metrics (run, experiment, name, kind, value, unit, modelled,"
                        + " samples, n_samples) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    for (RunData.ExperimentData e : run.experiments())
                        for (Metric m : e.metrics()) {
                            p.setLong(1, id);
                            p.setString(2, e.id());
                            p.setString(3, m.name());
                            p.setString(4, m.kind().name().toLowerCase(Locale.ROOT));
                            if (Double.isFinite(m.value())) p.setDouble(5, m.value());
                            else p.setNull(5, Types.DOUBLE); // SQLite has no NaN: a missing value is NULL
                            p.setString(6, m.unit());
                            p.setInt(7, m.modelled() ? 1 : 0);
                            p.setString(8, samples(m.samples()));
                            p.setInt(9, m.samples().length);
                            p.addBatch(); // one batch for the run: one round trip to a server, not one per metric
                            if (afterMetric != null) { // the test hook: each row written before it runs
                                p.executeBatch();
                                afterMetric.run();
                            }
                        }
                    p.executeBatch();
                }
                db.commit();
                return new Added(find(run.runId(), commit, scale, fingerprint), true);
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                // the same run added by another process between our look and our insert: a no-op, as in sequence
                if (e instanceof SQLException q && (q.getErrorCode() == 19 /* SQLITE_CONSTRAINT */ || "23505".equals(q.getSQLState()) /* unique_violation */)) {
                    Run other = find(run.runId(), commit, scale, fingerprint);
                    if (other != null) return new Added(other, false);
                }
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IOException(name + ": adding run " + run.runId() + " failed (the history is unchanged): " + Dialect.mask(e.getMessage()), e);
        }
    }

    /** The history's row of this run folder (same run id, commit, scale and fingerprint), or null when it was not added. */
    public Run find(RunData run) throws IOException {
        try {
            return find(run.runId(), str(run.environment().asMap().get("git_commit"), "unknown"), str(run.manifest().get("scale"), "unknown"),
                    run.environment().fingerprint());
        } catch (SQLException e) {
            throw new IOException(name + ": " + Dialect.mask(e.getMessage()), e);
        }
    }

    private Run find(String runId, String commit, String scale, String fingerprint) throws SQLException, IOException {
        List<Run> r = runs("WHERE r.run_id = ? AND r.git_commit = ? AND r.scale = ? AND r.fingerprint = ?", runId, commit, scale, fingerprint);
        return r.isEmpty() ? null : r.get(0);
    }

    /** Every run, oldest first (by start time, then by the order added). */
    public List<Run> runs() throws IOException {
        try {
            return runs("");
        } catch (SQLException e) {
            throw new IOException(name + ": " + Dialect.mask(e.getMessage()), e);
        }
    }

    private List<Run> runs(String where, String... args) throws SQLException, IOException {
        List<Run> out = new ArrayList<>();
        try (PreparedStatement p = db.prepareStatement("SELECT r.id, r.run_id, r.git_commit, r.git_dirty, r.scale, r.fingerprint, r.started,"
                + " r.finished, r.seed, r.added, r.source, (SELECT count(*) FROM metrics m WHERE m.run = r.id), " + dialect.typeOf("r.seed", "integer") + " FROM runs r " + where
                + " ORDER BY r.started, r.id")) {
            for (int i = 0; i < args.length; i++) p.setString(i + 1, args[i]);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    for (int c : new int[] {2, 3, 4, 5, 6, 7, 10})
                        if (rs.getString(c) == null)
                            throw corrupt("run row " + rs.getLong(1), "column " + rs.getMetaData().getColumnName(c) + " is NULL, expected text");
                    if (!rs.getString(13).equals("integer") && !rs.getString(13).equals("null"))
                        throw corrupt("run " + rs.getString(2), "seed is " + rs.getString(13) + " '" + clip(rs.getString(9)) + "', expected an integer");
                    out.add(new Run(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                            rs.getString(7), rs.getString(8), rs.getLong(9), rs.getString(10), rs.getString(11), rs.getInt(12)));
                }
            }
        }
        return out;
    }

    /**
     * Every stored metric of the runs on one machine and scale (null: any), oldest run first, optionally only of one
     * experiment and only names starting with {@code namePrefix} (null: all).
     */
    public List<Value> values(String fingerprint, String scale, String experiment, String namePrefix) throws IOException {
        Map<Long, Run> byId = new LinkedHashMap<>();
        for (Run r : runs()) byId.put(r.id(), r);
        StringBuilder sql = new StringBuilder("SELECT m.run, m.experiment, m.name, m.kind, m.value, m.unit, m.modelled, m.samples,"
                + " " + dialect.typeOf("m.value", "real") + ", " + dialect.typeOf("m.modelled", "integer") + ", " + dialect.typeOf("m.kind", "text")
                + ", " + dialect.typeOf("m.samples", "text")
                + " FROM metrics m JOIN runs r ON r.id = m.run WHERE 1 = 1");
        List<String> args = new ArrayList<>();
        if (fingerprint != null) { sql.append(" AND r.fingerprint = ?"); args.add(fingerprint); }
        if (scale != null) { sql.append(" AND r.scale = ?"); args.add(scale); }
        if (experiment != null) { sql.append(" AND m.experiment = ?"); args.add(experiment); }
        if (namePrefix != null) { sql.append(" AND substr(m.name, 1, ?) = ?"); }
        sql.append(" ORDER BY r.started, r.id, m.experiment, m.name");
        List<Value> out = new ArrayList<>();
        try (PreparedStatement p = db.prepareStatement(sql.toString())) {
            int i = 1;
            for (String a : args) p.setString(i++, a);
            if (namePrefix != null) {
                p.setInt(i++, namePrefix.length());
                p.setString(i, namePrefix);
            }
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    Run run = byId.get(rs.getLong(1));
                    String where = "metric '" + rs.getString(3) + "' of experiment '" + rs.getString(2) + "' in run " + (run == null ? "#" + rs.getLong(1) : run.runId());
                    // SQLite keeps whatever an edit put in a column: a value that is text would read as 0, a NULL flag as false
                    String vt = rs.getString(9);
                    if (!vt.equals("real") && !vt.equals("integer") && !vt.equals("null")) // NULL: a missing (non-finite) value, as add writes it
                        throw corrupt(where, "value is " + vt + " '" + clip(rs.getString(5)) + "', expected a number");
                    double v = rs.getDouble(5);
                    if (rs.wasNull()) v = Double.NaN;
                    if (!rs.getString(11).equals("text")) throw corrupt(where, "kind is " + rs.getString(11) + ", expected exact, timing or info");
                    Metric.Kind kind = switch (rs.getString(4)) {
                        case "exact" -> Metric.Kind.EXACT;
                        case "timing" -> Metric.Kind.TIMING;
                        case "info" -> Metric.Kind.INFO;
                        default -> throw corrupt(where, "unknown kind '" + clip(rs.getString(4)) + "', expected exact, timing or info");
                    };
                    if (!rs.getString(10).equals("integer") || (rs.getInt(7) != 0 && rs.getInt(7) != 1))
                        throw corrupt(where, "modelled is " + rs.getString(10) + " '" + clip(rs.getString(7)) + "', expected 0 or 1");
                    if (!rs.getString(12).equals("text")) throw corrupt(where, "samples is " + rs.getString(12) + ", expected text (numbers separated by spaces)");
                    double[] samples;
                    try {
                        samples = parseSamples(rs.getString(8));
                    } catch (NumberFormatException e) {
                        throw corrupt(where, "samples '" + clip(rs.getString(8)) + "' are not numbers separated by spaces");
                    }
                    if (run == null) throw corrupt(where, "its run is not in the runs table");
                    Metric m;
                    try {
                        m = new Metric(rs.getString(3), kind, v, rs.getString(6), samples, rs.getInt(7) == 1);
                    } catch (IllegalArgumentException | NullPointerException e) {
                        throw corrupt(where, String.valueOf(e.getMessage()));
                    }
                    out.add(new Value(run, rs.getString(2), m));
                }
            }
        } catch (SQLException e) {
            throw new IOException(name + ": " + Dialect.mask(e.getMessage()), e);
        }
        return out;
    }

    static String samples(double[] xs) {
        StringBuilder s = new StringBuilder();
        for (double d : xs) s.append(s.isEmpty() ? "" : " ").append(Double.isNaN(d) ? "NaN" : Double.toString(d));
        return s.toString();
    }

    static double[] parseSamples(String s) {
        if (s == null || s.isBlank()) return new double[0];
        return Arrays.stream(s.trim().split(" +")).mapToDouble(Double::parseDouble).toArray();
    }

    /** A history edited (or damaged) outside prunebench: the file, the row and what is wrong with it. */
    private IOException corrupt(String where, String what) {
        return new IOException(name + ": corrupt history: " + where + ": " + what);
    }

    private static String clip(String s) {
        return s == null ? "NULL" : s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }

    private static String str(Object o, String dflt) { return o == null ? dflt : String.valueOf(o); }

    @Override public void close() throws IOException {
        try {
            db.close();
        } catch (SQLException e) {
            throw new IOException(name + ": " + Dialect.mask(e.getMessage()), e);
        }
    }
}
