package dev.prunebench.experiments;

import dev.prunebench.models.train.Reproducibility;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered for every test class of this module (auto-detected, see {@code junit-platform.properties}): sets MKL's
 * reproducible mode before the first test class of the JVM touches MKL, as every entry point of the CLI does, so the
 * accuracy tests see the same EXACT metrics a run writes.
 */
public final class ReproducibleMklFirst implements BeforeAllCallback {
    @Override public void beforeAll(ExtensionContext context) {
        Reproducibility.ensureConditionalNumericalReproducibility();
    }
}
