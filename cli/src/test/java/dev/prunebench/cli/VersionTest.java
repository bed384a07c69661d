package dev.prunebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.core.env.BuildInfo;
import org.junit.jupiter.api.Test;

class VersionTest {
    @Test
    void versionNamesTheCommitAndWhereItWasRead() {
        var r = ExportCommandTest.run("--version");
        assertThat(r.code()).isZero();
        BuildInfo b = BuildInfo.current();
        assertThat(r.out()).contains("prunebench ").contains("commit " + b.commit()).contains("from " + b.source().split(" ")[0])
                .contains("built from " + BuildInfo.fromResource().commit());
    }
}
