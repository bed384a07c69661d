package dev.prunebench.kernels.mcu.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The firmware cache's publish step and location, without the cross-compiler or QEMU: entries are faked as a build
 * leaves them (run.txt, sizes.txt, then the marker). {@link QemuFirmwareCacheTest} races real builds.
 */
class FirmwareCacheTest {
    static final String KEY = "0123456789abcdef0123456789abcdef";

    /** A finished build in a private sibling folder of the entry, as {@code Firmware.build} leaves it. */
    static Path built(Path cache, String run) throws IOException {
        Files.createDirectories(cache);
        Path tmp = Files.createTempDirectory(cache, KEY + ".tmp");
        Files.writeString(tmp.resolve("run.txt"), run);
        Files.writeString(tmp.resolve("sizes.txt"), "layer 4\n");
        Files.writeString(tmp.resolve(Firmware.COMPLETE), KEY);
        return tmp;
    }

    static List<String> names(Path cache) throws IOException {
        try (var s = Files.list(cache)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test void aBuildIsPublishedWhole(@TempDir Path cache) throws IOException {
        Path tmp = built(cache, "ours");
        Path dir = cache.resolve(KEY);
        assertThat(Firmware.complete(dir, KEY)).isFalse();
        Firmware.publish(tmp, dir, KEY);
        assertThat(Firmware.complete(dir, KEY)).isTrue();
        assertThat(dir.resolve("run.txt")).hasContent("ours");
        assertThat(names(cache)).containsExactly(KEY);
    }

    /** The two-process failure: the rename onto a folder another process had just filled is a hit, not an error. */
    @Test void anEntryAnotherProcessFinishedFirstIsKeptAndOursDropped(@TempDir Path cache) throws IOException {
        Firmware.publish(built(cache, "theirs"), cache.resolve(KEY), KEY);
        Path ours = built(cache, "ours");
        Firmware.publish(ours, cache.resolve(KEY), KEY);
        assertThat(cache.resolve(KEY).resolve("run.txt")).hasContent("theirs");
        assertThat(ours).doesNotExist();
        assertThat(names(cache)).containsExactly(KEY);
    }

    /** An entry without the marker (an older prunebench's, or a damaged one) is never read: ours replaces it. */
    @Test void anEntryWithoutTheMarkerIsNeverTrustedAndIsReplaced(@TempDir Path cache) throws IOException {
        Path dir = Files.createDirectories(cache.resolve(KEY));
        Files.writeString(dir.resolve("run.txt"), "half");
        assertThat(Firmware.complete(dir, KEY)).isFalse();
        Firmware.publish(built(cache, "ours"), dir, KEY);
        assertThat(dir.resolve("run.txt")).hasContent("ours");
        assertThat(Firmware.complete(dir, KEY)).isTrue();
        assertThat(names(cache)).as("no stale or temporary folder left").containsExactly(KEY);
    }

    @Test void aMarkerForAnotherKeyDoesNotCount(@TempDir Path cache) throws IOException {
        Path dir = Files.createDirectories(cache.resolve(KEY));
        Files.writeString(dir.resolve(Firmware.COMPLETE), "fedcba9876543210fedcba9876543210");
        assertThat(Firmware.complete(dir, KEY)).isFalse();
        Files.writeString(dir.resolve(Firmware.COMPLETE), "");
        assertThat(Firmware.complete(dir, KEY)).isFalse();
    }

    /** Many publishers of one key at once (threads here; two JVMs in QemuFirmwareCacheTest): all succeed, one entry. */
    @Test @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void concurrentPublishersOfOneEntryAllSucceed(@TempDir Path cache) throws Exception {
        for (int round = 0; round < 20; round++) {
            Path root = cache.resolve("r" + round);
            int n = 8;
            List<Path> tmps = new ArrayList<>();
            for (int i = 0; i < n; i++) tmps.add(built(root, "build " + i));
            if (round % 2 == 1) Files.writeString(Files.createDirectories(root.resolve(KEY)).resolve("run.txt"), "half"); // a stale one too
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(n);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (Path t : tmps) done.add(pool.submit(() -> {
                    go.await();
                    Firmware.publish(t, root.resolve(KEY), KEY);
                    return null;
                }));
                go.countDown();
                for (Future<?> f : done) f.get();
            } finally {
                pool.shutdownNow();
            }
            assertThat(Firmware.complete(root.resolve(KEY), KEY)).isTrue();
            assertThat(Files.readString(root.resolve(KEY).resolve("run.txt"))).startsWith("build ");
            assertThat(names(root)).as("round %d", round).containsExactly(KEY);
        }
    }

    @Test void theCacheIsTheUsersOwn(@TempDir Path tmp) throws IOException {
        Path home = Files.createDirectories(tmp.resolve("home"));
        assertThat(Firmware.defaultCacheRoot(null, home.toString(), tmp.toString(), "alice"))
                .isEqualTo(home.resolve(".cache/prunebench/mcu-firmware")).isDirectory();
        Path xdg = tmp.resolve("xdg");
        assertThat(Firmware.defaultCacheRoot(xdg.toString(), home.toString(), tmp.toString(), "alice"))
                .isEqualTo(xdg.resolve("prunebench/mcu-firmware")).isDirectory();
        // a relative XDG_CACHE_HOME is to be ignored (XDG base directory spec)
        assertThat(Firmware.defaultCacheRoot("relative", home.toString(), tmp.toString(), "alice"))
                .isEqualTo(home.resolve(".cache/prunebench/mcu-firmware"));
    }

    @Test void withoutAUsableHomeItIsAPerUserTemporaryFolder(@TempDir Path tmp) throws IOException {
        // a home that cannot hold a .cache folder (root ignores permission bits, so a file stands in for it)
        Path home = Files.writeString(tmp.resolve("home"), "not a folder");
        Path own = Firmware.defaultCacheRoot(null, home.toString(), tmp.toString(), "alice smith");
        assertThat(own).isEqualTo(tmp.resolve("prunebench-mcu-cache-alice_smith")).isDirectory();
        if (own.getFileSystem().supportedFileAttributeViews().contains("posix"))
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(own))).isEqualTo("rwx------");
        assertThat(Firmware.defaultCacheRoot(null, null, tmp.toString(), "alice smith")).as("found again").isEqualTo(own);
        assertThat(Firmware.defaultCacheRoot(null, "?", tmp.toString(), "alice smith")).isEqualTo(own);
    }

    @Test void aPerUserTemporaryFolderOwnedBySomeoneElseIsRefused(@TempDir Path tmp) throws IOException {
        Path squatted = Files.createDirectories(tmp.resolve("prunebench-mcu-cache-alice"));
        UserPrincipal nobody;
        try {
            nobody = tmp.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
            Files.setOwner(squatted, nobody);
        } catch (IOException | UnsupportedOperationException e) {
            nobody = null;
        }
        assumeTrue(nobody != null && !nobody.equals(Files.getOwner(tmp)), "cannot give a folder to another user here (needs root and a user 'nobody')");
        Path home = Files.writeString(tmp.resolve("home"), "not a folder");
        assertThatThrownBy(() -> Firmware.defaultCacheRoot(null, home.toString(), tmp.toString(), "alice"))
                .hasMessageContaining("belongs to another user").hasMessageContaining(Firmware.CACHE_PROPERTY);
    }
}
