package io.takeover.runtime;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a stack of running parts has started, stopped in reverse: the last started first. A
 * part that fails to stop is logged and the rest still stop. Closing twice does nothing.
 */
public final class StartedParts implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StartedParts.class);

    private final Deque<AutoCloseable> parts = new ArrayDeque<>();

    /** Remembers a part that has started; returns it. */
    public synchronized <T extends AutoCloseable> T track(T part) {
        parts.push(part);
        return part;
    }

    @Override
    public synchronized void close() {
        while (!parts.isEmpty()) {
            AutoCloseable part = parts.pop();
            try {
                part.close();
            } catch (Exception e) {
                LOG.warn("while stopping {}: {}", part.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
