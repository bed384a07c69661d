package dev.prunebench.cli;

import dev.prunebench.core.env.BuildInfo;
import picocli.CommandLine.IVersionProvider;

/** {@code prunebench --version}: the version, the commit and where it was read (the checkout, or the jar's build record). */
final class VersionProvider implements IVersionProvider {
    @Override public String[] getVersion() {
        BuildInfo b = BuildInfo.current();
        BuildInfo jar = BuildInfo.fromResource();
        return new String[] {"prunebench " + b.version(), "commit " + b.describe(),
                "built from " + jar.commit() + ("true".equals(jar.dirty()) ? " (dirty)" : "")};
    }
}
