package dev.prunebench.history;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL server for the tests: {@code initdb} into a temporary folder, {@code pg_ctl start} on a free
 * loopback port (socket in that folder, fsync off), password authentication (scram-sha-256) for user
 * {@code prunebench}; stopped and deleted by {@link #close}. As root the server runs as user {@code postgres}
 * (PostgreSQL refuses root). {@link #start} returns null with {@link #whyNot} set where no server binaries are found or
 * none can be started: the tests then skip, saying why.
 */
public final class PgServer implements AutoCloseable {
    public static final String USER = "prunebench";
    public static final String PASSWORD = "pw-Secret-42";

    private static String whyNot = "";
    private final Path dir, bin;
    private final List<String> asUser;
    private final int port;
    private final AtomicInteger databases = new AtomicInteger();

    private PgServer(Path dir, Path bin, List<String> asUser, int port) {
        this.dir = dir;
        this.bin = bin;
        this.asUser = asUser;
        this.port = port;
    }

    /** Why {@link #start} returned null. */
    public static String whyNot() { return whyNot; }

    /** Server binaries: PG_BIN, else the newest /usr/lib/postgresql/N/bin, else pg_ctl's folder on the PATH. */
    static Path binaries() throws IOException {
        List<Path> candidates = new ArrayList<>();
        if (System.getenv("PG_BIN") != null) candidates.add(Path.of(System.getenv("PG_BIN")));
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian))
            try (Stream<Path> s = Files.list(debian)) {
                s.map(p -> p.resolve("bin")).sorted(Comparator.comparing((Path p) -> {
                    try { return Integer.parseInt(p.getParent().getFileName().toString()); } catch (NumberFormatException e) { return 0; }
                }).reversed()).forEach(candidates::add);
            }
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) if (!d.isEmpty()) candidates.add(Path.of(d));
        for (Path p : candidates)
            if (Files.isExecutable(p.resolve("initdb")) && Files.isExecutable(p.resolve("pg_ctl"))) return p.toRealPath();
        return null;
    }

    public static synchronized PgServer start() { return start(false); }

    /**
     * A throw-away server; {@code durable}: with the server's default {@code fsync=on} (each commit waits for the disk,
     * as on a real server; for timing an add), else {@code fsync=off} (the tests: faster, same semantics).
     */
    public static synchronized PgServer start(boolean durable) {
        try {
            Path bin = binaries();
            if (bin == null) { whyNot = "no PostgreSQL server binaries (initdb, pg_ctl) in PG_BIN, /usr/lib/postgresql/*/bin or on the PATH"; return null; }
            List<String> asUser = List.of();
            if (System.getProperty("user.name").equals("root")) {
                if (run(List.of("id", "-u", "postgres"), 10) != 0) { whyNot = "running as root and there is no user 'postgres' to run the server as"; return null; }
                asUser = List.of("runuser", "-u", "postgres", "--");
            }
            Path dir = Files.createTempDirectory("prunebench-pg-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            Path pw = dir.resolve("pwfile");
            Files.writeString(pw, PASSWORD + "\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-r--r--"));
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) { port = s.getLocalPort(); }
            PgServer server = new PgServer(dir, bin, asUser, port);
            List<String> initdb = new ArrayList<>(asUser);
            initdb.addAll(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", USER, "--pwfile=" + pw,
                    "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "-N"));
            if (run(initdb, 120, dir.resolve("initdb.log")) != 0) {
                whyNot = "initdb failed: " + tail(dir.resolve("initdb.log"));
                server.delete();
                return null;
            }
            List<String> ctl = new ArrayList<>(asUser);
            ctl.addAll(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l", dir.resolve("server.log").toString(),
                    "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=" + (durable ? "on" : "off") + " -c max_connections=60", "-w", "-t", "60", "start"));
            if (run(ctl, 90, dir.resolve("pg_ctl.log")) != 0) {
                whyNot = "pg_ctl start failed: " + tail(dir.resolve("pg_ctl.log")) + " " + tail(dir.resolve("server.log"));
                server.close();
                return null;
            }
            return server;
        } catch (IOException | RuntimeException e) {
            whyNot = "cannot start a PostgreSQL server: " + e;
            return null;
        }
    }

    /** The URL of the server's default database, with the test user and password as URL properties. */
    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + USER + "&password=" + PASSWORD;
    }

    /** A new, empty database; its URL. */
    public String newDatabase() throws Exception {
        String name = "h" + databases.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres")); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    public int port() { return port; }

    @Override public void close() {
        List<String> stop = new ArrayList<>(asUser);
        stop.addAll(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop"));
        try {
            run(stop, 60, dir.resolve("stop.log"));
        } catch (IOException ignored) { // deleted below either way
        }
        delete();
    }

    private void delete() {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) { // a temp folder left behind
        }
    }

    private static int run(List<String> cmd, int seconds) throws IOException {
        return run(cmd, seconds, null);
    }

    private static int run(List<String> cmd, int seconds, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.redirectOutput(log == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(log.toFile()));
        Process p = pb.start();
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return -1;
        }
    }

    private static String tail(Path log) {
        try {
            String s = Files.exists(log) ? Files.readString(log).strip() : "";
            return s.length() > 400 ? s.substring(s.length() - 400) : s;
        } catch (IOException e) {
            return "";
        }
    }
}
