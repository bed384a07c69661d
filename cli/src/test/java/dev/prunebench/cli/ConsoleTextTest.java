package dev.prunebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Output in a plain locale: under LANG=C (US-ASCII) the CLI prints ASCII for its symbols, never '?'. */
class ConsoleTextTest {

    static final String SYMBOLS = "3.07× [2.27, 4.09] – ≥ 5 ≤ 6 ≈ 7 … 8 µs · n → m ±";

    private static String through(java.nio.charset.Charset cs) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PrintWriter w = ConsoleText.writer(new PrintStream(b, true, cs));
        w.print(SYMBOLS);
        w.write('×');
        w.flush();
        return b.toString(cs);
    }

    @Test
    void asciiTerminalGetsReadableAscii() {
        assertThat(through(StandardCharsets.US_ASCII)).isEqualTo("3.07x [2.27, 4.09] - >= 5 <= 6 ~ 7 ... 8 us . n -> m +-x");
    }

    @Test
    void latin1KeepsWhatItCanEncode() {
        // Latin-1 has × and µ and ±, not the dash or the arrows
        assertThat(through(StandardCharsets.ISO_8859_1)).isEqualTo("3.07× [2.27, 4.09] - >= 5 <= 6 ~ 7 ... 8 µs · n -> m ±×");
    }

    @Test
    void utf8TerminalIsUnchanged() {
        assertThat(through(StandardCharsets.UTF_8)).isEqualTo(SYMBOLS + "×");
    }

    @Test
    void unknownSymbolsBecomeOneQuestionMark() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PrintWriter w = ConsoleText.writer(new PrintStream(b, true, StandardCharsets.US_ASCII));
        w.print("a\u4e2db\ud83d\ude00c");
        w.flush();
        assertThat(b.toString(StandardCharsets.US_ASCII)).isEqualTo("a?b?c");
    }

    @Test
    void systemStreamsSubstituteToo() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PrintStream s = new ConsoleText.Substituted(b, StandardCharsets.US_ASCII);
        s.println("left out a × b");
        s.printf("%s ≥ %d%n", "µs", 3);
        s.print('…');
        s.append("≈");
        s.flush();
        assertThat(b.toString(StandardCharsets.US_ASCII)).isEqualTo("left out a x b" + System.lineSeparator() + "us >= 3" + System.lineSeparator() + "...~");
    }

    /** The real thing: the CLI's main in a JVM whose stdout is US-ASCII (what LANG=C gives). */
    @Test
    void mainUnderPlainLocalePrintsNoQuestionMarks() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                "-Dstdout.encoding=US-ASCII", "-Dstderr.encoding=US-ASCII", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "spmm", "--help"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = new String(out, StandardCharsets.US_ASCII);
        assertThat(p.exitValue()).as(text).isZero();
        assertThat(text).contains("C = W . X").contains("KxN").doesNotContain("?");
    }
}
