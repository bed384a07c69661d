package dev.prunebench.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PublishedTest {

    /** The metric names the experiments agreed to emit for the anchors of ANCHORS.md. */
    static final List<String> AGREED = List.of(
            "break_even_rate[kernel=gcsr-vector,over=fastest-dense,g=1,n=50]", "break_even_rate[kernel=gcsr-vector,over=fastest-dense,g=32,n=50]",
            "speedup[kernel=gcsr-vector,over=fastest-dense,g=32,rate=0.90,n=50]", "speedup[kernel=gcsr-vector,over=fastest-dense,g=8,rate=0.90,n=50]",
            "speedup[kernel=csr-vector,over=fastest-dense,g=1,rate=0.90,n=50]", "speedup[kernel=mkl-sparse-csr,over=fastest-dense,g=1,rate=0.90,n=50]",
            "accuracy[net=mlp,g=8,rate=0.90]",
            "error[net=lenet300,dense]", "error[net=lenet300,pruned=0.92]", "error[net=lenet5,dense]", "error[net=lenet5,pruned=0.92]",
            "kept_nodes[net=lenet300,layer=fc1]", "kept_nodes[net=lenet300,layer=fc2]", "kept_nodes[net=lenet5,layer=conv1]",
            "kept_nodes[net=lenet5,layer=conv2]", "kept_nodes[net=lenet5,layer=fc1]", "accuracy[net=lenet300,node]",
            "accuracy[net=lenet5,node]", "pruned_fraction[net=lenet300,g=8]", "pruned_fraction[net=lenet5,g=8]",
            "nm_metadata_bits_per_value[n=2,m=4]", "nm_sparsity[n=2,m=4]",
            "bytes[format=csr,rows=4096,cols=4096,precision=fp32,policy=minimal,sparsity=0.90]");

    @Test void bundledTablesAreTheCommittedFiles() throws IOException {
        Path dir = Path.of("published");
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".csv")).sorted().toList())
                    .containsExactlyInAnyOrderElementsOf(Published.BUNDLED);
        }
        assertThat(Published.bundled()).isEqualTo(Published.read(dir).stream()
                .map(r -> new Published.Row(Path.of(r.file()).getFileName().toString(), r.line(), r.experiment(), r.quantity(), r.metric(), r.claim(),
                        r.value(), r.unit(), r.low(), r.high(), r.source(), r.hardware(), r.note(), r.ifAbsent()))
                .sorted(java.util.Comparator.comparing((Published.Row r) -> Published.BUNDLED.indexOf(r.file())).thenComparing(Published.Row::line))
                .toList());
    }

    @Test void everyAgreedAnchorHasARowAndEveryRowIsSane() throws IOException {
        List<Published.Row> rows = Published.bundled();
        assertThat(rows.stream().map(Published.Row::metric)).containsAll(AGREED);
        assertThat(rows).hasSizeGreaterThanOrEqualTo(58);
        for (Published.Row r : rows) {
            assertThat(r.source()).as("%s", r).isNotBlank();
            assertThat(r.metric()).as("%s", r).matches("[a-z_0-9]+\\[[^\\]]+\\]");
            assertThat(Double.isNaN(r.low()) && Double.isNaN(r.high())).as("band of %s", r.metric()).isFalse();
        }
    }

    @Test void noInventedValuesNoSplitRangesAndOnlyMeasurementsOnOtherHardware() throws IOException {
        List<Published.Row> rows = Published.bundled();
        // one-sided claims carry a bound and no value: nobody published "1x" or "0.5x"
        for (String m : List.of("speedup[kernel=gcsr-vector,over=fastest-dense,g=1,rate=0.90,n=50]",
                "speedup[kernel=gcsr-vector,over=fastest-dense,g=2,rate=0.90,n=50]", "speedup[net=lenet5,method=deepcompression,platform=gpu]",
                "speedup[kernel=csr-vector,over=fastest-dense,g=1,rate=0.90,n=50]", "speedup_geomean[layers=resnet50-3x3,sparsity=0.90]"))
            assertThat(rows.stream().filter(r -> r.metric().equals(m)).findFirst().orElseThrow().value()).as(m).isNaN();
        // a published range is one row with a band
        assertThat(rows).noneMatch(r -> r.metric().contains("bound=low") || r.metric().contains("bound=high"));
        Published.Row blog = rows.stream().filter(r -> r.metric().startsWith("speedup_geomean[layers=1x1+3x3,")).findFirst().orElseThrow();
        assertThat(blog.band()).isEqualTo("[2, 3]");
        assertThat(blog.value()).isNaN();
        // the tautologies are checks
        assertThat(rows.stream().filter(r -> r.metric().startsWith("weights_reduction[net=lenet")).map(Published.Row::claim))
                .containsOnly(Published.Claim.IDENTITY);
        assertThat(rows.stream().filter(r -> r.experiment().equals("formats-storage")).map(Published.Row::claim)).containsOnly(Published.Claim.DEFINITION);
        for (Published.Row r : rows)
            if (!r.claim().isMeasurement()) assertThat(r.hardware()).as("%s: a check does not depend on hardware", r.metric()).startsWith("any");
    }

    @Test void badRowsAreNamed() {
        assertThatThrownBy(() -> Published.parse("x.csv", "experiment,quantity\n")).hasMessageContaining("x.csv: line 1: expected header");
        assertThatThrownBy(() -> Published.parse("x.csv", Published.HEADER + "\ne,q,m,measurement,abc,x,,1,s,h,n,\n"))
                .hasMessageContaining("x.csv: line 2: published_value is not a number: 'abc'");
        assertThatThrownBy(() -> Published.parse("x.csv", Published.HEADER + "\ne,q,m,guess,1,x,,1,s,h,n,\n"))
                .hasMessageContaining("line 2: claim must be one of");
        assertThatThrownBy(() -> Published.parse("x.csv", Published.HEADER + "\ne,q,m,measurement,5,x,1,2,s,h,n,\n"))
                .hasMessageContaining("line 2: published_value 5.0 lies outside its own band");
        assertThatThrownBy(() -> Published.parse("x.csv", Published.HEADER + "\ne,q,m,measurement,1,x,2,1,s,h,n,\n"))
                .hasMessageContaining("line 2: tolerance_low 2.0 > tolerance_high 1.0");
        assertThatThrownBy(() -> Published.parse("x.csv", Published.HEADER + "\ne,q,\"m,1,x\n"))
                .hasMessageContaining("line 2: unterminated quote");
    }
}
