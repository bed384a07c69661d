package dev.prunebench.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import dev.prunebench.core.format.Matrices;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Feeds truncated and mutated copies of valid files to the readers: each read returns normally or throws
 * IOException / IllegalArgumentException; never an index error, a negative array size, an out-of-memory from a
 * huge count in a header, or a hang.
 */
class MatrixFilesFuzzTest {

    @TempDir static Path dir;

    static Stream<Arguments> seeds() throws IOException {
        Path tmp = Files.createTempDirectory("prunebench-fuzz-seed");
        float[] d = Matrices.random(7, 9, 0.6, 3);
        MatrixFiles.write(tmp.resolve("g.mtx"), Csr.fromDense(d, 7, 9));
        MatrixFiles.write(tmp.resolve("g.npy"), new Dense(7, 9, d));
        byte[] mtx = Files.readAllBytes(tmp.resolve("g.mtx")), npy = Files.readAllBytes(tmp.resolve("g.npy"));
        Files.delete(tmp.resolve("g.mtx"));
        Files.delete(tmp.resolve("g.npy"));
        Files.delete(tmp);
        double[] dd = new double[6 * 5];
        for (int i = 0; i < dd.length; i++) dd[i] = i % 3 == 0 ? 0 : i * 0.25 - 3;
        return Stream.of(
                Arguments.of("general.mtx", mtx),
                Arguments.of("symmetric.mtx", ascii("%%MatrixMarket matrix coordinate real symmetric\n% c\n4 4 4\n1 1 1.5\n2 1 -2\n4 3 3e-2\n4 4 7\n")),
                Arguments.of("pattern.mtx", ascii("%%MatrixMarket matrix coordinate pattern general\n3 5 4\n1 1\n1 5\n2 3\n3 2\n")),
                Arguments.of("array.mtx", ascii("%%MatrixMarket matrix array real general\n2 3\n1\n0\n-2.5\n4\n5e3\n6\n")),
                Arguments.of("c.npy", npy),
                Arguments.of("fortran-f8.npy", NpyBytes.build(2, ">f8", true, 6, 5, dd)),
                Arguments.of("v3.npy", NpyBytes.build(3, "<f4", false, 6, 5, dd)),
                Arguments.of("dlmc.smtx", ascii("4, 6, 7\n0 2 3 3 7\n0 5 2 0 1 4 5\n")));
    }

    static byte[] ascii(String s) { return s.getBytes(StandardCharsets.US_ASCII); }

    /** Bytes a mutation writes: mostly ones that keep a text file plausible, so the parser gets deep. */
    static final byte[] INTERESTING = ascii("0123456789 \n-.,%eE()'{}:L\t");

    @ParameterizedTest(name = "{0}")
    @MethodSource("seeds")
    void truncatedAndMutatedFilesFailCleanly(String name, byte[] valid) {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> { // a hang guard, generous for a busy machine
            Path p = dir.resolve(name);
            Files.write(p, valid);
            assertThat(MatrixFiles.read(p, 1)).as("the unmodified seed file must read").isNotNull();
            int cases = 0;
            // every truncation point (the files are small)
            for (int len = 0; len < valid.length; len++) {
                check(p, Arrays.copyOf(valid, len), "truncated to " + len);
                cases++;
            }
            Random rnd = new Random(name.hashCode());
            for (int i = 0; i < 500; i++) {
                byte[] m = mutate(valid, rnd);
                check(p, m, "mutation " + i);
                cases++;
            }
            assertThat(cases).isGreaterThan(500);
        });
    }

    static byte[] mutate(byte[] valid, Random rnd) {
        byte[] m = valid.clone();
        int edits = 1 + rnd.nextInt(3);
        for (int e = 0; e < edits; e++) {
            int at = rnd.nextInt(m.length);
            byte b = rnd.nextInt(3) == 0 ? (byte) rnd.nextInt(256) : INTERESTING[rnd.nextInt(INTERESTING.length)];
            switch (rnd.nextInt(4)) {
                case 0 -> m[at] = b;                       // replace
                case 1 -> m[at] ^= (byte) (1 << rnd.nextInt(8)); // flip a bit
                case 2 -> {                                // insert (digits here blow up counts in headers)
                    byte[] n = new byte[m.length + 1];
                    System.arraycopy(m, 0, n, 0, at);
                    n[at] = b;
                    System.arraycopy(m, at, n, at + 1, m.length - at);
                    m = n;
                }
                default -> {                               // delete
                    if (m.length > 1) {
                        byte[] n = new byte[m.length - 1];
                        System.arraycopy(m, 0, n, 0, at);
                        System.arraycopy(m, at + 1, n, at, m.length - at - 1);
                        m = n;
                    }
                }
            }
        }
        return m;
    }

    static void check(Path p, byte[] content, String what) throws IOException {
        Files.write(p, content);
        try {
            LoadedMatrix m = MatrixFiles.read(p, 1);
            // a file that still parses must give a matrix that passed the format's invariant checks
            assertThat(m.matrix().rows()).isPositive();
        } catch (IOException | IllegalArgumentException expected) {
            assertThat(expected.getMessage()).as("message of %s", what).isNotBlank();
        } catch (Throwable t) {
            fail(p.getFileName() + " " + what + ": " + t + "\ncontent: " + HexFormat.of().formatHex(content), t);
        }
    }
}
