package dev.prunebench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prunebench.core.env.BuildInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Provenance that travels: the project's classes packed as jars in a folder outside the checkout (the build's own
 * {@code build-info.properties} inside core's), started there as {@code java -jar prunebench.jar}. {@code --version},
 * a script's JSON and a run's manifest must name the commit the build recorded, and say it came from the jar.
 */
class JarOutsideCheckoutTest {
    @TempDir static Path copy;
    static Path checkout;
    static String built;

    @BeforeAll
    static void packOutsideTheCheckout() throws Exception {
        checkout = Path.of("").toAbsolutePath().getParent();
        assertThat(copy.toAbsolutePath().startsWith(checkout)).as("the temporary folder must lie outside the checkout " + checkout).isFalse();
        built = BuildInfo.fromResource().commit();
        List<String> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry).toAbsolutePath();
            if (p.endsWith("test-classes")) continue; // the tests themselves do not travel
            if (p.startsWith(checkout) && Files.isDirectory(p)) { // a module's classes: packed as a jar of the copy
                String name = checkout.relativize(p).getName(0) + ".jar";
                packDirectory(p, copy.resolve(name));
                classPath.add(name);
            } else {
                classPath.add(p.toUri().toString()); // a library from the local repository, where it is
            }
        }
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "dev.prunebench.cli.Main");
        mf.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", classPath));
        try (OutputStream o = new JarOutputStream(Files.newOutputStream(copy.resolve("prunebench.jar")), mf)) {
            // the launcher: its manifest only
        }
    }

    @Test
    void versionNamesTheCommitTheBuildRecorded() throws Exception {
        assumeTrue(built.matches("[0-9a-f]{40}"), "the build recorded no commit (git was missing when it ran): " + BuildInfo.fromResource());
        String out = java("--version");
        assertThat(out).contains("commit " + built).contains("from build (recorded in the jar").contains("built from " + built)
                .doesNotContain("git checkout");
        // the build ran on this checkout: what it recorded is its commit
        BuildInfo here = BuildInfo.current();
        if (here.source().startsWith("git checkout")) assertThat(built).isEqualTo(here.commit());
    }

    @Test
    void aScriptsJsonAndARunsManifestRecordTheCommitFromTheJar() throws Exception {
        assumeTrue(built.matches("[0-9a-f]{40}"), "the build recorded no commit (git was missing when it ran): " + BuildInfo.fromResource());
        JsonNode spmm = new ObjectMapper().readTree(java("spmm", "--shape", "8x8", "--n", "1", "--kernels", "model-sgemm,model-csr-vector",
                "--formats", "csr", "--json"));
        assertThat(spmm.get("prunebench").get("commit").asText()).isEqualTo(built);
        assertThat(spmm.get("prunebench").get("commit_from").asText()).startsWith("build (recorded in the jar");

        java("run", "formats-storage", "--scale", "quick", "--out", "results", "--quiet");
        Path manifest;
        try (Stream<Path> s = Files.walk(copy.resolve("results"))) {
            manifest = s.filter(p -> p.getFileName().toString().equals("manifest.json")).findFirst().orElseThrow();
        }
        JsonNode env = new ObjectMapper().readTree(manifest.toFile());
        String text = env.toString();
        assertThat(text).contains("\"git_commit\":\"" + built + "\"").contains("\"git_commit_from\":\"build (recorded in the jar");
        assertThat(manifest.getParent().getFileName().toString()).doesNotContain("nogit");
    }

    /** Runs the copied jar in the copy's folder (no checkout above it); returns stdout, failing with stderr on a non-zero exit. */
    private static String java(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g",
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Djava.awt.headless=true", "-jar", "prunebench.jar"));
        cmd.addAll(List.of(args));
        Path err = copy.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).directory(copy.toFile()).redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("prunebench " + String.join(" ", args) + " finished").isTrue();
        assertThat(p.exitValue()).as(String.join(" ", args) + ": " + Files.readString(err)).isZero();
        return out;
    }

    private static void packDirectory(Path dir, Path jar) throws IOException {
        try (JarOutputStream o = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                o.putNextEntry(new JarEntry(dir.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, o);
                o.closeEntry();
            }
        }
    }
}
