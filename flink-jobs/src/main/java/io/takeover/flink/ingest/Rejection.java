package io.takeover.flink.ingest;

/** Why an input record is refused: a dead-letter reason code and a message a person can act on. */
public record Rejection(String reason, String message) {}
