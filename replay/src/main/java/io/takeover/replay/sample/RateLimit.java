package io.takeover.replay.sample;

import java.time.Duration;

/**
 * Sampling waits until the table holds {@code minSize} items and, when
 * {@code samplesPerInsert} > 0, while more than {@code samplesPerInsert} × inserted +
 * {@code errorBuffer} items would have been sampled; a wait longer than {@code maxWait} fails
 * with a message saying what the table is waiting for.
 */
public record RateLimit(long minSize, double samplesPerInsert, long errorBuffer, Duration maxWait) {

    public static final RateLimit NONE = new RateLimit(1, 0, 0, Duration.ofMinutes(5));
}
