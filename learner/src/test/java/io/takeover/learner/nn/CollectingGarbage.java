package io.takeover.learner.nn;

/**
 * Runs the garbage collector every few milliseconds until closed, so that memory native code
 * still reads but Java no longer holds is reclaimed at once, not once in a long while: a test
 * that trains inside one fails every time on such a bug instead of on one machine in ten.
 */
public final class CollectingGarbage implements AutoCloseable {

    private final Thread thread = new Thread(CollectingGarbage::collect, "collecting-garbage");

    public CollectingGarbage() {
        thread.setDaemon(true);
        thread.start();
    }

    private static void collect() {
        while (!Thread.currentThread().isInterrupted()) {
            System.gc();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join();
    }
}
