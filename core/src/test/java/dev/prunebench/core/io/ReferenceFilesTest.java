package dev.prunebench.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prunebench.core.format.Csr;
import dev.prunebench.core.format.Dense;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Files written by NumPy 2.4 ({@code np.save}) and SciPy 1.17 ({@code scipy.io.mmwrite}), kept as test resources, so
 * the readers are checked against the tools users write their files with, not only against our own writer.
 * The matrix: 3×5, a[i][j] = (5i + j)/2 − 2, zero where (i + j) % 3 == 0.
 */
class ReferenceFilesTest {

    static final float[] A = {
            0f, -1.5f, -1f, 0f, 0f,
            0.5f, 1f, 0f, 2f, 2.5f,
            3f, 0f, 4f, 4.5f, 0f};

    static Path resource(String name) throws URISyntaxException {
        return Path.of(ReferenceFilesTest.class.getResource(name).toURI());
    }

    @ParameterizedTest
    @ValueSource(strings = {"numpy_c_f4.npy", "numpy_fortran_be_f8.npy", "scipy_general.mtx", "scipy_array.mtx"})
    void readsTheReferenceMatrix(String name) throws Exception {
        LoadedMatrix m = MatrixFiles.read(resource(name), 0);
        assertThat(m.matrix().rows()).isEqualTo(3);
        assertThat(m.matrix().cols()).isEqualTo(5);
        assertThat(m.matrix().toDense()).containsExactly(A);
        assertThat(m.matrix()).isInstanceOf(name.endsWith(".npy") ? Dense.class : Csr.class);
        assertThat(m.note()).isNull();
    }

    @Test
    void patternKeepsThePositions() throws Exception {
        LoadedMatrix m = MatrixFiles.read(resource("scipy_pattern.mtx"), 3);
        float[] d = m.matrix().toDense();
        for (int i = 0; i < A.length; i++) assertThat(d[i] != 0f).as("position %d", i).isEqualTo(A[i] != 0f);
        assertThat(m.note()).contains("seed 3");
    }

    @Test
    void integerAndSymmetric() throws Exception {
        assertThat(MatrixFiles.read(resource("scipy_integer.mtx"), 0).matrix().toDense()).containsExactly(2, 0, -7, 0, 0, 0, 5, 1, 0);
        assertThat(MatrixFiles.read(resource("scipy_symmetric.mtx"), 0).matrix().toDense()).containsExactly(4, -1, 0, -1, 0, 2.5f, 0, 2.5f, 0);
    }
}
