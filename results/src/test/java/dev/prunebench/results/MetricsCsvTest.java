package dev.prunebench.results;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad metrics.csv names file, line, column and value; a metric given twice is refused, never resolved silently. */
class MetricsCsvTest {
    @TempDir Path dir;

    Path csv(String rows) throws IOException {
        return Files.writeString(dir.resolve("metrics.csv"), MetricsCsv.HEADER + "\n" + rows);
    }

    @Test void badFieldsNameLineColumnAndValue() throws IOException {
        Path f = csv("a,exact,1,x,false,\nb,BOGUS,1,x,false,\n");
        assertThatThrownBy(() -> MetricsCsv.read(f)).isInstanceOf(IOException.class)
                .hasMessage(f + ": line 3, column 2 (kind): unknown kind 'BOGUS' (expected exact, timing or info)");
        Path g = csv("a,exact,abc,x,false,\n");
        assertThatThrownBy(() -> MetricsCsv.read(g)).hasMessage(g + ": line 2, column 3 (value): 'abc' is not a number");
        Path h = csv("a,timing,1,x,false,1 2 q\n");
        assertThatThrownBy(() -> MetricsCsv.read(h)).hasMessage(h + ": line 2, column 6 (samples): 'q' is not a number");
        Path m = csv("a,exact,1,x,yes,\n");
        assertThatThrownBy(() -> MetricsCsv.read(m)).hasMessageContaining("line 2, column 5 (modelled): expected true or false, got 'yes'");
    }

    @Test void aMetricGivenTwiceIsRefusedNamingBothLines() throws IOException {
        Path f = csv("a,exact,1,x,false,\nb,exact,1,x,false,\na,exact,2,x,false,\n");
        assertThatThrownBy(() -> MetricsCsv.read(f))
                .hasMessage(f + ": line 4: metric 'a' is given again (first on line 2) with a different row; each metric must appear once");
    }
}
