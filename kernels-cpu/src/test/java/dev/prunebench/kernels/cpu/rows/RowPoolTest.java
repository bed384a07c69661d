package dev.prunebench.kernels.cpu.rows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class RowPoolTest {

    @Test
    void everyChunkRunsExactlyOncePerRound() {
        AtomicIntegerArray counts = new AtomicIntegerArray(3);
        try (RowPool pool = new RowPool(3, counts::incrementAndGet, "test")) {
            for (int round = 1; round <= 2000; round++) {
                pool.runAll();
                // runAll returns only after every chunk of this round finished
                for (int i = 0; i < 3; i++) assertThat(counts.get(i)).isEqualTo(round);
            }
        }
    }

    @Test
    void oneChunkRunsOnTheCaller() {
        Thread[] seen = new Thread[1];
        try (RowPool pool = new RowPool(1, i -> seen[0] = Thread.currentThread(), "test")) {
            pool.runAll();
        }
        assertThat(seen[0]).isSameAs(Thread.currentThread());
    }

    @Test
    void aFailingWorkerIsRethrownAndThePoolStaysUsable() {
        boolean[] fail = {true};
        try (RowPool pool = new RowPool(2, i -> {
            if (i == 1 && fail[0]) throw new IllegalStateException("chunk 1 broke");
        }, "test")) {
            assertThatThrownBy(pool::runAll).isInstanceOf(IllegalStateException.class).hasMessage("chunk 1 broke");
            fail[0] = false;
            pool.runAll();
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void closeStopsTheWorkersAndIsIdempotent() throws Exception {
        RowPool pool = new RowPool(3, i -> { }, "prunebench-pool-close-test");
        pool.runAll();
        pool.close();
        pool.close();
        assertThatThrownBy(pool::runAll).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        // the workers end after close: wait for that event (close's own join is bounded, and a busy machine can
        // outlast any fixed pause); a worker that never ends fails the test at its timeout
        for (Thread t : Thread.getAllStackTraces().keySet()) if (t.getName().startsWith("prunebench-pool-close-test")) t.join();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("prunebench-pool-close-test") && t.isAlive());
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> new RowPool(0, i -> { }, "x")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threads");
        assertThatThrownBy(() -> new RowPool(2, null, "x")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("task");
    }
}
