package dev.prunebench.kernels.cpu.generated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The generated methods really reach C2: a forked JVM with {@code -XX:+PrintCompilation} prepares generated-csr
 * (whose warm-up is meant to get every generated method compiled at tier 4 without running interpreted vector code),
 * and the test reads HotSpot's own log: every generated method m0 … m{n−1} compiled at level 4, none skipped
 * ("COMPILE SKIPPED", e.g. out of nodes), and the timed runs allocate nothing (vector boxes eliminated, which only
 * C2 does).
 */
class GeneratedCompilationTest {

    private static final Pattern LEVEL = Pattern.compile("^\\s*\\d+\\s+\\d+\\s+[%sbn! ]*\\s*(\\d)\\s+dev\\.prunebench\\.kernels\\.cpu\\.generated\\.GenCode/0x[0-9a-f]+::(m\\d+) \\(.*");

    @Test
    void everyGeneratedMethodIsCompiledByC2AndRunsWithoutAllocating() throws Exception {
        assumeTrue(GeneratedKernels.availability().available(), GeneratedKernels.availability()::toString);
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        // 128×512 at 90 % (~6.5 k non-zeros), N = 64: about 60 methods
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-XX:+PrintCompilation",
                "-cp", System.getProperty("java.class.path"), CompileProbe.class.getName(), "128", "512", "64"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("forked JVM finished").isTrue();
        String log = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(tail(log)).isZero();
        Matcher probe = Pattern.compile("PROBE methods=(\\d+) warmupMs=(\\d+) allocated=(\\d+) compiled=(true|false)").matcher(log);
        assertThat(probe.find()).as(tail(log)).isTrue();
        int methods = Integer.parseInt(probe.group(1));
        Set<String> c2 = new TreeSet<>();
        List<String> skipped = new ArrayList<>();
        for (String line : log.split("\n")) {
            if (line.contains("GenCode/") && line.contains("COMPILE SKIPPED")) skipped.add(line);
            Matcher mt = LEVEL.matcher(line);
            if (mt.matches() && mt.group(1).equals("4")) c2.add(mt.group(2));
        }
        assertThat(methods).isGreaterThan(10);
        assertThat(skipped).as("compilations HotSpot gave up").isEmpty();
        Set<String> missing = new TreeSet<>();
        for (int i = 0; i < methods; i++) if (!c2.contains("m" + i)) missing.add("m" + i);
        assertThat(missing).as("generated methods never compiled at level 4 (C2); warm-up %s ms", probe.group(2)).isEmpty();
        assertThat(Long.parseLong(probe.group(3))).as("bytes allocated by 200 timed runs").isZero();
        assertThat(probe.group(4)).as("the warm-up saw a run that allocated nothing").isEqualTo("true");
    }

    private static String tail(String s) { return s.length() > 4000 ? s.substring(s.length() - 4000) : s; }
}
