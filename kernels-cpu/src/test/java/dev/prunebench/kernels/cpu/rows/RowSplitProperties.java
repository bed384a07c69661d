package dev.prunebench.kernels.cpu.rows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class RowSplitProperties {

    @Property(tries = 300)
    void balancedChunksCoverTheRowsInOrderAndShareTheWork(
            @ForAll @Size(min = 1, max = 60) int[] rawLengths, @ForAll @IntRange(min = 1, max = 9) int chunks) {
        int rows = rawLengths.length;
        int[] prefix = new int[rows + 1];
        int maxRow = 0;
        for (int r = 0; r < rows; r++) {
            int len = Math.floorMod(rawLengths[r], 50);
            prefix[r + 1] = prefix[r] + len;
            maxRow = Math.max(maxRow, len + 1);
        }
        int[] b = RowSplit.balanced(prefix, chunks);
        assertThat(b).hasSize(chunks + 1);
        assertThat(b[0]).isZero();
        assertThat(b[chunks]).isEqualTo(rows);
        long total = prefix[rows] + rows;
        for (int t = 0; t < chunks; t++) {
            assertThat(b[t + 1]).isGreaterThanOrEqualTo(b[t]);
            long work = prefix[b[t + 1]] - prefix[b[t]] + (b[t + 1] - b[t]);
            // each chunk is within one row of its fair share
            assertThat(work).isLessThanOrEqualTo(total / chunks + 1 + maxRow);
        }
    }

    @Property(tries = 100)
    void evenChunksDifferByAtMostOneRow(@ForAll @IntRange(min = 0, max = 5000) int rows, @ForAll @IntRange(min = 1, max = 9) int chunks) {
        int[] b = RowSplit.even(rows, chunks);
        assertThat(b[0]).isZero();
        assertThat(b[chunks]).isEqualTo(rows);
        for (int t = 0; t < chunks; t++) assertThat(b[t + 1] - b[t]).isBetween(rows / chunks, rows / chunks + 1);
    }

    @Test
    void skewedRowsAreSplitByWorkNotByCount() {
        // one heavy row of 10 000 entries, then 999 rows of 1: two chunks cut right after the heavy row
        int[] prefix = new int[1001];
        prefix[1] = 10_000;
        for (int r = 1; r < 1000; r++) prefix[r + 1] = prefix[r] + 1;
        int[] b = RowSplit.balanced(prefix, 2);
        assertThat(b[1]).isEqualTo(1);
    }

    @Test
    void zeroChunksIsRefused() {
        assertThatThrownBy(() -> RowSplit.balanced(new int[] {0, 1}, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threads");
        assertThatThrownBy(() -> RowSplit.even(5, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threads");
    }
}
