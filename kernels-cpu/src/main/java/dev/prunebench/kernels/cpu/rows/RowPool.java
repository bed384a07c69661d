package dev.prunebench.kernels.cpu.rows;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed pool that runs one task over a fixed number of chunks: chunk 0 on the calling thread, chunk i on worker
 * i (1 … chunks−1). Made for the timed {@code run()} of a kernel: {@link #runAll()} allocates nothing (workers are
 * woken with {@link LockSupport#unpark} and report back through one counter), so a thread count above one adds only
 * the wake-up latency (tens of microseconds), never garbage.
 *
 * <p>Invariants: the task and the chunk count are fixed at construction; {@link #runAll()} is called by one thread
 * at a time and returns only after every chunk has finished; a failure in a worker is rethrown by the caller.
 */
public final class RowPool implements AutoCloseable {
    private final IntConsumer task;
    private final Thread[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile int epoch;
    private volatile boolean closed;
    private volatile Thread caller;
    private volatile Throwable failure;

    /**
     * @param chunks number of chunks (≥ 1); chunks − 1 daemon worker threads are started
     * @param task   runs one chunk, given its number; must be safe to run concurrently for different chunks
     * @param name   thread name prefix (shows in thread dumps and profilers)
     */
    public RowPool(int chunks, IntConsumer task, String name) {
        if (chunks < 1) throw new IllegalArgumentException("threads: must be >= 1, got " + chunks);
        if (task == null) throw new IllegalArgumentException("task: must not be null");
        this.task = task;
        this.workers = new Thread[chunks - 1];
        for (int i = 0; i < workers.length; i++) {
            int chunk = i + 1;
            Thread t = new Thread(() -> work(chunk), name + "-" + chunk);
            t.setDaemon(true);
            workers[i] = t;
        }
        for (Thread t : workers) t.start();
    }

    public int chunks() { return workers.length + 1; }

    /** Runs every chunk once and waits for all of them. */
    public void runAll() {
        if (closed) throw new IllegalStateException("pool is closed");
        if (workers.length == 0) {
            task.accept(0);
            return;
        }
        caller = Thread.currentThread();
        pending.set(workers.length);
        epoch = epoch + 1; // only the caller writes epoch; the volatile write publishes pending and caller
        for (Thread t : workers) LockSupport.unpark(t);
        Throwable own = null;
        try {
            task.accept(0);
        } catch (Throwable t) {
            own = t;
        }
        while (pending.get() != 0) LockSupport.park(this);
        Throwable f = failure;
        if (own != null || f != null) {
            failure = null;
            Throwable first = own != null ? own : f;
            if (first instanceof RuntimeException re) throw re;
            if (first instanceof Error e) throw e;
            throw new IllegalStateException("kernel chunk failed", first);
        }
    }

    private void work(int chunk) {
        int seen = 0;
        while (true) {
            // park returns spuriously too: the loop re-checks the epoch
            while (epoch == seen && !closed) LockSupport.park(this);
            if (closed) return;
            seen = epoch;
            try {
                task.accept(chunk);
            } catch (Throwable t) {
                failure = t;
            }
            if (pending.decrementAndGet() == 0) LockSupport.unpark(caller);
        }
    }

    /** Stops the workers; idempotent. */
    @Override public void close() {
        if (closed) return;
        closed = true;
        for (Thread t : workers) LockSupport.unpark(t);
        for (Thread t : workers) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
