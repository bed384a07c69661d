package dev.prunebench.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** metrics.csv and the published/scorecard CSV quoting round-trip whatever names experiments build. */
class MetricsCsvProperties {

    @Provide Arbitrary<Metric> metrics() {
        Arbitrary<String> key = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz_").ofMinLength(1).ofMaxLength(8);
        Arbitrary<String> value = Arbitraries.strings().withChars("abcxyz0123456789.-:+ ").ofMinLength(1).ofMaxLength(8);
        Arbitrary<String> name = Combinators.combine(key, key.list().ofMinSize(1).ofMaxSize(4), value.list().ofSize(4))
                .as((base, keys, values) -> {
                    StringBuilder s = new StringBuilder(base).append('[');
                    for (int i = 0; i < keys.size(); i++) s.append(i == 0 ? "" : ",").append(keys.get(i)).append('=').append(values.get(i));
                    return s.append(']').toString();
                });
        Arbitrary<Double> number = Arbitraries.oneOf(Arbitraries.doubles().between(-1e12, 1e12), Arbitraries.of(0.0, 1.0, 0.9, Double.NaN, 1e-300));
        return Combinators.combine(name, Arbitraries.of(Metric.Kind.values()), number, Arbitraries.of("x", "ms", "", "bytes", "%"),
                        number.filter(d -> !Double.isNaN(d)).list().ofMaxSize(6), Arbitraries.of(true, false))
                .as((n, k, v, u, s, m) -> new Metric(n, k, v, u, s.stream().mapToDouble(Double::doubleValue).toArray(), m));
    }

    @Provide Arbitrary<List<Metric>> metricLists() { return metrics().list().ofMaxSize(5); }

    @Property(tries = 60)
    void metricsRoundTrip(@ForAll("metricLists") List<Metric> ms) throws Exception {
        Path dir = Files.createTempDirectory("metrics");
        try {
            // names must be unique within an experiment
            List<Metric> unique = new ArrayList<>();
            for (Metric m : ms) if (unique.stream().noneMatch(u -> u.name().equals(m.name()))) unique.add(m);
            Path f = dir.resolve("metrics.csv");
            MetricsCsv.write(f, unique);
            assertThat(MetricsCsv.read(f)).isEqualTo(unique);
        } finally {
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) Files.delete(p);
            }
            Files.delete(dir);
        }
    }

    @Property(tries = 100)
    void csvQuotingRoundTrips(@ForAll @Size(min = 1, max = 6) List<@net.jqwik.api.constraints.StringLength(max = 12)
            @net.jqwik.api.constraints.CharRange(from = ' ', to = '~') String> fields) throws Exception {
        Path dir = Files.createTempDirectory("csv");
        Path f = dir.resolve("t.csv");
        try {
            Csv.write(f, fields, List.of());
            assertThat(Csv.read(f)).singleElement().extracting(Csv.Record::fields).isEqualTo(fields);
        } finally {
            Files.deleteIfExists(f);
            Files.delete(dir);
        }
    }
}
