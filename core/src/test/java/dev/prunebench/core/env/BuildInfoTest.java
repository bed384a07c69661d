package dev.prunebench.core.env;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildInfoTest {
    @TempDir Path dir;

    @Test
    void outsideACheckoutTheCommitComesFromTheBuild() {
        BuildInfo built = BuildInfo.fromResource();
        // the build wrote the resource (scripts/build-info.sh at generate-resources)
        assertThat(built.source()).startsWith("build (recorded in the jar");
        assertThat(built.commit()).matches("[0-9a-f]{40}|unknown");
        // git unavailable: the resource's value, and said so
        BuildInfo noGit = BuildInfo.current(dir, dir.resolve("no-such-git").toString());
        assertThat(noGit).isEqualTo(built);
        // a folder that is not a checkout, with git present: the same
        assertThat(BuildInfo.current(dir, "git").commit()).isEqualTo(built.commit());
        assertThat(noGit.describe()).contains(built.commit()).contains("from build");
    }

    @Test
    void shortCommitIsSevenCharactersOrNogit() {
        assertThat(new BuildInfo("0123456789abcdef0123456789abcdef01234567", "false", "x", "v").shortCommit()).isEqualTo("0123456");
        assertThat(new BuildInfo("unknown", "unknown", "x", "v").shortCommit()).isEqualTo("nogit");
    }
}
