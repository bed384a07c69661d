package dev.prunebench.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The model page of a {@code model bench} folder: the per-layer table, a latency plot per layer, the SPDY profile. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ModelReportTest {

    /** A folder as {@code model bench} and {@code model spdy --out} write it, two layers, values made up for the page. */
    static Path folder(Path dir, boolean withSpdy) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("summary.txt"), "model mlp.onnx, input [8, 784], batch 8\nonnxruntime 1.22.0 (baseline): 0.000229 s end to end\n");
        Files.writeString(dir.resolve("timings.txt"), "0.0004\n0.0003\n");
        Files.writeString(dir.resolve("layers.csv"), """
                layer,op,shape,macs,params,sparsity,share,bytes_dense,bytes_csr,bytes_nm:2:4
                fc1,Gemm,128x784,100352,100480,0.000000,88.9%,401408,803076,-
                fc<2>,Gemm,10x128,1280,1290,0.500000,11.1%,5120,5164,3840
                """);
        StringBuilder lat = new StringBuilder("layer,op,rows,cols,n,format,level,seconds,speedup,speedup_low,speedup_high,dense_seconds,kernel\n");
        for (String l : new String[] {"fc1", "fc<2>"}) {
            lat.append(l).append(",Gemm,128,784,8,dense,0.000000,2e-05,1,1,1,2e-05,dense-vector\n");
            for (double level : new double[] {0.5, 0.7, 0.9})
                for (String f : new String[] {"csr", "gcsr:8"})
                    lat.append(String.format(java.util.Locale.ROOT, "%s,Gemm,128,784,8,%s,%.6f,%.6g,%.4f,%.4f,%.4f,2e-05,%s-vector%n", l, f, level,
                            2e-5 / (1 + level), 1 + level, 0.9 + level, 1.2 + level, f.replaceAll(":.*", "")));
            lat.append(l).append(",Gemm,128,784,8,nm:2:4,0.500000,1.5e-05,1.3333,1.2,1.5,2e-05,nm-vector\n");
        }
        Files.writeString(dir.resolve("latency.csv"), lat);
        if (withSpdy) Files.writeString(dir.resolve("spdy.txt"), "0.000000 fc1 dense\n0.700000 fc<2> gcsr:8\n# target 1.2x, correct accounting: predicted end-to-end speedup 1.2345x\n");
        return dir;
    }

    @Test void rendersTableAPlotPerLayerAndTheProfile(@TempDir Path tmp) throws Exception {
        Path dir = folder(tmp.resolve("mlp.bench"), true);
        assertThat(ModelReport.isModelFolder(dir)).isTrue();
        ModelReport.Result r = ModelReport.write(dir);
        assertThat(r.plotErrors()).isEmpty();
        assertThat(r.plots()).isEqualTo(2);
        String html = Files.readString(r.html());
        assertThat(ReportTest.EXTERNAL.matcher(html).find()).as("external reference").isFalse();
        assertThat(html).contains("<th>bytes_nm:2:4</th>").contains("<td class=\"n\">803076</td>").contains("fc&lt;2&gt;").doesNotContain("fc<2>");
        assertThat(html).contains("id=\"plot-model-layer-0\"").contains("id=\"plot-model-layer-1\"").contains("data:image/png;base64,");
        // the profile's pick: level 0.7 gcsr:8 of fc<2> is looked up in latency.csv: 2e-5/1.7 s = 11.76 µs, speedup 1.7000
        assertThat(html).contains("<td>gcsr:8</td><td class=\"n\">20.00</td><td class=\"n\">11.76</td><td class=\"n\">1.7000</td>");
        assertThat(html).contains("predicted end-to-end speedup 1.2345x");
    }

    @Test void withoutProfileOrLayersSaysSo(@TempDir Path tmp) throws Exception {
        Path dir = folder(tmp.resolve("m.bench"), false);
        Files.delete(dir.resolve("layers.csv"));
        String html = Files.readString(ModelReport.write(dir).html());
        assertThat(html).contains("No profile yet").contains("No layers.csv");
        assertThat(ModelReport.isModelFolder(tmp)).isFalse();
    }

    @Test void pageLoadsOfflineWithEveryPlot(@TempDir Path tmp) throws Exception {
        assumeTrue(HeadlessChromium.available(), HeadlessChromium.missing());
        ModelReport.Result r = ModelReport.write(folder(tmp.resolve("mlp.bench"), true));
        String url = r.html().toUri().toString();
        try (HeadlessChromium browser = HeadlessChromium.start(tmp.resolve("profile"))) {
            HeadlessChromium.Page page = browser.open(url, 1200, 900);
            assertThat(page.dom()).contains("data-plots-ok=\"2\"").contains("data-plots-broken=\"0\"");
            ReportBrowserTest.saveScreenshot(page, "model-report.png", 1280, 2400);
            ReportBrowserTest.assertNoNetwork(page, url);
        }
    }
}
