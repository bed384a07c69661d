package dev.prunebench.measure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IsolationTest {
    @Test void pinningEitherWorksOrSaysWhyNot() throws Exception {
        Isolation.Result[] r = new Isolation.Result[1];
        Thread t = new Thread(() -> r[0] = Isolation.pinCallingThread(-1)); // a thread of its own: the test runner's stays unpinned
        t.start();
        t.join();
        assertThat(r[0].describe()).isNotBlank();
        if (r[0].pinned()) assertThat(r[0].describe()).contains("pinned to CPU");
        else assertThat(r[0].describe()).startsWith("not pinned: ");
        assertThat(Isolation.pinCallingThread(1 << 20).pinned()).isFalse();
    }
}
