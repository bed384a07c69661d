package dev.prunebench.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** MetricName: build → format → parse gives the name back; characters the format cannot hold are refused. */
class MetricNameProperties {

    @Provide Arbitrary<MetricName> names() {
        Arbitrary<String> word = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz_:+.-0123456789 ").ofMinLength(1).ofMaxLength(8).filter(s -> !s.isBlank());
        Arbitrary<String> value = Arbitraries.strings().withChars("abcxyz0123456789.-:+= ").ofMaxLength(8);
        Arbitrary<MetricName.Param> param = Combinators.combine(word, value.injectNull(0.2)).as(MetricName.Param::new);
        return Combinators.combine(word, param.list().ofMaxSize(5).uniqueElements(MetricName.Param::key)).as(MetricName::new);
    }

    @Property(tries = 300)
    void formatThenParseIsTheSameName(@ForAll("names") MetricName n) {
        String s = n.toString();
        assertThat(MetricName.parse(s)).isEqualTo(n);
        assertThat(MetricName.parse(s).toString()).isEqualTo(s);
        // the text builder gives the same name
        assertThat(MetricName.of(n.base(), n.params().stream().map(MetricName.Param::toString).toArray(String[]::new))).isEqualTo(n);
    }

    @Property(tries = 300)
    void builtNamesAreValidMetricsAndSurviveMetricsCsv(@ForAll("names") MetricName n) throws Exception {
        Metric m = Metric.exact(n.toString(), 1.5, "x");
        Path f = Files.createTempFile("metrics", ".csv");
        try {
            MetricsCsv.write(f, List.of(m));
            assertThat(MetricName.parse(MetricsCsv.read(f).get(0).name())).isEqualTo(n);
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Property(tries = 300)
    void oddCharactersAreRefused(@ForAll("names") MetricName n, @ForAll("odd") char c) {
        assertThatThrownBy(() -> n.with("k" + c, "v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MetricName.of(n.base() + c)).isInstanceOf(IllegalArgumentException.class);
        if (c != '=') assertThatThrownBy(() -> n.with("k", "v" + c)).isInstanceOf(IllegalArgumentException.class);
    }

    @Provide Arbitrary<Character> odd() { return Arbitraries.of('[', ']', ',', '=', '"', '\n', '\r'); }

    @Example
    void theStoredFormsOfTheBuilders() {
        assertThat(MetricName.of("nm_sparsity").with("n", 2).with("m", 4)).hasToString("nm_sparsity[n=2,m=4]");
        assertThat(MetricName.of("loss", "net=mlp,g=8", "dense")).hasToString("loss[net=mlp,g=8,dense]");
        assertThat(MetricName.of("total_bytes")).hasToString("total_bytes");
        assertThat(MetricName.parse("q7_accuracy[net=lenet5,dense,platform=mcu]").get("platform")).isEqualTo("mcu");
        assertThat(MetricName.parse("q7_accuracy[net=lenet5,dense,platform=mcu]").has("dense")).isTrue();
        assertThat(MetricName.parse("x[k=]").get("k")).isEmpty();
        assertThat(MetricName.tryParse("x[k=v")).isEmpty();
        assertThat(MetricName.tryParse("x[]")).isEmpty();
        assertThat(MetricName.tryParse("x[a=1,a=2]")).isEmpty();
        assertThat(MetricName.tryParse("[a=1]")).isEmpty();
    }

    /** Every name the baseline run and the published tables hold follows the grammar and formats back byte for byte. */
    @Example
    void everyStoredNameRoundTrips() throws Exception {
        Set<String> names = new LinkedHashSet<>();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(Path.of("baseline"))) {
            files.addAll(s.filter(p -> p.getFileName().toString().equals("metrics.csv")).toList());
        }
        for (Path f : files) for (Metric m : MetricsCsv.read(f)) names.add(m.name());
        for (Published.Row r : Published.bundled()) names.add(r.metric());
        assertThat(names).hasSizeGreaterThan(100);
        for (String n : names) assertThat(MetricName.parse(n).toString()).isEqualTo(n);
    }
}
