package dev.prunebench.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class CrossPlotsTest {

    @Test void accuracyAgainstSpeedupJoinsOnGroupSizeAndRate(@TempDir Path tmp) throws Exception {
        Path dir;
        try (RunWriter w = new RunWriter(tmp, "t", Scale.QUICK, 1, RunWriter.nullStream(), false)) {
            try (RunWriter.Context c = w.experiment("hartenstein-spmm-cpu", "fig 3")) {
                for (int g : new int[] {1, 8, 32})
                    c.metric(Metric.timing("speedup[kernel=gcsr-vector,over=fastest-dense,g=" + g + ",rate=0.90,n=50]", 0.5 + g / 10.0, "x", new double[] {1, 2}));
                c.metric(Metric.timing("speedup[kernel=csr-vector,over=fastest-dense,g=1,rate=0.90,n=50]", 0.3, "x", null)); // other kernel: not joined
                c.metric(Metric.timing("speedup[kernel=gcsr-vector,over=fastest-dense,g=8,rate=0.90,n=1]", 9, "x", null));   // other n: not joined
            }
            try (RunWriter.Context c = w.experiment("hartenstein-accuracy", "fig 4")) {
                c.metric(Metric.exact("accuracy[net=mlp,g=1,rate=0.9]", 97.0, "%"));
                c.metric(Metric.exact("accuracy[net=mlp,g=8,rate=0.90]", 95.3, "%"));
                c.metric(Metric.exact("accuracy[net=mlp,g=32,rate=0.90]", 90.1, "%"));
                c.metric(Metric.exact("accuracy[net=mlp,g=64,rate=0.90]", 80.0, "%")); // no speedup measured for g=64
                c.metric(Metric.exact("accuracy[net=mlp,dense]", 98.0, "%"));
            }
            dir = w.finish(Map.of(), Environment.of(Map.of()), d -> {});
        }
        Map.Entry<PlotSpec, Table> built = CrossPlots.build(RunData.read(dir), CrossPlots.ALL.get(0));
        assertThat(built).isNotNull();
        Table t = built.getValue();
        assertThat(t.rowCount()).isEqualTo(3);
        assertThat(t.stringColumn("g").asList()).containsExactly("1", "8", "32");
        assertThat(t.doubleColumn("x").asList()).containsExactly(0.6, 1.3, 3.7);
        assertThat(t.doubleColumn("y").asList()).containsExactly(97.0, 95.3, 90.1);

        Report.Result r = Report.write(dir, Published.bundled(), null);
        assertThat(r.plotErrors()).isEmpty();
        assertThat(r.plots()).isEqualTo(1);
        assertThat(Files.readString(r.html())).contains("Across experiments", "Hartenstein et al., Fig. 5");
    }

    @Test void nothingToJoinDrawsNothing(@TempDir Path tmp) throws Exception {
        Path dir = SyntheticRun.write(tmp, 1, 1.0, SyntheticRun.FINGERPRINT);
        assertThat(CrossPlots.build(RunData.read(dir), CrossPlots.ALL.get(0))).isNull();
    }
}
