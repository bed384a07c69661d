package dev.prunebench.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import tech.tablesaw.api.Table;

/** The one CSV writer and reader: quoted fields round trip; tables come out as Tablesaw wrote them. */
class CsvProperties {

    @Provide Arbitrary<List<List<String>>> records() {
        Arbitrary<String> field = Arbitraries.strings().withChars("ab1 ,\"\n\r;=[]é").ofMaxLength(8);
        return field.list().ofMinSize(1).ofMaxSize(5).list().ofMinSize(1).ofMaxSize(6);
    }

    @Property(tries = 300)
    void writtenRecordsReadBack(@ForAll("records") List<List<String>> records) throws IOException {
        String text = Csv.format(records.get(0), records.subList(1, records.size()));
        List<Csv.Record> back = Csv.parse(text, "t.csv");
        assertThat(back.stream().map(Csv.Record::fields).toList()).isEqualTo(records);
    }

    @Property(tries = 100)
    void writtenFilesReadBack(@ForAll("records") List<List<String>> records) throws IOException {
        Path f = Files.createTempFile("csv", ".csv");
        try {
            Csv.write(f, records.get(0), records.subList(1, records.size()));
            assertThat(Csv.read(f).stream().map(Csv.Record::fields).toList()).isEqualTo(records);
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Example
    void quotesCommasAndLineBreaks() throws IOException {
        String text = "a,b,c\r\n\"x,1\",\"say \"\"hi\"\"\",\"two\nlines\"\n\nplain,,end\n";
        List<Csv.Record> rs = Csv.parse(text, "t.csv");
        assertThat(rs).extracting(Csv.Record::fields).containsExactly(List.of("a", "b", "c"), List.of("x,1", "say \"hi\"", "two\nlines"),
                List.of("plain", "", "end"));
        assertThat(rs).extracting(Csv.Record::line).containsExactly(1, 2, 5);
        assertThat(Csv.format(rs.get(0).fields(), List.of(rs.get(1).fields(), rs.get(2).fields())))
                .isEqualTo("a,b,c\n\"x,1\",\"say \"\"hi\"\"\",\"two\nlines\"\nplain,,end\n");
        assertThatThrownBy(() -> Csv.parse("a,b\n\"open,1\n", "t.csv")).hasMessage("t.csv: line 2: unterminated quote");
    }

    /** Every table of the baseline run, read as RunData reads it, comes out of Csv byte for byte as out of Tablesaw. */
    @Example
    void tablesComeOutAsTablesawWroteThem() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(Path.of("baseline"))) {
            files.addAll(s.filter(p -> p.toString().endsWith(".csv") && !p.getFileName().toString().equals("metrics.csv")
                    && !p.getFileName().toString().equals("scorecard.csv")).sorted().toList());
        }
        assertThat(files).hasSizeGreaterThan(10);
        Path out = Files.createTempFile("tablesaw", ".csv");
        try {
            for (Path f : files) {
                Table t = Csv.readTable(f, "t");
                if (t.columnCount() == 0) { // an empty file: Tablesaw can not write a table without columns
                    assertThat(Csv.format(t)).isEmpty();
                    continue;
                }
                t.write().csv(out.toFile());
                assertThat(Csv.format(t)).as(f.toString()).isEqualTo(Files.readString(out));
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
